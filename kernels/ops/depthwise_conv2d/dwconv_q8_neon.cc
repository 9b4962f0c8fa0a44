// Quantized depthwise microkernel, NEON (ARMv8.0): 8 channels at a time, the raw input widened to
// int16 and multiply-accumulated into int32 (SMLAL). Contract and numerics: dwconv_q8_ukernel.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_neon_shared.h"
#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace eb {

namespace {
constexpr size_t kCb = dwconv_q8_neon::kBlockChannels;

// n (<= 8) channels widened to int16 (uint8 fits); a partial block is copied first.
static inline int16x8_t load_channels(const uint8_t* x, size_t n, bool is_unsigned) {
  uint8x8_t b;
  if (n == kCb) {
    b = vld1_u8(x);
  } else {
    uint8_t tmp[8] = {};
    std::memcpy(tmp, x, n);
    b = vld1_u8(tmp);
  }
  return is_unsigned ? vreinterpretq_s16_u16(vmovl_u8(b)) : vmovl_s8(vreinterpret_s8_u8(b));
}
// 8 requantized output bytes from the two int32 accumulators of a block.
static inline uint8x8_t requantize8(int32x4_t lo, int32x4_t hi, float32x4_t s_lo, float32x4_t s_hi, float32x4_t vmin,
                                    float32x4_t vmax, int32x4_t vzp, bool out_unsigned) {
  float32x4_t v0 = vmulq_f32(vcvtq_f32_s32(lo), s_lo);
  float32x4_t v1 = vmulq_f32(vcvtq_f32_s32(hi), s_hi);
  v0 = vminq_f32(vmaxq_f32(v0, vmin), vmax);
  v1 = vminq_f32(vmaxq_f32(v1, vmin), vmax);
  const int32x4_t q0 = vaddq_s32(vcvtnq_s32_f32(v0), vzp);
  const int32x4_t q1 = vaddq_s32(vcvtnq_s32_f32(v1), vzp);
  const int16x8_t q16 = vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
  return out_unsigned ? vqmovun_s16(q16) : vreinterpret_u8_s8(vqmovn_s16(q16));
}

// 3x3 filters, pairs of full 8-channel blocks (16 channels), int8 -> int8 or uint8 -> uint8:
// block-outer, pixel-inner, the first block's 9 weight vectors held in registers (all 18 would
// spill). The pixel-outer loop below reloads the weights for every tap and widens behind a branch
// (llvm-mca: 30% of the A72's SMLAL rate); here a tap costs its offset, a select of the padding row,
// one 16-byte load, two widenings and four SMLALs, shared by 16 channels (bench/mca.sh, RESULTS.md).
// noinline (here and below): one call per microkernel call costs nothing, and bench/mca.sh finds the
// loop by the function's name.
template <bool kUnsigned>
[[gnu::noinline]] static void dwconv_q8_3x3_block_pairs(const Q8DwArgs* p, size_t pairs) {
  constexpr size_t kTaps = 9;
  const size_t block_bytes = dwconv_q8_neon::block_bytes(kTaps);
  const dwconv_q8_neon::ByteBounds q = dwconv_q8_neon::byte_bounds(p->rq);
  const size_t pixels = p->pixels, c_stride = p->c_stride;
  const uint8_t* block = static_cast<const uint8_t*>(p->w);
  for (size_t b = 0; b < pairs; ++b, block += 2 * block_bytes) {
    const dwconv_q8_neon::PackedBlock first = dwconv_q8_neon::packed_block(block);
    const dwconv_q8_neon::PackedBlock second = dwconv_q8_neon::packed_block(block + block_bytes);
    const int16_t *w = first.w, *v = second.w;
    const int16x8_t w0 = vld1q_s16(w), w1 = vld1q_s16(w + 8), w2 = vld1q_s16(w + 16);
    const int16x8_t w3 = vld1q_s16(w + 24), w4 = vld1q_s16(w + 32), w5 = vld1q_s16(w + 40);
    const int16x8_t w6 = vld1q_s16(w + 48), w7 = vld1q_s16(w + 56), w8 = vld1q_s16(w + 64);
    const dwconv_q8_neon::BlockIo io = dwconv_q8_neon::block_io(p, b * 2 * kCb);
    const uint8_t* in = io.in;
    const int64_t pad_delta = io.pad_delta;
    const int64_t* off = p->offsets;
    uint8_t* c = io.c;
    for (size_t px = 0; px < pixels; ++px, off += kTaps, c += c_stride) {
      // Bias and scale are reloaded per pixel (loads have room; registers do not).
      int32x4_t a0 = vld1q_s32(first.bias), a1 = vld1q_s32(first.bias + 4);
      int32x4_t a2 = vld1q_s32(second.bias), a3 = vld1q_s32(second.bias + 4);
#define EB_DW_TAP(T, WV, VV_LOAD)                                                                        \
  {                                                                                                      \
    const int16x8_t VV = VV_LOAD;                                                                        \
    const int64_t o = off[T];                                                                            \
    const uint8x16_t raw = vld1q_u8(in + (o < 0 ? pad_delta : o));                                       \
    const int16x8_t x0 = kUnsigned ? vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(raw)))                   \
                                   : vmovl_s8(vget_low_s8(vreinterpretq_s8_u8(raw)));                    \
    const int16x8_t x1 =                                                                                 \
        kUnsigned ? vreinterpretq_s16_u16(vmovl_high_u8(raw)) : vmovl_high_s8(vreinterpretq_s8_u8(raw)); \
    a0 = vmlal_s16(a0, vget_low_s16(x0), vget_low_s16(WV));                                              \
    a1 = vmlal_high_s16(a1, x0, WV);                                                                     \
    a2 = vmlal_s16(a2, vget_low_s16(x1), vget_low_s16(VV));                                              \
    a3 = vmlal_high_s16(a3, x1, VV);                                                                     \
  }
      EB_DW_TAP(0, w0, vld1q_s16(v + 0))
      EB_DW_TAP(1, w1, vld1q_s16(v + 8))
      EB_DW_TAP(2, w2, vld1q_s16(v + 16))
      EB_DW_TAP(3, w3, vld1q_s16(v + 24))
      EB_DW_TAP(4, w4, vld1q_s16(v + 32))
      EB_DW_TAP(5, w5, vld1q_s16(v + 40))
      EB_DW_TAP(6, w6, vld1q_s16(v + 48))
      EB_DW_TAP(7, w7, vld1q_s16(v + 56))
      EB_DW_TAP(8, w8, vld1q_s16(v + 64))
#undef EB_DW_TAP
      vst1q_u8(c, dwconv_q8_neon::requantize16<kUnsigned>(a0, a1, a2, a3, first.scale, second.scale, q));
    }
  }
}

// The int8 pairs of dwconv_q8_3x3_block_pairs on 8-bit multiplies (Q8DwArgs::pair_safe: int8 input,
// weights in [-127, 127]): both blocks' weights narrowed to one int8x16 per tap, all 9 in registers;
// taps summed two at a time in int16 (exact: |x * w| <= 16256) by SMULL/SMLAL .8b, then added to the
// int32 accumulators (SADDW). Per pixel and 16 channels: 18 multiplies and 20 adds where the 16-bit
// loop issues 36 SMLALs and 18 widenings; the multiplies share the A72's one multiply pipe (F0), the
// adds go to either pipe. Integer sums are exact: the same bytes as the 16-bit loop.
[[gnu::noinline]] static void dwconv_q8_3x3_block_pairs_int8(const Q8DwArgs* p, size_t pairs) {
  constexpr size_t kTaps = 9;
  const size_t block_bytes = dwconv_q8_neon::block_bytes(kTaps);
  const dwconv_q8_neon::ByteBounds q = dwconv_q8_neon::byte_bounds(p->rq);
  const size_t pixels = p->pixels, c_stride = p->c_stride;
  const uint8_t* block = static_cast<const uint8_t*>(p->w);
  for (size_t b = 0; b < pairs; ++b, block += 2 * block_bytes) {
    const dwconv_q8_neon::PackedBlock first = dwconv_q8_neon::packed_block(block);
    const dwconv_q8_neon::PackedBlock second = dwconv_q8_neon::packed_block(block + block_bytes);
    const int16_t *w = first.w, *v = second.w;
#define EB_W8(T) vcombine_s8(vmovn_s16(vld1q_s16(w + 8 * (T))), vmovn_s16(vld1q_s16(v + 8 * (T))))
    const int8x16_t w0 = EB_W8(0), w1 = EB_W8(1), w2 = EB_W8(2), w3 = EB_W8(3), w4 = EB_W8(4);
    const int8x16_t w5 = EB_W8(5), w6 = EB_W8(6), w7 = EB_W8(7), w8 = EB_W8(8);
#undef EB_W8
    const dwconv_q8_neon::BlockIo io = dwconv_q8_neon::block_io(p, b * 2 * kCb);
    const uint8_t* in = io.in;
    const int64_t pad_delta = io.pad_delta;
    const int64_t* off = p->offsets;
    uint8_t* c = io.c;
    for (size_t px = 0; px < pixels; ++px, off += kTaps, c += c_stride) {
      int32x4_t a0 = vld1q_s32(first.bias), a1 = vld1q_s32(first.bias + 4);
      int32x4_t a2 = vld1q_s32(second.bias), a3 = vld1q_s32(second.bias + 4);
#define EB_X(T) vreinterpretq_s8_u8(vld1q_u8(in + (off[T] < 0 ? pad_delta : off[T])))
#define EB_ADD(LO, HI)                              \
  {                                                 \
    const int16x8_t lo = LO, hi = HI;               \
    a0 = vaddw_s16(a0, vget_low_s16(lo));           \
    a1 = vaddw_high_s16(a1, lo);                    \
    a2 = vaddw_s16(a2, vget_low_s16(hi));           \
    a3 = vaddw_high_s16(a3, hi);                    \
  }
#define EB_PAIR(TA, WA, TB, WB)                                                                        \
  {                                                                                                    \
    const int8x16_t xa = EB_X(TA), xb = EB_X(TB);                                                      \
    EB_ADD(vmlal_s8(vmull_s8(vget_low_s8(xa), vget_low_s8(WA)), vget_low_s8(xb), vget_low_s8(WB)),     \
           vmlal_high_s8(vmull_high_s8(xa, WA), xb, WB))                                               \
  }
      EB_PAIR(0, w0, 1, w1)
      EB_PAIR(2, w2, 3, w3)
      EB_PAIR(4, w4, 5, w5)
      EB_PAIR(6, w6, 7, w7)
      {
        const int8x16_t x8 = EB_X(8);
        EB_ADD(vmull_s8(vget_low_s8(x8), vget_low_s8(w8)), vmull_high_s8(x8, w8))
      }
#undef EB_PAIR
#undef EB_ADD
#undef EB_X
      vst1q_u8(c, dwconv_q8_neon::requantize16<false>(a0, a1, a2, a3, first.scale, second.scale, q));
    }
  }
}

// Blocks [first_block, ...) of every pixel, one pixel at a time (any filter, any tail).
void blocks_from(const Q8DwArgs* p, size_t first_block) {
  const size_t blocks = (p->channels + kCb - 1) / kCb;
  const size_t block_bytes = dwconv_q8_neon::block_bytes(p->taps);
  const float32x4_t vmin = vdupq_n_f32(p->rq->min_less_zp);
  const float32x4_t vmax = vdupq_n_f32(p->rq->max_less_zp);
  const int32x4_t vzp = vdupq_n_s32(p->rq->zero_point);
  const bool out_unsigned = p->rq->out_unsigned != 0;
  const bool is_unsigned = p->in_unsigned != 0;
  const int64_t* offsets = p->offsets;
  uint8_t* c = p->c;
  for (size_t px = 0; px < p->pixels; ++px, offsets += p->taps, c += p->c_stride) {
    const uint8_t* block = static_cast<const uint8_t*>(p->w) + first_block * block_bytes;
    for (size_t b = first_block; b < blocks; ++b, block += block_bytes) {
      const dwconv_q8_neon::PackedBlock pb = dwconv_q8_neon::packed_block(block);
      const int16_t* w = pb.w;
      int32x4_t lo = vld1q_s32(pb.bias), hi = vld1q_s32(pb.bias + 4);
      const size_t off = b * kCb;
      const size_t n = p->channels - off < kCb ? p->channels - off : kCb;
      for (size_t t = 0; t < p->taps; ++t, w += kCb) {
        const uint8_t* row = offsets[t] < 0 ? p->pad : p->input + offsets[t];
        const int16x8_t x = load_channels(row + off, n, is_unsigned);
        const int16x8_t wv = vld1q_s16(w);
        lo = vmlal_s16(lo, vget_low_s16(x), vget_low_s16(wv));
        hi = vmlal_high_s16(hi, x, wv);
      }
      const uint8x8_t q8 = requantize8(lo, hi, vld1q_f32(pb.scale), vld1q_f32(pb.scale + 4), vmin, vmax, vzp, out_unsigned);
      if (n == kCb) {
        vst1_u8(c + off, q8);
      } else {
        uint8_t tmp[8];
        vst1_u8(tmp, q8);
        std::memcpy(c + off, tmp, n);
      }
    }
  }
}

// Pixel by pixel: 3x3 filters take 16-channel pairs with weights in registers, the rest blocks_from.
void per_pixel(const Q8DwArgs* p) {
  const size_t blocks = (p->channels + kCb - 1) / kCb;
  size_t first_block = 0;  // blocks before it are done
  // Depthwise ops keep the input's type (int8 -> int8, uint8 -> uint8); a mix takes the general loop.
  if (p->taps == 9 && (p->in_unsigned != 0) == (p->rq->out_unsigned != 0)) {
    const size_t pairs = p->channels / (2 * kCb);
    if (p->pair_safe)
      dwconv_q8_3x3_block_pairs_int8(p, pairs);
    else if (p->in_unsigned)
      dwconv_q8_3x3_block_pairs<true>(p, pairs);
    else
      dwconv_q8_3x3_block_pairs<false>(p, pairs);
    first_block = 2 * pairs;
    if (first_block == blocks) return;
  }
  blocks_from(p, first_block);
}

}  // namespace

void dwconv_q8_8c_neon(const Q8DwArgs* p) {
  // 3x3 at stride 1 within one output row: 4 pixels per step over the full 8-channel blocks
  // (dwconv_q8_s1_neon.cc), then the channel tail of those pixels and the pixels left, pixel by pixel.
  if (p->tap_shift == 1 && p->filter_w == 3 && p->taps == 9 && p->channels >= kCb &&
      (p->in_unsigned != 0) == (p->rq->out_unsigned != 0)) {
    const size_t done = dwconv_q8_3x3s1_steps_neon(p);
    const size_t full = p->channels / kCb;
    if (done != 0 && full * kCb != p->channels) {
      Q8DwArgs head = *p;
      head.pixels = done;
      blocks_from(&head, full);
    }
    if (done == p->pixels) return;
    Q8DwArgs rest = *p;
    rest.pixels -= done;
    rest.offsets += done * p->taps;
    rest.c += done * p->c_stride;
    per_pixel(&rest);
    return;
  }
  per_pixel(p);
}

}  // namespace eb

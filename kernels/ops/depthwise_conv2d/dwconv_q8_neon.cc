// Quantized depthwise microkernel, NEON (ARMv8.0): 8 channels at a time, the raw input widened to
// int16 and multiply-accumulated into int32 (SMLAL). Contract and numerics: dwconv_q8_ukernel.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace eb {

namespace {
constexpr size_t kCb = 8;

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

// 16 requantized bytes, the activation clamp done on the bytes: round-to-nearest-even, the saturating
// adds and narrowings are monotonic and leave integers in range unchanged, and the clamp bounds are
// integers inside the output type, so clamp(round(v) + zp) == round(clamp(v - zp)) + zp, the
// reference's order, bit for bit; it saves 8 of the 128-bit float min/max per 16 outputs.
template <bool kUnsigned>
static inline uint8x16_t requantize16(int32x4_t a0, int32x4_t a1, int32x4_t a2, int32x4_t a3, const float* s0,
                                      const float* s1, int32x4_t vzp, uint8x16_t qmin, uint8x16_t qmax) {
  const int32x4_t q0 = vqaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(a0), vld1q_f32(s0))), vzp);
  const int32x4_t q1 = vqaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(a1), vld1q_f32(s0 + 4))), vzp);
  const int32x4_t q2 = vqaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(a2), vld1q_f32(s1))), vzp);
  const int32x4_t q3 = vqaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(a3), vld1q_f32(s1 + 4))), vzp);
  const int16x8_t lo = vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
  const int16x8_t hi = vcombine_s16(vqmovn_s32(q2), vqmovn_s32(q3));
  if (kUnsigned) return vminq_u8(vmaxq_u8(vcombine_u8(vqmovun_s16(lo), vqmovun_s16(hi)), qmin), qmax);
  const int8x16_t b = vcombine_s8(vqmovn_s16(lo), vqmovn_s16(hi));
  return vreinterpretq_u8_s8(vminq_s8(vmaxq_s8(b, vreinterpretq_s8_u8(qmin)), vreinterpretq_s8_u8(qmax)));
}

// 3x3 filters, pairs of full 8-channel blocks (16 channels), int8 -> int8 or uint8 -> uint8:
// block-outer, pixel-inner, the first block's 9 weight vectors held in registers (all 18 would
// spill). The pixel-outer loop below reloads the weights for every tap and widens behind a branch
// (llvm-mca: 30% of the A72's SMLAL rate); here a tap costs its offset, a select of the padding row,
// one 16-byte load, two widenings and four SMLALs, shared by 16 channels (bench/mca.sh, RESULTS.md).
template <bool kUnsigned>
static void dwconv_q8_3x3_block_pairs(const Q8DwArgs* p, size_t pairs) {
  constexpr size_t kTaps = 9;
  const size_t block_bytes = kCb * 8 + kTaps * kCb * 2;
  const int32x4_t vzp = vdupq_n_s32(p->rq->zero_point);
  // The activation bounds as output bytes (min_less_zp + zp is the integer act_min).
  const int32_t act_min = static_cast<int32_t>(p->rq->min_less_zp) + p->rq->zero_point;
  const int32_t act_max = static_cast<int32_t>(p->rq->max_less_zp) + p->rq->zero_point;
  const uint8x16_t qmin = vdupq_n_u8(static_cast<uint8_t>(act_min));
  const uint8x16_t qmax = vdupq_n_u8(static_cast<uint8_t>(act_max));
  const size_t pixels = p->pixels, c_stride = p->c_stride;
  const uint8_t* block = static_cast<const uint8_t*>(p->w);
  for (size_t b = 0; b < pairs; ++b, block += 2 * block_bytes) {
    const uint8_t* block1 = block + block_bytes;
    const int16_t* w = reinterpret_cast<const int16_t*>(block + kCb * 8);
    const int16_t* v = reinterpret_cast<const int16_t*>(block1 + kCb * 8);
    const int16x8_t w0 = vld1q_s16(w), w1 = vld1q_s16(w + 8), w2 = vld1q_s16(w + 16);
    const int16x8_t w3 = vld1q_s16(w + 24), w4 = vld1q_s16(w + 32), w5 = vld1q_s16(w + 40);
    const int16x8_t w6 = vld1q_s16(w + 48), w7 = vld1q_s16(w + 56), w8 = vld1q_s16(w + 64);
    const uint8_t* in = p->input + b * 2 * kCb;
    // A padding tap reads `pad` instead: in + pad_delta, so the select is one csel on the offset.
    const int64_t pad_delta = (p->pad + b * 2 * kCb) - in;
    const int64_t* off = p->offsets;
    uint8_t* c = p->c + b * 2 * kCb;
    for (size_t px = 0; px < pixels; ++px, off += kTaps, c += c_stride) {
      // Bias and scale are reloaded per pixel (loads have room; registers do not).
      int32x4_t a0 = vld1q_s32(reinterpret_cast<const int32_t*>(block));
      int32x4_t a1 = vld1q_s32(reinterpret_cast<const int32_t*>(block) + 4);
      int32x4_t a2 = vld1q_s32(reinterpret_cast<const int32_t*>(block1));
      int32x4_t a3 = vld1q_s32(reinterpret_cast<const int32_t*>(block1) + 4);
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
      const float* s0 = reinterpret_cast<const float*>(block + kCb * 4);
      const float* s1 = reinterpret_cast<const float*>(block1 + kCb * 4);
      vst1q_u8(c, requantize16<kUnsigned>(a0, a1, a2, a3, s0, s1, vzp, qmin, qmax));
    }
  }
}

// Blocks [first_block, ...) of every pixel, one pixel at a time (any filter, any tail).
void blocks_from(const Q8DwArgs* p, size_t first_block) {
  const size_t blocks = (p->channels + kCb - 1) / kCb;
  const size_t block_bytes = kCb * 8 + p->taps * kCb * 2;
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
      const int32_t* bias = reinterpret_cast<const int32_t*>(block);
      const float* scale = reinterpret_cast<const float*>(block + kCb * 4);
      const int16_t* w = reinterpret_cast<const int16_t*>(block + kCb * 8);
      int32x4_t lo = vld1q_s32(bias), hi = vld1q_s32(bias + 4);
      const size_t off = b * kCb;
      const size_t n = p->channels - off < kCb ? p->channels - off : kCb;
      for (size_t t = 0; t < p->taps; ++t, w += kCb) {
        const uint8_t* row = offsets[t] < 0 ? p->pad : p->input + offsets[t];
        const int16x8_t x = load_channels(row + off, n, is_unsigned);
        const int16x8_t wv = vld1q_s16(w);
        lo = vmlal_s16(lo, vget_low_s16(x), vget_low_s16(wv));
        hi = vmlal_high_s16(hi, x, wv);
      }
      const uint8x8_t q8 = requantize8(lo, hi, vld1q_f32(scale), vld1q_f32(scale + 4), vmin, vmax, vzp, out_unsigned);
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
    if (p->in_unsigned)
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

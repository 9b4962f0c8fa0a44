// The int8 / uint8 3x3 depthwise steps for NEON at horizontal stride 1 (Q8DwArgs::tap_shift == 1): 4
// pixels of one output row x 8 channels per step. Pixel px + 1's tap (ky, kx) is pixel px's tap (ky,
// kx + 1), so each filter row needs 6 input loads and widenings for 4 pixels instead of 12, and the 3
// weight vectors of the row serve all 4 (24 SMLAL / SMLAL2 per row). Sums and requantization are those
// of dwconv_q8_neon.cc (bias, then taps in order; XNNPACK's fp32 requantization with the clamp on the
// output bytes, dwconv_q8_neon_shared.h): bit-identical. Accumulators start from bias loads at distinct
// addresses the compiler cannot prove equal (copies would cost a vector MOV each). Named registers,
// written out: GCC -O2 keeps arrays indexed in loops on the stack.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_neon_shared.h"
#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace eb {
namespace {

constexpr size_t kCb = dwconv_q8_neon::kBlockChannels, kTaps = 9, kPx = 4;

template <bool kUnsigned>
inline int16x8_t widen(const uint8_t* p) {
  const uint8x8_t b = vld1_u8(p);
  return kUnsigned ? vreinterpretq_s16_u16(vmovl_u8(b)) : vmovl_s8(vreinterpret_s8_u8(b));
}

#define EB_Q8_MLA4(WV, X0, X1, X2, X3)                                  \
  {                                                                   \
    const int16x8_t wv = WV;                                          \
    l0 = vmlal_s16(l0, vget_low_s16(X0), vget_low_s16(wv));           \
    h0 = vmlal_high_s16(h0, X0, wv);                                  \
    l1 = vmlal_s16(l1, vget_low_s16(X1), vget_low_s16(wv));           \
    h1 = vmlal_high_s16(h1, X1, wv);                                  \
    l2 = vmlal_s16(l2, vget_low_s16(X2), vget_low_s16(wv));           \
    h2 = vmlal_high_s16(h2, X2, wv);                                  \
    l3 = vmlal_s16(l3, vget_low_s16(X3), vget_low_s16(wv));           \
    h3 = vmlal_high_s16(h3, X3, wv);                                  \
  }
#define EB_Q8_AT(T) (in + (off[T] < 0 ? pad_delta : off[T]))

template <bool kUnsigned>
size_t steps(const Q8DwArgs* p) {
  const size_t blocks = p->channels / kCb, steps = p->pixels / kPx;
  const size_t block_bytes = dwconv_q8_neon::block_bytes(kTaps);
  const dwconv_q8_neon::ByteBounds q = dwconv_q8_neon::byte_bounds(p->rq);
  const uint8_t* block = static_cast<const uint8_t*>(p->w);
  for (size_t b = 0; b < blocks; ++b, block += block_bytes) {
    const dwconv_q8_neon::PackedBlock pb = dwconv_q8_neon::packed_block(block);
    const int32_t *b0 = pb.bias, *b1 = pb.bias, *b2 = pb.bias, *b3 = pb.bias;
    asm("" : "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3));
    const float* scale = pb.scale;
    const int16_t* w = pb.w;
    const dwconv_q8_neon::BlockIo io = dwconv_q8_neon::block_io(p, b * kCb);
    const uint8_t* in = io.in;
    const int64_t pad_delta = io.pad_delta;
    const int64_t* off = p->offsets;
    uint8_t* c = io.c;
    for (size_t s = 0; s < steps; ++s, off += kPx * kTaps, c += kPx * p->c_stride) {
      int32x4_t l0 = vld1q_s32(b0), h0 = vld1q_s32(b0 + 4), l1 = vld1q_s32(b1), h1 = vld1q_s32(b1 + 4);
      int32x4_t l2 = vld1q_s32(b2), h2 = vld1q_s32(b2 + 4), l3 = vld1q_s32(b3), h3 = vld1q_s32(b3 + 4);
      {
        const int16x8_t x0 = widen<kUnsigned>(EB_Q8_AT(0)), x1 = widen<kUnsigned>(EB_Q8_AT(1)), x2 = widen<kUnsigned>(EB_Q8_AT(2));
        const int16x8_t x3 = widen<kUnsigned>(EB_Q8_AT(11)), x4 = widen<kUnsigned>(EB_Q8_AT(20)), x5 = widen<kUnsigned>(EB_Q8_AT(29));
        EB_Q8_MLA4(vld1q_s16(w + 0), x0, x1, x2, x3)
        EB_Q8_MLA4(vld1q_s16(w + 8), x1, x2, x3, x4)
        EB_Q8_MLA4(vld1q_s16(w + 16), x2, x3, x4, x5)
      }
      {
        const int16x8_t x0 = widen<kUnsigned>(EB_Q8_AT(3)), x1 = widen<kUnsigned>(EB_Q8_AT(4)), x2 = widen<kUnsigned>(EB_Q8_AT(5));
        const int16x8_t x3 = widen<kUnsigned>(EB_Q8_AT(14)), x4 = widen<kUnsigned>(EB_Q8_AT(23)), x5 = widen<kUnsigned>(EB_Q8_AT(32));
        EB_Q8_MLA4(vld1q_s16(w + 24), x0, x1, x2, x3)
        EB_Q8_MLA4(vld1q_s16(w + 32), x1, x2, x3, x4)
        EB_Q8_MLA4(vld1q_s16(w + 40), x2, x3, x4, x5)
      }
      {
        const int16x8_t x0 = widen<kUnsigned>(EB_Q8_AT(6)), x1 = widen<kUnsigned>(EB_Q8_AT(7)), x2 = widen<kUnsigned>(EB_Q8_AT(8));
        const int16x8_t x3 = widen<kUnsigned>(EB_Q8_AT(17)), x4 = widen<kUnsigned>(EB_Q8_AT(26)), x5 = widen<kUnsigned>(EB_Q8_AT(35));
        EB_Q8_MLA4(vld1q_s16(w + 48), x0, x1, x2, x3)
        EB_Q8_MLA4(vld1q_s16(w + 56), x1, x2, x3, x4)
        EB_Q8_MLA4(vld1q_s16(w + 64), x2, x3, x4, x5)
      }
      const float32x4_t s_lo = vld1q_f32(scale), s_hi = vld1q_f32(scale + 4);
      vst1_u8(c, dwconv_q8_neon::requantize8<kUnsigned>(l0, h0, s_lo, s_hi, q));
      vst1_u8(c + p->c_stride, dwconv_q8_neon::requantize8<kUnsigned>(l1, h1, s_lo, s_hi, q));
      vst1_u8(c + 2 * p->c_stride, dwconv_q8_neon::requantize8<kUnsigned>(l2, h2, s_lo, s_hi, q));
      vst1_u8(c + 3 * p->c_stride, dwconv_q8_neon::requantize8<kUnsigned>(l3, h3, s_lo, s_hi, q));
    }
  }
  return steps * kPx;
}
#undef EB_Q8_MLA4

// The int8 steps on 8-bit multiplies (Q8DwArgs::pair_safe): SMULL/SMLAL .8b give 8 products per
// instruction where SMLAL .4h gives 4, on the same single multiply pipe of the A72 (F0), and need no
// widening of the input; two products are summed in int16 (exact: |x * w| <= 16256) and that sum
// added to the int32 accumulators by SADDW / SADDW2, which issue on either pipe. Each pixel's 9 taps
// make 5 int16 sums: (0,1) (2,3) (4,5) (6,7) (8), the pair (2,3) spanning filter rows 0 and 1 (q0..q3
// carry tap 2's product into row 1): 9 multiplies and 10 adds per 8 outputs instead of 18 SMLALs and
// the widenings. The 9 weight vectors, narrowed once per block, stay in registers across the steps.
// Integer sums are exact: bit-identical to steps<false>.
#define EB_PAIR(W0, X0, W1, X1) vmlal_s8(vmull_s8(X0, W0), X1, W1)
#define EB_ADD16(L, H, P) \
  {                       \
    const int16x8_t pp = P;                    \
    L = vaddw_s16(L, vget_low_s16(pp));        \
    H = vaddw_high_s16(H, pp);                 \
  }
#define EB_LOAD6(T0, T1, T2, T3, T4, T5)                                                                     \
  const int8x8_t x0 = vld1_s8(reinterpret_cast<const int8_t*>(EB_Q8_AT(T0)));                              \
  const int8x8_t x1 = vld1_s8(reinterpret_cast<const int8_t*>(EB_Q8_AT(T1)));                              \
  const int8x8_t x2 = vld1_s8(reinterpret_cast<const int8_t*>(EB_Q8_AT(T2)));                              \
  const int8x8_t x3 = vld1_s8(reinterpret_cast<const int8_t*>(EB_Q8_AT(T3)));                              \
  const int8x8_t x4 = vld1_s8(reinterpret_cast<const int8_t*>(EB_Q8_AT(T4)));                              \
  const int8x8_t x5 = vld1_s8(reinterpret_cast<const int8_t*>(EB_Q8_AT(T5)));

size_t steps_int8(const Q8DwArgs* p) {
  const size_t blocks = p->channels / kCb, steps = p->pixels / kPx;
  const size_t block_bytes = dwconv_q8_neon::block_bytes(kTaps);
  const dwconv_q8_neon::ByteBounds q = dwconv_q8_neon::byte_bounds(p->rq);
  const uint8_t* block = static_cast<const uint8_t*>(p->w);
  for (size_t b = 0; b < blocks; ++b, block += block_bytes) {
    const dwconv_q8_neon::PackedBlock pb = dwconv_q8_neon::packed_block(block);
    const int32_t *b0 = pb.bias, *b1 = pb.bias, *b2 = pb.bias, *b3 = pb.bias;
    asm("" : "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3));
    const float* scale = pb.scale;
    const int16_t* wp = pb.w;
    // int16 weights in [-127, 127] (pair_safe), narrowed exactly.
    const int8x8_t w0 = vmovn_s16(vld1q_s16(wp)), w1 = vmovn_s16(vld1q_s16(wp + 8));
    const int8x8_t w2 = vmovn_s16(vld1q_s16(wp + 16)), w3 = vmovn_s16(vld1q_s16(wp + 24));
    const int8x8_t w4 = vmovn_s16(vld1q_s16(wp + 32)), w5 = vmovn_s16(vld1q_s16(wp + 40));
    const int8x8_t w6 = vmovn_s16(vld1q_s16(wp + 48)), w7 = vmovn_s16(vld1q_s16(wp + 56));
    const int8x8_t w8 = vmovn_s16(vld1q_s16(wp + 64));
    const dwconv_q8_neon::BlockIo io = dwconv_q8_neon::block_io(p, b * kCb);
    const uint8_t* in = io.in;
    const int64_t pad_delta = io.pad_delta;
    const int64_t* off = p->offsets;
    uint8_t* c = io.c;
    for (size_t s = 0; s < steps; ++s, off += kPx * kTaps, c += kPx * p->c_stride) {
      int32x4_t l0 = vld1q_s32(b0), h0 = vld1q_s32(b0 + 4), l1 = vld1q_s32(b1), h1 = vld1q_s32(b1 + 4);
      int32x4_t l2 = vld1q_s32(b2), h2 = vld1q_s32(b2 + 4), l3 = vld1q_s32(b3), h3 = vld1q_s32(b3 + 4);
      int16x8_t q0, q1, q2, q3;  // tap 2's product of each pixel, completed by tap 3 in filter row 1
      {
        EB_LOAD6(0, 1, 2, 11, 20, 29)
        EB_ADD16(l0, h0, EB_PAIR(w0, x0, w1, x1))
        EB_ADD16(l1, h1, EB_PAIR(w0, x1, w1, x2))
        EB_ADD16(l2, h2, EB_PAIR(w0, x2, w1, x3))
        EB_ADD16(l3, h3, EB_PAIR(w0, x3, w1, x4))
        q0 = vmull_s8(x2, w2), q1 = vmull_s8(x3, w2), q2 = vmull_s8(x4, w2), q3 = vmull_s8(x5, w2);
      }
      {
        EB_LOAD6(3, 4, 5, 14, 23, 32)
        EB_ADD16(l0, h0, vmlal_s8(q0, x0, w3))
        EB_ADD16(l1, h1, vmlal_s8(q1, x1, w3))
        EB_ADD16(l2, h2, vmlal_s8(q2, x2, w3))
        EB_ADD16(l3, h3, vmlal_s8(q3, x3, w3))
        EB_ADD16(l0, h0, EB_PAIR(w4, x1, w5, x2))
        EB_ADD16(l1, h1, EB_PAIR(w4, x2, w5, x3))
        EB_ADD16(l2, h2, EB_PAIR(w4, x3, w5, x4))
        EB_ADD16(l3, h3, EB_PAIR(w4, x4, w5, x5))
      }
      {
        EB_LOAD6(6, 7, 8, 17, 26, 35)
        EB_ADD16(l0, h0, EB_PAIR(w6, x0, w7, x1))
        EB_ADD16(l1, h1, EB_PAIR(w6, x1, w7, x2))
        EB_ADD16(l2, h2, EB_PAIR(w6, x2, w7, x3))
        EB_ADD16(l3, h3, EB_PAIR(w6, x3, w7, x4))
        EB_ADD16(l0, h0, vmull_s8(x2, w8))
        EB_ADD16(l1, h1, vmull_s8(x3, w8))
        EB_ADD16(l2, h2, vmull_s8(x4, w8))
        EB_ADD16(l3, h3, vmull_s8(x5, w8))
      }
      const float32x4_t s_lo = vld1q_f32(scale), s_hi = vld1q_f32(scale + 4);
      vst1_u8(c, dwconv_q8_neon::requantize8<false>(l0, h0, s_lo, s_hi, q));
      vst1_u8(c + p->c_stride, dwconv_q8_neon::requantize8<false>(l1, h1, s_lo, s_hi, q));
      vst1_u8(c + 2 * p->c_stride, dwconv_q8_neon::requantize8<false>(l2, h2, s_lo, s_hi, q));
      vst1_u8(c + 3 * p->c_stride, dwconv_q8_neon::requantize8<false>(l3, h3, s_lo, s_hi, q));
    }
  }
  return steps * kPx;
}
#undef EB_PAIR
#undef EB_ADD16
#undef EB_LOAD6
#undef EB_Q8_AT

}  // namespace

size_t dwconv_q8_3x3s1_steps_int8_neon(const Q8DwArgs* p) { return steps_int8(p); }

size_t dwconv_q8_3x3s1_steps_neon(const Q8DwArgs* p) {
  if (p->in_unsigned) return steps<true>(p);
  return p->pair_safe ? steps_int8(p) : steps<false>(p);
}

}  // namespace eb

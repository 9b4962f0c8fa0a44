// The int8 / uint8 3x3 depthwise steps for NEON at horizontal stride 1 (Q8DwArgs::tap_shift == 1): 4
// pixels of one output row x 8 channels per step. Pixel px + 1's tap (ky, kx) is pixel px's tap (ky,
// kx + 1), so each filter row needs 6 input loads and widenings for 4 pixels instead of 12, and the 3
// weight vectors of the row serve all 4 (24 SMLAL / SMLAL2 per row). Sums and requantization are those
// of dwconv_q8_neon.cc (bias, then taps in order; XNNPACK's fp32 requantization with the clamp on the
// output bytes, see requantize16 there): bit-identical. Accumulators start from bias loads at distinct
// addresses the compiler cannot prove equal (copies would cost a vector MOV each). Named registers,
// written out: GCC -O2 keeps arrays indexed in loops on the stack.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace eb {
namespace {

constexpr size_t kCb = 8, kTaps = 9, kPx = 4;

template <bool kUnsigned>
inline int16x8_t widen(const uint8_t* p) {
  const uint8x8_t b = vld1_u8(p);
  return kUnsigned ? vreinterpretq_s16_u16(vmovl_u8(b)) : vmovl_s8(vreinterpret_s8_u8(b));
}

template <bool kUnsigned>
inline uint8x8_t requantize8(int32x4_t lo, int32x4_t hi, float32x4_t s_lo, float32x4_t s_hi, int32x4_t vzp,
                             uint8x8_t qmin, uint8x8_t qmax) {
  const int32x4_t q0 = vqaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(lo), s_lo)), vzp);
  const int32x4_t q1 = vqaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(hi), s_hi)), vzp);
  const int16x8_t q16 = vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
  if (kUnsigned) return vmin_u8(vmax_u8(vqmovun_s16(q16), qmin), qmax);
  const int8x8_t b = vqmovn_s16(q16);
  return vreinterpret_u8_s8(vmin_s8(vmax_s8(b, vreinterpret_s8_u8(qmin)), vreinterpret_s8_u8(qmax)));
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
  const size_t block_bytes = kCb * 8 + kTaps * kCb * 2;
  const int32x4_t vzp = vdupq_n_s32(p->rq->zero_point);
  const int32_t act_min = static_cast<int32_t>(p->rq->min_less_zp) + p->rq->zero_point;
  const int32_t act_max = static_cast<int32_t>(p->rq->max_less_zp) + p->rq->zero_point;
  const uint8x8_t qmin = vdup_n_u8(static_cast<uint8_t>(act_min));
  const uint8x8_t qmax = vdup_n_u8(static_cast<uint8_t>(act_max));
  const uint8_t* block = static_cast<const uint8_t*>(p->w);
  for (size_t b = 0; b < blocks; ++b, block += block_bytes) {
    const int32_t* bias = reinterpret_cast<const int32_t*>(block);
    const int32_t *b0 = bias, *b1 = bias, *b2 = bias, *b3 = bias;
    asm("" : "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3));
    const float* scale = reinterpret_cast<const float*>(block + kCb * 4);
    const int16_t* w = reinterpret_cast<const int16_t*>(block + kCb * 8);
    const uint8_t* in = p->input + b * kCb;
    const int64_t pad_delta = (p->pad + b * kCb) - in;  // a padding tap reads `pad` instead
    const int64_t* off = p->offsets;
    uint8_t* c = p->c + b * kCb;
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
      vst1_u8(c, requantize8<kUnsigned>(l0, h0, s_lo, s_hi, vzp, qmin, qmax));
      vst1_u8(c + p->c_stride, requantize8<kUnsigned>(l1, h1, s_lo, s_hi, vzp, qmin, qmax));
      vst1_u8(c + 2 * p->c_stride, requantize8<kUnsigned>(l2, h2, s_lo, s_hi, vzp, qmin, qmax));
      vst1_u8(c + 3 * p->c_stride, requantize8<kUnsigned>(l3, h3, s_lo, s_hi, vzp, qmin, qmax));
    }
  }
  return steps * kPx;
}
#undef EB_Q8_MLA4
#undef EB_Q8_AT

}  // namespace

size_t dwconv_q8_3x3s1_steps_neon(const Q8DwArgs* p) {
  return p->in_unsigned ? steps<true>(p) : steps<false>(p);
}

}  // namespace eb

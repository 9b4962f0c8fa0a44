// Quantized ADD / SUB microkernels for aarch64 ASIMD (contract: vadd_q8_ukernels.h): 16 elements per
// step, both operands widened to int32 and multiplied-accumulated onto the bias (MLA by scalar), an
// arithmetic shift right (SSHL by -shift), then saturating narrowings and the clamp on bytes (the bounds
// lie inside the type, so clamping after the saturating narrowing is the same).
#include <arm_neon.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/vadd_q8_ukernels.h"

namespace eb {
namespace {

// 16 bytes -> 4 quads of int32.
inline void widen16(int8x16_t v, int32x4_t q[4]) {
  const int16x8_t lo = vmovl_s8(vget_low_s8(v)), hi = vmovl_high_s8(v);
  q[0] = vmovl_s16(vget_low_s16(lo)), q[1] = vmovl_high_s16(lo), q[2] = vmovl_s16(vget_low_s16(hi)),
  q[3] = vmovl_high_s16(hi);
}
inline void widen16(uint8x16_t v, int32x4_t q[4]) {
  const int16x8_t lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(v)));
  const int16x8_t hi = vreinterpretq_s16_u16(vmovl_high_u8(v));
  q[0] = vmovl_s16(vget_low_s16(lo)), q[1] = vmovl_high_s16(lo), q[2] = vmovl_s16(vget_low_s16(hi)),
  q[3] = vmovl_high_s16(hi);
}
inline int8x16_t load16(const int8_t* p) { return vld1q_s8(p); }
inline uint8x16_t load16(const uint8_t* p) { return vld1q_u8(p); }

template <typename T>
void vadd(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VAddQ8Params* p) {
  constexpr bool kUnsigned = sizeof(T) == 1 && static_cast<T>(-1) > 0;
  const int32x4_t zp = vdupq_n_s32(p->out_zp), shift = vdupq_n_s32(-static_cast<int32_t>(p->shift));
  // A broadcast operand's product is one constant, folded into the bias.
  int32_t bias = p->bias;
  if (!a_inc) bias += static_cast<int32_t>(a[0]) * p->a_multiplier;
  if (!b_inc) bias += static_cast<int32_t>(b[0]) * p->b_multiplier;
  const int32x4_t vbias = vdupq_n_s32(bias);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    int32x4_t acc[4] = {vbias, vbias, vbias, vbias}, x[4];
    if (a_inc) {
      widen16(load16(a + i), x);
      for (int k = 0; k < 4; ++k) acc[k] = vmlaq_n_s32(acc[k], x[k], p->a_multiplier);
    }
    if (b_inc) {
      widen16(load16(b + i), x);
      for (int k = 0; k < 4; ++k) acc[k] = vmlaq_n_s32(acc[k], x[k], p->b_multiplier);
    }
    for (int k = 0; k < 4; ++k) acc[k] = vaddq_s32(vshlq_s32(acc[k], shift), zp);
    const int16x8_t lo = vcombine_s16(vqmovn_s32(acc[0]), vqmovn_s32(acc[1]));
    const int16x8_t hi = vcombine_s16(vqmovn_s32(acc[2]), vqmovn_s32(acc[3]));
    if constexpr (kUnsigned) {
      uint8x16_t v = vcombine_u8(vqmovun_s16(lo), vqmovun_s16(hi));
      v = vminq_u8(vmaxq_u8(v, vdupq_n_u8(static_cast<uint8_t>(p->out_min))), vdupq_n_u8(static_cast<uint8_t>(p->out_max)));
      vst1q_u8(reinterpret_cast<uint8_t*>(out + i), v);
    } else {
      int8x16_t v = vcombine_s8(vqmovn_s16(lo), vqmovn_s16(hi));
      v = vminq_s8(vmaxq_s8(v, vdupq_n_s8(static_cast<int8_t>(p->out_min))), vdupq_n_s8(static_cast<int8_t>(p->out_max)));
      vst1q_s8(reinterpret_cast<int8_t*>(out + i), v);
    }
  }
  for (; i < n; ++i) {  // the reference's scalar form
    const int32_t acc = p->bias + static_cast<int32_t>(a[i * a_inc]) * p->a_multiplier +
                        static_cast<int32_t>(b[i * b_inc]) * p->b_multiplier;
    out[i] = static_cast<T>(std::min(std::max((acc >> p->shift) + p->out_zp, p->out_min), p->out_max));
  }
}

}  // namespace

void vadd_qs8_neon(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                   const VAddQ8Params* p) {
  vadd(n, a, a_inc, b, b_inc, out, p);
}

void vadd_qu8_neon(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                   const VAddQ8Params* p) {
  vadd(n, a, a_inc, b, b_inc, out, p);
}

}  // namespace eb

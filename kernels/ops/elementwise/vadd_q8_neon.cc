// Quantized ADD / SUB microkernels for aarch64 ASIMD (contract: vadd_q8_ukernels.h): 16 elements per
// step, both operands widened to int32 and multiplied-accumulated onto the bias (MLA by scalar), an
// arithmetic shift right (SSHL by -shift), then saturating narrowings and the clamp on bytes
// (q8_lanes_neon.h). The tail runs the same step on a copy (q8_step16.h).
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/q8_lanes_neon.h"
#include "kernels/ops/elementwise/q8_step16.h"
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
  const int32x4_t zp = vdupq_n_s32(p->out_zp), shift = vdupq_n_s32(-static_cast<int32_t>(p->shift));
  // A broadcast operand's product is one constant, folded into the bias.
  int32_t bias = p->bias;
  if (!a_inc) bias += static_cast<int32_t>(a[0]) * p->a_multiplier;
  if (!b_inc) bias += static_cast<int32_t>(b[0]) * p->b_multiplier;
  const int32x4_t vbias = vdupq_n_s32(bias);
  for_each_step16(n, a, a_inc, b, b_inc, out, [&](const T* sa, const T* sb, T* so) {
    int32x4_t acc[4] = {vbias, vbias, vbias, vbias}, x[4];
    if (a_inc) {
      widen16(load16(sa), x);
      for (int k = 0; k < 4; ++k) acc[k] = vmlaq_n_s32(acc[k], x[k], p->a_multiplier);
    }
    if (b_inc) {
      widen16(load16(sb), x);
      for (int k = 0; k < 4; ++k) acc[k] = vmlaq_n_s32(acc[k], x[k], p->b_multiplier);
    }
    for (int k = 0; k < 4; ++k) acc[k] = vaddq_s32(vshlq_s32(acc[k], shift), zp);
    store16_clamped(vcombine_s16(vqmovn_s32(acc[0]), vqmovn_s32(acc[1])),
                    vcombine_s16(vqmovn_s32(acc[2]), vqmovn_s32(acc[3])), p->out_min, p->out_max, so);
  });
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

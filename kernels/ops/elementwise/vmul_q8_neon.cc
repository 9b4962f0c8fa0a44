// Quantized MUL microkernels for aarch64 ASIMD (contract: vmul_q8_ukernels.h): 16 elements per step:
// subtract the zero points while widening to int16 (SSUBL / USUBL: a - zp lies in [-255, 255], so the
// unsigned form read as int16 is exact too), SMULL / SMULL2 to int32, SCVTF, FMUL by the scale, FCVTNS
// (round half to even, as nearbyint), add the output zero point, saturating narrowings and the clamp on
// bytes (q8_lanes_neon.h). The tail runs the same step on a copy (q8_step16.h).
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/q8_lanes_neon.h"
#include "kernels/ops/elementwise/q8_step16.h"
#include "kernels/ops/elementwise/vmul_q8_ukernels.h"

namespace eb {
namespace {

// x - zp for 16 bytes, as two int16x8.
inline void centered(const int8_t* p, int32_t zp, int16x8_t x[2]) {
  const int8x16_t v = vld1q_s8(p);
  const int8x16_t z = vdupq_n_s8(static_cast<int8_t>(zp));
  x[0] = vsubl_s8(vget_low_s8(v), vget_low_s8(z));
  x[1] = vsubl_high_s8(v, z);
}
inline void centered(const uint8_t* p, int32_t zp, int16x8_t x[2]) {
  const uint8x16_t v = vld1q_u8(p);
  const uint8x16_t z = vdupq_n_u8(static_cast<uint8_t>(zp));
  x[0] = vreinterpretq_s16_u16(vsubl_u8(vget_low_u8(v), vget_low_u8(z)));
  x[1] = vreinterpretq_s16_u16(vsubl_high_u8(v, z));
}

template <typename T>
void vmul(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VMulQ8Params* p) {
  // A broadcast operand minus its zero point is one constant.
  const int16x8_t a_one = vdupq_n_s16(static_cast<int16_t>(static_cast<int32_t>(a[0]) - p->a_zp));
  const int16x8_t b_one = vdupq_n_s16(static_cast<int16_t>(static_cast<int32_t>(b[0]) - p->b_zp));
  const float32x4_t scale = vdupq_n_f32(p->scale);
  const int32x4_t out_zp = vdupq_n_s32(p->out_zp);
  for_each_step16(n, a, a_inc, b, b_inc, out, [&](const T* sa, const T* sb, T* so) {
    int16x8_t xa[2] = {a_one, a_one}, xb[2] = {b_one, b_one};
    if (a_inc) centered(sa, p->a_zp, xa);
    if (b_inc) centered(sb, p->b_zp, xb);
    int16x8_t w[2];
    for (int h = 0; h < 2; ++h) {
      const int32x4_t lo = vmull_s16(vget_low_s16(xa[h]), vget_low_s16(xb[h]));
      const int32x4_t hi = vmull_high_s16(xa[h], xb[h]);
      const int32x4_t ql = vaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(lo), scale)), out_zp);
      const int32x4_t qh = vaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(hi), scale)), out_zp);
      w[h] = vcombine_s16(vqmovn_s32(ql), vqmovn_s32(qh));
    }
    store16_clamped(w[0], w[1], p->out_min, p->out_max, so);
  });
}

}  // namespace

void vmul_qs8_neon(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                   const VMulQ8Params* p) {
  vmul(n, a, a_inc, b, b_inc, out, p);
}

void vmul_qu8_neon(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                   const VMulQ8Params* p) {
  vmul(n, a, a_inc, b, b_inc, out, p);
}

}  // namespace eb

// Quantized MUL microkernels for aarch64 ASIMD (contract: vmul_q8_ukernels.h): 16 elements per step:
// subtract the zero points while widening to int16 (SSUBL / USUBL: a - zp lies in [-255, 255], so the
// unsigned form read as int16 is exact too), SMULL / SMULL2 to int32, SCVTF, FMUL by the scale, FCVTNS
// (round half to even, as nearbyint), add the output zero point, saturating narrowings and the clamp on
// bytes (the bounds lie inside the type). The tail runs the same step on a copy.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

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

struct Consts {
  int16x8_t a_one, b_one;  // a broadcast operand minus its zero point
  float32x4_t scale;
  int32x4_t out_zp;
};

template <typename T>
inline void step16(const Consts& k, const VMulQ8Params* p, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out) {
  int16x8_t xa[2] = {k.a_one, k.a_one}, xb[2] = {k.b_one, k.b_one};
  if (a_inc) centered(a, p->a_zp, xa);
  if (b_inc) centered(b, p->b_zp, xb);
  int16x8_t w[2];
  for (int h = 0; h < 2; ++h) {
    const int32x4_t lo = vmull_s16(vget_low_s16(xa[h]), vget_low_s16(xb[h]));
    const int32x4_t hi = vmull_high_s16(xa[h], xb[h]);
    const int32x4_t ql = vaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(lo), k.scale)), k.out_zp);
    const int32x4_t qh = vaddq_s32(vcvtnq_s32_f32(vmulq_f32(vcvtq_f32_s32(hi), k.scale)), k.out_zp);
    w[h] = vcombine_s16(vqmovn_s32(ql), vqmovn_s32(qh));
  }
  if constexpr (static_cast<T>(-1) > 0) {
    uint8x16_t v = vcombine_u8(vqmovun_s16(w[0]), vqmovun_s16(w[1]));
    v = vminq_u8(vmaxq_u8(v, vdupq_n_u8(static_cast<uint8_t>(p->out_min))),
                 vdupq_n_u8(static_cast<uint8_t>(p->out_max)));
    vst1q_u8(out, v);
  } else {
    int8x16_t v = vcombine_s8(vqmovn_s16(w[0]), vqmovn_s16(w[1]));
    v = vminq_s8(vmaxq_s8(v, vdupq_n_s8(static_cast<int8_t>(p->out_min))), vdupq_n_s8(static_cast<int8_t>(p->out_max)));
    vst1q_s8(out, v);
  }
}

template <typename T>
void vmul(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VMulQ8Params* p) {
  Consts k;
  k.a_one = vdupq_n_s16(static_cast<int16_t>(static_cast<int32_t>(a[0]) - p->a_zp));
  k.b_one = vdupq_n_s16(static_cast<int16_t>(static_cast<int32_t>(b[0]) - p->b_zp));
  k.scale = vdupq_n_f32(p->scale);
  k.out_zp = vdupq_n_s32(p->out_zp);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) step16(k, p, a + i * a_inc, a_inc, b + i * b_inc, b_inc, out + i);
  if (i < n) {
    const size_t rest = n - i;
    T ta[16] = {}, tb[16] = {}, to[16];
    if (a_inc) std::memcpy(ta, a + i, rest * sizeof(T));
    if (b_inc) std::memcpy(tb, b + i, rest * sizeof(T));
    step16(k, p, ta, a_inc, tb, b_inc, to);
    std::memcpy(out + i, to, rest * sizeof(T));
  }
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

// The float-side passes of the hybrid ops for aarch64 ASIMD (contract: hybrid_dot_ukernels.h): the input
// quantization's scan and quantization, and the conv output epilogue. FRINTA
// (vrndaq_f32) rounds half away from zero, std::round's rule, in one instruction; the rounded value
// converts exactly, and saturating narrowings plus a max with qmin give the clamp.
#include <arm_neon.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/hybrid_dot_ukernels.h"

namespace eb {

void hybrid_scan_f32_neon(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan) {
  float l = x[0], h = x[0];
  bool nan = false;
  size_t i = 0;
  if (n >= 4) {
    float32x4_t vlo = vld1q_f32(x), vhi = vlo;
    uint32x4_t ordered = vceqq_f32(vlo, vlo);  // all ones while no NaN was seen
    for (i = 4; i + 4 <= n; i += 4) {
      const float32x4_t v = vld1q_f32(x + i);
      vlo = vminq_f32(vlo, v);
      vhi = vmaxq_f32(vhi, v);
      ordered = vandq_u32(ordered, vceqq_f32(v, v));
    }
    l = std::min(l, vminvq_f32(vlo));
    h = std::max(h, vmaxvq_f32(vhi));
    nan = vminvq_u32(ordered) == 0;
  }
  if (i < n) {
    float tl, th;
    int32_t tnan;
    hybrid_scan_f32_scalar(x + i, n - i, &tl, &th, &tnan);
    l = std::min(l, tl), h = std::max(h, th), nan = nan || tnan != 0;
  }
  *lo = l;
  *hi = h;
  *has_nan = nan ? 1 : 0;
}

void hybrid_quantize_f32_neon(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q) {
  const float32x4_t vinv = vdupq_n_f32(inv), voff = vdupq_n_f32(offset);
  const int8x16_t vqmin = vdupq_n_s8(static_cast<int8_t>(qmin));
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    int32x4_t r[4];
    for (int k = 0; k < 4; ++k)
      r[k] = vcvtq_s32_f32(vrndaq_f32(vaddq_f32(voff, vmulq_f32(vld1q_f32(x + i + 4 * k), vinv))));
    const int16x8_t lo = vcombine_s16(vqmovn_s32(r[0]), vqmovn_s32(r[1]));
    const int16x8_t hi = vcombine_s16(vqmovn_s32(r[2]), vqmovn_s32(r[3]));
    vst1q_s8(q + i, vmaxq_s8(vcombine_s8(vqmovn_s16(lo), vqmovn_s16(hi)), vqmin));
  }
  if (i < n) hybrid_quantize_f32_scalar(x + i, n - i, inv, offset, qmin, q + i);
}

void hybrid_output_f32_neon(const int32_t* acc, size_t n, const int32_t* shift, const float* scale, const float* bias,
                            float lo, float hi, float* out) {
  const float32x4_t vlo = vdupq_n_f32(lo), vhi = vdupq_n_f32(hi);
  size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    const int32x4_t a = vsubq_s32(vld1q_s32(acc + j), vld1q_s32(shift + j));
    float32x4_t v = vmulq_f32(vcvtq_f32_s32(a), vld1q_f32(scale + j));
    if (bias) v = vaddq_f32(v, vld1q_f32(bias + j));
    // std::max(v, lo) = v < lo ? lo : v and std::min(v, hi) = hi < v ? hi : v exactly, zeros' signs
    // included (FMAX / FMIN order +0 above -0, the std functions keep v).
    v = vbslq_f32(vcltq_f32(v, vlo), vlo, v);
    v = vbslq_f32(vcltq_f32(vhi, v), vhi, v);
    vst1q_f32(out + j, v);
  }
  if (j < n)
    hybrid_output_f32_scalar(acc + j, n - j, shift + j, scale + j, bias ? bias + j : nullptr, lo, hi, out + j);
}

}  // namespace eb

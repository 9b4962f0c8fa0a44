// Float32 LOGISTIC / TANH / HARD_SWISH microkernels for aarch64 ASIMD, 4 lanes x 2 per step, the tail
// through a copy. The exp scheme and accuracy: vunary_f32_ukernels.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstring>

#include "kernels/ops/activations/vunary_f32_ukernels.h"

namespace eb {
namespace {

// e^t - 1 split as (2^n, p(r) - 1) for t in [-87, 0]: e^t = scale * (q + 1).
struct ExpParts {
  float32x4_t scale, q;
};

inline ExpParts exp_parts(float32x4_t t) {
  const float32x4_t n = vrndnq_f32(vmulq_n_f32(t, 1.44269504089f));
  float32x4_t r = vfmaq_f32(t, n, vdupq_n_f32(-0.693145751953125f));  // ln2's high part: exact product
  r = vfmaq_f32(r, n, vdupq_n_f32(-1.428606765330187e-06f));
  // p(r) - 1 = r (1 + r/2 + r^2/6 + ... + r^6/5040), Horner.
  float32x4_t q = vdupq_n_f32(1.0f / 5040.0f);
  q = vfmaq_f32(vdupq_n_f32(1.0f / 720.0f), q, r);
  q = vfmaq_f32(vdupq_n_f32(1.0f / 120.0f), q, r);
  q = vfmaq_f32(vdupq_n_f32(1.0f / 24.0f), q, r);
  q = vfmaq_f32(vdupq_n_f32(1.0f / 6.0f), q, r);
  q = vfmaq_f32(vdupq_n_f32(0.5f), q, r);
  q = vfmaq_f32(vdupq_n_f32(1.0f), q, r);
  q = vmulq_f32(q, r);
  const int32x4_t bits = vshlq_n_s32(vaddq_s32(vcvtnq_s32_f32(n), vdupq_n_s32(127)), 23);
  return {vreinterpretq_f32_s32(bits), q};
}

// FMIN propagates a NaN: it flows through. Past |x| = 87.33 (e^-|x| below the smallest normal float,
// where 2^n cannot be built) e is 0: the result is off by less than 1.2e-38.
inline float32x4_t sigmoid(float32x4_t x) {
  const float32x4_t cutoff = vdupq_n_f32(87.33f);
  const float32x4_t a = vabsq_f32(x);
  const ExpParts p = exp_parts(vnegq_f32(vminq_f32(a, cutoff)));
  const float32x4_t e = vreinterpretq_f32_u32(
      vbicq_u32(vreinterpretq_u32_f32(vfmaq_f32(p.scale, p.scale, p.q)), vcgtq_f32(a, cutoff)));  // e^-|x|
  const float32x4_t s = vdivq_f32(e, vaddq_f32(vdupq_n_f32(1.0f), e));
  return vbslq_f32(vcltq_f32(x, vdupq_n_f32(0.0f)), s, vsubq_f32(vdupq_n_f32(1.0f), s));
}

inline float32x4_t tanh(float32x4_t x) {
  const float32x4_t z = vminq_f32(vabsq_f32(x), vdupq_n_f32(43.0f));
  const ExpParts p = exp_parts(vmulq_n_f32(z, -2.0f));
  const float32x4_t m = vfmaq_f32(vsubq_f32(p.scale, vdupq_n_f32(1.0f)), p.scale, p.q);  // e^-2|x| - 1
  const float32x4_t t = vdivq_f32(vnegq_f32(m), vaddq_f32(vdupq_n_f32(2.0f), m));
  const uint32x4_t sign = vandq_u32(vreinterpretq_u32_f32(x), vdupq_n_u32(0x80000000u));
  return vreinterpretq_f32_u32(vorrq_u32(vreinterpretq_u32_f32(t), sign));
}

// x * min(6, max(0, x + 3)) / 6; FMAX(-0, 0) is +0 as std::max(0, -0) (a NaN x gives NaN either way).
inline float32x4_t hswish(float32x4_t x) {
  const float32x4_t c = vminq_f32(vmaxq_f32(vaddq_f32(x, vdupq_n_f32(3.0f)), vdupq_n_f32(0.0f)), vdupq_n_f32(6.0f));
  return vdivq_f32(vmulq_f32(x, c), vdupq_n_f32(6.0f));
}

template <float32x4_t (*F)(float32x4_t)>
void apply(size_t n, const float* x, float* y) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const float32x4_t a = F(vld1q_f32(x + i)), b = F(vld1q_f32(x + i + 4));
    vst1q_f32(y + i, a);
    vst1q_f32(y + i + 4, b);
  }
  for (; i < n; i += 4) {
    const size_t k = n - i < 4 ? n - i : 4;
    float buf[4] = {};
    std::memcpy(buf, x + i, k * sizeof(float));
    vst1q_f32(buf, F(vld1q_f32(buf)));
    std::memcpy(y + i, buf, k * sizeof(float));
  }
}

}  // namespace

void vsigmoid_f32_neon(size_t n, const float* x, float* y) { apply<sigmoid>(n, x, y); }
void vtanh_f32_neon(size_t n, const float* x, float* y) { apply<tanh>(n, x, y); }
void vhswish_f32_neon(size_t n, const float* x, float* y) { apply<hswish>(n, x, y); }

}  // namespace eb

// Float32 elementwise ADD / SUB / MUL / DIV / MAXIMUM / MINIMUM for NEON, 4 lanes, scalar tail; the clamp is bit-exact with the
// reference. Contract: vbinary_f32_ukernels.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/vbinary_f32_ukernels.h"

namespace eb {

namespace {

float32x4_t load(const float* p, size_t inc) { return inc ? vld1q_f32(p) : vdupq_n_f32(*p); }

// std::min(std::max(v, lo), hi) exactly: compare-and-select, because FMAX/FMIN order -0 below +0 and
// turn NaN into the default NaN, which the reference (and TFLite's scalar clamp) do not.
float32x4_t clamp(float32x4_t v, float32x4_t lo, float32x4_t hi) {
  v = vbslq_f32(vcltq_f32(v, lo), lo, v);
  return vbslq_f32(vcltq_f32(hi, v), hi, v);
}

float32x4_t apply(int op, float32x4_t x, float32x4_t y) {
  if (op == kVBinaryAdd) return vaddq_f32(x, y);
  if (op == kVBinarySub) return vsubq_f32(x, y);
  if (op == kVBinaryDiv) return vdivq_f32(x, y);
  // Compare-and-select, not FMAX/FMIN: the reference's x > y ? x : y keeps NaN and -0 handling.
  if (op == kVBinaryMax) return vbslq_f32(vcgtq_f32(x, y), x, y);
  if (op == kVBinaryMin) return vbslq_f32(vcltq_f32(x, y), x, y);
  return vmulq_f32(x, y);
}

}  // namespace

void vbinary_f32_neon(size_t n, const float* a, size_t a_inc, const float* b, size_t b_inc, float* out,
                      const VBinaryF32Params* params) {
  const float32x4_t vmin = vdupq_n_f32(params->min), vmax = vdupq_n_f32(params->max);
  const int op = params->op;
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const float32x4_t v = apply(op, load(a + i * a_inc, a_inc), load(b + i * b_inc, b_inc));
    vst1q_f32(out + i, clamp(v, vmin, vmax));
  }
  for (; i < n; ++i) {
    const float x = a[i * a_inc], y = b[i * b_inc];
    float v = op == kVBinaryAdd   ? x + y
              : op == kVBinarySub ? x - y
              : op == kVBinaryDiv ? x / y
              : op == kVBinaryMax ? (x > y ? x : y)
              : op == kVBinaryMin ? (x < y ? x : y)
                                  : x * y;
    v = v < params->min ? params->min : v;
    out[i] = v > params->max ? params->max : v;
  }
}

}  // namespace eb

// Float32 ABS / NEG / SQUARE / SQRT microkernels, NEON (aarch64): 4 lanes, the tail on scalars (the same
// exactly rounded operation, so the result does not depend on where an element falls).
#include <arm_neon.h>

#include <cmath>
#include <cstddef>

#include "kernels/ops/unary_math/vunary_math_f32.h"

namespace eb {
namespace {

template <typename V, typename S>
inline void apply(size_t n, const float* x, float* y, V vec, S scalar) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vec(vld1q_f32(x + i)));
  for (; i < n; ++i) y[i] = scalar(x[i]);
}

}  // namespace

void vabs_f32_neon(size_t n, const float* x, float* y) {
  apply(n, x, y, [](float32x4_t v) { return vabsq_f32(v); }, [](float v) { return std::abs(v); });
}
void vneg_f32_neon(size_t n, const float* x, float* y) {
  apply(n, x, y, [](float32x4_t v) { return vnegq_f32(v); }, [](float v) { return -v; });
}
void vsqr_f32_neon(size_t n, const float* x, float* y) {
  apply(n, x, y, [](float32x4_t v) { return vmulq_f32(v, v); }, [](float v) { return v * v; });
}
void vsqrt_f32_neon(size_t n, const float* x, float* y) {
  apply(n, x, y, [](float32x4_t v) { return vsqrtq_f32(v); }, [](float v) { return std::sqrt(v); });
}

}  // namespace eb

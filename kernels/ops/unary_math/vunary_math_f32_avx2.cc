// Float32 ABS / NEG / SQUARE / SQRT microkernels, AVX2: 8 lanes, the tail on scalars (the same exactly
// rounded operation, so the result does not depend on where an element falls).
#include <immintrin.h>

#include <cmath>
#include <cstddef>

#include "kernels/ops/unary_math/vunary_math_f32.h"

namespace eb {
namespace {

template <typename V, typename S>
inline void apply(size_t n, const float* x, float* y, V vec, S scalar) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, vec(_mm256_loadu_ps(x + i)));
  for (; i < n; ++i) y[i] = scalar(x[i]);
}

}  // namespace

void vabs_f32_avx2(size_t n, const float* x, float* y) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  apply(n, x, y, [&](__m256 v) { return _mm256_andnot_ps(sign, v); }, [](float v) { return std::abs(v); });
}
void vneg_f32_avx2(size_t n, const float* x, float* y) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  apply(n, x, y, [&](__m256 v) { return _mm256_xor_ps(sign, v); }, [](float v) { return -v; });
}
void vsqr_f32_avx2(size_t n, const float* x, float* y) {
  apply(n, x, y, [](__m256 v) { return _mm256_mul_ps(v, v); }, [](float v) { return v * v; });
}
void vsqrt_f32_avx2(size_t n, const float* x, float* y) {
  apply(n, x, y, [](__m256 v) { return _mm256_sqrt_ps(v); }, [](float v) { return std::sqrt(v); });
}

}  // namespace eb

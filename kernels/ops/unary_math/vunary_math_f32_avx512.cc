// Float32 ABS / NEG / SQUARE / SQRT microkernels, AVX-512: 16 lanes, the tail on scalars (the same exactly
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
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, vec(_mm512_loadu_ps(x + i)));
  for (; i < n; ++i) y[i] = scalar(x[i]);
}

}  // namespace

void vabs_f32_avx512(size_t n, const float* x, float* y) {
  const __m512 sign = _mm512_set1_ps(-0.0f);
  apply(
      n, x, y,
      [&](__m512 v) {
        return _mm512_castsi512_ps(_mm512_andnot_si512(_mm512_castps_si512(sign), _mm512_castps_si512(v)));
      },
      [](float v) { return std::abs(v); });
}
void vneg_f32_avx512(size_t n, const float* x, float* y) {
  const __m512 sign = _mm512_set1_ps(-0.0f);
  apply(
      n, x, y,
      [&](__m512 v) {
        return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(sign), _mm512_castps_si512(v)));
      },
      [](float v) { return -v; });
}
void vsqr_f32_avx512(size_t n, const float* x, float* y) {
  apply(n, x, y, [](__m512 v) { return _mm512_mul_ps(v, v); }, [](float v) { return v * v; });
}
void vsqrt_f32_avx512(size_t n, const float* x, float* y) {
  apply(n, x, y, [](__m512 v) { return _mm512_sqrt_ps(v); }, [](float v) { return std::sqrt(v); });
}

}  // namespace eb

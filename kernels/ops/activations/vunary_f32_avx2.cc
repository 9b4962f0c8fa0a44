// Float32 LOGISTIC / TANH / HARD_SWISH microkernels for AVX2 + FMA, 8 lanes, masked tail. The exp
// scheme and accuracy: vunary_f32_ukernels.h.
#include <immintrin.h>

#include <cstddef>

#include "kernels/ops/activations/vunary_f32_ukernels.h"

namespace eb {
namespace {

// e^t - 1 split as (2^n, p(r) - 1) for t in [-87, 0]: e^t = scale * (q + 1).
struct ExpParts {
  __m256 scale, q;
};

inline ExpParts exp_parts(__m256 t) {
  const __m256 n =
      _mm256_round_ps(_mm256_mul_ps(t, _mm256_set1_ps(1.44269504089f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fmadd_ps(n, _mm256_set1_ps(-0.693145751953125f), t);  // ln2's high part: exact product
  r = _mm256_fmadd_ps(n, _mm256_set1_ps(-1.428606765330187e-06f), r);
  // p(r) - 1 = r (1 + r/2 + r^2/6 + ... + r^6/5040), Horner.
  __m256 q = _mm256_set1_ps(1.0f / 5040.0f);
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f / 720.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f / 120.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f / 24.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f / 6.0f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(0.5f));
  q = _mm256_fmadd_ps(q, r, _mm256_set1_ps(1.0f));
  q = _mm256_mul_ps(q, r);
  const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return {_mm256_castsi256_ps(bits), q};
}

inline __m256 abs_ps(__m256 x) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), x); }

// Past |x| = 87.33 (e^-|x| below the smallest normal float, where 2^n cannot be built) e is 0: the result
// is off by less than 1.2e-38.
inline __m256 sigmoid(__m256 x) {
  const __m256 cutoff = _mm256_set1_ps(87.33f);
  const __m256 a = abs_ps(x);
  // min(c, a) returns a when a is NaN (MINPS returns its second operand then): NaN flows through.
  const ExpParts p = exp_parts(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_min_ps(cutoff, a)));
  const __m256 e = _mm256_andnot_ps(_mm256_cmp_ps(a, cutoff, _CMP_GT_OQ), _mm256_fmadd_ps(p.scale, p.q, p.scale));
  const __m256 s = _mm256_div_ps(e, _mm256_add_ps(_mm256_set1_ps(1.0f), e));
  return _mm256_blendv_ps(_mm256_sub_ps(_mm256_set1_ps(1.0f), s), s, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_LT_OQ));
}

inline __m256 tanh(__m256 x) {
  const __m256 z = _mm256_min_ps(_mm256_set1_ps(43.0f), abs_ps(x));
  const ExpParts p = exp_parts(_mm256_mul_ps(_mm256_set1_ps(-2.0f), z));
  const __m256 m = _mm256_fmadd_ps(p.scale, p.q, _mm256_sub_ps(p.scale, _mm256_set1_ps(1.0f)));  // e^-2|x| - 1
  const __m256 t = _mm256_div_ps(_mm256_sub_ps(_mm256_setzero_ps(), m), _mm256_add_ps(_mm256_set1_ps(2.0f), m));
  return _mm256_or_ps(t, _mm256_and_ps(x, _mm256_set1_ps(-0.0f)));
}

// std::min(6, std::max(0, v)) exactly: MAXPS(v, 0) gives 0 for v = -0 and for NaN, as std::max(0, v) does.
inline __m256 hswish(__m256 x) {
  const __m256 c =
      _mm256_min_ps(_mm256_max_ps(_mm256_add_ps(x, _mm256_set1_ps(3.0f)), _mm256_setzero_ps()), _mm256_set1_ps(6.0f));
  return _mm256_div_ps(_mm256_mul_ps(x, c), _mm256_set1_ps(6.0f));
}

template <__m256 (*F)(__m256)>
void apply(size_t n, const float* x, float* y) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, F(_mm256_loadu_ps(x + i)));
  if (i < n) {
    const __m256i mask =
        _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n - i)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    _mm256_maskstore_ps(y + i, mask, F(_mm256_maskload_ps(x + i, mask)));
  }
}

}  // namespace

void vsigmoid_f32_avx2(size_t n, const float* x, float* y) { apply<sigmoid>(n, x, y); }
void vtanh_f32_avx2(size_t n, const float* x, float* y) { apply<tanh>(n, x, y); }
void vhswish_f32_avx2(size_t n, const float* x, float* y) { apply<hswish>(n, x, y); }

}  // namespace eb

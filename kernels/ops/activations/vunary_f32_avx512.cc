// Float32 LOGISTIC / TANH / HARD_SWISH microkernels for AVX-512, 16 lanes, masked tail. The exp
// scheme and accuracy: vunary_f32_ukernels.h.
// GCC 12's AVX-512 min/max intrinsics pass _mm512_undefined_ps() (a self-initialised variable) as the
// merge source, which -Wmaybe-uninitialized reports from inside the header: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstddef>

#include "kernels/ops/activations/vunary_f32_ukernels.h"

namespace eb {
namespace {

// e^t - 1 split as (2^n, p(r) - 1) for t in [-87, 0]: e^t = scale * (q + 1).
struct ExpParts {
  __m512 scale, q;
};

inline ExpParts exp_parts(__m512 t) {
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(t, _mm512_set1_ps(1.44269504089f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(-0.693145751953125f), t);  // ln2's high part: exact product
  r = _mm512_fmadd_ps(n, _mm512_set1_ps(-1.428606765330187e-06f), r);
  // p(r) - 1 = r (1 + r/2 + r^2/6 + ... + r^6/5040), Horner.
  __m512 q = _mm512_set1_ps(1.0f / 5040.0f);
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 720.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 120.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 24.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f / 6.0f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(0.5f));
  q = _mm512_fmadd_ps(q, r, _mm512_set1_ps(1.0f));
  q = _mm512_mul_ps(q, r);
  const __m512i bits = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
  return {_mm512_castsi512_ps(bits), q};
}

inline __m512 abs_ps(__m512 x) { return _mm512_abs_ps(x); }

// Past |x| = 87.33 (e^-|x| below the smallest normal float, where 2^n cannot be built) e is 0: the result
// is off by less than 1.2e-38.
inline __m512 sigmoid(__m512 x) {
  const __m512 cutoff = _mm512_set1_ps(87.33f);
  const __m512 a = abs_ps(x);
  // min(c, a) returns a when a is NaN (VMINPS returns its second operand then): NaN flows through.
  const ExpParts p = exp_parts(_mm512_sub_ps(_mm512_setzero_ps(), _mm512_min_ps(cutoff, a)));
  const __m512 e =
      _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(a, cutoff, _CMP_NGT_UQ), _mm512_fmadd_ps(p.scale, p.q, p.scale));
  const __m512 s = _mm512_div_ps(e, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_LT_OQ),
                              _mm512_sub_ps(_mm512_set1_ps(1.0f), s), s);
}

inline __m512 tanh(__m512 x) {
  const __m512 z = _mm512_min_ps(_mm512_set1_ps(43.0f), abs_ps(x));
  const ExpParts p = exp_parts(_mm512_mul_ps(_mm512_set1_ps(-2.0f), z));
  const __m512 m = _mm512_fmadd_ps(p.scale, p.q, _mm512_sub_ps(p.scale, _mm512_set1_ps(1.0f)));  // e^-2|x| - 1
  const __m512 t = _mm512_div_ps(_mm512_sub_ps(_mm512_setzero_ps(), m), _mm512_add_ps(_mm512_set1_ps(2.0f), m));
  return _mm512_or_ps(t, _mm512_and_ps(x, _mm512_set1_ps(-0.0f)));  // AVX-512DQ
}

// std::min(6, std::max(0, v)) exactly: MAXPS(v, 0) gives 0 for v = -0 and for NaN, as std::max(0, v) does.
inline __m512 hswish(__m512 x) {
  const __m512 c =
      _mm512_min_ps(_mm512_max_ps(_mm512_add_ps(x, _mm512_set1_ps(3.0f)), _mm512_setzero_ps()), _mm512_set1_ps(6.0f));
  return _mm512_div_ps(_mm512_mul_ps(x, c), _mm512_set1_ps(6.0f));
}

template <__m512 (*F)(__m512)>
void apply(size_t n, const float* x, float* y) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, F(_mm512_loadu_ps(x + i)));
  if (i < n) {
    const __mmask16 mask = static_cast<__mmask16>((1u << (n - i)) - 1u);
    _mm512_mask_storeu_ps(y + i, mask, F(_mm512_maskz_loadu_ps(mask, x + i)));
  }
}

}  // namespace

void vsigmoid_f32_avx512(size_t n, const float* x, float* y) { apply<sigmoid>(n, x, y); }
void vtanh_f32_avx512(size_t n, const float* x, float* y) { apply<tanh>(n, x, y); }
void vhswish_f32_avx512(size_t n, const float* x, float* y) { apply<hswish>(n, x, y); }

}  // namespace eb

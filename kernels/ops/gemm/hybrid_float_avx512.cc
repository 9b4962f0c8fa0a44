// The float-side passes of the hybrid ops for AVX-512 (contract: hybrid_dot_ukernels.h), the AVX2 file's
// operations on 16 lanes in the same order (hybrid_float_avx2.cc says why each step is exact): the input
// quantization's scan and quantization, and the conv output epilogue. Tails run the scalar forms, as there.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/hybrid_dot_ukernels.h"

namespace eb {

void hybrid_scan_f32_avx512(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan) {
  float l = x[0], h = x[0];
  bool nan = false;
  size_t i = 0;
  if (n >= 16) {
    __m512 vlo = _mm512_loadu_ps(x), vhi = vlo;
    __mmask16 vnan = _mm512_cmp_ps_mask(vlo, vlo, _CMP_UNORD_Q);
    for (i = 16; i + 16 <= n; i += 16) {
      const __m512 v = _mm512_loadu_ps(x + i);
      vlo = _mm512_min_ps(vlo, v);
      vhi = _mm512_max_ps(vhi, v);
      vnan = static_cast<__mmask16>(vnan | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q));
    }
    alignas(64) float a[16], b[16];
    _mm512_store_ps(a, vlo);
    _mm512_store_ps(b, vhi);
    for (int k = 0; k < 16; ++k) l = std::min(l, a[k]), h = std::max(h, b[k]);
    nan = vnan != 0;
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

void hybrid_quantize_f32_avx512(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q) {
  const __m512 vinv = _mm512_set1_ps(inv), voff = _mm512_set1_ps(offset);
  const __m512i vqmin = _mm512_set1_epi32(qmin), vqmax = _mm512_set1_epi32(127), one = _mm512_set1_epi32(1);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m512 v = _mm512_add_ps(voff, _mm512_mul_ps(_mm512_loadu_ps(x + i), vinv));
    v = _mm512_min_ps(_mm512_max_ps(v, _mm512_set1_ps(-130.0f)), _mm512_set1_ps(130.0f));
    __m512i t = _mm512_cvttps_epi32(v);
    const __m512 rem = _mm512_sub_ps(v, _mm512_cvtepi32_ps(t));
    t = _mm512_mask_add_epi32(t, _mm512_cmp_ps_mask(rem, _mm512_set1_ps(0.5f), _CMP_GE_OQ), t, one);
    t = _mm512_mask_sub_epi32(t, _mm512_cmp_ps_mask(rem, _mm512_set1_ps(-0.5f), _CMP_LE_OQ), t, one);
    t = _mm512_min_epi32(_mm512_max_epi32(t, vqmin), vqmax);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(q + i), _mm512_cvtepi32_epi8(t));  // in range: no saturation
  }
  if (i < n) hybrid_quantize_f32_scalar(x + i, n - i, inv, offset, qmin, q + i);
}

void hybrid_output_f32_avx512(const int32_t* acc, size_t n, const int32_t* shift, const float* scale,
                              const float* bias, float lo, float hi, float* out) {
  const __m512 vlo = _mm512_set1_ps(lo), vhi = _mm512_set1_ps(hi);
  size_t j = 0;
  for (; j + 16 <= n; j += 16) {
    const __m512i a = _mm512_sub_epi32(_mm512_loadu_si512(acc + j), _mm512_loadu_si512(shift + j));
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(a), _mm512_loadu_ps(scale + j));
    if (bias) v = _mm512_add_ps(v, _mm512_loadu_ps(bias + j));
    // MAXPS / MINPS return their second operand on ties (and +-0): std::max(v, lo), std::min(v, hi).
    v = _mm512_min_ps(vhi, _mm512_max_ps(vlo, v));
    _mm512_storeu_ps(out + j, v);
  }
  if (j < n)
    hybrid_output_f32_scalar(acc + j, n - j, shift + j, scale + j, bias ? bias + j : nullptr, lo, hi, out + j);
}

}  // namespace eb

// The float-side passes of the hybrid ops for AVX2 (contract: hybrid_dot_ukernels.h): the input
// quantization's scan and quantization, and the conv output epilogue. Rounding half away
// from zero without SSE4.1's ROUNDPS modes or a libm call: truncate (CVTTPS2DQ), then step one away from
// zero when the exact remainder v - trunc(v) reaches +-0.5; v is clamped to +-130 first (the result is
// clamped to [qmin, 127] anyway, and the conversion stays in range), so every step is exact.
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/hybrid_dot_ukernels.h"

namespace eb {

void hybrid_scan_f32_avx2(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan) {
  float l = x[0], h = x[0];
  bool nan = false;
  size_t i = 0;
  if (n >= 8) {
    __m256 vlo = _mm256_loadu_ps(x), vhi = vlo, vnan = _mm256_cmp_ps(vlo, vlo, _CMP_UNORD_Q);
    for (i = 8; i + 8 <= n; i += 8) {
      const __m256 v = _mm256_loadu_ps(x + i);
      vlo = _mm256_min_ps(vlo, v);
      vhi = _mm256_max_ps(vhi, v);
      vnan = _mm256_or_ps(vnan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
    }
    alignas(32) float a[8], b[8];
    _mm256_store_ps(a, vlo);
    _mm256_store_ps(b, vhi);
    for (int k = 0; k < 8; ++k) l = std::min(l, a[k]), h = std::max(h, b[k]);
    nan = _mm256_movemask_ps(vnan) != 0;
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

namespace {

// 8 values -> 8 int32: clamp(round_half_away(offset + x * inv), qmin, 127).
inline __m256i quantize8(const float* x, __m256 inv, __m256 offset, __m256i qmin) {
  __m256 v = _mm256_add_ps(offset, _mm256_mul_ps(_mm256_loadu_ps(x), inv));
  v = _mm256_min_ps(_mm256_max_ps(v, _mm256_set1_ps(-130.0f)), _mm256_set1_ps(130.0f));
  __m256i t = _mm256_cvttps_epi32(v);
  const __m256 rem = _mm256_sub_ps(v, _mm256_cvtepi32_ps(t));
  // Compare masks are -1 where true: subtracting the "up" mask adds 1, adding the "down" mask subtracts 1.
  t = _mm256_sub_epi32(t, _mm256_castps_si256(_mm256_cmp_ps(rem, _mm256_set1_ps(0.5f), _CMP_GE_OQ)));
  t = _mm256_add_epi32(t, _mm256_castps_si256(_mm256_cmp_ps(rem, _mm256_set1_ps(-0.5f), _CMP_LE_OQ)));
  return _mm256_min_epi32(_mm256_max_epi32(t, qmin), _mm256_set1_epi32(127));
}

}  // namespace

void hybrid_quantize_f32_avx2(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q) {
  const __m256 vinv = _mm256_set1_ps(inv), voff = _mm256_set1_ps(offset);
  const __m256i vqmin = _mm256_set1_epi32(qmin);
  // PACKSS works within 128-bit lanes: the dword permutation restores the order.
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i a = quantize8(x + i, vinv, voff, vqmin), b = quantize8(x + i + 8, vinv, voff, vqmin);
    const __m256i c = quantize8(x + i + 16, vinv, voff, vqmin), d = quantize8(x + i + 24, vinv, voff, vqmin);
    const __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(a, b), _mm256_packs_epi32(c, d));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(q + i), _mm256_permutevar8x32_epi32(bytes, order));
  }
  if (i < n) hybrid_quantize_f32_scalar(x + i, n - i, inv, offset, qmin, q + i);
}

void hybrid_output_f32_avx2(const int32_t* acc, size_t n, const int32_t* shift, const float* scale, const float* bias,
                            float lo, float hi, float* out) {
  const __m256 vlo = _mm256_set1_ps(lo), vhi = _mm256_set1_ps(hi);
  size_t j = 0;
  for (; j + 8 <= n; j += 8) {
    const __m256i a = _mm256_sub_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + j)),
                                       _mm256_loadu_si256(reinterpret_cast<const __m256i*>(shift + j)));
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(a), _mm256_loadu_ps(scale + j));
    if (bias) v = _mm256_add_ps(v, _mm256_loadu_ps(bias + j));
    // MAXPS / MINPS return their second operand on ties (and +-0): with v second, std::max(v, lo) and
    // std::min(v, hi), which keep v.
    v = _mm256_min_ps(vhi, _mm256_max_ps(vlo, v));
    _mm256_storeu_ps(out + j, v);
  }
  if (j < n)
    hybrid_output_f32_scalar(acc + j, n - j, shift + j, scale + j, bias ? bias + j : nullptr, lo, hi, out + j);
}

}  // namespace eb

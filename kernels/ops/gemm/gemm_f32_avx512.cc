// igemm_f32_7x16_avx512: 7 rows x 16 output channels per step, one zmm accumulator per row; each k
// broadcasts one A value per row against one 16-wide weight vector (XNNPACK's "broadcast" scheme).
// Contract: gemm_f32_ukernels.h.
// GCC 12's AVX-512 min/max intrinsics pass _mm512_undefined_ps() (a self-initialised variable) as the
// merge source, which -Wmaybe-uninitialized reports from inside the header: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/gemm_f32_ukernels.h"

namespace eb {

namespace {

// One row (fully connected with batch 1, a 1x1 spatial output): a single accumulator would be one long
// FMA dependency chain, so four chains take alternate k steps and are summed at the end.
void single_row(size_t nc, size_t kc, size_t ks, const float* const* a, const float* w, float* c, __m512 vmin,
                __m512 vmax) {
  constexpr size_t kMr = 7;
  while (nc != 0) {
    __m512 acc0 = _mm512_load_ps(w);
    __m512 acc1 = _mm512_setzero_ps(), acc2 = _mm512_setzero_ps(), acc3 = _mm512_setzero_ps();
    w += 16;
    for (size_t t = 0; t < ks; ++t) {
      const float* a0 = a[t * kMr];
      size_t k = 0;
      for (; k + 4 <= kc; k += 4, w += 64) {
        acc0 = _mm512_fmadd_ps(_mm512_set1_ps(a0[k]), _mm512_load_ps(w), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_set1_ps(a0[k + 1]), _mm512_load_ps(w + 16), acc1);
        acc2 = _mm512_fmadd_ps(_mm512_set1_ps(a0[k + 2]), _mm512_load_ps(w + 32), acc2);
        acc3 = _mm512_fmadd_ps(_mm512_set1_ps(a0[k + 3]), _mm512_load_ps(w + 48), acc3);
      }
      for (; k < kc; ++k, w += 16) acc0 = _mm512_fmadd_ps(_mm512_set1_ps(a0[k]), _mm512_load_ps(w), acc0);
    }
    const __m512 sum = _mm512_add_ps(_mm512_add_ps(acc0, acc1), _mm512_add_ps(acc2, acc3));
    const __mmask16 mask = nc >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nc) - 1u);
    _mm512_mask_storeu_ps(c, mask, _mm512_min_ps(_mm512_max_ps(sum, vmin), vmax));
    if (nc <= 16) break;
    nc -= 16;
    c += 16;
  }
}

}  // namespace

void igemm_f32_7x16_avx512(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w,
                           float* c, size_t c_stride, const GemmF32Params* params) {
  constexpr size_t kMr = 7;
  const __m512 vmin = _mm512_set1_ps(params->min);
  const __m512 vmax = _mm512_set1_ps(params->max);
  if (mr == 1) {
    single_row(nc, kc, ks, a, w, c, vmin, vmax);
    return;
  }
  while (nc != 0) {
    __m512 acc0 = _mm512_load_ps(w);
    __m512 acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0, acc5 = acc0, acc6 = acc0;
    w += 16;
    for (size_t t = 0; t < ks; ++t) {
      const float* a0 = a[t * kMr + 0];
      const float* a1 = a[t * kMr + 1];
      const float* a2 = a[t * kMr + 2];
      const float* a3 = a[t * kMr + 3];
      const float* a4 = a[t * kMr + 4];
      const float* a5 = a[t * kMr + 5];
      const float* a6 = a[t * kMr + 6];
      for (size_t k = 0; k < kc; ++k) {
        const __m512 b = _mm512_load_ps(w);
        w += 16;
        acc0 = _mm512_fmadd_ps(_mm512_set1_ps(a0[k]), b, acc0);
        acc1 = _mm512_fmadd_ps(_mm512_set1_ps(a1[k]), b, acc1);
        acc2 = _mm512_fmadd_ps(_mm512_set1_ps(a2[k]), b, acc2);
        acc3 = _mm512_fmadd_ps(_mm512_set1_ps(a3[k]), b, acc3);
        acc4 = _mm512_fmadd_ps(_mm512_set1_ps(a4[k]), b, acc4);
        acc5 = _mm512_fmadd_ps(_mm512_set1_ps(a5[k]), b, acc5);
        acc6 = _mm512_fmadd_ps(_mm512_set1_ps(a6[k]), b, acc6);
      }
    }
    __m512 rows[kMr] = {acc0, acc1, acc2, acc3, acc4, acc5, acc6};
    const __mmask16 mask = nc >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nc) - 1u);
    for (size_t m = 0; m < mr; ++m) {
      const __m512 v = _mm512_min_ps(_mm512_max_ps(rows[m], vmin), vmax);
      _mm512_mask_storeu_ps(c + m * c_stride, mask, v);
    }
    if (nc <= 16) break;
    nc -= 16;
    c += 16;
  }
}

}  // namespace eb

// igemm_f32_6x16_avx2: 6 rows x 16 output channels (two ymm per row: 12 accumulators, 2 weight
// vectors and 1 broadcast fill the 16 registers); FMA3. Contract: gemm_f32_ukernels.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/gemm/gemm_f32_ukernels.h"

namespace eb {

namespace {

// Stores the clamped 16 results of one row; a tail block writes only nc of them.
void store_row(float* row, size_t nc, __m256 lo, __m256 hi, __m256 vmin, __m256 vmax) {
  const __m256 vl = _mm256_min_ps(_mm256_max_ps(lo, vmin), vmax);
  const __m256 vh = _mm256_min_ps(_mm256_max_ps(hi, vmin), vmax);
  if (nc >= 16) {
    _mm256_storeu_ps(row, vl);
    _mm256_storeu_ps(row + 8, vh);
    return;
  }
  alignas(32) float tmp[16];
  _mm256_store_ps(tmp, vl);
  _mm256_store_ps(tmp + 8, vh);
  std::memcpy(row, tmp, nc * sizeof(float));
}

// One row (fully connected with batch 1, a 1x1 spatial output): two accumulator pairs take alternate
// k steps so the FMA dependency chains overlap; summed at the end.
void single_row(size_t nc, size_t kc, size_t ks, const float* const* a, const float* w, float* c, __m256 vmin,
                __m256 vmax) {
  constexpr size_t kMr = 6;
  while (nc != 0) {
    __m256 acc0l = _mm256_load_ps(w), acc0h = _mm256_load_ps(w + 8);
    __m256 acc1l = _mm256_setzero_ps(), acc1h = _mm256_setzero_ps();
    w += 16;
    for (size_t t = 0; t < ks; ++t) {
      const float* a0 = a[t * kMr];
      size_t k = 0;
      for (; k + 2 <= kc; k += 2, w += 32) {
        const __m256 x0 = _mm256_broadcast_ss(a0 + k), x1 = _mm256_broadcast_ss(a0 + k + 1);
        acc0l = _mm256_fmadd_ps(x0, _mm256_load_ps(w), acc0l);
        acc0h = _mm256_fmadd_ps(x0, _mm256_load_ps(w + 8), acc0h);
        acc1l = _mm256_fmadd_ps(x1, _mm256_load_ps(w + 16), acc1l);
        acc1h = _mm256_fmadd_ps(x1, _mm256_load_ps(w + 24), acc1h);
      }
      for (; k < kc; ++k, w += 16) {
        const __m256 x0 = _mm256_broadcast_ss(a0 + k);
        acc0l = _mm256_fmadd_ps(x0, _mm256_load_ps(w), acc0l);
        acc0h = _mm256_fmadd_ps(x0, _mm256_load_ps(w + 8), acc0h);
      }
    }
    store_row(c, nc, _mm256_add_ps(acc0l, acc1l), _mm256_add_ps(acc0h, acc1h), vmin, vmax);
    if (nc <= 16) break;
    nc -= 16;
    c += 16;
  }
}

}  // namespace

void igemm_f32_6x16_avx2(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w, float* c,
                         size_t c_stride, const GemmF32Params* params) {
  constexpr size_t kMr = 6;
  const __m256 vmin = _mm256_set1_ps(params->min);
  const __m256 vmax = _mm256_set1_ps(params->max);
  if (mr == 1) {
    single_row(nc, kc, ks, a, w, c, vmin, vmax);
    return;
  }
  while (nc != 0) {
    __m256 acc0l = _mm256_load_ps(w), acc0h = _mm256_load_ps(w + 8);
    __m256 acc1l = acc0l, acc1h = acc0h, acc2l = acc0l, acc2h = acc0h;
    __m256 acc3l = acc0l, acc3h = acc0h, acc4l = acc0l, acc4h = acc0h, acc5l = acc0l, acc5h = acc0h;
    w += 16;
    for (size_t t = 0; t < ks; ++t) {
      const float* a0 = a[t * kMr + 0];
      const float* a1 = a[t * kMr + 1];
      const float* a2 = a[t * kMr + 2];
      const float* a3 = a[t * kMr + 3];
      const float* a4 = a[t * kMr + 4];
      const float* a5 = a[t * kMr + 5];
      for (size_t k = 0; k < kc; ++k) {
        const __m256 bl = _mm256_load_ps(w);
        const __m256 bh = _mm256_load_ps(w + 8);
        w += 16;
        __m256 x = _mm256_broadcast_ss(a0 + k);
        acc0l = _mm256_fmadd_ps(x, bl, acc0l);
        acc0h = _mm256_fmadd_ps(x, bh, acc0h);
        x = _mm256_broadcast_ss(a1 + k);
        acc1l = _mm256_fmadd_ps(x, bl, acc1l);
        acc1h = _mm256_fmadd_ps(x, bh, acc1h);
        x = _mm256_broadcast_ss(a2 + k);
        acc2l = _mm256_fmadd_ps(x, bl, acc2l);
        acc2h = _mm256_fmadd_ps(x, bh, acc2h);
        x = _mm256_broadcast_ss(a3 + k);
        acc3l = _mm256_fmadd_ps(x, bl, acc3l);
        acc3h = _mm256_fmadd_ps(x, bh, acc3h);
        x = _mm256_broadcast_ss(a4 + k);
        acc4l = _mm256_fmadd_ps(x, bl, acc4l);
        acc4h = _mm256_fmadd_ps(x, bh, acc4h);
        x = _mm256_broadcast_ss(a5 + k);
        acc5l = _mm256_fmadd_ps(x, bl, acc5l);
        acc5h = _mm256_fmadd_ps(x, bh, acc5h);
      }
    }
    const __m256 lo[kMr] = {acc0l, acc1l, acc2l, acc3l, acc4l, acc5l};
    const __m256 hi[kMr] = {acc0h, acc1h, acc2h, acc3h, acc4h, acc5h};
    for (size_t m = 0; m < mr; ++m) store_row(c + m * c_stride, nc, lo[m], hi[m], vmin, vmax);
    if (nc <= 16) break;
    nc -= 16;
    c += 16;
  }
}

}  // namespace eb

// igemm_f32_7x16_avx512 / igemm_f32_7x32_avx512: 7 rows x 16 or 32 output channels per step, one or two zmm
// accumulators per row; each k broadcasts one A value per row against the row's weight vectors (XNNPACK's
// "broadcast" scheme). An FMA has a latency of 4 cycles and issues twice a cycle: 7 x 32 keeps 14
// accumulators in flight where 7 x 16 kept 7; 7 x 16 stays for layers of 16 channels or fewer, where the
// wide tile would compute padding (gemm_f32_dispatch.cc picks; bench/RESULTS.md, session 12). Every
// output is one chain of fused multiply-adds in k order whatever the tile. Contract: gemm_f32_ukernels.h.
// GCC 12's AVX-512 min/max intrinsics pass _mm512_undefined_ps() (a self-initialised variable) as the
// merge source, which -Wmaybe-uninitialized reports from inside the header: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/gemm_f32_ukernels.h"

namespace eb {

namespace {

constexpr size_t kMr = 7;

__mmask16 columns_mask(size_t nc, size_t v) {
  const size_t left = nc - 16 * v;
  return left >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << left) - 1u);
}

// One row (fully connected with batch 1, a 1x1 spatial output): a single accumulator per vector would
// be one long FMA dependency chain, so four chains take alternate k steps and are summed at the end.
template <size_t kNv>
void single_row(size_t nc, size_t kc, size_t ks, const float* const* a, const float* w, float* c, __m512 vmin,
                __m512 vmax) {
  constexpr size_t kNr = 16 * kNv;
  while (nc != 0) {
    __m512 acc[kNv][4];
#pragma GCC unroll 2
    for (size_t v = 0; v < kNv; ++v) {
      acc[v][0] = _mm512_load_ps(w + 16 * v);
      acc[v][1] = acc[v][2] = acc[v][3] = _mm512_setzero_ps();
    }
    w += kNr;
    for (size_t t = 0; t < ks; ++t) {
      const float* a0 = a[t * kMr];
      size_t k = 0;
      for (; k + 4 <= kc; k += 4, w += 4 * kNr) {
#pragma GCC unroll 4
        for (size_t j = 0; j < 4; ++j) {
          const __m512 x = _mm512_set1_ps(a0[k + j]);
#pragma GCC unroll 2
          for (size_t v = 0; v < kNv; ++v) acc[v][j] = _mm512_fmadd_ps(x, _mm512_load_ps(w + j * kNr + 16 * v), acc[v][j]);
        }
      }
      for (; k < kc; ++k, w += kNr) {
        const __m512 x = _mm512_set1_ps(a0[k]);
#pragma GCC unroll 2
        for (size_t v = 0; v < kNv; ++v) acc[v][0] = _mm512_fmadd_ps(x, _mm512_load_ps(w + 16 * v), acc[v][0]);
      }
    }
    for (size_t v = 0; v < kNv && nc > 16 * v; ++v) {
      const __m512 sum = _mm512_add_ps(_mm512_add_ps(acc[v][0], acc[v][1]), _mm512_add_ps(acc[v][2], acc[v][3]));
      _mm512_mask_storeu_ps(c + 16 * v, columns_mask(nc, v), _mm512_min_ps(_mm512_max_ps(sum, vmin), vmax));
    }
    if (nc <= kNr) break;
    nc -= kNr;
    c += kNr;
  }
}

template <size_t kNv>
void igemm_tile(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w, float* c,
                size_t c_stride, const GemmF32Params* params) {
  constexpr size_t kNr = 16 * kNv;
  const __m512 vmin = _mm512_set1_ps(params->min);
  const __m512 vmax = _mm512_set1_ps(params->max);
  if (mr == 1) {
    single_row<kNv>(nc, kc, ks, a, w, c, vmin, vmax);
    return;
  }
  while (nc != 0) {
    __m512 acc[kMr][kNv];
#pragma GCC unroll 2
    for (size_t v = 0; v < kNv; ++v) {
      const __m512 bias = _mm512_load_ps(w + 16 * v);
#pragma GCC unroll 7
      for (size_t r = 0; r < kMr; ++r) acc[r][v] = bias;
    }
    w += kNr;
    for (size_t t = 0; t < ks; ++t) {
      const float* rows[kMr];
#pragma GCC unroll 7
      for (size_t r = 0; r < kMr; ++r) rows[r] = a[t * kMr + r];
      for (size_t k = 0; k < kc; ++k, w += kNr) {
        __m512 b[kNv];
#pragma GCC unroll 2
        for (size_t v = 0; v < kNv; ++v) b[v] = _mm512_load_ps(w + 16 * v);
#pragma GCC unroll 7
        for (size_t r = 0; r < kMr; ++r) {
          const __m512 x = _mm512_set1_ps(rows[r][k]);
#pragma GCC unroll 2
          for (size_t v = 0; v < kNv; ++v) acc[r][v] = _mm512_fmadd_ps(x, b[v], acc[r][v]);
        }
      }
    }
    for (size_t v = 0; v < kNv && nc > 16 * v; ++v) {
      const __mmask16 mask = columns_mask(nc, v);
      for (size_t m = 0; m < mr; ++m)
        _mm512_mask_storeu_ps(c + m * c_stride + 16 * v, mask, _mm512_min_ps(_mm512_max_ps(acc[m][v], vmin), vmax));
    }
    if (nc <= kNr) break;
    nc -= kNr;
    c += kNr;
  }
}

}  // namespace

void igemm_f32_7x16_avx512(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w,
                           float* c, size_t c_stride, const GemmF32Params* params) {
  igemm_tile<1>(mr, nc, kc, ks, a, w, c, c_stride, params);
}
void igemm_f32_7x32_avx512(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w,
                           float* c, size_t c_stride, const GemmF32Params* params) {
  igemm_tile<2>(mr, nc, kc, ks, a, w, c, c_stride, params);
}

}  // namespace eb

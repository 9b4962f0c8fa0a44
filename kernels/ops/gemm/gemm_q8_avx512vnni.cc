// Quantized indirect GEMM microkernel, AVX-512 VNNI: 8 rows x 32 columns, k in pairs (VPDPWSSD).
// Contract and numerics: gemm_q8_ukernel.h. 16 accumulators in flight against VPDPWSSD's latency, as the
// int8 4-channel kernel (gemm_qs8_c4_avx512vnni.cc, where the tile sizes were measured).
// GCC 12's AVX-512 conversion intrinsics start from _mm512_undefined_*(), which -Wmaybe-uninitialized
// flags inside the header (a false positive; GCC bug 105593): silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/gemm/gemm_q8_ukernel.h"

namespace eb {

namespace {

// Two consecutive int16 inputs as one 32-bit lane pattern (memcpy: the row may be unaligned).
static inline __m512i broadcast_pair(const int16_t* a) {
  int32_t v;
  std::memcpy(&v, a, sizeof(v));
  return _mm512_set1_epi32(v);
}

// A row pointer of the indirection table, moved by a_offset unless it is the padding row.
static inline const int16_t* row_ptr(const int16_t* a, const Q8GemmArgs* p) {
  return a == p->zero ? a : reinterpret_cast<const int16_t*>(reinterpret_cast<uintptr_t>(a) + p->a_offset);
}

}  // namespace

namespace {

// MR rows x NV vectors of 16 columns (see the header comment for why 8 x 2).
template <size_t MR, size_t NV>
__attribute__((always_inline)) inline void gemm_tile(const Q8GemmArgs* p) {
  constexpr size_t NR = 16 * NV;
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + NR);
  const int16_t* w = reinterpret_cast<const int16_t*>(scale + NR);
  __m512i acc[MR][NV];
#pragma GCC unroll 16
  for (size_t r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (size_t v = 0; v < NV; ++v) acc[r][v] = _mm512_loadu_si512(bias + 16 * v);
  const int16_t* const* a = p->a;
  for (size_t t = 0; t < p->ks; ++t, a += MR) {
    const int16_t* rows[MR];
#pragma GCC unroll 16
    for (size_t r = 0; r < MR; ++r) rows[r] = row_ptr(a[r], p);
    for (size_t k = 0; k < p->kc; k += 2, w += 2 * NR) {
      __m512i wv[NV];
#pragma GCC unroll 4
      for (size_t v = 0; v < NV; ++v) wv[v] = _mm512_loadu_si512(w + 32 * v);
#pragma GCC unroll 16
      for (size_t r = 0; r < MR; ++r) {
        const __m512i x = broadcast_pair(rows[r] + k);
#pragma GCC unroll 4
        for (size_t v = 0; v < NV; ++v) acc[r][v] = _mm512_dpwssd_epi32(acc[r][v], x, wv[v]);
      }
    }
  }
  const __m512 vmin = _mm512_set1_ps(p->rq->min_less_zp);
  const __m512 vmax = _mm512_set1_ps(p->rq->max_less_zp);
  const __m512i vzp = _mm512_set1_epi32(p->rq->zero_point);
  for (size_t v = 0; v < NV; ++v) {
    if (p->nc <= 16 * v) break;
    const size_t cols = p->nc - 16 * v < 16 ? p->nc - 16 * v : 16;
    const __mmask16 mask = static_cast<__mmask16>((1u << cols) - 1u);
    const __m512 vscale = _mm512_loadu_ps(scale + 16 * v);
    uint8_t* c = p->c + 16 * v;
    for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
      __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[r][v]), vscale);
      f = _mm512_min_ps(_mm512_max_ps(f, vmin), vmax);
      // Clamped to the output type's range, so the low byte (VPMOVDB truncates) is the int8/uint8 value.
      const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(f), vzp);
      _mm_mask_storeu_epi8(c, mask, _mm512_cvtepi32_epi8(q));
    }
  }
}

}  // namespace

void gemm_q8_8x32c2_avx512vnni(const Q8GemmArgs* p) { gemm_tile<8, 2>(p); }

}  // namespace eb

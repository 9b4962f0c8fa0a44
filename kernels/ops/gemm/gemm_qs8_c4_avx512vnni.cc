// QS8 indirect GEMM microkernel, AVX-512 VNNI: 8 rows x 32 columns, 4 int8 per lane (VPDPBUSD on the
// sign-flipped input). Contract and numerics: gemm_q8_ukernel.h (Qs8GemmC4Args).
// The tile: VPDPBUSD has a latency of 5 cycles and issues up to twice a cycle, so a tile wants a dozen
// or more independent accumulators; 8 x 2 vectors keeps 16 in flight, loads two weight vectors per 8
// broadcasts (each a load-port broadcast from memory and a vector XOR for the sign flip, not a GPR
// round trip). Measured on this machine against 4x16, 8x16, 12x16, 6x32, 5x48 and 4x64 (bench/RESULTS.md,
// session 12): 8x32 was fastest or tied on every int8 model (YOLOv8n-640 45.9 -> 33.9 ms).
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

// Four consecutive int8 inputs, sign bits flipped (x + 128 as uint8), in every lane.
static inline __m512i broadcast_quad(const uint8_t* a) {
  return _mm512_xor_si512(_mm512_broadcastd_epi32(_mm_loadu_si32(a)), _mm512_set1_epi32(static_cast<int32_t>(0x80808080u)));
}

}  // namespace

namespace {

// MR rows x NV vectors of 16 columns.
template <size_t MR, size_t NV>
__attribute__((always_inline)) inline void gemm_tile(const Qs8GemmC4Args* p) {
  constexpr size_t NR = 16 * NV;
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + NR);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + NR);
  __m512i acc[MR][NV];
#pragma GCC unroll 16
  for (size_t r = 0; r < MR; ++r)
#pragma GCC unroll 4
    for (size_t v = 0; v < NV; ++v) acc[r][v] = _mm512_loadu_si512(bias + 16 * v);
  const int64_t* off = p->offsets;
  for (size_t t = 0; t < p->ks; ++t, off += MR) {
    const uint8_t* a[MR];
#pragma GCC unroll 16
    for (size_t r = 0; r < MR; ++r) a[r] = off[r] < 0 ? p->pad : p->input + off[r];
    for (size_t k = 0; k < p->kc; k += 4, w += 4 * NR) {
      __m512i wv[NV];
#pragma GCC unroll 4
      for (size_t v = 0; v < NV; ++v) wv[v] = _mm512_loadu_si512(w + 64 * v);
#pragma GCC unroll 16
      for (size_t r = 0; r < MR; ++r) {
        const __m512i x = broadcast_quad(a[r] + k);
#pragma GCC unroll 4
        for (size_t v = 0; v < NV; ++v) acc[r][v] = _mm512_dpbusd_epi32(acc[r][v], x, wv[v]);
      }
    }
  }
  uint8_t* c = p->c;
  for (size_t v = 0; v < NV; ++v) {
    if (p->nc <= 16 * v) break;
    const size_t cols = p->nc - 16 * v < 16 ? p->nc - 16 * v : 16;
    const __mmask16 mask = static_cast<__mmask16>((1u << cols) - 1u);
    if (p->rq == nullptr) {  // the int32 sums (hybrid conv and fully connected)
      uint8_t* cv = c + 64 * v;
      for (size_t r = 0; r < p->mr; ++r, cv += p->c_stride) _mm512_mask_storeu_epi32(cv, mask, acc[r][v]);
      continue;
    }
    const __m512 vscale = _mm512_loadu_ps(scale + 16 * v);
    const __m512 vmin = _mm512_set1_ps(p->rq->min_less_zp);
    const __m512 vmax = _mm512_set1_ps(p->rq->max_less_zp);
    const __m512i vzp = _mm512_set1_epi32(p->rq->zero_point);
    uint8_t* cv = c + 16 * v;
    for (size_t r = 0; r < p->mr; ++r, cv += p->c_stride) {
      __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(acc[r][v]), vscale);
      f = _mm512_min_ps(_mm512_max_ps(f, vmin), vmax);
      const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(f), vzp);
      _mm_mask_storeu_epi8(cv, mask, _mm512_cvtepi32_epi8(q));
    }
  }
}

}  // namespace

void gemm_qs8_8x32c4_avx512vnni(const Qs8GemmC4Args* p) { gemm_tile<8, 2>(p); }

}  // namespace eb

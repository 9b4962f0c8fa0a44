// Quantized indirect GEMM microkernel, AVX-512 VNNI: 4 rows x 16 columns, k in pairs (VPDPWSSD).
// Contract and numerics: gemm_q8_ukernel.h.
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

constexpr size_t kMr = 4;
constexpr size_t kNr = 16;

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

void gemm_q8_4x16c2_avx512vnni(const Q8GemmArgs* p) {
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + kNr);
  const int16_t* w = reinterpret_cast<const int16_t*>(scale + kNr);
  __m512i acc0 = _mm512_loadu_si512(bias);
  __m512i acc1 = acc0, acc2 = acc0, acc3 = acc0;
  const int16_t* const* a = p->a;
  for (size_t t = 0; t < p->ks; ++t, a += kMr) {
    const int16_t* a0 = row_ptr(a[0], p);
    const int16_t* a1 = row_ptr(a[1], p);
    const int16_t* a2 = row_ptr(a[2], p);
    const int16_t* a3 = row_ptr(a[3], p);
    for (size_t k = 0; k < p->kc; k += 2, w += 2 * kNr) {
      const __m512i wv = _mm512_loadu_si512(w);
      acc0 = _mm512_dpwssd_epi32(acc0, broadcast_pair(a0 + k), wv);
      acc1 = _mm512_dpwssd_epi32(acc1, broadcast_pair(a1 + k), wv);
      acc2 = _mm512_dpwssd_epi32(acc2, broadcast_pair(a2 + k), wv);
      acc3 = _mm512_dpwssd_epi32(acc3, broadcast_pair(a3 + k), wv);
    }
  }
  const __m512 vscale = _mm512_loadu_ps(scale);
  const __m512 vmin = _mm512_set1_ps(p->rq->min_less_zp);
  const __m512 vmax = _mm512_set1_ps(p->rq->max_less_zp);
  const __m512i vzp = _mm512_set1_epi32(p->rq->zero_point);
  const __mmask16 mask = static_cast<__mmask16>((1u << p->nc) - 1u);
  const __m512i accs[kMr] = {acc0, acc1, acc2, acc3};
  uint8_t* c = p->c;
  for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(accs[r]), vscale);
    v = _mm512_min_ps(_mm512_max_ps(v, vmin), vmax);
    // Clamped to the output type's range, so the low byte (VPMOVDB truncates) is the int8/uint8 value.
    const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), vzp);
    _mm_mask_storeu_epi8(c, mask, _mm512_cvtepi32_epi8(q));
  }
}

}  // namespace eb

// QS8 indirect GEMM microkernel, AVX-512 VNNI: 4 rows x 16 columns, 4 int8 per lane (VPDPBUSD on the
// sign-flipped input). Contract and numerics: gemm_q8_ukernel.h (Qs8GemmC4Args).
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

// Four consecutive int8 inputs, sign bits flipped (x + 128 as uint8), in every lane.
static inline __m512i broadcast_quad(const uint8_t* a) {
  uint32_t v;
  std::memcpy(&v, a, sizeof(v));
  return _mm512_set1_epi32(static_cast<int32_t>(v ^ 0x80808080u));
}

}  // namespace

void gemm_qs8_4x16c4_avx512vnni(const Qs8GemmC4Args* p) {
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + kNr);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + kNr);
  __m512i acc0 = _mm512_loadu_si512(bias);
  __m512i acc1 = acc0, acc2 = acc0, acc3 = acc0;
  const int64_t* off = p->offsets;
  for (size_t t = 0; t < p->ks; ++t, off += kMr) {
    const uint8_t* a0 = off[0] < 0 ? p->pad : p->input + off[0];
    const uint8_t* a1 = off[1] < 0 ? p->pad : p->input + off[1];
    const uint8_t* a2 = off[2] < 0 ? p->pad : p->input + off[2];
    const uint8_t* a3 = off[3] < 0 ? p->pad : p->input + off[3];
    for (size_t k = 0; k < p->kc; k += 4, w += 4 * kNr) {
      const __m512i wv = _mm512_loadu_si512(w);
      acc0 = _mm512_dpbusd_epi32(acc0, broadcast_quad(a0 + k), wv);
      acc1 = _mm512_dpbusd_epi32(acc1, broadcast_quad(a1 + k), wv);
      acc2 = _mm512_dpbusd_epi32(acc2, broadcast_quad(a2 + k), wv);
      acc3 = _mm512_dpbusd_epi32(acc3, broadcast_quad(a3 + k), wv);
    }
  }
  const __mmask16 mask = static_cast<__mmask16>((1u << p->nc) - 1u);
  const __m512i accs[kMr] = {acc0, acc1, acc2, acc3};
  uint8_t* c = p->c;
  if (p->rq == nullptr) {  // the int32 sums (hybrid conv)
    for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) _mm512_mask_storeu_epi32(c, mask, accs[r]);
    return;
  }
  const __m512 vscale = _mm512_loadu_ps(scale);
  const __m512 vmin = _mm512_set1_ps(p->rq->min_less_zp);
  const __m512 vmax = _mm512_set1_ps(p->rq->max_less_zp);
  const __m512i vzp = _mm512_set1_epi32(p->rq->zero_point);
  for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
    __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(accs[r]), vscale);
    v = _mm512_min_ps(_mm512_max_ps(v, vmin), vmax);
    const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), vzp);
    _mm_mask_storeu_epi8(c, mask, _mm512_cvtepi32_epi8(q));
  }
}

}  // namespace eb

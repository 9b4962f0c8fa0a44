// QS8 GEMV microkernel, AVX-512 VNNI: 1 row x 64 columns, 4 int8 per lane (VPDPBUSD on the sign-flipped
// input). For a single output row (FULLY_CONNECTED at batch 1, a conv with one output pixel) the 4x16
// tile would spend three quarters of its multiplies on repeated rows; here four independent
// accumulators cover 64 columns, so every VPDPBUSD is useful and none waits on the previous one.
// Contract and numerics: gemm_q8_ukernel.h (Qs8GemmC4Args, with MR = 1, NR = 64). GCC 12 flags its own
// AVX-512 headers (_mm512_undefined_* placeholders, GCC bug 105593) once helpers are inlined: silenced here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/gemm/gemm_q8_ukernel.h"

namespace eb {

namespace {

constexpr size_t kNr = 64;

static inline __m512i broadcast_quad(const uint8_t* a) {
  uint32_t v;
  std::memcpy(&v, a, sizeof(v));
  return _mm512_set1_epi32(static_cast<int32_t>(v ^ 0x80808080u));
}

static inline void store16(uint8_t* c, __m512i acc, const float* scale, __m512 vmin, __m512 vmax, __m512i vzp,
                           __mmask16 mask) {
  __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(scale));
  v = _mm512_min_ps(_mm512_max_ps(v, vmin), vmax);
  _mm_mask_storeu_epi8(c, mask, _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(v), vzp)));
}

static inline __mmask16 mask_of(size_t nc, size_t first) {
  if (nc <= first) return 0;
  const size_t n = nc - first;
  return n >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << n) - 1u);
}

}  // namespace

void gemv_qs8_1x64c4_avx512vnni(const Qs8GemmC4Args* p) {
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + kNr);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + kNr);
  __m512i acc0 = _mm512_loadu_si512(bias);
  __m512i acc1 = _mm512_loadu_si512(bias + 16);
  __m512i acc2 = _mm512_loadu_si512(bias + 32);
  __m512i acc3 = _mm512_loadu_si512(bias + 48);
  const int64_t* off = p->offsets;
  for (size_t t = 0; t < p->ks; ++t, ++off) {
    const uint8_t* a = *off < 0 ? p->pad : p->input + *off;
    for (size_t k = 0; k < p->kc; k += 4, w += 4 * kNr) {
      const __m512i x = broadcast_quad(a + k);
      acc0 = _mm512_dpbusd_epi32(acc0, x, _mm512_loadu_si512(w));
      acc1 = _mm512_dpbusd_epi32(acc1, x, _mm512_loadu_si512(w + 64));
      acc2 = _mm512_dpbusd_epi32(acc2, x, _mm512_loadu_si512(w + 128));
      acc3 = _mm512_dpbusd_epi32(acc3, x, _mm512_loadu_si512(w + 192));
    }
  }
  if (p->rq == nullptr) {  // the int32 sums themselves (the hybrid FULLY_CONNECTED's float epilogue follows)
    int32_t* c = reinterpret_cast<int32_t*>(p->c);
    _mm512_mask_storeu_epi32(c, mask_of(p->nc, 0), acc0);
    if (p->nc > 16) _mm512_mask_storeu_epi32(c + 16, mask_of(p->nc, 16), acc1);
    if (p->nc > 32) _mm512_mask_storeu_epi32(c + 32, mask_of(p->nc, 32), acc2);
    if (p->nc > 48) _mm512_mask_storeu_epi32(c + 48, mask_of(p->nc, 48), acc3);
    return;
  }
  const __m512 vmin = _mm512_set1_ps(p->rq->min_less_zp);
  const __m512 vmax = _mm512_set1_ps(p->rq->max_less_zp);
  const __m512i vzp = _mm512_set1_epi32(p->rq->zero_point);
  store16(p->c, acc0, scale, vmin, vmax, vzp, mask_of(p->nc, 0));
  if (p->nc > 16) store16(p->c + 16, acc1, scale + 16, vmin, vmax, vzp, mask_of(p->nc, 16));
  if (p->nc > 32) store16(p->c + 32, acc2, scale + 32, vmin, vmax, vzp, mask_of(p->nc, 32));
  if (p->nc > 48) store16(p->c + 48, acc3, scale + 48, vmin, vmax, vzp, mask_of(p->nc, 48));
}

}  // namespace eb

// Quantized indirect GEMM microkernel, AVX2: 4 rows x 8 columns, k in pairs (PMADDWD).
// Contract and numerics: gemm_q8_ukernel.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/gemm/gemm_q8_ukernel.h"

namespace eb {

namespace {

constexpr size_t kMr = 4;
constexpr size_t kNr = 8;

static inline __m256i broadcast_pair(const int16_t* a) {
  int32_t v;
  std::memcpy(&v, a, sizeof(v));
  return _mm256_set1_epi32(v);
}

// A row pointer of the indirection table, moved by a_offset unless it is the padding row.
static inline const int16_t* row_ptr(const int16_t* a, const Q8GemmArgs* p) {
  return a == p->zero ? a : reinterpret_cast<const int16_t*>(reinterpret_cast<uintptr_t>(a) + p->a_offset);
}

}  // namespace

void gemm_q8_4x8c2_avx2(const Q8GemmArgs* p) {
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + kNr);
  const int16_t* w = reinterpret_cast<const int16_t*>(scale + kNr);
  __m256i acc0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bias));
  __m256i acc1 = acc0, acc2 = acc0, acc3 = acc0;
  const int16_t* const* a = p->a;
  for (size_t t = 0; t < p->ks; ++t, a += kMr) {
    const int16_t* a0 = row_ptr(a[0], p);
    const int16_t* a1 = row_ptr(a[1], p);
    const int16_t* a2 = row_ptr(a[2], p);
    const int16_t* a3 = row_ptr(a[3], p);
    for (size_t k = 0; k < p->kc; k += 2, w += 2 * kNr) {
      const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w));
      acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(broadcast_pair(a0 + k), wv));
      acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(broadcast_pair(a1 + k), wv));
      acc2 = _mm256_add_epi32(acc2, _mm256_madd_epi16(broadcast_pair(a2 + k), wv));
      acc3 = _mm256_add_epi32(acc3, _mm256_madd_epi16(broadcast_pair(a3 + k), wv));
    }
  }
  const __m256 vscale = _mm256_loadu_ps(scale);
  const __m256 vmin = _mm256_set1_ps(p->rq->min_less_zp);
  const __m256 vmax = _mm256_set1_ps(p->rq->max_less_zp);
  const __m256i vzp = _mm256_set1_epi32(p->rq->zero_point);
  const bool out_unsigned = p->rq->out_unsigned != 0;
  const __m256i accs[kMr] = {acc0, acc1, acc2, acc3};
  uint8_t* c = p->c;
  for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
    __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(accs[r]), vscale);
    v = _mm256_min_ps(_mm256_max_ps(v, vmin), vmax);
    const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), vzp);
    // In range already: the saturating packs only narrow.
    const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
    const __m128i q8 = out_unsigned ? _mm_packus_epi16(q16, q16) : _mm_packs_epi16(q16, q16);
    if (p->nc == kNr) {
      _mm_storel_epi64(reinterpret_cast<__m128i*>(c), q8);
    } else {
      uint8_t tmp[16];
      _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), q8);
      std::memcpy(c, tmp, p->nc);
    }
  }
}

}  // namespace eb

namespace eb {

void q8_center_avx2(const uint8_t* src, size_t n, int32_t zero_point, int32_t is_unsigned, int16_t* dst) {
  const __m256i vzp = _mm256_set1_epi16(static_cast<int16_t>(zero_point));
  size_t i = 0;
  if (is_unsigned) {
    for (; i + 16 <= n; i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_sub_epi16(_mm256_cvtepu8_epi16(x), vzp));
    }
    for (; i < n; ++i) dst[i] = static_cast<int16_t>(static_cast<int32_t>(src[i]) - zero_point);
  } else {
    for (; i + 16 <= n; i += 16) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_sub_epi16(_mm256_cvtepi8_epi16(x), vzp));
    }
    for (; i < n; ++i) dst[i] = static_cast<int16_t>(static_cast<int32_t>(static_cast<int8_t>(src[i])) - zero_point);
  }
}

}  // namespace eb

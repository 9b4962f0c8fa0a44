// int8 x int8 dot products for AVX2, four weight rows against one input row at a time: 16 values per
// step sign-extended to int16 and multiplied-and-pair-added (VPMADDWD) into int32 lanes; products of
// int8 fit int16 pairs' int32 sums exactly. Contract: hybrid_dot_ukernels.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/hybrid_dot_ukernels.h"

namespace eb {
namespace {

static inline __m256i load16(const int8_t* p) {
  return _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
}

static inline int32_t hsum(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

// Wrapping int32 add, as the reference's accumulator (no signed-overflow UB in the scalar tail).
static inline int32_t wrap_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

}  // namespace

void hybrid_dot_s8_avx2(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows, int32_t* out) {
  const size_t n16 = n / 16 * 16;
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int8_t* w0 = w + r * w_stride;
    const int8_t* w1 = w0 + w_stride;
    const int8_t* w2 = w1 + w_stride;
    const int8_t* w3 = w2 + w_stride;
    __m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
    for (size_t i = 0; i < n16; i += 16) {
      const __m256i xv = load16(x + i);
      a0 = _mm256_add_epi32(a0, _mm256_madd_epi16(xv, load16(w0 + i)));
      a1 = _mm256_add_epi32(a1, _mm256_madd_epi16(xv, load16(w1 + i)));
      a2 = _mm256_add_epi32(a2, _mm256_madd_epi16(xv, load16(w2 + i)));
      a3 = _mm256_add_epi32(a3, _mm256_madd_epi16(xv, load16(w3 + i)));
    }
    int32_t s0 = hsum(a0), s1 = hsum(a1), s2 = hsum(a2), s3 = hsum(a3);
    for (size_t i = n16; i < n; ++i) {
      const int32_t xi = x[i];
      s0 = wrap_add(s0, xi * w0[i]);
      s1 = wrap_add(s1, xi * w1[i]);
      s2 = wrap_add(s2, xi * w2[i]);
      s3 = wrap_add(s3, xi * w3[i]);
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < rows; ++r) {
    const int8_t* wr = w + r * w_stride;
    __m256i a = _mm256_setzero_si256();
    for (size_t i = 0; i < n16; i += 16) a = _mm256_add_epi32(a, _mm256_madd_epi16(load16(x + i), load16(wr + i)));
    int32_t s = hsum(a);
    for (size_t i = n16; i < n; ++i) s = wrap_add(s, static_cast<int32_t>(x[i]) * wr[i]);
    out[r] = s;
  }
}

}  // namespace eb

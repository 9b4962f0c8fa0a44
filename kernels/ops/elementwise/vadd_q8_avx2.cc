// Quantized ADD / SUB microkernels for AVX2 (contract: vadd_q8_ukernels.h): 16 elements per step, both
// operands widened to int32, two VPMULLD and a variable arithmetic shift, then saturating packs and the
// clamp on bytes (the bounds lie inside the type, so clamping after the saturating narrowing is the same).
#include <immintrin.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/vadd_q8_ukernels.h"

namespace eb {
namespace {

template <bool kUnsigned>
inline __m256i widen8(const void* p) {  // 8 bytes -> 8 int32
  const __m128i v = _mm_loadl_epi64(static_cast<const __m128i*>(p));
  return kUnsigned ? _mm256_cvtepu8_epi32(v) : _mm256_cvtepi8_epi32(v);
}

template <bool kUnsigned, typename T>
void vadd(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VAddQ8Params* p) {
  const __m256i am = _mm256_set1_epi32(p->a_multiplier), bm = _mm256_set1_epi32(p->b_multiplier);
  const __m256i bias = _mm256_set1_epi32(p->bias), zp = _mm256_set1_epi32(p->out_zp);
  const __m128i shift = _mm_cvtsi32_si128(static_cast<int>(p->shift));
  // A broadcast operand's product is one constant.
  const __m256i a_one = _mm256_set1_epi32(static_cast<int32_t>(a[0]) * p->a_multiplier);
  const __m256i b_one = _mm256_set1_epi32(static_cast<int32_t>(b[0]) * p->b_multiplier);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256i q[2];
    for (int h = 0; h < 2; ++h) {
      const size_t j = i + 8 * static_cast<size_t>(h);
      const __m256i pa = a_inc ? _mm256_mullo_epi32(widen8<kUnsigned>(a + j), am) : a_one;
      const __m256i pb = b_inc ? _mm256_mullo_epi32(widen8<kUnsigned>(b + j), bm) : b_one;
      q[h] = _mm256_add_epi32(_mm256_sra_epi32(_mm256_add_epi32(_mm256_add_epi32(bias, pa), pb), shift), zp);
    }
    // int32 -> int16 (saturating, within 128-bit lanes: q0 0-3, q1 0-3 | q0 4-7, q1 4-7) -> bytes; the
    // 64-bit permutation restores the order.
    const __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(q[0], q[1]), 0xD8);
    const __m128i w_lo = _mm256_castsi256_si128(w), w_hi = _mm256_extracti128_si256(w, 1);
    __m128i bytes = kUnsigned ? _mm_packus_epi16(w_lo, w_hi) : _mm_packs_epi16(w_lo, w_hi);
    if (kUnsigned) {
      bytes = _mm_max_epu8(bytes, _mm_set1_epi8(static_cast<char>(p->out_min)));
      bytes = _mm_min_epu8(bytes, _mm_set1_epi8(static_cast<char>(p->out_max)));
    } else {
      bytes = _mm_max_epi8(bytes, _mm_set1_epi8(static_cast<char>(p->out_min)));
      bytes = _mm_min_epi8(bytes, _mm_set1_epi8(static_cast<char>(p->out_max)));
    }
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), bytes);
  }
  for (; i < n; ++i) {  // the reference's scalar form
    const int32_t acc = p->bias + static_cast<int32_t>(a[i * a_inc]) * p->a_multiplier +
                        static_cast<int32_t>(b[i * b_inc]) * p->b_multiplier;
    out[i] = static_cast<T>(std::min(std::max((acc >> p->shift) + p->out_zp, p->out_min), p->out_max));
  }
}

}  // namespace

void vadd_qs8_avx2(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                   const VAddQ8Params* p) {
  vadd<false>(n, a, a_inc, b, b_inc, out, p);
}

void vadd_qu8_avx2(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                   const VAddQ8Params* p) {
  vadd<true>(n, a, a_inc, b, b_inc, out, p);
}

}  // namespace eb

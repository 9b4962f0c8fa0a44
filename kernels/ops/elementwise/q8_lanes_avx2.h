// Lane helpers shared by the AVX2 quantized elementwise microkernels (vadd_q8_avx2.cc, vmul_q8_avx2.cc):
// byte loads widened to int32, and 16 int32 results narrowed to bytes and clamped. In an anonymous
// namespace: each including file (built with -mavx2) compiles its own copy (kernels/CMakeLists.txt).
#pragma once

#include <immintrin.h>

namespace eb {
namespace {

template <bool kUnsigned>
inline __m256i widen8(const void* p) {  // 8 bytes -> 8 int32
  const __m128i v = _mm_loadl_epi64(static_cast<const __m128i*>(p));
  return kUnsigned ? _mm256_cvtepu8_epi32(v) : _mm256_cvtepi8_epi32(v);
}

// Elements 0-7 in q0 and 8-15 in q1 -> 16 bytes, saturating, then clamped to [lo, hi] (byte vectors).
// The bounds lie inside the type, so clamping after the saturating narrowing is the same as before it.
template <bool kUnsigned>
inline void store16_clamped(__m256i q0, __m256i q1, __m128i lo, __m128i hi, void* out) {
  // int32 -> int16 packs within 128-bit lanes (q0 0-3, q1 0-3 | q0 4-7, q1 4-7); the 64-bit
  // permutation restores the order.
  const __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(q0, q1), 0xD8);
  const __m128i w_lo = _mm256_castsi256_si128(w), w_hi = _mm256_extracti128_si256(w, 1);
  __m128i bytes;
  if (kUnsigned)
    bytes = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(w_lo, w_hi), lo), hi);
  else
    bytes = _mm_min_epi8(_mm_max_epi8(_mm_packs_epi16(w_lo, w_hi), lo), hi);
  _mm_storeu_si128(static_cast<__m128i*>(out), bytes);
}

}  // namespace
}  // namespace eb

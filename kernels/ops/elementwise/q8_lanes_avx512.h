// Lane helpers shared by the AVX-512 quantized elementwise microkernels (vadd_q8_avx512.cc,
// vmul_q8_avx512.cc): 16 elements per step in one vector of int32 lanes, the tail the same step under a
// shorter mask. In an anonymous namespace: each including file compiles its own copy with its own ISA
// flags (kernels/CMakeLists.txt).
#pragma once

#include <immintrin.h>

#include <cstddef>

namespace eb {
namespace {

// step(i, mask) for i = 0, 16, 32, ... < n; mask selects the lanes that exist (all but in the tail).
template <typename Step>
inline void for_each_masked16(size_t n, const Step& step) {
  for (size_t i = 0; i < n; i += 16) {
    const size_t left = n - i;
    step(i, left >= 16 ? __mmask16{0xFFFF} : static_cast<__mmask16>((1u << left) - 1));
  }
}

template <bool kUnsigned>
inline __m512i widen16(__mmask16 m, const void* p) {  // up to 16 bytes -> 16 int32
  const __m128i v = _mm_maskz_loadu_epi8(m, p);
  return kUnsigned ? _mm512_cvtepu8_epi32(v) : _mm512_cvtepi8_epi32(v);
}

// Clamps in int32 (so the plain narrowing VPMOVDB is exact) and stores the masked lanes as bytes.
inline void store16_clamped(__m512i v, __m512i lo, __m512i hi, __mmask16 m, void* out) {
  v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
  _mm_mask_storeu_epi8(out, m, _mm512_cvtepi32_epi8(v));
}

}  // namespace
}  // namespace eb

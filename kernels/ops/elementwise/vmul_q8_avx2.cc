// Quantized MUL microkernels for AVX2 (contract: vmul_q8_ukernels.h): 16 elements per step in two halves
// of 8 int32 lanes: widen, subtract the zero points, VPMULLD, convert, multiply by the scale, VCVTPS2DQ
// (round half to even, the default MXCSR mode, as nearbyint), add the output zero point, saturating packs
// and the clamp on bytes (the bounds lie inside the type, so clamping after the saturating narrowing is
// the same). The tail runs the same step on a copy, so there is no second (scalar) form to keep equal.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/elementwise/vmul_q8_ukernels.h"

namespace eb {
namespace {

template <bool kUnsigned>
inline __m256i widen8(const void* p) {  // 8 bytes -> 8 int32
  const __m128i v = _mm_loadl_epi64(static_cast<const __m128i*>(p));
  return kUnsigned ? _mm256_cvtepu8_epi32(v) : _mm256_cvtepi8_epi32(v);
}

struct Consts {
  __m256i a_zp, b_zp, out_zp, a_one, b_one;  // a_one / b_one: a broadcast operand minus its zero point
  __m256 scale;
  __m128i out_min, out_max;
};

template <bool kUnsigned, typename T>
inline void step16(const Consts& k, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out) {
  __m256i q[2];
  for (int h = 0; h < 2; ++h) {
    const size_t j = 8 * static_cast<size_t>(h);
    const __m256i xa = a_inc ? _mm256_sub_epi32(widen8<kUnsigned>(a + j), k.a_zp) : k.a_one;
    const __m256i xb = b_inc ? _mm256_sub_epi32(widen8<kUnsigned>(b + j), k.b_zp) : k.b_one;
    const __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_mullo_epi32(xa, xb)), k.scale);
    q[h] = _mm256_add_epi32(_mm256_cvtps_epi32(v), k.out_zp);
  }
  // int32 -> int16 (saturating, within 128-bit lanes), the 64-bit permutation restores the order; -> bytes.
  const __m256i w = _mm256_permute4x64_epi64(_mm256_packs_epi32(q[0], q[1]), 0xD8);
  const __m128i w_lo = _mm256_castsi256_si128(w), w_hi = _mm256_extracti128_si256(w, 1);
  __m128i bytes;
  if (kUnsigned)
    bytes = _mm_min_epu8(_mm_max_epu8(_mm_packus_epi16(w_lo, w_hi), k.out_min), k.out_max);
  else
    bytes = _mm_min_epi8(_mm_max_epi8(_mm_packs_epi16(w_lo, w_hi), k.out_min), k.out_max);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), bytes);
}

template <bool kUnsigned, typename T>
void vmul(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VMulQ8Params* p) {
  Consts k;
  k.a_zp = _mm256_set1_epi32(p->a_zp);
  k.b_zp = _mm256_set1_epi32(p->b_zp);
  k.out_zp = _mm256_set1_epi32(p->out_zp);
  k.a_one = _mm256_set1_epi32(static_cast<int32_t>(a[0]) - p->a_zp);
  k.b_one = _mm256_set1_epi32(static_cast<int32_t>(b[0]) - p->b_zp);
  k.scale = _mm256_set1_ps(p->scale);
  k.out_min = _mm_set1_epi8(static_cast<char>(p->out_min));
  k.out_max = _mm_set1_epi8(static_cast<char>(p->out_max));
  size_t i = 0;
  for (; i + 16 <= n; i += 16) step16<kUnsigned>(k, a + i * a_inc, a_inc, b + i * b_inc, b_inc, out + i);
  if (i < n) {
    const size_t rest = n - i;
    T ta[16] = {}, tb[16] = {}, to[16];
    if (a_inc) std::memcpy(ta, a + i, rest * sizeof(T));
    if (b_inc) std::memcpy(tb, b + i, rest * sizeof(T));
    step16<kUnsigned>(k, ta, a_inc, tb, b_inc, to);
    std::memcpy(out + i, to, rest * sizeof(T));
  }
}

}  // namespace

void vmul_qs8_avx2(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                   const VMulQ8Params* p) {
  vmul<false>(n, a, a_inc, b, b_inc, out, p);
}

void vmul_qu8_avx2(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                   const VMulQ8Params* p) {
  vmul<true>(n, a, a_inc, b, b_inc, out, p);
}

}  // namespace eb

// Quantized MUL microkernels for AVX-512 (contract: vmul_q8_ukernels.h): 16 elements per step in one
// vector of int32 lanes: masked byte loads widened to int32, the zero points subtracted, VPMULLD,
// convert, multiply by the scale, VCVTPS2DQ (round half to even, the default MXCSR mode, as nearbyint),
// the output zero point, the clamp in int32 and a masked narrowing store; the tail is the same step under
// a shorter mask (q8_lanes_avx512.h).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/q8_lanes_avx512.h"
#include "kernels/ops/elementwise/vmul_q8_ukernels.h"

namespace eb {
namespace {

template <bool kUnsigned, typename T>
void vmul(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VMulQ8Params* p) {
  const __m512i a_zp = _mm512_set1_epi32(p->a_zp), b_zp = _mm512_set1_epi32(p->b_zp);
  const __m512i a_one = _mm512_set1_epi32(static_cast<int32_t>(a[0]) - p->a_zp);
  const __m512i b_one = _mm512_set1_epi32(static_cast<int32_t>(b[0]) - p->b_zp);
  const __m512i zp = _mm512_set1_epi32(p->out_zp);
  const __m512i lo = _mm512_set1_epi32(p->out_min), hi = _mm512_set1_epi32(p->out_max);
  const __m512 scale = _mm512_set1_ps(p->scale);
  for_each_masked16(n, [&](size_t i, __mmask16 m) {
    const __m512i xa = a_inc ? _mm512_sub_epi32(widen16<kUnsigned>(m, a + i), a_zp) : a_one;
    const __m512i xb = b_inc ? _mm512_sub_epi32(widen16<kUnsigned>(m, b + i), b_zp) : b_one;
    const __m512 f = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_mullo_epi32(xa, xb)), scale);
    store16_clamped(_mm512_add_epi32(_mm512_cvtps_epi32(f), zp), lo, hi, m, out + i);
  });
}

}  // namespace

void vmul_qs8_avx512(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                     const VMulQ8Params* p) {
  vmul<false>(n, a, a_inc, b, b_inc, out, p);
}

void vmul_qu8_avx512(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                     const VMulQ8Params* p) {
  vmul<true>(n, a, a_inc, b, b_inc, out, p);
}

}  // namespace eb

// Quantized ADD / SUB microkernels for AVX-512 (contract: vadd_q8_ukernels.h): 16 elements per step in
// one vector of int32 lanes: masked byte loads widened to int32, VPMULLD onto the bias (a broadcast
// operand's product is folded into it), arithmetic shift, output zero point, the clamp in int32 and a
// masked narrowing store; the tail is the same step under a shorter mask (q8_lanes_avx512.h).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/q8_lanes_avx512.h"
#include "kernels/ops/elementwise/vadd_q8_ukernels.h"

namespace eb {
namespace {

template <bool kUnsigned, typename T>
void vadd(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VAddQ8Params* p) {
  const __m512i am = _mm512_set1_epi32(p->a_multiplier), bm = _mm512_set1_epi32(p->b_multiplier);
  const __m512i zp = _mm512_set1_epi32(p->out_zp);
  const __m512i lo = _mm512_set1_epi32(p->out_min), hi = _mm512_set1_epi32(p->out_max);
  const __m128i shift = _mm_cvtsi32_si128(static_cast<int>(p->shift));
  // Wrapping int32 adds, as the vector lanes do: the sum is exact whatever the order (contract).
  uint32_t bias = static_cast<uint32_t>(p->bias);
  if (!a_inc) bias += static_cast<uint32_t>(static_cast<int32_t>(a[0]) * p->a_multiplier);
  if (!b_inc) bias += static_cast<uint32_t>(static_cast<int32_t>(b[0]) * p->b_multiplier);
  const __m512i vbias = _mm512_set1_epi32(static_cast<int32_t>(bias));
  for_each_masked16(n, [&](size_t i, __mmask16 m) {
    __m512i acc = vbias;
    if (a_inc) acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(widen16<kUnsigned>(m, a + i), am));
    if (b_inc) acc = _mm512_add_epi32(acc, _mm512_mullo_epi32(widen16<kUnsigned>(m, b + i), bm));
    store16_clamped(_mm512_add_epi32(_mm512_sra_epi32(acc, shift), zp), lo, hi, m, out + i);
  });
}

}  // namespace

void vadd_qs8_avx512(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                     const VAddQ8Params* p) {
  vadd<false>(n, a, a_inc, b, b_inc, out, p);
}

void vadd_qu8_avx512(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                     const VAddQ8Params* p) {
  vadd<true>(n, a, a_inc, b, b_inc, out, p);
}

}  // namespace eb

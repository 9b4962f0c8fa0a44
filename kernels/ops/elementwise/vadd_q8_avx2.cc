// Quantized ADD / SUB microkernels for AVX2 (contract: vadd_q8_ukernels.h): 16 elements per step, both
// operands widened to int32, two VPMULLD and a variable arithmetic shift, then saturating packs and the
// clamp on bytes (q8_lanes_avx2.h). The tail runs the same step on a copy (q8_step16.h).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/q8_lanes_avx2.h"
#include "kernels/ops/elementwise/q8_step16.h"
#include "kernels/ops/elementwise/vadd_q8_ukernels.h"

namespace eb {
namespace {

template <bool kUnsigned, typename T>
void vadd(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VAddQ8Params* p) {
  const __m256i am = _mm256_set1_epi32(p->a_multiplier), bm = _mm256_set1_epi32(p->b_multiplier);
  const __m256i bias = _mm256_set1_epi32(p->bias), zp = _mm256_set1_epi32(p->out_zp);
  const __m128i shift = _mm_cvtsi32_si128(static_cast<int>(p->shift));
  const __m128i lo = _mm_set1_epi8(static_cast<char>(p->out_min)), hi = _mm_set1_epi8(static_cast<char>(p->out_max));
  // A broadcast operand's product is one constant.
  const __m256i a_one = _mm256_set1_epi32(static_cast<int32_t>(a[0]) * p->a_multiplier);
  const __m256i b_one = _mm256_set1_epi32(static_cast<int32_t>(b[0]) * p->b_multiplier);
  for_each_step16(n, a, a_inc, b, b_inc, out, [&](const T* sa, const T* sb, T* so) {
    __m256i q[2];
    for (size_t h = 0; h < 2; ++h) {
      const __m256i pa = a_inc ? _mm256_mullo_epi32(widen8<kUnsigned>(sa + 8 * h), am) : a_one;
      const __m256i pb = b_inc ? _mm256_mullo_epi32(widen8<kUnsigned>(sb + 8 * h), bm) : b_one;
      q[h] = _mm256_add_epi32(_mm256_sra_epi32(_mm256_add_epi32(_mm256_add_epi32(bias, pa), pb), shift), zp);
    }
    store16_clamped<kUnsigned>(q[0], q[1], lo, hi, so);
  });
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

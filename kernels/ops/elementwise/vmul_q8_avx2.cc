// Quantized MUL microkernels for AVX2 (contract: vmul_q8_ukernels.h): 16 elements per step in two halves
// of 8 int32 lanes: widen, subtract the zero points, VPMULLD, convert, multiply by the scale, VCVTPS2DQ
// (round half to even, the default MXCSR mode, as nearbyint), add the output zero point, saturating packs
// and the clamp on bytes (q8_lanes_avx2.h). The tail runs the same step on a copy (q8_step16.h).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/q8_lanes_avx2.h"
#include "kernels/ops/elementwise/q8_step16.h"
#include "kernels/ops/elementwise/vmul_q8_ukernels.h"

namespace eb {
namespace {

template <bool kUnsigned, typename T>
void vmul(size_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out, const VMulQ8Params* p) {
  const __m256i a_zp = _mm256_set1_epi32(p->a_zp), b_zp = _mm256_set1_epi32(p->b_zp);
  const __m256i out_zp = _mm256_set1_epi32(p->out_zp);
  // A broadcast operand minus its zero point is one constant.
  const __m256i a_one = _mm256_set1_epi32(static_cast<int32_t>(a[0]) - p->a_zp);
  const __m256i b_one = _mm256_set1_epi32(static_cast<int32_t>(b[0]) - p->b_zp);
  const __m256 scale = _mm256_set1_ps(p->scale);
  const __m128i lo = _mm_set1_epi8(static_cast<char>(p->out_min)), hi = _mm_set1_epi8(static_cast<char>(p->out_max));
  for_each_step16(n, a, a_inc, b, b_inc, out, [&](const T* sa, const T* sb, T* so) {
    __m256i q[2];
    for (size_t h = 0; h < 2; ++h) {
      const __m256i xa = a_inc ? _mm256_sub_epi32(widen8<kUnsigned>(sa + 8 * h), a_zp) : a_one;
      const __m256i xb = b_inc ? _mm256_sub_epi32(widen8<kUnsigned>(sb + 8 * h), b_zp) : b_one;
      const __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_mullo_epi32(xa, xb)), scale);
      q[h] = _mm256_add_epi32(_mm256_cvtps_epi32(v), out_zp);
    }
    store16_clamped<kUnsigned>(q[0], q[1], lo, hi, so);
  });
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

// Hybrid depthwise microkernel, AVX2: 16 channels per step; per tap the input bytes are sign-extended to
// int16, multiplied by the int16 weights (VPMULLW: int8 x int8 products fit int16 exactly) and the
// products widened to int32 and added. Contract: dwconv_hybrid_ukernels.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_hybrid_ukernels.h"

namespace eb {

void dwconv_hybrid_s8_avx2(size_t pixels, size_t channels, size_t taps, const int8_t* const* input, const int16_t* w,
                           size_t cstride, int32_t* acc) {
  const size_t c16 = channels / 16 * 16;
  for (size_t px = 0; px < pixels; ++px, input += taps, acc += channels) {
    size_t c = 0;
    for (; c < c16; c += 16) {
      __m256i lo = _mm256_setzero_si256(), hi = lo;
      for (size_t t = 0; t < taps; ++t) {
        const __m256i x = _mm256_cvtepi8_epi16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(input[t] + c)));
        const __m256i wv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + t * cstride + c));
        const __m256i prod = _mm256_mullo_epi16(x, wv);
        lo = _mm256_add_epi32(lo, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(prod)));
        hi = _mm256_add_epi32(hi, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(prod, 1)));
      }
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + c), lo);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(acc + c + 8), hi);
    }
    for (; c < channels; ++c) {  // tail channels: the same integer sums, one at a time
      uint32_t s = 0;
      for (size_t t = 0; t < taps; ++t)
        s += static_cast<uint32_t>(static_cast<int32_t>(input[t][c]) * static_cast<int32_t>(w[t * cstride + c]));
      acc[c] = static_cast<int32_t>(s);
    }
  }
}

}  // namespace eb

// Quantized depthwise microkernel, AVX2: 8 channels at a time, the raw input widened to int32 and
// multiplied by int16 weights with PMADDWD. Contract and numerics: dwconv_q8_ukernel.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace eb {

namespace {
constexpr size_t kCb = 8;

// n (<= 8) channels widened to int32; a partial block is copied first so it reads only its own bytes.
static inline __m256i load_channels(const uint8_t* x, size_t n, bool is_unsigned) {
  __m128i b;
  if (n == kCb) {
    b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(x));
  } else {
    uint8_t tmp[16] = {};
    std::memcpy(tmp, x, n);
    b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(tmp));
  }
  return is_unsigned ? _mm256_cvtepu8_epi32(b) : _mm256_cvtepi8_epi32(b);
}
}  // namespace

void dwconv_q8_8c_avx2(const Q8DwArgs* p) {
  const size_t blocks = (p->channels + kCb - 1) / kCb;
  const size_t block_bytes = kCb * 8 + p->taps * kCb * 4;
  const __m256 vmin = _mm256_set1_ps(p->rq->min_less_zp);
  const __m256 vmax = _mm256_set1_ps(p->rq->max_less_zp);
  const __m256i vzp = _mm256_set1_epi32(p->rq->zero_point);
  const bool out_unsigned = p->rq->out_unsigned != 0;
  const bool is_unsigned = p->in_unsigned != 0;
  const int64_t* offsets = p->offsets;
  uint8_t* c = p->c;
  for (size_t px = 0; px < p->pixels; ++px, offsets += p->taps, c += p->c_stride) {
    const uint8_t* block = static_cast<const uint8_t*>(p->w);
    for (size_t b = 0; b < blocks; ++b, block += block_bytes) {
      const int32_t* w = reinterpret_cast<const int32_t*>(block + kCb * 8);
      __m256i acc = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block));
      const size_t off = b * kCb;
      const size_t n = p->channels - off < kCb ? p->channels - off : kCb;
      for (size_t t = 0; t < p->taps; ++t, w += kCb) {
        const uint8_t* row = offsets[t] < 0 ? p->pad : p->input + offsets[t];
        const __m256i x = load_channels(row + off, n, is_unsigned);
        acc = _mm256_add_epi32(acc, _mm256_madd_epi16(x, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w))));
      }
      __m256 v =
          _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(reinterpret_cast<const float*>(block + kCb * 4)));
      v = _mm256_min_ps(_mm256_max_ps(v, vmin), vmax);
      const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), vzp);
      const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
      const __m128i q8 = out_unsigned ? _mm_packus_epi16(q16, q16) : _mm_packs_epi16(q16, q16);
      if (n == kCb) {
        _mm_storel_epi64(reinterpret_cast<__m128i*>(c + off), q8);
      } else {
        uint8_t tmp[16];
        _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), q8);
        std::memcpy(c + off, tmp, n);
      }
    }
  }
}

}  // namespace eb

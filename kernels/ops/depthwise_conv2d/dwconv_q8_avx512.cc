// Quantized depthwise microkernel, AVX-512 (F/BW/VL/DQ): 16 channels at a time, the raw input widened
// to int32 and multiplied by int16 weights with PMADDWD. Contract and numerics: dwconv_q8_ukernel.h.
// GCC 12's AVX-512 conversion intrinsics start from _mm512_undefined_*(), which -Wmaybe-uninitialized
// flags inside the header (a false positive; GCC bug 105593): silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace eb {

namespace {
constexpr size_t kCb = 16;

// n (<= 16) channels widened to int32; masked so a partial block reads only its own bytes.
static inline __m512i load_channels(const uint8_t* x, __mmask16 m, bool is_unsigned) {
  const __m128i b = _mm_maskz_loadu_epi8(m, x);
  return is_unsigned ? _mm512_cvtepu8_epi32(b) : _mm512_cvtepi8_epi32(b);
}
}  // namespace

void dwconv_q8_16c_avx512(const Q8DwArgs* p) {
  const size_t blocks = (p->channels + kCb - 1) / kCb;
  const size_t block_bytes = kCb * 8 + p->taps * kCb * 4;
  const __m512 vmin = _mm512_set1_ps(p->rq->min_less_zp);
  const __m512 vmax = _mm512_set1_ps(p->rq->max_less_zp);
  const __m512i vzp = _mm512_set1_epi32(p->rq->zero_point);
  const bool is_unsigned = p->in_unsigned != 0;
  const int64_t* offsets = p->offsets;
  uint8_t* c = p->c;
  for (size_t px = 0; px < p->pixels; ++px, offsets += p->taps, c += p->c_stride) {
    const uint8_t* block = static_cast<const uint8_t*>(p->w);
    for (size_t b = 0; b < blocks; ++b, block += block_bytes) {
      const int32_t* w = reinterpret_cast<const int32_t*>(block + kCb * 8);
      __m512i acc = _mm512_loadu_si512(block);
      const size_t off = b * kCb;
      const size_t n = p->channels - off < kCb ? p->channels - off : kCb;
      const __mmask16 mask = static_cast<__mmask16>((1u << n) - 1u);
      for (size_t t = 0; t < p->taps; ++t, w += kCb) {
        const uint8_t* row = offsets[t] < 0 ? p->pad : p->input + offsets[t];
        const __m512i x = load_channels(row + off, mask, is_unsigned);
        acc = _mm512_add_epi32(acc, _mm512_madd_epi16(x, _mm512_loadu_si512(w)));
      }
      __m512 v =
          _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(reinterpret_cast<const float*>(block + kCb * 4)));
      v = _mm512_min_ps(_mm512_max_ps(v, vmin), vmax);
      const __m512i q = _mm512_add_epi32(_mm512_cvtps_epi32(v), vzp);
      _mm_mask_storeu_epi8(c + off, mask, _mm512_cvtepi32_epi8(q));
    }
  }
}

}  // namespace eb

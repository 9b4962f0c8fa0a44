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
template <bool Unsigned>
inline __m256i load_channels(const uint8_t* x, size_t n) {
  __m128i b;
  if (n == kCb) {
    b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(x));
  } else {
    uint8_t tmp[16] = {};
    std::memcpy(tmp, x, n);
    b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(tmp));
  }
  return Unsigned ? _mm256_cvtepu8_epi32(b) : _mm256_cvtepi8_epi32(b);
}

inline __m256i mac(__m256i acc, __m256i x, const uint8_t* w) {
  return _mm256_add_epi32(acc, _mm256_madd_epi16(x, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w))));
}

struct Requant {
  __m256 vmin, vmax;
  __m256i vzp;
  bool out_unsigned;
};

// Requantizes one block's accumulator and stores its n channels.
inline void store_block(__m256i acc, const uint8_t* block, size_t n, uint8_t* c, const Requant& r) {
  __m256 v = _mm256_mul_ps(_mm256_cvtepi32_ps(acc), _mm256_loadu_ps(reinterpret_cast<const float*>(block + kCb * 4)));
  v = _mm256_min_ps(_mm256_max_ps(v, r.vmin), r.vmax);
  const __m256i q = _mm256_add_epi32(_mm256_cvtps_epi32(v), r.vzp);
  const __m128i q16 = _mm_packs_epi32(_mm256_castsi256_si128(q), _mm256_extracti128_si256(q, 1));
  const __m128i q8 = r.out_unsigned ? _mm_packus_epi16(q16, q16) : _mm_packs_epi16(q16, q16);
  if (n == kCb) {
    _mm_storel_epi64(reinterpret_cast<__m128i*>(c), q8);
  } else {
    uint8_t tmp[16];
    _mm_storeu_si128(reinterpret_cast<__m128i*>(tmp), q8);
    std::memcpy(c, tmp, n);
  }
}

// One pixel, four full channel blocks at a time tap by tap (the tap's input address found once for
// the four, four independent accumulator chains), then the rest block by block. Bit-identical: the
// same int32 sums in the same order per channel.
template <bool Unsigned>
void pixel_blocks(const Q8DwArgs* p, const int64_t* offsets, uint8_t* c, const Requant& r) {
  const size_t block_bytes = kCb * 8 + p->taps * kCb * 4;
  const uint8_t* const packed = static_cast<const uint8_t*>(p->w);
  size_t b = 0;
  for (; (b + 4) * kCb <= p->channels; b += 4) {
    const uint8_t* blk = packed + b * block_bytes;
    __m256i a0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk));
    __m256i a1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + block_bytes));
    __m256i a2 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 2 * block_bytes));
    __m256i a3 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk + 3 * block_bytes));
    const uint8_t* w = blk + kCb * 8;
    for (size_t t = 0; t < p->taps; ++t, w += kCb * 4) {
      const uint8_t* x = (offsets[t] < 0 ? p->pad : p->input + offsets[t]) + b * kCb;
      a0 = mac(a0, load_channels<Unsigned>(x, kCb), w);
      a1 = mac(a1, load_channels<Unsigned>(x + kCb, kCb), w + block_bytes);
      a2 = mac(a2, load_channels<Unsigned>(x + 2 * kCb, kCb), w + 2 * block_bytes);
      a3 = mac(a3, load_channels<Unsigned>(x + 3 * kCb, kCb), w + 3 * block_bytes);
    }
    store_block(a0, blk, kCb, c + b * kCb, r);
    store_block(a1, blk + block_bytes, kCb, c + (b + 1) * kCb, r);
    store_block(a2, blk + 2 * block_bytes, kCb, c + (b + 2) * kCb, r);
    store_block(a3, blk + 3 * block_bytes, kCb, c + (b + 3) * kCb, r);
  }
  for (; b * kCb < p->channels; ++b) {
    const size_t off = b * kCb, n = p->channels - off < kCb ? p->channels - off : kCb;
    const uint8_t* blk = packed + b * block_bytes;
    __m256i acc = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(blk));
    const uint8_t* w = blk + kCb * 8;
    for (size_t t = 0; t < p->taps; ++t, w += kCb * 4) {
      const uint8_t* x = (offsets[t] < 0 ? p->pad : p->input + offsets[t]) + off;
      acc = mac(acc, load_channels<Unsigned>(x, n), w);
    }
    store_block(acc, blk, n, c + off, r);
  }
}

}  // namespace

void dwconv_q8_8c_avx2(const Q8DwArgs* p) {
  const Requant r{_mm256_set1_ps(p->rq->min_less_zp), _mm256_set1_ps(p->rq->max_less_zp),
                  _mm256_set1_epi32(p->rq->zero_point), p->rq->out_unsigned != 0};
  const int64_t* offsets = p->offsets;
  uint8_t* c = p->c;
  for (size_t px = 0; px < p->pixels; ++px, offsets += p->taps, c += p->c_stride) {
    if (p->in_unsigned != 0)
      pixel_blocks<true>(p, offsets, c, r);
    else
      pixel_blocks<false>(p, offsets, c, r);
  }
}

}  // namespace eb

// The body of the two AVX-512 quantized depthwise kernels (dwconv_q8_avx512.cc: PMADDWD + PADDD,
// dwconv_q8_avx512vnni.cc: VPDPWSSD), which differ only in their multiply-add: each includes this header
// and instantiates dwconv_q8_16c_blocks<Mac> with its own Mac. Everything here is in an anonymous
// namespace, so each of those files compiles its own copy with its own ISA flags and no copy can be
// picked by the linker for the other (the rule of kernels/CMakeLists.txt). Include nowhere else.
// Contract and numerics: dwconv_q8_ukernel.h; 16 channels per block, the raw input widened to int32.
#pragma once

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"

namespace eb {
namespace {

constexpr size_t kCb = 16;

// Four channel blocks of one pixel at a time, tap by tap: the tap's input address is found once for
// the four, and their accumulators are four independent chains (with VPDPWSSD, a block's 9 taps on one
// chain wait out its latency 9 times). Bit-identical: the same int32 sums in the same order per channel.
constexpr size_t kGroup = 4;

template <bool Unsigned>
inline __m512i load_block(const uint8_t* x, __mmask16 m) {
  const __m128i b = _mm_maskz_loadu_epi8(m, x);
  return Unsigned ? _mm512_cvtepu8_epi32(b) : _mm512_cvtepi8_epi32(b);
}

// Requantizes one block's accumulator and stores its `mask` channels.
inline void store_block(__m512i acc, const uint8_t* block, __mmask16 mask, uint8_t* c, const __m512 vmin,
                        const __m512 vmax, const __m512i vzp) {
  __m512 v = _mm512_mul_ps(_mm512_cvtepi32_ps(acc), _mm512_loadu_ps(reinterpret_cast<const float*>(block + kCb * 4)));
  v = _mm512_min_ps(_mm512_max_ps(v, vmin), vmax);
  _mm_mask_storeu_epi8(c, mask, _mm512_cvtepi32_epi8(_mm512_add_epi32(_mm512_cvtps_epi32(v), vzp)));
}

template <typename Mac, bool Unsigned>
void pixel_blocks(const Q8DwArgs* p, const int64_t* offsets, uint8_t* c, const __m512 vmin, const __m512 vmax,
                  const __m512i vzp) {
  const size_t block_bytes = kCb * 8 + p->taps * kCb * 4;
  const uint8_t* const packed = static_cast<const uint8_t*>(p->w);
  const __mmask16 all = 0xFFFF;
  size_t b = 0;
  for (; (b + kGroup) * kCb <= p->channels; b += kGroup) {  // four full blocks
    const uint8_t* blk = packed + b * block_bytes;
    __m512i a0 = _mm512_loadu_si512(blk), a1 = _mm512_loadu_si512(blk + block_bytes);
    __m512i a2 = _mm512_loadu_si512(blk + 2 * block_bytes), a3 = _mm512_loadu_si512(blk + 3 * block_bytes);
    const uint8_t* w = blk + kCb * 8;
    for (size_t t = 0; t < p->taps; ++t, w += kCb * 4) {
      const uint8_t* x = (offsets[t] < 0 ? p->pad : p->input + offsets[t]) + b * kCb;
      a0 = Mac::mac(a0, load_block<Unsigned>(x, all), _mm512_loadu_si512(w));
      a1 = Mac::mac(a1, load_block<Unsigned>(x + kCb, all), _mm512_loadu_si512(w + block_bytes));
      a2 = Mac::mac(a2, load_block<Unsigned>(x + 2 * kCb, all), _mm512_loadu_si512(w + 2 * block_bytes));
      a3 = Mac::mac(a3, load_block<Unsigned>(x + 3 * kCb, all), _mm512_loadu_si512(w + 3 * block_bytes));
    }
    store_block(a0, blk, all, c + b * kCb, vmin, vmax, vzp);
    store_block(a1, blk + block_bytes, all, c + (b + 1) * kCb, vmin, vmax, vzp);
    store_block(a2, blk + 2 * block_bytes, all, c + (b + 2) * kCb, vmin, vmax, vzp);
    store_block(a3, blk + 3 * block_bytes, all, c + (b + 3) * kCb, vmin, vmax, vzp);
  }
  if ((b + 2) * kCb <= p->channels) {  // two full blocks: two chains
    const uint8_t* blk = packed + b * block_bytes;
    __m512i a0 = _mm512_loadu_si512(blk), a1 = _mm512_loadu_si512(blk + block_bytes);
    const uint8_t* w = blk + kCb * 8;
    for (size_t t = 0; t < p->taps; ++t, w += kCb * 4) {
      const uint8_t* x = (offsets[t] < 0 ? p->pad : p->input + offsets[t]) + b * kCb;
      a0 = Mac::mac(a0, load_block<Unsigned>(x, all), _mm512_loadu_si512(w));
      a1 = Mac::mac(a1, load_block<Unsigned>(x + kCb, all), _mm512_loadu_si512(w + block_bytes));
    }
    store_block(a0, blk, all, c + b * kCb, vmin, vmax, vzp);
    store_block(a1, blk + block_bytes, all, c + (b + 1) * kCb, vmin, vmax, vzp);
    b += 2;
  }
  for (; b * kCb < p->channels; ++b) {  // the rest one block at a time, the last maybe partial
    const size_t off = b * kCb, n = p->channels - off < kCb ? p->channels - off : kCb;
    const __mmask16 mask = static_cast<__mmask16>((1u << n) - 1u);
    const uint8_t* blk = packed + b * block_bytes;
    __m512i acc = _mm512_loadu_si512(blk);
    const uint8_t* w = blk + kCb * 8;
    for (size_t t = 0; t < p->taps; ++t, w += kCb * 4) {
      const uint8_t* x = (offsets[t] < 0 ? p->pad : p->input + offsets[t]) + off;
      acc = Mac::mac(acc, load_block<Unsigned>(x, mask), _mm512_loadu_si512(w));
    }
    store_block(acc, blk, mask, c + off, vmin, vmax, vzp);
  }
}

// The whole kernel: every pixel of the call, the input's signedness chosen once per pixel.
template <typename Mac>
void dwconv_q8_16c_blocks(const Q8DwArgs* p) {
  const __m512 vmin = _mm512_set1_ps(p->rq->min_less_zp);
  const __m512 vmax = _mm512_set1_ps(p->rq->max_less_zp);
  const __m512i vzp = _mm512_set1_epi32(p->rq->zero_point);
  const int64_t* offsets = p->offsets;
  uint8_t* c = p->c;
  for (size_t px = 0; px < p->pixels; ++px, offsets += p->taps, c += p->c_stride) {
    if (p->in_unsigned != 0)
      pixel_blocks<Mac, true>(p, offsets, c, vmin, vmax, vzp);
    else
      pixel_blocks<Mac, false>(p, offsets, c, vmin, vmax, vzp);
  }
}

}  // namespace
}  // namespace eb

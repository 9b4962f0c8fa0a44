// Float32 depthwise microkernels for AVX2 + FMA, channel tile 8; two output pixels and two tiles are
// accumulated side by side so independent FMA chains overlap. The 3x3 / 5x5 entries fix the tap count
// so the tap loop is unrolled. Contract: dwconv_f32_ukernels.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_f32_ukernels.h"

namespace eb {

namespace {

constexpr size_t kTile = 8;

// Lane i of the tail mask is on when i < remaining channels.
__m256i tail_mask(size_t rem) {
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(rem)), lanes);
}

// Two output pixels at a time: each weight vector is loaded once for both, and the pair gives the tile
// loops independent FMA chains whatever the channel count (four for two tiles, two for the last one).
// Each output channel still sums its taps in tap order from the bias, as the single-pixel loop below
// does: the same results.
__attribute__((always_inline)) inline void dwconv_pixel_pair(size_t channels, size_t ks, const float* const* in0,
                                                             const float* const* in1, const float* w, float* out0,
                                                             float* out1, __m256 vmin, __m256 vmax) {
  const size_t tile_floats = kTile * (1 + ks);
  size_t c = 0;
  for (; c + 2 * kTile <= channels; c += 2 * kTile, w += 2 * tile_floats) {
    const float* w1 = w + tile_floats;
    __m256 a00 = _mm256_load_ps(w), a01 = _mm256_load_ps(w1);
    __m256 a10 = a00, a11 = a01;
    for (size_t t = 0; t < ks; ++t) {
      const __m256 k0 = _mm256_load_ps(w + kTile * (t + 1)), k1 = _mm256_load_ps(w1 + kTile * (t + 1));
      const float* x0 = in0[t] + c;
      const float* x1 = in1[t] + c;
      a00 = _mm256_fmadd_ps(_mm256_loadu_ps(x0), k0, a00);
      a01 = _mm256_fmadd_ps(_mm256_loadu_ps(x0 + kTile), k1, a01);
      a10 = _mm256_fmadd_ps(_mm256_loadu_ps(x1), k0, a10);
      a11 = _mm256_fmadd_ps(_mm256_loadu_ps(x1 + kTile), k1, a11);
    }
    _mm256_storeu_ps(out0 + c, _mm256_min_ps(_mm256_max_ps(a00, vmin), vmax));
    _mm256_storeu_ps(out0 + c + kTile, _mm256_min_ps(_mm256_max_ps(a01, vmin), vmax));
    _mm256_storeu_ps(out1 + c, _mm256_min_ps(_mm256_max_ps(a10, vmin), vmax));
    _mm256_storeu_ps(out1 + c + kTile, _mm256_min_ps(_mm256_max_ps(a11, vmin), vmax));
  }
  for (; c < channels; c += kTile, w += tile_floats) {
    const __m256i mask = tail_mask(channels - c);
    __m256 a0 = _mm256_load_ps(w);
    __m256 a1 = a0;
    for (size_t t = 0; t < ks; ++t) {
      const __m256 k = _mm256_load_ps(w + kTile * (t + 1));
      a0 = _mm256_fmadd_ps(_mm256_maskload_ps(in0[t] + c, mask), k, a0);
      a1 = _mm256_fmadd_ps(_mm256_maskload_ps(in1[t] + c, mask), k, a1);
    }
    _mm256_maskstore_ps(out0 + c, mask, _mm256_min_ps(_mm256_max_ps(a0, vmin), vmax));
    _mm256_maskstore_ps(out1 + c, mask, _mm256_min_ps(_mm256_max_ps(a1, vmin), vmax));
  }
}

__attribute__((always_inline)) inline void dwconv_rows(size_t pixels, size_t channels, size_t ks,
                                                       const float* const* input, const float* w, float* output,
                                                       const DwconvF32Params* params) {
  const __m256 vmin = _mm256_set1_ps(params->min);
  const __m256 vmax = _mm256_set1_ps(params->max);
  const size_t tile_floats = kTile * (1 + ks);
  size_t px = 0;
  for (; px + 2 <= pixels; px += 2, input += 2 * ks, output += 2 * channels)
    dwconv_pixel_pair(channels, ks, input, input + ks, w, output, output + channels, vmin, vmax);
  for (; px < pixels; ++px, input += ks, output += channels) {
    const float* wt = w;
    size_t c = 0;
    for (; c + 2 * kTile <= channels; c += 2 * kTile, wt += 2 * tile_floats) {
      const float* w1 = wt + tile_floats;
      __m256 acc0 = _mm256_load_ps(wt), acc1 = _mm256_load_ps(w1);
      for (size_t t = 0; t < ks; ++t) {
        const float* x = input[t] + c;
        acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(x), _mm256_load_ps(wt + kTile * (t + 1)), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + kTile), _mm256_load_ps(w1 + kTile * (t + 1)), acc1);
      }
      _mm256_storeu_ps(output + c, _mm256_min_ps(_mm256_max_ps(acc0, vmin), vmax));
      _mm256_storeu_ps(output + c + kTile, _mm256_min_ps(_mm256_max_ps(acc1, vmin), vmax));
    }
    for (; c < channels; c += kTile, wt += tile_floats) {
      const size_t rem = channels - c;
      const __m256i mask = tail_mask(rem);
      __m256 acc = _mm256_load_ps(wt);
      for (size_t t = 0; t < ks; ++t)
        acc = _mm256_fmadd_ps(_mm256_maskload_ps(input[t] + c, mask), _mm256_load_ps(wt + kTile * (t + 1)), acc);
      _mm256_maskstore_ps(output + c, mask, _mm256_min_ps(_mm256_max_ps(acc, vmin), vmax));
    }
  }
}

}  // namespace

void dwconv_f32_3x3_avx2(size_t pixels, size_t channels, size_t, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, 9, input, w, output, params);
}

void dwconv_f32_5x5_avx2(size_t pixels, size_t channels, size_t, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, 25, input, w, output, params);
}

void dwconv_f32_any_avx2(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, ks, input, w, output, params);
}

}  // namespace eb

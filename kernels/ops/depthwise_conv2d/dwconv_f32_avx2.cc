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

// One or two output pixels (kPixels): with two, each weight vector is loaded once for both, and the
// pair gives the tile loops independent FMA chains whatever the channel count (four for two tiles, two
// for the last one); one is the odd last pixel of a row, the same loops with the second pixel compiled
// out. Each output channel sums its taps in tap order from the bias either way: the same results.
template <int kPixels>
__attribute__((always_inline)) inline void dwconv_pixels(size_t channels, size_t ks, const float* const* in0,
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
      if constexpr (kPixels == 2) {
        a10 = _mm256_fmadd_ps(_mm256_loadu_ps(x1), k0, a10);
        a11 = _mm256_fmadd_ps(_mm256_loadu_ps(x1 + kTile), k1, a11);
      }
    }
    _mm256_storeu_ps(out0 + c, _mm256_min_ps(_mm256_max_ps(a00, vmin), vmax));
    _mm256_storeu_ps(out0 + c + kTile, _mm256_min_ps(_mm256_max_ps(a01, vmin), vmax));
    if constexpr (kPixels == 2) {
      _mm256_storeu_ps(out1 + c, _mm256_min_ps(_mm256_max_ps(a10, vmin), vmax));
      _mm256_storeu_ps(out1 + c + kTile, _mm256_min_ps(_mm256_max_ps(a11, vmin), vmax));
    }
  }
  for (; c < channels; c += kTile, w += tile_floats) {
    const __m256i mask = tail_mask(channels - c);
    __m256 a0 = _mm256_load_ps(w);
    __m256 a1 = a0;
    for (size_t t = 0; t < ks; ++t) {
      const __m256 k = _mm256_load_ps(w + kTile * (t + 1));
      a0 = _mm256_fmadd_ps(_mm256_maskload_ps(in0[t] + c, mask), k, a0);
      if constexpr (kPixels == 2) {
        a1 = _mm256_fmadd_ps(_mm256_maskload_ps(in1[t] + c, mask), k, a1);
      }
    }
    _mm256_maskstore_ps(out0 + c, mask, _mm256_min_ps(_mm256_max_ps(a0, vmin), vmax));
    if constexpr (kPixels == 2) {
      _mm256_maskstore_ps(out1 + c, mask, _mm256_min_ps(_mm256_max_ps(a1, vmin), vmax));
    }
  }
}

__attribute__((always_inline)) inline void dwconv_rows(size_t pixels, size_t channels, size_t ks,
                                                       const float* const* input, const float* w, float* output,
                                                       const DwconvF32Params* params) {
  const __m256 vmin = _mm256_set1_ps(params->min);
  const __m256 vmax = _mm256_set1_ps(params->max);
  size_t px = 0;
  for (; px + 2 <= pixels; px += 2, input += 2 * ks, output += 2 * channels)
    dwconv_pixels<2>(channels, ks, input, input + ks, w, output, output + channels, vmin, vmax);
  if (px < pixels) dwconv_pixels<1>(channels, ks, input, input, w, output, output, vmin, vmax);
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

// Float32 depthwise microkernels for AVX-512, channel tile 16; two output pixels and two tiles are
// accumulated side by side so independent FMA chains overlap. The 3x3 / 5x5 entries fix the tap count
// so the tap loop is unrolled. Contract: dwconv_f32_ukernels.h.
// GCC 12's AVX-512 min/max intrinsics pass _mm512_undefined_ps() (a self-initialised variable) as the
// merge source, which -Wmaybe-uninitialized reports from inside the header: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_f32_ukernels.h"

namespace eb {

namespace {

constexpr size_t kTile = 16;

// One or two output pixels (kPixels): with two, each weight vector is loaded once for both, and the
// pair gives the tile loops independent FMA chains whatever the channel count (four for two tiles, two
// for the last one): hand-landmark's 24-channel layers had a single chain per tile. One is the odd last
// pixel of a row, the same loops with the second pixel compiled out. Each output channel sums its taps
// in tap order from the bias either way: the same results.
template <int kPixels>
__attribute__((always_inline)) inline void dwconv_pixels(size_t channels, size_t ks, const float* const* in0,
                                                         const float* const* in1, const float* w, float* out0,
                                                         float* out1, __m512 vmin, __m512 vmax) {
  const size_t tile_floats = kTile * (1 + ks);
  size_t c = 0;
  for (; c + 2 * kTile <= channels; c += 2 * kTile, w += 2 * tile_floats) {
    const float* w1 = w + tile_floats;
    __m512 a00 = _mm512_load_ps(w), a01 = _mm512_load_ps(w1);
    __m512 a10 = a00, a11 = a01;
    for (size_t t = 0; t < ks; ++t) {
      const __m512 k0 = _mm512_load_ps(w + kTile * (t + 1)), k1 = _mm512_load_ps(w1 + kTile * (t + 1));
      const float* x0 = in0[t] + c;
      const float* x1 = in1[t] + c;
      a00 = _mm512_fmadd_ps(_mm512_loadu_ps(x0), k0, a00);
      a01 = _mm512_fmadd_ps(_mm512_loadu_ps(x0 + kTile), k1, a01);
      if constexpr (kPixels == 2) {
        a10 = _mm512_fmadd_ps(_mm512_loadu_ps(x1), k0, a10);
        a11 = _mm512_fmadd_ps(_mm512_loadu_ps(x1 + kTile), k1, a11);
      }
    }
    _mm512_storeu_ps(out0 + c, _mm512_min_ps(_mm512_max_ps(a00, vmin), vmax));
    _mm512_storeu_ps(out0 + c + kTile, _mm512_min_ps(_mm512_max_ps(a01, vmin), vmax));
    if constexpr (kPixels == 2) {
      _mm512_storeu_ps(out1 + c, _mm512_min_ps(_mm512_max_ps(a10, vmin), vmax));
      _mm512_storeu_ps(out1 + c + kTile, _mm512_min_ps(_mm512_max_ps(a11, vmin), vmax));
    }
  }
  for (; c < channels; c += kTile, w += tile_floats) {
    const size_t rem = channels - c;
    const __mmask16 mask = rem >= kTile ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << rem) - 1u);
    __m512 a0 = _mm512_load_ps(w);
    __m512 a1 = a0;
    for (size_t t = 0; t < ks; ++t) {
      const __m512 k = _mm512_load_ps(w + kTile * (t + 1));
      a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, in0[t] + c), k, a0);
      if constexpr (kPixels == 2) {
        a1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(mask, in1[t] + c), k, a1);
      }
    }
    _mm512_mask_storeu_ps(out0 + c, mask, _mm512_min_ps(_mm512_max_ps(a0, vmin), vmax));
    if constexpr (kPixels == 2) {
      _mm512_mask_storeu_ps(out1 + c, mask, _mm512_min_ps(_mm512_max_ps(a1, vmin), vmax));
    }
  }
}

__attribute__((always_inline)) inline void dwconv_rows(size_t pixels, size_t channels, size_t ks,
                                                       const float* const* input, const float* w, float* output,
                                                       const DwconvF32Params* params) {
  const __m512 vmin = _mm512_set1_ps(params->min);
  const __m512 vmax = _mm512_set1_ps(params->max);
  size_t px = 0;
  for (; px + 2 <= pixels; px += 2, input += 2 * ks, output += 2 * channels)
    dwconv_pixels<2>(channels, ks, input, input + ks, w, output, output + channels, vmin, vmax);
  if (px < pixels) dwconv_pixels<1>(channels, ks, input, input, w, output, output, vmin, vmax);
}

}  // namespace

void dwconv_f32_3x3_avx512(size_t pixels, size_t channels, size_t, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, 9, input, w, output, params);
}

void dwconv_f32_5x5_avx512(size_t pixels, size_t channels, size_t, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, 25, input, w, output, params);
}

void dwconv_f32_any_avx512(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, ks, input, w, output, params);
}

}  // namespace eb

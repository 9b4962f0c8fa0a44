// Float32 depthwise microkernels for AVX2 + FMA, channel tile 8; two tiles are accumulated side by side
// so two independent FMA chains overlap. The 3x3 / 5x5 entries fix the tap count so the tap loop is
// unrolled. Contract: dwconv_f32_ukernels.h.
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

__attribute__((always_inline)) inline void dwconv_rows(size_t pixels, size_t channels, size_t ks,
                                                       const float* const* input, const float* w, float* output,
                                                       const DwconvF32Params* params) {
  const __m256 vmin = _mm256_set1_ps(params->min);
  const __m256 vmax = _mm256_set1_ps(params->max);
  const size_t tile_floats = kTile * (1 + ks);
  for (size_t px = 0; px < pixels; ++px, input += ks, output += channels) {
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

// Float32 depthwise microkernels for NEON (ASIMD), channel tile 4; two tiles are accumulated side by
// side so two independent FMA chains overlap; a last partial tile is done lane by lane in scalar code.
// The 3x3 / 5x5 entries fix the tap count so the tap loop is unrolled. Contract: dwconv_f32_ukernels.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_f32_ukernels.h"

namespace eb {

namespace {

constexpr size_t kTile = 4;

__attribute__((always_inline)) inline void dwconv_rows(size_t pixels, size_t channels, size_t ks,
                                                       const float* const* input, const float* w, float* output,
                                                       const DwconvF32Params* params) {
  const float32x4_t vmin = vdupq_n_f32(params->min);
  const float32x4_t vmax = vdupq_n_f32(params->max);
  const size_t tile_floats = kTile * (1 + ks);
  for (size_t px = 0; px < pixels; ++px, input += ks, output += channels) {
    const float* wt = w;
    size_t c = 0;
    for (; c + 2 * kTile <= channels; c += 2 * kTile, wt += 2 * tile_floats) {
      const float* w1 = wt + tile_floats;
      float32x4_t acc0 = vld1q_f32(wt), acc1 = vld1q_f32(w1);
      for (size_t t = 0; t < ks; ++t) {
        const float* x = input[t] + c;
        acc0 = vfmaq_f32(acc0, vld1q_f32(x), vld1q_f32(wt + kTile * (t + 1)));
        acc1 = vfmaq_f32(acc1, vld1q_f32(x + kTile), vld1q_f32(w1 + kTile * (t + 1)));
      }
      vst1q_f32(output + c, vminq_f32(vmaxq_f32(acc0, vmin), vmax));
      vst1q_f32(output + c + kTile, vminq_f32(vmaxq_f32(acc1, vmin), vmax));
    }
    if (c + kTile <= channels) {
      float32x4_t acc = vld1q_f32(wt);
      for (size_t t = 0; t < ks; ++t) acc = vfmaq_f32(acc, vld1q_f32(input[t] + c), vld1q_f32(wt + kTile * (t + 1)));
      vst1q_f32(output + c, vminq_f32(vmaxq_f32(acc, vmin), vmax));
      c += kTile;
      wt += tile_floats;
    }
    for (size_t j = 0; c + j < channels; ++j) {
      float acc = wt[j];
      for (size_t t = 0; t < ks; ++t) acc = __builtin_fmaf(input[t][c + j], wt[kTile * (t + 1) + j], acc);
      acc = acc < params->min ? params->min : acc;
      output[c + j] = acc > params->max ? params->max : acc;
    }
  }
}

}  // namespace

void dwconv_f32_3x3_neon(size_t pixels, size_t channels, size_t, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, 9, input, w, output, params);
}

void dwconv_f32_5x5_neon(size_t pixels, size_t channels, size_t, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, 25, input, w, output, params);
}

void dwconv_f32_any_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, ks, input, w, output, params);
}

}  // namespace eb

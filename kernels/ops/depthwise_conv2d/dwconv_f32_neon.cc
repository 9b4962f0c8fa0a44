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

// 3x3, 8 channels (two tiles) at a time: tile-outer, pixel-inner, the 18 weight vectors held in
// registers. dwconv_rows reloads them for every tap: 5 loads (tap pointer, 2 inputs, 2 weights) per 2
// FMLAs, and the A72 loads one register per cycle (llvm-mca: 39% of its FMLA rate); here 3 per 2.
// Each pixel's sums run in the same order as in dwconv_rows (bias, then taps 0..8), so the results
// are the same bits. Channels past the last multiple of 8 are left to dwconv_rows.
void dwconv_3x3_tile_pairs(size_t pixels, size_t channels, const float* const* input, const float* w, float* output,
                           const DwconvF32Params* params) {
  constexpr size_t kTaps = 9, kTileFloats = kTile * (1 + kTaps);
  const float32x4_t vmin = vdupq_n_f32(params->min);
  const float32x4_t vmax = vdupq_n_f32(params->max);
  for (size_t c = 0; c + 2 * kTile <= channels; c += 2 * kTile, w += 2 * kTileFloats) {
    const float* v = w + kTileFloats;
    const float32x4_t w0 = vld1q_f32(w + 4), w1 = vld1q_f32(w + 8), w2 = vld1q_f32(w + 12);
    const float32x4_t w3 = vld1q_f32(w + 16), w4 = vld1q_f32(w + 20), w5 = vld1q_f32(w + 24);
    const float32x4_t w6 = vld1q_f32(w + 28), w7 = vld1q_f32(w + 32), w8 = vld1q_f32(w + 36);
    const float32x4_t v0 = vld1q_f32(v + 4), v1 = vld1q_f32(v + 8), v2 = vld1q_f32(v + 12);
    const float32x4_t v3 = vld1q_f32(v + 16), v4 = vld1q_f32(v + 20), v5 = vld1q_f32(v + 24);
    const float32x4_t v6 = vld1q_f32(v + 28), v7 = vld1q_f32(v + 32), v8 = vld1q_f32(v + 36);
    const float* const* in = input;
    float* out = output + c;
    for (size_t px = 0; px < pixels; ++px, in += kTaps, out += channels) {
      float32x4_t acc0 = vld1q_f32(w), acc1 = vld1q_f32(v);
#define EB_DW_F32_TAP(T, WV, VV)                      \
  {                                                   \
    const float* x = in[T] + c;                       \
    acc0 = vfmaq_f32(acc0, vld1q_f32(x), WV);         \
    acc1 = vfmaq_f32(acc1, vld1q_f32(x + kTile), VV); \
  }
      EB_DW_F32_TAP(0, w0, v0)
      EB_DW_F32_TAP(1, w1, v1)
      EB_DW_F32_TAP(2, w2, v2)
      EB_DW_F32_TAP(3, w3, v3)
      EB_DW_F32_TAP(4, w4, v4)
      EB_DW_F32_TAP(5, w5, v5)
      EB_DW_F32_TAP(6, w6, v6)
      EB_DW_F32_TAP(7, w7, v7)
      EB_DW_F32_TAP(8, w8, v8)
#undef EB_DW_F32_TAP
      vst1q_f32(out, vminq_f32(vmaxq_f32(acc0, vmin), vmax));
      vst1q_f32(out + kTile, vminq_f32(vmaxq_f32(acc1, vmin), vmax));
    }
  }
}

// Four pixels x 8 channels (two tiles) per step for the channels below full8 (a multiple of 8): each
// tap's two weight vectors are loaded once for four pixels (14 loads per 8 FMLAs instead of 20 in
// dwconv_rows). Same summation order per output as dwconv_rows: same bits.
void dwconv_4px_tile_pairs(size_t full8, size_t channels, size_t ks, const float* const* in, const float* w, float* out,
                           const DwconvF32Params* params) {
  const float32x4_t vmin = vdupq_n_f32(params->min);
  const float32x4_t vmax = vdupq_n_f32(params->max);
  const size_t tile_floats = kTile * (1 + ks);
  for (size_t c = 0; c < full8; c += 2 * kTile, w += 2 * tile_floats) {
    const float* v = w + tile_floats;
    float32x4_t a0 = vld1q_f32(w), b0 = vld1q_f32(v);
    float32x4_t a1 = a0, b1 = b0, a2 = a0, b2 = b0, a3 = a0, b3 = b0;
    const float* const* i0 = in;
    const float* const* i1 = in + ks;
    const float* const* i2 = in + 2 * ks;
    const float* const* i3 = in + 3 * ks;
    for (size_t t = 0; t < ks; ++t) {
      const float32x4_t wl = vld1q_f32(w + kTile * (t + 1)), wh = vld1q_f32(v + kTile * (t + 1));
      const float *x0 = i0[t] + c, *x1 = i1[t] + c, *x2 = i2[t] + c, *x3 = i3[t] + c;
      a0 = vfmaq_f32(a0, vld1q_f32(x0), wl);
      b0 = vfmaq_f32(b0, vld1q_f32(x0 + kTile), wh);
      a1 = vfmaq_f32(a1, vld1q_f32(x1), wl);
      b1 = vfmaq_f32(b1, vld1q_f32(x1 + kTile), wh);
      a2 = vfmaq_f32(a2, vld1q_f32(x2), wl);
      b2 = vfmaq_f32(b2, vld1q_f32(x2 + kTile), wh);
      a3 = vfmaq_f32(a3, vld1q_f32(x3), wl);
      b3 = vfmaq_f32(b3, vld1q_f32(x3 + kTile), wh);
    }
    float* o = out + c;
    vst1q_f32(o, vminq_f32(vmaxq_f32(a0, vmin), vmax));
    vst1q_f32(o + kTile, vminq_f32(vmaxq_f32(b0, vmin), vmax));
    o += channels;
    vst1q_f32(o, vminq_f32(vmaxq_f32(a1, vmin), vmax));
    vst1q_f32(o + kTile, vminq_f32(vmaxq_f32(b1, vmin), vmax));
    o += channels;
    vst1q_f32(o, vminq_f32(vmaxq_f32(a2, vmin), vmax));
    vst1q_f32(o + kTile, vminq_f32(vmaxq_f32(b2, vmin), vmax));
    o += channels;
    vst1q_f32(o, vminq_f32(vmaxq_f32(a3, vmin), vmax));
    vst1q_f32(o + kTile, vminq_f32(vmaxq_f32(b3, vmin), vmax));
  }
}

// Channels [from, channels) of `pixels` pixels with dwconv_rows, one pixel at a time over a view of
// the tap pointers shifted to channel `from` (the output stride stays `channels`). ks <= 25.
void dwconv_channel_tail(size_t pixels, size_t channels, size_t from, size_t ks, const float* const* input,
                         const float* w, float* output, const DwconvF32Params* params) {
  const float* shifted[25];
  for (size_t px = 0; px < pixels; ++px, input += ks) {
    for (size_t t = 0; t < ks; ++t) shifted[t] = input[t] + from;
    dwconv_rows(1, channels - from, ks, shifted, w + from * (1 + ks), output + px * channels + from, params);
  }
}

}  // namespace

void dwconv_f32_3x3_neon(size_t pixels, size_t channels, size_t, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  const size_t done = channels / (2 * kTile) * (2 * kTile);
  if (done != 0) dwconv_3x3_tile_pairs(pixels, channels, input, w, output, params);
  if (done != channels) dwconv_channel_tail(pixels, channels, done, 9, input, w, output, params);
}

// 5x5: the 50 weight vectors of 8 channels do not fit the registers; four pixels share each load.
void dwconv_f32_5x5_neon(size_t pixels, size_t channels, size_t, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  constexpr size_t kTaps = 25;
  const size_t full8 = channels / (2 * kTile) * (2 * kTile);
  size_t px = 0;
  for (; px + 4 <= pixels; px += 4) {
    const float* const* in = input + px * kTaps;
    float* out = output + px * channels;
    if (full8 != 0) dwconv_4px_tile_pairs(full8, channels, kTaps, in, w, out, params);
    if (full8 != channels) dwconv_channel_tail(4, channels, full8, kTaps, in, w, out, params);
  }
  if (px < pixels) dwconv_rows(pixels - px, channels, kTaps, input + px * kTaps, w, output + px * channels, params);
}

void dwconv_f32_any_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params) {
  dwconv_rows(pixels, channels, ks, input, w, output, params);
}

}  // namespace eb

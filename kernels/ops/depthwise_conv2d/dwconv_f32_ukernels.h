// Contract of the float32 depthwise microkernels (one per ISA, in dwconv_f32_<isa>.cc).
//
// Included by ISA-specific files: plain structs and declarations only (no inline functions, templates
// or std:: types), so nothing compiled with AVX-512 / NEON flags can leak into generic code.
//
// A call computes `pixels` consecutive output pixels of one output row, all `channels` channels
// (depth multiplier 1): out[px * channels + c] = clamp(bias[c] + sum_t input[px * ks + t][c] * w_t[c]).
//  - `input` holds ks pointers per output pixel (tap-major within the pixel), each at `channels`
//    consecutive floats (a zero row for padding taps).
//  - `w` is packed per tile of CT channels (CT = the ISA's vector width: 16 AVX-512, 8 AVX2, 4 NEON):
//    CT biases, then ks rows of CT weights; zero-padded past the last channel.
// Kernels never read input channels >= channels (tails use masked or scalar loads).
#pragma once

#include <cstddef>

namespace eb {

struct DwconvF32Params {
  float min;  // fused activation clamp
  float max;
};

using DwconvF32Ukernel = void (*)(size_t pixels, size_t channels, size_t ks, const float* const* input,
                                  const float* w, float* output, const DwconvF32Params* params);

// x86-64 (channel tile 16)
void dwconv_f32_3x3_avx512(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params);
void dwconv_f32_5x5_avx512(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params);
void dwconv_f32_any_avx512(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params);
// x86-64 (channel tile 8)
void dwconv_f32_3x3_avx2(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params);
void dwconv_f32_5x5_avx2(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params);
void dwconv_f32_any_avx2(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params);
// aarch64 (channel tile 4)
void dwconv_f32_3x3_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params);
void dwconv_f32_5x5_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params);
// Stride 1, dilation 1 along the row only (input reuse across 8 neighbouring pixels, see the .cc): the
// call's pixels must be consecutive pixels of one output row.
void dwconv_f32_3x3s1_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params);
void dwconv_f32_5x5s1_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params);
// Stride 2, dilation 1 along the row only (pixel px + 1's tap (ky, kx) is pixel px's tap (ky, kx + 2); see
// dwconv_f32_s2_neon.cc), same condition on the call's pixels.
void dwconv_f32_3x3s2_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params);
void dwconv_f32_5x5s2_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params);
// Channels [from, channels) of `pixels` pixels of ks taps, lane by lane in the per-pixel kernels' order
// (from: a multiple of 4): the channel tail of the s1 / s2 kernels.
void dwconv_f32_channel_tail_neon(size_t pixels, size_t channels, size_t from, size_t ks, const float* const* input,
                                  const float* w, float* output, const DwconvF32Params* params);
void dwconv_f32_any_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                         float* output, const DwconvF32Params* params);

}  // namespace eb

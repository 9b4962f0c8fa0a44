// TRANSPOSE_CONV: the gradient of a convolution with respect to its input. Each input pixel (y, x)
// scatters input[y, x, :] x filter[oc, fy, fx, :] onto output pixel (y * stride - pad_top + fy,
// x * stride - pad_left + fx); taps falling outside the output are dropped. The output shape comes from
// the constant output_shape input; the padding is what a convolution over that output with this filter
// would use (TFLite computes it from the output size). Weights are [out_c, filter_h, filter_w, in_c].
//  - float32: sums, then bias and the fused activation clamp.
//  - int8 (per-channel weights) / uint8: int32 sums of (x - in_zp) * (w - w_zp), plus the bias, requantized
//    per output channel with ConvRequant (XNNPACK's fp32 scheme: TFLite delegates the op to XNNPACK).
//  - hybrid (float32 input, constant int8 weights per channel: dynamic-range models), TFLite's EvalHybrid:
//    each batch item's input quantized asymmetrically as a whole (scale s, offset z), int32 sums of
//    (q - z) * w, then out = sum * s * w_scale[oc] (+ bias) clamped.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/ops/conv2d/conv2d.h"

namespace eb {

struct TransposeConvParams {
  // geom.in_* is the TRANSPOSE_CONV input, geom.out_* its output; pad_* are the convolution's.
  ConvGeometry geom;
  float act_min = 0.0f, act_max = 0.0f;  // float32
  ConvRequant requant;                   // int8 / uint8
  std::vector<float> filter_scale;       // hybrid: per output channel
};

// `bias` may be null.
void transpose_conv_f32_ref(const TransposeConvParams& p, const float* input, const float* filter, const float* bias,
                            float* output);
// `acc` is scratch of one output's elements (batches * out_h * out_w * out_c int32).
void transpose_conv_qs8_ref(const TransposeConvParams& p, const int8_t* input, const int8_t* filter,
                            const int32_t* bias, int32_t* acc, int8_t* output);
void transpose_conv_qu8_ref(const TransposeConvParams& p, const uint8_t* input, const uint8_t* filter,
                            const int32_t* bias, int32_t* acc, uint8_t* output);

// `quantized` is scratch of one batch item's input (in_h * in_w * in_c int8), `acc` of one batch item's
// output (out_h * out_w * out_c int32).
void transpose_conv_hybrid_ref(const TransposeConvParams& p, const float* input, const int8_t* filter,
                               const float* bias, int8_t* quantized, int32_t* acc, float* output);

}  // namespace eb

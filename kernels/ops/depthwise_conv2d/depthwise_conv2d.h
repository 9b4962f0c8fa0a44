// DEPTHWISE_CONV_2D: NHWC input [N, H, W, Cin], filter [1, KH, KW, Cin * M], optional bias [Cin * M].
// Output channel oc = ic * M + m reads input channel ic only. The depth multiplier M comes from the
// shapes (filter channels / input channels): new converters leave the option at 0 or stale.
//
// Modes and numerics follow CONV_2D (kernels/ops/conv2d/conv2d.h):
//  - float32: plain float accumulation from the bias, then clamp (TFLite: XNNPACK).
//  - int8: per-channel (quantized_dimension 3) or per-tensor symmetric weights; XNNPACK's fp32
//    requantization.
//  - uint8 legacy: per-tensor weights with a zero point; XNNPACK's fp32 requantization (a parameter).
//  - hybrid: float input/output, int8 filter. TFLite's depthwise hybrid kernel always quantizes the input
//    asymmetrically (AsymmetricQuantizeFloats per batch item) and rescales as
//    (acc * input_scale) * filter_scale[c] + bias — a different float order than CONV_2D's hybrid.
#pragma once

#include <cstdint>

#include "kernels/ops/conv2d/conv2d.h"

namespace eb {

struct DepthwiseConv2DParams {
  ConvGeometry geom;  // geom.out_c = geom.in_c * depth_multiplier
  int32_t depth_multiplier = 1;
  float act_min = 0.0f, act_max = 0.0f;    // float and hybrid modes
  ConvRequant requant;                     // int8 and uint8 modes
  std::vector<float> hybrid_filter_scale;  // hybrid: per output channel (a per-tensor scale is repeated)
};

// Fast kernels for ctx.isa() (depthwise_conv2d_fast_f32.cc, depthwise_conv2d_fast_quant.cc): called at
// prepare after every check; nullptr when none fits (the reference kernel runs).
Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d_fast_f32(PrepareContext& ctx, const DepthwiseConv2DParams& p);
Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d_fast_quant(PrepareContext& ctx, ConvMode mode,
                                                                       const DepthwiseConv2DParams& p);
Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d_fast_hybrid(PrepareContext& ctx,
                                                                        const DepthwiseConv2DParams& p);

// One output channel of the hybrid kernels from its int32 sum over the taps inside the input:
// ((float)acc * input_scale) * filter_scale[oc] (+ bias), clamped — TFLite's order. The reference and the
// fast path both call it: bit-identical by construction.
inline float depthwise_conv2d_hybrid_output(const DepthwiseConv2DParams& p, int32_t acc, float input_scale,
                                            const float* bias, size_t oc) {
  float v = static_cast<float>(acc) * input_scale * p.hybrid_filter_scale[oc];
  if (bias) v += bias[oc];
  return std::min(std::max(v, p.act_min), p.act_max);
}

// 16x8 mode (int16 activations, int8 weights, int64 or int32 bias; depthwise_conv2d_int16.cc): everything
// after the geometry, and the reference kernels TFLite always runs for it (int64 accumulator for both
// bias types, requant.multiplier through multiply_by_quantized_multiplier_int64).
Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d_int16(PrepareContext& ctx, DepthwiseConv2DParams p);
void depthwise_conv2d_int16_ref(const DepthwiseConv2DParams& p, const int16_t* input, const int8_t* filter,
                                const int64_t* bias, int16_t* output);
void depthwise_conv2d_int16_bias32_ref(const DepthwiseConv2DParams& p, const int16_t* input, const int8_t* filter,
                                       const int32_t* bias, int16_t* output);

// Reference kernels. `bias` may be null. Filter layout [1, KH, KW, out_c].
void depthwise_conv2d_float32_ref(const DepthwiseConv2DParams& p, const float* input, const float* filter,
                                  const float* bias, float* output);
void depthwise_conv2d_int8_ref(const DepthwiseConv2DParams& p, const int8_t* input, const int8_t* filter,
                               const int32_t* bias, int8_t* output);
void depthwise_conv2d_uint8_ref(const DepthwiseConv2DParams& p, const uint8_t* input, const uint8_t* filter,
                                const int32_t* bias, uint8_t* output);
// `quantized_input` is scratch for one batch item (in_h * in_w * in_c int8 values).
void depthwise_conv2d_hybrid_ref(const DepthwiseConv2DParams& p, const float* input, const int8_t* filter,
                                 const float* bias, float* output, int8_t* quantized_input);

}  // namespace eb

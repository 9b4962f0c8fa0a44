// CONV_2D: NHWC input [N, H, W, Cin], filter [Cout, KH, KW, Cin / groups], optional bias [Cout].
//
// Four modes, each computing what TensorFlow Lite's default CPU path computes:
//  - float32: TFLite hands it to XNNPACK; we accumulate bias + products in float in a plain loop (the
//    conformance tolerance for float models absorbs summation-order differences), then clamp.
//  - int8 (full integer): XNNPACK (QS8/QC8). acc = bias + sum((x - x_zp) * w), weights symmetric;
//    requantized with XNNPACK's fp32 scheme, scale = in_scale * w_scale[c] / out_scale in float.
//  - uint8 (legacy TF1 quantization): acc = bias + sum((x - x_zp) * (w - w_zp)), per-tensor. TFLite
//    hands these to XNNPACK (QU8) as well: fp32 requantization matches it bit for bit (conv2d.cc);
//    the scheme remains a parameter (RequantScheme).
//  - hybrid / dynamic range: float input and output, int8 constant filter. TFLite's own kernel
//    quantizes each batch item of the input on the fly (symmetric for per-tensor filters, asymmetric
//    with an offset for per-channel filters), accumulates in int32 and rescales to float.
// Padding taps contribute nothing in every mode (TFLite pads with the input zero point / 0.0).
//
// The depthwise op (kernels/ops/depthwise_conv2d) shares the geometry, the requantization and the
// hybrid input quantization declared here.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/common/quantization.h"
#include "kernels/common/status.h"
#include "kernels/graph/graph.h"
#include "kernels/ops/op.h"

namespace eb {

// Spatial geometry shared by CONV_2D and DEPTHWISE_CONV_2D (NHWC).
struct ConvGeometry {
  int32_t batches = 0, in_h = 0, in_w = 0, in_c = 0;
  int32_t out_h = 0, out_w = 0, out_c = 0;
  int32_t filter_h = 0, filter_w = 0;
  int32_t stride_h = 1, stride_w = 1;
  int32_t dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0;  // padding before the first row / column (TFLite's SAME split)
};

// How an int32 accumulator becomes a quantized output.
enum class RequantScheme : uint8_t {
  kXnnpackFp32,      // XNNPACK: nearbyint(acc * float scale), clamped, + zero point
  kTfliteFixedPoint  // TFLite's own kernels: Q31 multiplier + shift from a double real multiplier
};

// Quantized (int8 / uint8) parameters of a conv-like op, one entry per output channel.
struct ConvRequant {
  int32_t input_zp = 0;
  int32_t filter_zp = 0;  // always 0 for int8 (symmetric weights); uint8 legacy weights have one
  int32_t output_zp = 0;
  int32_t act_min = 0, act_max = 0;  // clamp range, fused activation included
  RequantScheme scheme = RequantScheme::kXnnpackFp32;
  std::vector<float> scale;                     // kXnnpackFp32: xnnpack_requant_scale(...) per channel
  std::vector<QuantizedMultiplier> multiplier;  // kTfliteFixedPoint: per channel

  int32_t apply(int32_t acc, int32_t channel) const {
    const size_t c = static_cast<size_t>(channel);
    if (scheme == RequantScheme::kXnnpackFp32) return requantize_fp32(acc, scale[c], output_zp, act_min, act_max);
    return std::clamp(multiply_by_quantized_multiplier(acc, multiplier[c]) + output_zp, act_min, act_max);
  }
};

// How a hybrid kernel quantizes its float input, per batch item (TFLite's tensor_utils).
enum class HybridInputQuant : uint8_t {
  kSymmetric,  // SymmetricQuantizeFloats: q = round(x * 127 / max|x|), no offset
  kAsymmetric  // AsymmetricQuantizeFloats: scale = (max - min) / 255 over [min(0, x), max(0, x)], offset
};

struct ConvHybrid {
  HybridInputQuant input_quant = HybridInputQuant::kAsymmetric;
  std::vector<float> filter_scale;  // per output channel (a per-tensor scale is repeated)
};

struct Conv2DParams {
  ConvGeometry geom;
  int32_t filter_c = 0;  // input channels per group (the filter's last dimension)
  int32_t groups = 1;    // geom.in_c / filter_c; output channel oc belongs to group oc / (out_c / groups)
  float act_min = 0.0f, act_max = 0.0f;  // float and hybrid modes
  ConvRequant requant;                   // int8 and uint8 modes
  ConvHybrid hybrid;                     // hybrid mode
};

// TFLite's tensor_utils::SymmetricQuantizeFloats. All-zero input: q = 0 and scaling factor 1.
void hybrid_quantize_symmetric_ref(const float* values, int64_t n, int8_t* quantized, float* scaling_factor);
// TFLite's tensor_utils::AsymmetricQuantizeFloats: the range always contains 0; the zero point
// (offset) is nudged to an integer in [-128, 127]. All-zero input: q = 0, scaling factor 1, offset 0.
void hybrid_quantize_asymmetric_ref(const float* values, int64_t n, int8_t* quantized, float* scaling_factor,
                                    int32_t* offset);

// One output channel of the hybrid kernels from its int32 accumulator (TFLite's hybrid conv epilogue,
// its float operations in its order). The reference and the fast path both call it: bit-identical by
// construction.
inline float conv2d_hybrid_output(const Conv2DParams& p, bool symmetric, int32_t acc, float input_scale,
                                  const float* bias, size_t oc) {
  const float scale = symmetric ? input_scale * p.hybrid.filter_scale[0] : p.hybrid.filter_scale[oc] * input_scale;
  float v = static_cast<float>(acc) * scale;
  if (bias) v += bias[oc];
  return std::min(std::max(v, p.act_min), p.act_max);
}

// conv2d_hybrid_output's per-channel terms of one batch item, for the SIMD epilogue
// (HybridOutputUkernel): shift[o] = offset * weight_sums[o] (wrapping; 0 when symmetric), scale[o] the
// product conv2d_hybrid_output forms (float multiplication commutes exactly).
inline void hybrid_conv_output_terms(const Conv2DParams& p, bool symmetric, float input_scale, int32_t offset,
                                     const int32_t* weight_sums, size_t n, int32_t* shift, float* scale) {
  for (size_t o = 0; o < n; ++o) {
    scale[o] = symmetric ? input_scale * p.hybrid.filter_scale[0] : p.hybrid.filter_scale[o] * input_scale;
    shift[o] = symmetric ? 0 : static_cast<int32_t>(static_cast<uint32_t>(offset) * static_cast<uint32_t>(weight_sums[o]));
  }
}

// 16x8 mode (TFLite's EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8): int16 activations
// with zero point 0, int8 symmetric weights (per channel or per tensor), int64 or int32 bias. TFLite
// runs its own kernels (XNNPACK takes no int16 operator): conv.cc's EvalQuantizedPerChannel16x8, see
// conv2d_int16.cc for which variant runs and why. Requantization: ConvRequant's `multiplier` (TFLite's
// QuantizeMultiplier of in_scale * w_scale[c] / out_scale in double), act range within [-32768, 32767].
//  - int64 bias: acc = bias + sum(x * w) in int64, multiply_by_quantized_multiplier_int64 (Q15 multiplier,
//    one rounding);
//  - int32 bias: acc = bias + sum(x * w) in int32 (wrapping), multiply_by_quantized_multiplier (Q31,
//    two roundings), TFLite's reference for an int32 accumulator.
inline int16_t conv_int16_output(const ConvRequant& rq, int64_t acc, int32_t channel) {
  const int32_t v = multiply_by_quantized_multiplier_int64(acc, rq.multiplier[static_cast<size_t>(channel)]);
  return static_cast<int16_t>(std::clamp(v, rq.act_min, rq.act_max));
}
inline int16_t conv_int16_output_acc32(const ConvRequant& rq, int32_t acc, int32_t channel) {
  const int32_t v = multiply_by_quantized_multiplier(acc, rq.multiplier[static_cast<size_t>(channel)]);
  return static_cast<int16_t>(std::clamp(v, rq.act_min, rq.act_max));
}
// The checks and requantization of a 16x8 conv-like op (also DEPTHWISE_CONV_2D, weights' channel axis
// `channel_axis`): input/output int16 per tensor with zero point 0, int8 symmetric weights, bias int32 or
// int64 (zero point 0, scale input * weight scale), multiplier shifts TFLite's int64 requantization takes.
Status prepare_conv_requant_int16(const Tensor& input, const Tensor& filter, const Tensor* bias, const Tensor& output,
                                  Activation act, int channel_axis, int32_t out_channels, ConvRequant& rq);
// CONV_2D in 16x8 mode: everything after the geometry (conv2d_int16.cc). `p` holds the geometry.
Result<std::unique_ptr<PreparedOp>> prepare_conv2d_int16(PrepareContext& ctx, Conv2DParams p);
// The 16x8 fast path (conv2d_fast_int16.cc), bit-identical to the references; nullptr when it does not
// fit (grouped convolutions, a filter computed at run time).
std::unique_ptr<PreparedOp> prepare_conv2d_fast_int16(PrepareContext& ctx, const Conv2DParams& p, bool bias32);
void conv2d_int16_ref(const Conv2DParams& p, const int16_t* input, const int8_t* filter, const int64_t* bias,
                      int16_t* output);
void conv2d_int16_bias32_ref(const Conv2DParams& p, const int16_t* input, const int8_t* filter, const int32_t* bias,
                             int16_t* output);

// Reference kernels. `bias` may be null (no bias input). Tensors are dense NHWC.
void conv2d_float32_ref(const Conv2DParams& p, const float* input, const float* filter, const float* bias,
                        float* output);
void conv2d_int8_ref(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                     int8_t* output);
void conv2d_uint8_ref(const Conv2DParams& p, const uint8_t* input, const uint8_t* filter, const int32_t* bias,
                      uint8_t* output);
// `quantized_input` is scratch for one batch item (in_h * in_w * in_c int8 values).
void conv2d_hybrid_ref(const Conv2DParams& p, const float* input, const int8_t* filter, const float* bias,
                       float* output, int8_t* quantized_input);

// Hybrid fast paths, bit-identical to conv2d_hybrid_ref; nullptr when none fits (grouped convolutions,
// a non-constant filter, no kernel): the int8 4-channel GEMM when in_c % 4 == 0 and the ISA has one
// (conv2d_fast_hybrid_gemm.cc), else the int8 dot-product microkernel per pixel (conv2d_fast_hybrid.cc).
std::unique_ptr<PreparedOp> prepare_conv2d_fast_hybrid(PrepareContext& ctx, const Conv2DParams& p);
// Output pixel (oy, ox)'s window of one quantized batch item as one row of filter_h * filter_w * in_c
// values in the filter's [tap][channel] order; padding taps hold `offset` (their x - offset is 0, as the
// reference skipping them). Shared by the hybrid fast paths.
void hybrid_gather_window(const ConvGeometry& g, const int8_t* quantized, int32_t offset, int32_t oy, int32_t ox,
                          int8_t* row);
// The GEMM path alone: nullptr when `isa` has no such kernel or the layer does not fit it.
Result<std::unique_ptr<PreparedOp>> make_conv2d_hybrid_gemm_op(Isa isa, int threads, const Conv2DParams& p,
                                                               const int8_t* filter, int input, int bias, int output);

// Prepare-time checks shared with DEPTHWISE_CONV_2D (defined in conv2d.cc). `role` names the tensor in
// messages ("input", "filter", ...).
enum class ConvMode : uint8_t { kFloat32, kInt8, kUInt8, kHybrid };
// Positive input/filter dimensions, strides and dilations >= 1, a clamp activation.
Status check_conv_options(const Tensor& input, const Tensor& filter, const NodeOptions& options);
// From g's input size, filter size, strides and dilations: output size and leading padding (error if empty).
Status set_conv_output_geometry(Padding padding, ConvGeometry& g);
// The mode the input/filter dtypes select; checks the output dtype, and a float32/hybrid bias (float32,
// one element per output channel).
Result<ConvMode> select_conv_mode(const Tensor& input, const Tensor& filter, const Tensor* bias, const Tensor& output,
                                  int32_t out_channels);
// Quantized weights: per-tensor, or per-channel along `channel_axis` with `channels` scales. Returns
// the scale per output channel (repeated when per-tensor). `symmetric` demands zero points of 0.
Result<std::vector<float>> weight_scales(const Tensor& w, int channel_axis, int32_t channels, bool symmetric);
// The output's clamp range and the per-channel requantization for an int8/uint8 conv-like op.
Status build_conv_requant(const Tensor& input, const std::vector<float>& w_scales, int32_t filter_zp,
                          const Tensor& output, Activation act, RequantScheme scheme, ConvRequant& rq);
// Everything an int8/uint8 conv-like op checks and precomputes: per-tensor input/output quantization,
// weight scales along `channel_axis`, the quantized bias, and the requantization in `rq`.
Status prepare_conv_requant(const Tensor& input, const Tensor& filter, const Tensor* bias, const Tensor& output,
                            Activation act, int channel_axis, int32_t out_channels, RequantScheme scheme,
                            ConvRequant& rq);
// Bias of a quantized conv-like op: int32, `channels` elements, zero point 0, and (when it carries
// scales) scale = input scale * weight scale per channel.
// `allow_int64`: the 16x8 mode's int64 bias is accepted too.
Status check_quantized_bias(const Tensor& bias, int32_t channels, float input_scale,
                            const std::vector<float>& w_scales, bool allow_int64 = false);

// int32 accumulation that wraps on overflow, like the int32 adders of TFLite/XNNPACK kernels, instead
// of being undefined behaviour (only reachable with absurd filter sizes).
inline int32_t wrapping_add_i32(int32_t acc, int32_t v) {
  return static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(v));
}

// Offset of element (b, y, x, c) in a dense NHWC tensor of height h, width w and ch channels.
inline int64_t nhwc_offset(int32_t b, int32_t y, int32_t x, int32_t c, int32_t h, int32_t w, int32_t ch) {
  return ((static_cast<int64_t>(b) * h + y) * w + x) * ch + c;
}

// Fast kernels for ctx.isa() (conv2d_fast_f32.cc, conv2d_fast_quant.cc): called at prepare after every
// check, they return the op bound to packed weights and the ISA's microkernels, or nullptr when none
// fits (no fast kernel for this ISA, mode or geometry, or a non-constant filter): the reference runs.
Result<std::unique_ptr<PreparedOp>> prepare_conv2d_fast_f32(PrepareContext& ctx, const Conv2DParams& p);
Result<std::unique_ptr<PreparedOp>> prepare_conv2d_fast_quant(PrepareContext& ctx, ConvMode mode, const Conv2DParams& p);

// The four reference kernels of a conv-like op (CONV_2D, DEPTHWISE_CONV_2D), one per ConvMode.
template <typename Params>
struct ConvKernelSet {
  void (*float32)(const Params&, const float*, const float*, const float*, float*);
  void (*int8)(const Params&, const int8_t*, const int8_t*, const int32_t*, int8_t*);
  void (*uint8)(const Params&, const uint8_t*, const uint8_t*, const int32_t*, uint8_t*);
  void (*hybrid)(const Params&, const float*, const int8_t*, const float*, float*, int8_t*);
};

// Binds the kernel of `mode` once, at prepare time (no per-run switch). `bias` is -1 when absent; hybrid
// kernels get a scratch buffer of `hybrid_scratch` int8 values owned by the op.
template <typename Params>
std::unique_ptr<PreparedOp> bind_conv_kernel(ConvMode mode, const char* name, const ConvKernelSet<Params>& k, Params p,
                                             int in, int w, int bias, int out, size_t hybrid_scratch) {
  switch (mode) {
    case ConvMode::kFloat32:
      return bind_kernel(name, [=, f = k.float32](const RunContext& c) {
        f(p, c.in<float>(in), c.in<float>(w), bias < 0 ? nullptr : c.in<float>(bias), c.out<float>(out));
      });
    case ConvMode::kInt8:
      return bind_kernel(name, [=, f = k.int8](const RunContext& c) {
        f(p, c.in<int8_t>(in), c.in<int8_t>(w), bias < 0 ? nullptr : c.in<int32_t>(bias), c.out<int8_t>(out));
      });
    case ConvMode::kUInt8:
      return bind_kernel(name, [=, f = k.uint8](const RunContext& c) {
        f(p, c.in<uint8_t>(in), c.in<uint8_t>(w), bias < 0 ? nullptr : c.in<int32_t>(bias), c.out<uint8_t>(out));
      });
    case ConvMode::kHybrid:
      break;
  }
  return bind_kernel(name, [=, f = k.hybrid,
                            scratch = std::vector<int8_t>(hybrid_scratch)](const RunContext& c) mutable {
    f(p, c.in<float>(in), c.in<int8_t>(w), bias < 0 ? nullptr : c.in<float>(bias), c.out<float>(out), scratch.data());
  });
}

}  // namespace eb

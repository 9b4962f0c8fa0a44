// FULLY_CONNECTED: output[b][o] = act(bias[o] + sum_i input[b][i] * weights[o][i]).
//
// The input is read as [batch, in] with batch = elements / in (any rank); weights are [out, in] (TFLite's
// DEFAULT weights format; the shuffled int8 format is refused at prepare time); the bias is optional.
//
// Modes, and whose numerics each one follows (TFLite's default CPU path):
//  - float32: TFLite hands it to XNNPACK; a float dot product in input order (within float rounding of it).
//  - int8 (per-tensor or per-channel weights, int32 bias): XNNPACK's qs8 fully connected. The int32
//    accumulator bias + sum (x - x_zp) * w is requantized with XNNPACK's fp32 scheme, scale
//    input_scale * weight_scale[o] / output_scale computed in float (eb::xnnpack_requant_scale).
//  - uint8 (legacy TF1 quantization, weights with a zero point): either XNNPACK's qu8 (same fp32 scheme)
//    or TFLite's own fixed-point kernel (Q31 multiplier, rounding twice); FcRequant selects which.
//  - hybrid / dynamic range (float input, int8 constant weights, float bias): TFLite's EvalHybrid. Each
//    batch row is quantized on the fly to int8 (symmetric: scale max|x|/127; asymmetric when the option
//    asymmetric_quantize_inputs is set: an int8 zero point too), the int32 dot product with the weights is
//    scaled back to float with row_scale * weight_scale and added to the bias.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

#include <memory>
#include <vector>

#include "kernels/common/quantization.h"
#include "kernels/ops/op.h"

namespace eb {

// Which requantization an integer fully connected uses (a params field, so a model family can switch).
enum class FcRequant : uint8_t {
  kFp32,        // XNNPACK: round_to_nearest_even(acc * scale) + zp, clamped
  kFixedPoint,  // TFLite: multiply_by_quantized_multiplier(acc, m) + zp, clamped
};

struct FullyConnectedFloatParams {
  int32_t batch = 0, in = 0, out = 0;
  float act_min = 0.0f, act_max = 0.0f;  // fused activation clamp (NONE: -inf, +inf)
};

struct FullyConnectedQuantParams {
  int32_t batch = 0, in = 0, out = 0;
  int32_t input_zero_point = 0;
  int32_t weights_zero_point = 0;  // uint8 weights only; int8 weights are symmetric (0)
  int32_t output_zero_point = 0;
  int32_t act_min = 0, act_max = 0;  // quantized clamp: the type's range narrowed by the fused activation
  FcRequant requant = FcRequant::kFp32;
  // Per output channel (a per-tensor weight scale is repeated `out` times), read by the chosen scheme:
  const float* scale = nullptr;                      // kFp32: input_scale * weight_scale[o] / output_scale
  const QuantizedMultiplier* multiplier = nullptr;   // kFixedPoint: the same ratio as a Q31 multiplier
};

struct FullyConnectedHybridParams {
  int32_t batch = 0, in = 0, out = 0;
  float act_min = 0.0f, act_max = 0.0f;
  bool asymmetric = false;  // quantize input rows with a zero point (options.asymmetric_quantize_inputs)
  // Weight scale per output channel, or nullptr for a per-tensor scale `weight_scale`.
  const float* channel_scale = nullptr;
  float weight_scale = 1.0f;
  // Sum of each weights row; read only when asymmetric (the input zero point's contribution).
  const int32_t* row_sums = nullptr;
};

// One output of the hybrid kernels (TFLite's EvalHybrid epilogue): the input offset's share for
// asymmetric rows, the row scale times the channel's scale for per-channel weights (a per-tensor
// weight scale is already folded into row_scale), the bias first, then the scaled dot product, clamp.
// The reference and the fast path both call it: bit-identical by construction.
inline float fully_connected_hybrid_output(const FullyConnectedHybridParams& p, int32_t dot, int32_t offset,
                                           float row_scale, const float* bias, int32_t o) {
  if (p.asymmetric) dot -= p.row_sums[o] * offset;
  const float scale = p.channel_scale ? row_scale * p.channel_scale[o] : row_scale;
  float acc = bias ? bias[o] : 0.0f;
  acc += static_cast<float>(dot) * scale;
  return std::min(std::max(acc, p.act_min), p.act_max);
}

// 16x8 mode (TFLite's EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8): int16 input and output
// with zero point 0, int8 symmetric weights (per tensor or per channel), int64 or int32 bias. TFLite runs
// reference_integer_ops::FullyConnected(PerChannel) for int16 (fully_connected_int16.cc says why): acc =
// bias + sum(x * w) in the bias type (int64, or int32 wrapping), then in double:
// round_half_away(acc * (in_scale * w_scale[o] / out_scale)), clamped to the activation range.
struct FullyConnectedInt16Params {
  int32_t batch = 0, in = 0, out = 0;
  int32_t act_min = 0, act_max = 0;
  // Per output channel (a per-tensor one repeated): (double)in_scale * (double)w_scale / (double)out_scale.
  const double* scale = nullptr;
};
// One output of the int16 kernels from its accumulator (TFLite's arithmetic: the double product rounded
// half away from zero, the int32 conversion saturated here instead of undefined, then the clamp).
inline int16_t fully_connected_int16_output(const FullyConnectedInt16Params& p, int64_t acc, int32_t o) {
  const double v = std::round(static_cast<double>(acc) * p.scale[o]);
  const double c = std::clamp(v, static_cast<double>(p.act_min), static_cast<double>(p.act_max));
  return static_cast<int16_t>(c);
}
void fully_connected_int16_ref(const FullyConnectedInt16Params& p, const int16_t* input, const int8_t* weights,
                               const int64_t* bias, int16_t* output);
void fully_connected_int16_bias32_ref(const FullyConnectedInt16Params& p, const int16_t* input, const int8_t* weights,
                                      const int32_t* bias, int16_t* output);

void fully_connected_float32_ref(const FullyConnectedFloatParams& p, const float* input, const float* weights,
                                 const float* bias /* nullable */, float* output);

// int8 input/weights/output, int32 bias (nullable).
void fully_connected_int8_ref(const FullyConnectedQuantParams& p, const int8_t* input, const int8_t* weights,
                              const int32_t* bias, int8_t* output);

// uint8 input/weights/output with a weights zero point, int32 bias (nullable).
void fully_connected_uint8_ref(const FullyConnectedQuantParams& p, const uint8_t* input, const uint8_t* weights,
                               const int32_t* bias, uint8_t* output);

// TFLite's tensor_utils::SymmetricQuantizeFloats: scale = max|x| / 127, q = round_half_away(x * 127/max|x|)
// clamped to [-127, 127]; an all-zero row gives q = 0 and scale 1.
void hybrid_quantize_row_symmetric(const float* x, int32_t n, int8_t* q, float* scale);
// TFLite's tensor_utils::AsymmetricQuantizeFloats: the range [min(0, min x), max(0, max x)] mapped onto
// [-128, 127] with a nudged integer zero point `offset`; q = round_half_away(offset + x / scale).
void hybrid_quantize_row_asymmetric(const float* x, int32_t n, int8_t* q, float* scale, int32_t* offset);

// Float input and output, int8 weights, float bias (nullable). `quantized_row` is scratch of p.in bytes.
void fully_connected_hybrid_ref(const FullyConnectedHybridParams& p, const float* input, const int8_t* weights,
                                const float* bias, int8_t* quantized_row, float* output);

// Fast kernels for ctx.isa() (fully_connected_fast_f32.cc, fully_connected_fast_quant.cc): called at
// prepare after every check; nullptr when none fits (the reference kernel runs). `scale` holds the
// per-output-channel fp32 requantization scales (p.requant == kFp32).
Result<std::unique_ptr<PreparedOp>> prepare_fully_connected_fast_f32(PrepareContext& ctx,
                                                                     const FullyConnectedFloatParams& p);
Result<std::unique_ptr<PreparedOp>> prepare_fully_connected_fast_quant(PrepareContext& ctx,
                                                                       const FullyConnectedQuantParams& p,
                                                                       const std::vector<float>& scale);
// Hybrid: the int8 dot products on an ISA microkernel, the rest as the reference (bit-identical);
// takes the op's tensors and owned tables like the reference op (fully_connected_fast_hybrid.cc).
std::unique_ptr<PreparedOp> prepare_fully_connected_fast_hybrid(PrepareContext& ctx,
                                                                const FullyConnectedHybridParams& p,
                                                                std::vector<float> channel_scale,
                                                                std::vector<int32_t> row_sums, int in, int w, int b,
                                                                int out);

}  // namespace eb

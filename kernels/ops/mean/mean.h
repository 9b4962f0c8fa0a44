// MEAN: the average over the axes listed in a constant int32 tensor (negative axes count from the end,
// duplicates are ignored), keeping the reduced dimensions as 1 when keep_dims is set.
//
// Every kernel first sums the input into one accumulator per output element, walking the input in
// row-major order (float sums in that order; integer sums exactly), then finishes each output:
//  - float32: sum / count.
//  - int8/uint8: TFLite hands MEAN over the spatial axes of a 4-D tensor to XNNPACK (global average
//    pooling); every other quantized MEAN runs TFLite's reduce.cc. MeanQuantMode names the four paths:
//    * kXnnpackFp32: 4-D input, axis tensor {1, 2} (either order) or {2}, in_scale / out_scale within
//      [2^-8, 2^8): acc = sum - count * in_zp requantized with XNNPACK's fp32 scheme, scale
//      in_scale / (out_scale * count) computed in float.
//    * kSpatial: the same shape when XNNPACK refuses the scale ratio and keep_dims is set (axis tensor
//      exactly {1, 2} or {2, 1}): TFLite's optimized_integer_ops::Mean. The sum of raw values goes through
//      a Q31 multiplier for in_scale / (count * out_scale) (computed in float), then bias = out_zp -
//      round_half_away(in_zp * in_scale / out_scale) (float) is added, and the result clamped.
//    * kSameQuantization: otherwise, when input and output scale and zero point are equal: the integer
//      mean of the raw values, sum / count truncated toward zero.
//    * kRescale: otherwise: in float, round_half_away(sum / count * s + b) + out_zp clamped, where
//      s = in_scale / out_scale and b = -in_zp * s.
//    The conformance data (MobileNet v2's final MEAN) matches kXnnpackFp32 bit for bit; kSpatial lands one
//    step off on one case.
//  - int16 (the converter's 16x8 mode): XNNPACK takes no int16 and reduce.cc has no optimized int16 path,
//    so TFLite's reference kernels run: with keep_dims, a 4-D input and the axis tensor {1, 2} or {2, 1},
//    kSpatialReference (reference_integer_ops::Mean): acc = sum of (q - in_zp), through the Q31
//    multiplier for in_scale / out_scale (computed in double), divided by the count rounding half away
//    from zero, plus out_zp, clamped; otherwise kSameQuantization or kRescale as above.
#pragma once

#include <cstdint>

#include "kernels/common/quantization.h"

namespace eb {

constexpr int kMeanMaxRank = 8;

enum class MeanQuantMode : uint8_t { kXnnpackFp32, kSpatial, kSpatialReference, kSameQuantization, kRescale };

struct MeanParams {
  int rank = 0;
  int32_t in_dims[kMeanMaxRank] = {};
  // Output offset step per input dimension: 0 for a reduced dimension, else the output's row-major
  // stride of that dimension.
  int64_t out_step[kMeanMaxRank] = {};
  int64_t out_elements = 0;
  int64_t count = 1;  // input elements averaged into each output element

  // Quantized kernels.
  MeanQuantMode mode = MeanQuantMode::kRescale;
  int32_t input_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier multiplier;  // kSpatial, kSpatialReference
  int32_t spatial_bias = 0;        // kSpatial
  float rescale = 0.0f, rescale_bias = 0.0f;  // kRescale; kXnnpackFp32 uses rescale as its scale
};

// `acc` is scratch of p.out_elements accumulators.
void mean_float32_ref(const MeanParams& p, const float* input, float* acc, float* output);
void mean_int8_ref(const MeanParams& p, const int8_t* input, int32_t* acc, int8_t* output);
void mean_uint8_ref(const MeanParams& p, const uint8_t* input, int32_t* acc, uint8_t* output);
void mean_int16_ref(const MeanParams& p, const int16_t* input, int32_t* acc, int16_t* output);

}  // namespace eb

// The arithmetic of TFLite's quantization, as its converter computes it: float32 -> float16 rounding,
// symmetric int8 weights (per channel or per tensor), asymmetric int8 activation parameters from a
// calibrated range, int32 biases. Plain functions on values, so tests can check each against numbers.
#pragma once

#include <cstdint>
#include <vector>

namespace eb {

// IEEE 754 half precision, rounded to nearest even; overflow gives infinity, NaN stays NaN.
uint16_t float_to_half(float f);

struct AffineParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

// Asymmetric parameters for [qmin, qmax] covering [min, max] widened to include 0 (so 0.0 is exact), with
// the zero point nudged to an integer as TFLite's quantizer does (from whichever end gives the smaller
// rounding error). An empty range (all values 0) gets scale 1, zero point 0.
AffineParams asymmetric_params(float min, float max, int32_t qmin = -128, int32_t qmax = 127);

// Symmetric int8 weights in [-127, 127]: one scale per slice along `axis` (max |w| / 127), or one for the
// whole tensor when `axis` < 0. An all-zero slice gets scale 1.
struct SymmetricWeights {
  std::vector<int8_t> values;
  std::vector<float> scales;
};
SymmetricWeights quantize_symmetric(const float* w, const std::vector<int32_t>& shape, int axis);

// int32 biases for scale input_scale * weight_scale[c] (weight_scales of size 1: per tensor), zero point 0.
std::vector<int32_t> quantize_bias(const float* b, int64_t n, float input_scale, const std::vector<float>& weight_scales,
                                   std::vector<float>* scales);

// value -> round(value / scale) + zero_point, clamped to [qmin, qmax].
int32_t quantize_value(float value, const AffineParams& p, int32_t qmin, int32_t qmax);

}  // namespace eb

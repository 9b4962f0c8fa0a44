// L2_NORMALIZATION and LOCAL_RESPONSE_NORMALIZATION, both over the last dimension.
//
// L2_NORMALIZATION: y = x / max(sqrt(sum x^2), 1e-6).
//  - float32: the squares summed in order, TFLite's epsilon.
//  - int8 / uint8 (TFLite's integer kernels; output scale 1/128, zero point 0 / 128): acc = sum (x - zp)^2
//    in int32, TFLite's GetInvSqrtQuantizedMultiplierExp (a gemmlowp fixed-point Newton-Raphson for
//    1/sqrt(acc)), then per element int8: MultiplyByQuantizedMultiplier(x - zp, inv, shift + 7) clamped;
//    uint8: 128 + MultiplyByQuantizedMultiplierSmallerThanOneExp(128 * (x - zp), inv, shift) clamped.
//
// LOCAL_RESPONSE_NORMALIZATION (float32): y[c] = x[c] * pow(bias + alpha * sum_{|k - c| <= radius} x[k]^2,
// -beta), the window clipped to the channels.
#pragma once

#include <cstdint>

#include "kernels/common/quantization.h"

namespace eb {

struct L2NormParams {
  int64_t rows = 0;
  int32_t depth = 0;
  int32_t input_zero_point = 0;  // quantized
};

struct LrnParams {
  int64_t rows = 0;
  int32_t depth = 0;
  int32_t radius = 0;
  float bias = 1.0f, alpha = 1.0f, beta = 0.5f;
};

// TFLite's GetInvSqrtQuantizedMultiplierExp(input, reverse_shift = -1): 1/sqrt(input) as a Q31
// multiplier and a (left) shift; input <= 1 gives (INT32_MAX, 0).
QuantizedMultiplier inv_sqrt_quantized_multiplier(int32_t input);

void l2_norm_f32_ref(const L2NormParams& p, const float* input, float* output);
void l2_norm_qs8_ref(const L2NormParams& p, const int8_t* input, int8_t* output);
void l2_norm_qu8_ref(const L2NormParams& p, const uint8_t* input, uint8_t* output);
void lrn_f32_ref(const LrnParams& p, const float* input, float* output);

}  // namespace eb

// RELU, RELU6, LEAKY_RELU, TANH, LOGISTIC, HARD_SWISH: unary activations on float32, int8 and uint8.
// The output has the input's shape and dtype. Fast paths: float RELU/RELU6 through the elementwise clamp
// (vbinary_f32.h), float LOGISTIC/TANH/HARD_SWISH on their own microkernels (vunary_f32.h).
//
// Quantized schemes, following TFLite's own kernels (activations.cc):
//  - RELU / RELU6 (TFLite's ReluX): out = clamp(out_zp + MultiplyByQuantizedMultiplier(x - in_zp, m), lo, hi)
//    with m the fixed-point multiplier of in_scale/out_scale and [lo, hi] the activation range quantized
//    with the output parameters (0 -> out_zp, 6 -> out_zp + round(6/out_scale)). With equal input and
//    output parameters (the usual case) this is exactly XNNPACK's clamp.
//  - LEAKY_RELU: two fixed-point multipliers, in_scale/out_scale for x >= in_zp and
//    alpha*in_scale/out_scale below, then + out_zp and saturation to the dtype.
//  - TANH, LOGISTIC: a 256-entry table built at prepare from the float function (TFLite's
//    PopulateLookupTable): dequantize every possible input, apply the function, quantize with the output
//    parameters (std::round, half away from zero), saturate.
//  - HARD_SWISH: the same table approach. TFLite's int8 HARD_SWISH kernel uses a 16-bit fixed-point
//    approximation instead; the table gives the correctly rounded value of x*relu6(x+3)/6, which can
//    differ from it by one quantized step.
#pragma once

#include <cstdint>

#include "kernels/common/quantization.h"

namespace eb {

// Float kernels; n is the element count.
void clamp_float_ref(const float* in, float* out, int64_t n, float lo, float hi);  // RELU, RELU6
void leaky_relu_float_ref(const float* in, float* out, int64_t n, float alpha);
void tanh_float_ref(const float* in, float* out, int64_t n);
void logistic_float_ref(const float* in, float* out, int64_t n);
void hard_swish_float_ref(const float* in, float* out, int64_t n);

// The float functions themselves, shared by the float kernels and the table builder.
float logistic_value(float x);
float hard_swish_value(float x);

struct ReluQuantParams {
  int32_t in_zp = 0, out_zp = 0;
  QuantizedMultiplier multiplier;  // in_scale / out_scale
  int32_t lo = 0, hi = 0;          // clamp range, already within the dtype
};
void relu_int8_ref(const ReluQuantParams& p, const int8_t* in, int8_t* out, int64_t n);
void relu_uint8_ref(const ReluQuantParams& p, const uint8_t* in, uint8_t* out, int64_t n);

struct LeakyReluQuantParams {
  int32_t in_zp = 0, out_zp = 0;
  QuantizedMultiplier identity;  // in_scale / out_scale, for x >= in_zp
  QuantizedMultiplier alpha;     // alpha * in_scale / out_scale, for x < in_zp
};
void leaky_relu_int8_ref(const LeakyReluQuantParams& p, const int8_t* in, int8_t* out, int64_t n);
void leaky_relu_uint8_ref(const LeakyReluQuantParams& p, const uint8_t* in, uint8_t* out, int64_t n);

// A 256-entry table indexed by the raw input byte (int8 values reinterpreted as uint8), holding raw
// output bytes. Serves TANH, LOGISTIC and HARD_SWISH for int8 and uint8 alike.
struct LookupTable8 {
  uint8_t table[256] = {};
};
void lookup_table_8bit_ref(const LookupTable8& t, const uint8_t* in, uint8_t* out, int64_t n);

// Builds the table of f for 8-bit type T (int8_t or uint8_t): TFLite's PopulateLookupTable.
template <typename T>
LookupTable8 make_lookup_table(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp, float (*f)(float));

}  // namespace eb

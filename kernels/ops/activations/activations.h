// RELU, RELU6, LEAKY_RELU, TANH, LOGISTIC, HARD_SWISH: unary activations on float32, int8 and uint8;
// RELU, RELU6, LEAKY_RELU, TANH and LOGISTIC also on int16 (the converter's 16x8 mode, zero points 0).
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
//
// int16 (TFLite's kGenericOptimized kernels, the ones LiteRT registers on x86; all zero points 0):
//  - RELU / RELU6: the ReluX above on int16 (optimized_ops::ReluX is the same scalar loop).
//  - LEAKY_RELU: the two-multiplier scheme above, scalar (optimized_integer_ops::QuantizeLeakyRelu; its
//    AVX2 block, which truncates the product instead of rounding it twice, is not in the x86 LiteRT wheel:
//    the scalar formula matches it on every int16 input, the AVX2 one does not).
//  - LOGISTIC / TANH: prepare tests whether the input scale is a power of two (CheckedLog2: |frac(log2)|
//    < 1e-3) with input_left_shift = 12 + log2(scale) equal to 0 (LOGISTIC) or 0/1 (TANH). If so TFLite runs
//    gemmlowp's fixed-point logistic / tanh on the raw value read as Q3.12 (TANH with shift 1 doubles it
//    first, saturating): kernels *_qs16_q3_ref. Otherwise input_multiplier = trunc(scale * 3 * 4096 *
//    2^input_left_shift), the smallest such shift that brings it above 32767/2, and the kernel rescales
//    x * input_multiplier >> input_left_shift (rounded) to steps of 1/12288 and interpolates TFLite's
//    256-entry sigmoid table sigmoid_table_uint16 (sigmoid(i/24) in Q0.16; tanh(x) = 2 sigmoid(2x) - 1):
//    kernels *_qs16_lut_ref. Both need the output scale 1/32768.
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
void relu_int16_ref(const ReluQuantParams& p, const int16_t* in, int16_t* out, int64_t n);

struct LeakyReluQuantParams {
  int32_t in_zp = 0, out_zp = 0;
  QuantizedMultiplier identity;  // in_scale / out_scale, for x >= in_zp
  QuantizedMultiplier alpha;     // alpha * in_scale / out_scale, for x < in_zp
};
void leaky_relu_int8_ref(const LeakyReluQuantParams& p, const int8_t* in, int8_t* out, int64_t n);
void leaky_relu_uint8_ref(const LeakyReluQuantParams& p, const uint8_t* in, uint8_t* out, int64_t n);
void leaky_relu_int16_ref(const LeakyReluQuantParams& p, const int16_t* in, int16_t* out, int64_t n);

// int16 LOGISTIC / TANH (see the top of this file). input_multiplier 0 marks the power-of-two case:
// the *_q3_ref kernels, which use input_left_shift only (TANH: 0 or 1; LOGISTIC: 0).
struct SigmoidInt16Params {
  int32_t input_multiplier = 0;
  int input_left_shift = 0;
};
// TFLite's SigmoidPrepare / TanhPrepare for int16 on the input scale: false (and `error` set) when the
// scale is outside what the kernels can take without int32 overflow.
bool sigmoid_int16_params(float input_scale, bool tanh, SigmoidInt16Params* p, const char** error);
// The output scale TFLite accepts: LOGISTIC exactly 1/32768, TANH a scale whose CheckedLog2 is -15.
bool sigmoid_int16_output_scale_ok(float output_scale, bool tanh);
void logistic_int16_lut_ref(const SigmoidInt16Params& p, const int16_t* in, int16_t* out, int64_t n);
void tanh_int16_lut_ref(const SigmoidInt16Params& p, const int16_t* in, int16_t* out, int64_t n);
void logistic_int16_q3_ref(const SigmoidInt16Params& p, const int16_t* in, int16_t* out, int64_t n);
void tanh_int16_q3_ref(const SigmoidInt16Params& p, const int16_t* in, int16_t* out, int64_t n);
// TFLite's sigmoid_table_uint16: round(65536 * sigmoid(i / 24)) for i = 0..255, the last entry 65535.
extern const uint16_t kSigmoidTableUint16[256];

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

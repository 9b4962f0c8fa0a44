// AVERAGE_POOL_2D and MAX_POOL_2D over NHWC tensors.
//
// A window of filter_h x filter_w taps moves by (stride_h, stride_w); with SAME padding it starts
// pad_top/pad_left before the input. Taps outside the input are skipped (never counted as zeros), as in
// TFLite and XNNPACK.
//  - max pool: the largest tap, then the fused-activation clamp. Exact for every dtype.
//  - float average pool: sum of the taps inside the input / their count, then the clamp.
//  - int8/uint8 average pool follows TFLite's own integer kernel (XNNPACK is not used for it): the raw
//    quantized values of the taps inside the input are summed in int32 and divided by their count with
//    rounding half away from zero, (sum +- count/2) / count, then clamped. Output quantization must equal
//    the input's, so no requantization happens. Evidence: with this rule every ic-resnet8-int8,
//    kws-dscnn-int8 and mobilenet-v1-uint8 conformance case is bit exact; XNNPACK's round-to-nearest-even
//    average puts ic-resnet8-int8 and mobilenet-v1-uint8 cases one step off.
//  - int16 (the converter's 16x8 mode) takes TFLite's int16 overloads of the same kernels: the same
//    int32 sum and rounding, the int16 range (tests/op_models/int16: avg-pool, max-pool).
#pragma once

#include <cstdint>

namespace eb {

struct PoolParams {
  int32_t batch = 0, in_h = 0, in_w = 0, channels = 0;
  int32_t out_h = 0, out_w = 0;
  int32_t filter_h = 1, filter_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  float act_min = 0.0f, act_max = 0.0f;  // float kernels: fused activation clamp
  int32_t qmin = 0, qmax = 0;            // quantized kernels: the type's range narrowed by the activation
};

void average_pool2d_float32_ref(const PoolParams& p, const float* input, float* output);
void average_pool2d_int8_ref(const PoolParams& p, const int8_t* input, int8_t* output);
void average_pool2d_uint8_ref(const PoolParams& p, const uint8_t* input, uint8_t* output);
void average_pool2d_int16_ref(const PoolParams& p, const int16_t* input, int16_t* output);

void max_pool2d_float32_ref(const PoolParams& p, const float* input, float* output);
void max_pool2d_int8_ref(const PoolParams& p, const int8_t* input, int8_t* output);
void max_pool2d_uint8_ref(const PoolParams& p, const uint8_t* input, uint8_t* output);
void max_pool2d_int16_ref(const PoolParams& p, const int16_t* input, int16_t* output);

}  // namespace eb

// SOFTMAX over the last dimension: y = exp(beta * (x - max)) / sum exp(beta * (x - max)).
//
//  - float32: the exponentials of one row are computed, summed in order, then multiplied by 1 / sum
//    (XNNPACK's and TFLite's optimized float kernels normalize by a reciprocal too).
//  - int8 -> int8 and uint8 -> uint8 follow TFLite's optimized quantized kernel (XNNPACK does not take
//    quantized softmax): a float lookup table built at prepare time, table[255 - v] = expf(-in_scale *
//    beta * v) for v = 0..255, indexed with v = max - x of the row. Per row: sum = sum of the table values
//    (float, in order), inv = 1 / (sum * out_scale), y = round(table * inv) + zero point, clamped. TFLite
//    rounds int8 with std::round and, on non-ARM64 builds such as the WebAssembly reference, uint8 with
//    static_cast<int>(p + 0.5f) (and no zero point, which is 0 for uint8). The output quantization is
//    fixed: scale 1/256 with zero point -128 (int8) or 0 (uint8). With this kernel the int8 and uint8
//    conformance models (fmnist, cifar10, ic-resnet8, kws, both MobileNets) are bit exact.
#pragma once

#include <cstdint>

namespace eb {

struct SoftmaxParams {
  int64_t rows = 0;     // product of all dimensions but the last
  int32_t depth = 0;    // the last dimension
  float beta = 1.0f;    // float kernel
  // Quantized kernels.
  const float* table = nullptr;  // 256 entries, see above
  float output_scale = 0.0f;
  int32_t output_zero_point = 0;
};

void softmax_float32_ref(const SoftmaxParams& p, const float* input, float* output);
void softmax_int8_ref(const SoftmaxParams& p, const int8_t* input, int8_t* output);
void softmax_uint8_ref(const SoftmaxParams& p, const uint8_t* input, uint8_t* output);

// The fast paths' quantized kernels (softmax_fast.cc): the reference's results byte for byte over rows
// [row_begin, row_end), for tables whose values all lie in [0, 1] (beta >= 0; prepare checks).
void softmax_int8_fast(const SoftmaxParams& p, const int8_t* input, int8_t* output, int64_t row_begin,
                       int64_t row_end);
void softmax_uint8_fast(const SoftmaxParams& p, const uint8_t* input, uint8_t* output, int64_t row_begin,
                        int64_t row_end);

// Fills table[256] as described above.
void softmax_populate_table(float input_scale, float beta, float* table);

}  // namespace eb

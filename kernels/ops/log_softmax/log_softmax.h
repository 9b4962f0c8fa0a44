// LOG_SOFTMAX over the last dimension: y = x - max - log(sum exp(x - max)).
//  - float32: per row the maximum, the sum of exp(x - max) in order, its log, then x - max - log_sum.
//  - int8 / uint8 follow TFLite's optimized quantized kernel: the softmax lookup table (shared with
//    SOFTMAX: table[255 - v] = expf(-in_scale * v)), sum = sum of table[255 - max + x] in order,
//    log_sum = logf(sum), then in float y = rint(in_scale / out_scale * x - (in_scale * max + log_sum) /
//    out_scale) + out_zp, clamped. The output quantization is fixed by TFLite: scale 16/256 with zero point
//    127 (int8) or 255 (uint8).
#pragma once

#include <cstdint>

namespace eb {

struct LogSoftmaxParams {
  int64_t rows = 0;
  int32_t depth = 0;
  // Quantized kernels.
  const float* table = nullptr;  // 256 entries
  float input_scale = 0.0f, output_scale = 0.0f;
  int32_t output_zero_point = 0;
};

void log_softmax_f32_ref(const LogSoftmaxParams& p, const float* input, float* output);
void log_softmax_qs8_ref(const LogSoftmaxParams& p, const int8_t* input, int8_t* output);
void log_softmax_qu8_ref(const LogSoftmaxParams& p, const uint8_t* input, uint8_t* output);

}  // namespace eb

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/ops/log_softmax/log_softmax.h"

namespace eb {
namespace {

template <typename T>
void log_softmax_quant(const LogSoftmaxParams& p, const T* input, T* output) {
  constexpr int32_t kLo = std::numeric_limits<T>::min(), kHi = std::numeric_limits<T>::max();
  const float scale = p.input_scale / p.output_scale;
  for (int64_t r = 0; r < p.rows; ++r) {
    const T* x = input + r * p.depth;
    T* y = output + r * p.depth;
    T max = std::numeric_limits<T>::min();
    for (int32_t c = 0; c < p.depth; ++c) max = std::max(max, x[c]);
    // table[255 - max + x] = exp(in_scale * (x - max)); x <= max keeps the index within [0, 255].
    const float* table = p.table + (255 - static_cast<int32_t>(max));
    float sum = 0.0f;
    for (int32_t c = 0; c < p.depth; ++c) sum += table[static_cast<int32_t>(x[c])];
    const float log_sum = std::log(sum);
    const float precomputed = (p.input_scale * static_cast<float>(max) + log_sum) / p.output_scale;
    for (int32_t c = 0; c < p.depth; ++c) {
      const float v = scale * static_cast<float>(x[c]) - precomputed;
      const int32_t q = static_cast<int32_t>(std::nearbyint(v)) + p.output_zero_point;
      y[c] = static_cast<T>(std::clamp(q, kLo, kHi));
    }
  }
}

}  // namespace

void log_softmax_f32_ref(const LogSoftmaxParams& p, const float* input, float* output) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = input + r * p.depth;
    float* y = output + r * p.depth;
    float max = std::numeric_limits<float>::lowest();
    for (int32_t c = 0; c < p.depth; ++c) max = std::max(max, x[c]);
    float sum = 0.0f;
    for (int32_t c = 0; c < p.depth; ++c) sum += std::exp(x[c] - max);
    const float log_sum = std::log(sum);
    for (int32_t c = 0; c < p.depth; ++c) y[c] = x[c] - max - log_sum;
  }
}

void log_softmax_qs8_ref(const LogSoftmaxParams& p, const int8_t* input, int8_t* output) {
  log_softmax_quant(p, input, output);
}

void log_softmax_qu8_ref(const LogSoftmaxParams& p, const uint8_t* input, uint8_t* output) {
  log_softmax_quant(p, input, output);
}

}  // namespace eb

// Reference MEAN kernels: a row-major walk of the input summing into per-output accumulators, then the
// finishing step of the mode described in mean.h.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/common/quantization.h"
#include "kernels/ops/mean/mean.h"

namespace eb {
namespace {

template <typename T, typename Acc>
void reduce_sum(const MeanParams& p, const T* input, Acc* acc) {
  std::fill(acc, acc + p.out_elements, Acc{0});
  int64_t in_elements = 1;
  for (int d = 0; d < p.rank; ++d) in_elements *= p.in_dims[d];
  if (in_elements == 0) return;
  int32_t idx[kMeanMaxRank] = {};
  int64_t out = 0;
  for (int64_t i = 0; i < in_elements; ++i) {
    acc[out] += static_cast<Acc>(input[i]);
    // Advance the multi-index (last dimension fastest) and the output offset with it.
    for (int d = p.rank - 1; d >= 0; --d) {
      out += p.out_step[d];
      if (++idx[d] < p.in_dims[d]) break;
      out -= p.out_step[d] * idx[d];
      idx[d] = 0;
    }
  }
}

template <typename T>
void mean_quant(const MeanParams& p, const T* input, int32_t* acc, T* output) {
  constexpr int32_t kLo = std::numeric_limits<T>::min(), kHi = std::numeric_limits<T>::max();
  reduce_sum(p, input, acc);
  const int32_t count = static_cast<int32_t>(p.count);
  for (int64_t o = 0; o < p.out_elements; ++o) {
    int32_t q;
    switch (p.mode) {
      case MeanQuantMode::kXnnpackFp32:
        q = requantize_fp32(acc[o] - p.input_zero_point * count, p.rescale, p.output_zero_point, kLo, kHi);
        break;
      case MeanQuantMode::kSpatial:
        q = multiply_by_quantized_multiplier(acc[o], p.multiplier) + p.spatial_bias;
        break;
      case MeanQuantMode::kSpatialReference: {
        const int32_t centred = multiply_by_quantized_multiplier(acc[o] - p.input_zero_point * count, p.multiplier);
        q = (centred > 0 ? centred + count / 2 : centred - count / 2) / count + p.output_zero_point;
        break;
      }
      case MeanQuantMode::kSameQuantization:
        q = acc[o] / count;
        break;
      case MeanQuantMode::kRescale:
      default: {
        const float mean = static_cast<float>(acc[o]) / static_cast<float>(count);
        const float r = std::round(mean * p.rescale + p.rescale_bias) + static_cast<float>(p.output_zero_point);
        q = static_cast<int32_t>(std::min(std::max(r, static_cast<float>(kLo)), static_cast<float>(kHi)));
        break;
      }
    }
    output[o] = static_cast<T>(std::clamp(q, kLo, kHi));
  }
}

}  // namespace

void mean_float32_ref(const MeanParams& p, const float* input, float* acc, float* output) {
  reduce_sum(p, input, acc);
  const float count = static_cast<float>(p.count);
  for (int64_t o = 0; o < p.out_elements; ++o) output[o] = acc[o] / count;
}

void mean_int8_ref(const MeanParams& p, const int8_t* input, int32_t* acc, int8_t* output) {
  mean_quant(p, input, acc, output);
}

void mean_uint8_ref(const MeanParams& p, const uint8_t* input, int32_t* acc, uint8_t* output) {
  mean_quant(p, input, acc, output);
}

void mean_int16_ref(const MeanParams& p, const int16_t* input, int32_t* acc, int16_t* output) {
  mean_quant(p, input, acc, output);
}

}  // namespace eb

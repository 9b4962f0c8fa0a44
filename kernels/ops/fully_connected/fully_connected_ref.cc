// Reference FULLY_CONNECTED kernels: plain loops, exact integer accumulation, the requantization and
// on-the-fly input quantization of the TFLite paths named in fully_connected.h.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "kernels/common/quantization.h"
#include "kernels/ops/fully_connected/fully_connected.h"
#include "kernels/ops/gemm/hybrid_quantize.h"

namespace eb {
namespace {

template <typename T>
void fully_connected_quant(const FullyConnectedQuantParams& p, const T* input, const T* weights, const int32_t* bias,
                           T* output) {
  for (int32_t b = 0; b < p.batch; ++b) {
    const T* x = input + static_cast<int64_t>(b) * p.in;
    T* y = output + static_cast<int64_t>(b) * p.out;
    for (int32_t o = 0; o < p.out; ++o) {
      const T* w = weights + static_cast<int64_t>(o) * p.in;
      int32_t acc = bias ? bias[o] : 0;
      for (int32_t i = 0; i < p.in; ++i)
        acc += (static_cast<int32_t>(x[i]) - p.input_zero_point) * (static_cast<int32_t>(w[i]) - p.weights_zero_point);
      int32_t q;
      if (p.requant == FcRequant::kFp32) {
        q = requantize_fp32(acc, p.scale[o], p.output_zero_point, p.act_min, p.act_max);
      } else {
        q = multiply_by_quantized_multiplier(acc, p.multiplier[o]) + p.output_zero_point;
        q = std::clamp(q, p.act_min, p.act_max);
      }
      y[o] = static_cast<T>(q);
    }
  }
}

}  // namespace

void fully_connected_float32_ref(const FullyConnectedFloatParams& p, const float* input, const float* weights,
                                 const float* bias, float* output) {
  for (int32_t b = 0; b < p.batch; ++b) {
    const float* x = input + static_cast<int64_t>(b) * p.in;
    float* y = output + static_cast<int64_t>(b) * p.out;
    for (int32_t o = 0; o < p.out; ++o) {
      const float* w = weights + static_cast<int64_t>(o) * p.in;
      // XNNPACK's order: the accumulator starts at the bias.
      float acc = bias ? bias[o] : 0.0f;
      for (int32_t i = 0; i < p.in; ++i) acc += x[i] * w[i];
      y[o] = std::min(std::max(acc, p.act_min), p.act_max);
    }
  }
}

void fully_connected_int8_ref(const FullyConnectedQuantParams& p, const int8_t* input, const int8_t* weights,
                              const int32_t* bias, int8_t* output) {
  fully_connected_quant(p, input, weights, bias, output);
}

void fully_connected_uint8_ref(const FullyConnectedQuantParams& p, const uint8_t* input, const uint8_t* weights,
                               const int32_t* bias, uint8_t* output) {
  fully_connected_quant(p, input, weights, bias, output);
}

void hybrid_quantize_row_symmetric(const float* x, int32_t n, int8_t* q, float* scale) {
  hybrid_quantize_ref(/*symmetric=*/true, x, n > 0 ? static_cast<size_t>(n) : 0, q, scale, nullptr);
}

void hybrid_quantize_row_asymmetric(const float* x, int32_t n, int8_t* q, float* scale, int32_t* offset) {
  hybrid_quantize_ref(/*symmetric=*/false, x, n > 0 ? static_cast<size_t>(n) : 0, q, scale, offset);
}

void fully_connected_hybrid_ref(const FullyConnectedHybridParams& p, const float* input, const int8_t* weights,
                                const float* bias, int8_t* quantized_row, float* output) {
  for (int32_t b = 0; b < p.batch; ++b) {
    const float* x = input + static_cast<int64_t>(b) * p.in;
    float* y = output + static_cast<int64_t>(b) * p.out;
    float row_scale = 1.0f;
    int32_t offset = 0;
    if (p.asymmetric)
      hybrid_quantize_row_asymmetric(x, p.in, quantized_row, &row_scale, &offset);
    else
      hybrid_quantize_row_symmetric(x, p.in, quantized_row, &row_scale);
    // TFLite folds a per-tensor weight scale into the row's scale first, in float.
    if (!p.channel_scale) row_scale *= p.weight_scale;
    for (int32_t o = 0; o < p.out; ++o) {
      const int8_t* w = weights + static_cast<int64_t>(o) * p.in;
      int32_t dot = 0;
      for (int32_t i = 0; i < p.in; ++i) dot += static_cast<int32_t>(w[i]) * static_cast<int32_t>(quantized_row[i]);
      y[o] = fully_connected_hybrid_output(p, dot, offset, row_scale, bias, o);
    }
  }
}

}  // namespace eb

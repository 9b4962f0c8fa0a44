// PRELU: y = x >= 0 ? x : alpha * x, alpha broadcast against x (numpy rules; the output takes the
// broadcast shape, as TFLite's prelu.cc does).
//
// Quantized (int8, uint8), TFLite's reference scheme (reference/prelu.h): with x' = x - in_zp and
// a' = alpha - alpha_zp, y = out_zp + (x' >= 0 ? MBQM(x', in_scale/out_scale)
//                                              : MBQM(x' * a', in_scale*alpha_scale/out_scale)), saturated.
#pragma once

#include <cstdint>

#include "kernels/common/quantization.h"

namespace eb {

constexpr int kPreluMaxRank = 6;

// The broadcast walk: output dims and, per dim, the element stride of input and alpha (0 = broadcast).
struct PreluLayout {
  int rank = 0;
  int64_t dims[kPreluMaxRank] = {};
  int64_t in_stride[kPreluMaxRank] = {};
  int64_t alpha_stride[kPreluMaxRank] = {};
};

struct PreluQuantParams {
  int32_t in_zp = 0, alpha_zp = 0, out_zp = 0;
  QuantizedMultiplier positive;  // in_scale / out_scale
  QuantizedMultiplier negative;  // in_scale * alpha_scale / out_scale
};

void prelu_f32_ref(const PreluLayout& l, const float* in, const float* alpha, float* out);
void prelu_qs8_ref(const PreluLayout& l, const PreluQuantParams& p, const int8_t* in, const int8_t* alpha, int8_t* out);
void prelu_qu8_ref(const PreluLayout& l, const PreluQuantParams& p, const uint8_t* in, const uint8_t* alpha,
                   uint8_t* out);

}  // namespace eb

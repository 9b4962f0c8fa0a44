// Reference FULLY_CONNECTED kernels of TFLite's 16x8 mode (int16 activations, int8 weights).
//
// Which TFLite code this matches: fully_connected.cc sends int16 input through FullyConnectedInt16 /
// FullyConnectedPerChannelInt16, which call reference_integer_ops::FullyConnected(PerChannel) for every
// kernel type, the default kGenericOptimized included (XNNPACK takes no int16; there is no optimized
// 16x8 FC kernel for an int64 bias): the accumulator has the bias's type (int64_t, or int32_t), acc =
// sum(x * w) + bias, no offsets (zero points are 0). Current LiteRT then requantizes in double, from the
// float scales: round(acc * ((double)in * (double)w / (double)out)), half away from zero -- not with a
// fixed-point multiplier as older TensorFlow Lite did (MultiplyByQuantizedMultiplier with the multiplier
// reduced to 16 bits). Checked against LiteRT 2.x: the double form is bit exact on
// tests/op_models/int16/fully-connected-int16 (102 outputs); the fixed-point form is one step off on 9.
#include <cstdint>

#include "kernels/ops/fully_connected/fully_connected.h"

namespace eb {

void fully_connected_int16_ref(const FullyConnectedInt16Params& p, const int16_t* input, const int8_t* weights,
                               const int64_t* bias, int16_t* output) {
  for (int32_t b = 0; b < p.batch; ++b) {
    const int16_t* x = input + static_cast<int64_t>(b) * p.in;
    int16_t* y = output + static_cast<int64_t>(b) * p.out;
    for (int32_t o = 0; o < p.out; ++o) {
      const int8_t* w = weights + static_cast<int64_t>(o) * p.in;
      int64_t acc = 0;
      for (int32_t i = 0; i < p.in; ++i) acc += static_cast<int32_t>(x[i]) * static_cast<int32_t>(w[i]);
      if (bias) acc += bias[o];
      y[o] = fully_connected_int16_output(p, acc, o);
    }
  }
}

void fully_connected_int16_bias32_ref(const FullyConnectedInt16Params& p, const int16_t* input, const int8_t* weights,
                                      const int32_t* bias, int16_t* output) {
  for (int32_t b = 0; b < p.batch; ++b) {
    const int16_t* x = input + static_cast<int64_t>(b) * p.in;
    int16_t* y = output + static_cast<int64_t>(b) * p.out;
    for (int32_t o = 0; o < p.out; ++o) {
      const int8_t* w = weights + static_cast<int64_t>(o) * p.in;
      uint32_t acc = 0;  // TFLite's int32 accumulator, wrapping instead of undefined on overflow
      for (int32_t i = 0; i < p.in; ++i)
        acc += static_cast<uint32_t>(static_cast<int32_t>(x[i]) * static_cast<int32_t>(w[i]));
      if (bias) acc += static_cast<uint32_t>(bias[o]);
      y[o] = fully_connected_int16_output(p, static_cast<int32_t>(acc), o);
    }
  }
}

}  // namespace eb

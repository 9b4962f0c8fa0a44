// Makes the quantized variants of a float32 TFLite model on the device, as TensorFlow Lite's converter
// writes them: float16 weights (fp16 constants turned back into float32 by DEQUANTIZE nodes),
// dynamic-range (int8 weights, float activations: the hybrid kernels) and full integer int8 (int8
// activations from calibrated ranges, int8 weights, int32 biases). Each takes the .tflite bytes and
// returns new .tflite bytes; everything the model holds besides what is rewritten (operators and their
// options, signatures, metadata) is copied as it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/tensor.h"

namespace eb {

// What a rewrite did, for the command to print.
struct QuantizeReport {
  int weights_quantized = 0;         // constant tensors written in a smaller type
  int weights_left_float = 0;        // dynamic-range: float weights below the size threshold or of other ops
  std::vector<std::string> float_nodes;  // int8: "node 7 (GELU)" -- nodes left in float32 with (DE)QUANTIZE around
};

Result<std::vector<uint8_t>> quantize_float16(const std::vector<uint8_t>& model, QuantizeReport* report = nullptr);

struct DynamicRangeOptions {
  // TFLite's converter leaves weights with fewer elements than this in float (its default, 1024).
  int64_t min_elements = 1024;
  bool per_tensor = false;  // one scale per weight tensor instead of one per output channel
};
Result<std::vector<uint8_t>> quantize_dynamic(const std::vector<uint8_t>& model, const DynamicRangeOptions& options = {},
                                              QuantizeReport* report = nullptr);

// The range a calibration saw for one tensor (TFLite's calibrator: the min and max over every
// element of every calibration input).
struct TensorRange {
  float min = 0, max = 0;
  bool seen = false;
};

struct FullIntegerOptions {
  // Type of the graph's inputs and outputs: kFloat32 (QUANTIZE/DEQUANTIZE at the edges), kInt8 or kUInt8.
  DType io = DType::kFloat32;
  bool per_tensor = false;  // weights: one scale per tensor instead of one per output channel
};
// `ranges` holds one entry per tensor of the model's subgraph (calibrate.h); every float32 activation
// must have been seen.
Result<std::vector<uint8_t>> quantize_int8(const std::vector<uint8_t>& model, const std::vector<TensorRange>& ranges,
                                           const FullIntegerOptions& options = {}, QuantizeReport* report = nullptr);

}  // namespace eb

// Writes .tflite bytes from a plain description: tiny models for tests, fuzz seeds and tools, without a
// Python TensorFlow. It writes exactly what it is given -- out-of-range indices, huge shapes, long names
// included -- because the loader's tests need hostile models; it validates nothing.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/graph/tensor.h"

namespace eb {

struct TensorSpec {
  std::string name;
  DType dtype = DType::kFloat32;  // kUnsupported is written as TFLite's STRING type
  Shape shape;
  Shape signature;               // shape_signature; empty: none written
  std::vector<uint8_t> data;     // constant data; empty: no buffer (an activation or graph input)
  std::vector<float> scales;     // quantization; empty: none
  std::vector<int64_t> zero_points;
  int32_t quantized_dimension = 0;
};

struct OpSpec {
  int32_t builtin = 0;           // TFLite builtin code (OpCode values); 32 = custom
  std::string custom_code;       // for custom operators
  std::vector<int32_t> inputs, outputs;
  bool has_reshape_options = false;  // RESHAPE: ReshapeOptions.new_shape
  std::vector<int32_t> new_shape;
  bool has_squeeze_options = false;  // SQUEEZE: SqueezeOptions.squeeze_dims
  std::vector<int32_t> squeeze_dims;
};

struct ModelSpec {
  uint32_t version = 3;
  std::string description;
  std::vector<TensorSpec> tensors;
  std::vector<OpSpec> ops;
  std::vector<int32_t> inputs, outputs;
  int extra_subgraphs = 0;       // empty subgraphs written after the main one
};

std::vector<uint8_t> write_model(const ModelSpec& spec);

// Little-endian bytes of a value list, for TensorSpec::data.
template <typename T>
std::vector<uint8_t> bytes_of(const std::vector<T>& values) {
  const auto* p = reinterpret_cast<const uint8_t*>(values.data());
  return std::vector<uint8_t>(p, p + values.size() * sizeof(T));
}

}  // namespace eb

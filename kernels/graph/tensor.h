// Tensors as the runtime sees them: dtype, current shape, quantization, and where constant data lives.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace eb {

enum class DType : uint8_t { kFloat32, kFloat16, kInt32, kUInt8, kInt64, kInt8, kInt16, kBool, kUnsupported };

size_t dtype_size(DType t);
const char* dtype_name(DType t);  // NumPy-style: "float32", "int8", ...

using Shape = std::vector<int32_t>;
std::string shape_str(const Shape& s);  // "[1, 28, 28, 1]"

struct Quantization {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t axis = 0;  // quantized_dimension for per-channel parameters
  bool present() const { return !scale.empty(); }
  bool per_channel() const { return scale.size() > 1; }
  // The per-tensor parameters; only valid when present().
  float scale0() const { return scale[0]; }
  int32_t zp0() const { return zero_point.empty() ? 0 : static_cast<int32_t>(zero_point[0]); }
};

struct Tensor {
  std::string name;
  DType dtype = DType::kUnsupported;
  Shape shape;      // current shape (after any input resize and shape propagation)
  Shape signature;  // shape_signature from the file; -1 marks a dynamic dimension
  Quantization quant;
  // Constant tensors: points into the model mapping or into graph-owned folded storage.
  const uint8_t* constant = nullptr;
  size_t constant_bytes = 0;
  bool folded = false;  // computed at load time (e.g. fp16 weights dequantized), not stored in the file
  // A variable (state) tensor: no constant data, keeps its value from one invocation to the next (an
  // LSTM's hidden and cell state); starts at zero and Engine::reset_state() zeroes it again.
  bool is_variable = false;
  // Made constant by the engine's prepare (every input of its producer was known): forgotten when the
  // graph is prepared again (a new input shape may give another value).
  bool prepare_constant = false;
  bool is_constant() const { return constant != nullptr; }

  int64_t elements() const;
  size_t bytes() const { return static_cast<size_t>(elements()) * dtype_size(dtype); }
  int rank() const { return static_cast<int>(shape.size()); }
  int32_t dim(int i) const { return shape[static_cast<size_t>(i)]; }
  template <typename T>
  const T* constant_as() const { return reinterpret_cast<const T*>(constant); }
};

}  // namespace eb

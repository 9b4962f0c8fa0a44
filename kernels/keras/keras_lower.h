// Lowering of one Keras layer call onto TFLite builtin operators (keras_layers.cc), and the state the
// calls share: the builder, the archive the weights come from, and what each tensor's producer allows
// (folding a BatchNormalization or an activation into the node that made the tensor).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kernels/keras/keras_archive.h"
#include "kernels/keras/tflite_builder.h"

namespace eb::keras {

using json = nlohmann::json;

// An integer from the config, checked: a float, a string or a value past +-2^30 throws (the driver turns
// it into the layer's one-line error) instead of an out-of-range conversion.
inline int as_int(const json& v) {
  if (!v.is_number_integer()) throw std::runtime_error("expected an integer, got " + std::string(v.type_name()));
  const int64_t x = v.get<int64_t>();
  if (x < -(int64_t{1} << 30) || x > (int64_t{1} << 30)) throw std::runtime_error("integer " + std::to_string(x) + " out of range");
  return static_cast<int>(x);
}

// A node whose weights a following BatchNormalization may be folded into.
struct Producer {
  int node = -1;
  int weights = -1, bias = -1;
  int channel_axis = 0;  // axis of the weights holding the output channel (0: OHWI / [out,in]; 3: depthwise)
};

class Lowering {
 public:
  Lowering(KerasArchive& archive, bool keras2) : archive_(archive), keras2_(keras2) {}

  TfliteBuilder& builder() { return b_; }
  // Tensors a Keras tensor is read by: a node may fold a following layer into itself only when it is
  // the tensor's one reader. Maintained by the driver (keras_convert.cc).
  std::map<int, int>& uses() { return uses_; }
  // Where each layer's weights are stored, by layer name (.keras files do not use the layer's name).
  std::map<std::string, std::string>& storage_names() { return storage_; }

  // Lowers one call of layer `cls` named `name` with config `cfg` on the input tensors; returns its
  // output tensors. Identity layers return their input. Errors say what is wrong, without the layer's
  // name (the driver adds it).
  Result<std::vector<int>> lower(const std::string& cls, const std::string& name, const json& cfg,
                                 const std::vector<int>& inputs);

  // True when lower() knows the class.
  static bool supported(const std::string& cls);

 private:
  Result<int> activation(int x, const std::string& act, const std::string& name);
  Result<int> activation_of(int x, const json& cfg, const std::string& name);
  Result<std::vector<WeightArray>> weights(const std::string& name, size_t min_count, size_t max_count);
  int scalar(const std::string& name, float v) { return b_.constant(name, {1}, {v}); }
  int unary(OpCode code, int x, const std::string& name, NodeOpts opts = {});
  int binary(OpCode code, int x, int y, const std::string& name, Shape out_shape = {});
  bool fuse_activation(int x, Activation a);

  Result<int> conv2d(const std::string& name, const json& cfg, int x);
  Result<int> depthwise(const std::string& name, const json& cfg, int x, bool separable);
  Result<int> conv_transpose(const std::string& name, const json& cfg, int x);
  Result<int> dense(const std::string& name, const json& cfg, int x);
  Result<int> batch_norm(const std::string& name, const json& cfg, int x);
  Result<int> relu_layer(const std::string& name, const json& cfg, int x);
  Result<int> pool(const std::string& name, const json& cfg, int x, bool max);
  Result<int> spatial(const std::string& cls, const std::string& name, const json& cfg, int x);
  Result<int> merge(const std::string& cls, const std::string& name, const json& cfg, const std::vector<int>& xs);
  Result<int> affine(const std::string& cls, const std::string& name, const json& cfg, int x);

  KerasArchive& archive_;
  bool keras2_;
  TfliteBuilder b_;
  std::map<int, int> uses_;
  std::map<std::string, std::string> storage_;
  std::map<int, Producer> producers_;  // by output tensor
  std::map<int, int> fusable_;         // output tensor -> node with a fused activation field still free
};

}  // namespace eb::keras

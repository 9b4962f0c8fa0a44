// A float32 TFLite model assembled node by node, then written as flatbuffer bytes the ordinary loader
// reads (kernels/model/model.h). Unlike model_writer.h (exact bytes for hostile-model tests) this keeps
// every constant as floats until finish(), so a later layer can still change an earlier node's weights:
// BatchNormalization folds into the convolution before it, an activation into its fused field.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/graph.h"

namespace eb::keras {

// The options of one node; only the fields its operator reads are written (finish()).
struct NodeOpts {
  bool same_padding = false;
  int stride_w = 1, stride_h = 1, dilation_w = 1, dilation_h = 1;
  int filter_w = 1, filter_h = 1, depth_multiplier = 1;
  Activation activation = Activation::kNone;
  bool keep_dims = false;       // MEAN / REDUCE_MAX; FULLY_CONNECTED keep_num_dims
  int axis = 0;                 // CONCATENATION
  float alpha = 0.f;            // LEAKY_RELU
  bool approximate = false;     // GELU
  bool half_pixel_centers = false;  // RESIZE_*
  std::vector<int32_t> new_shape;   // RESHAPE
};

struct BuiltNode {
  OpCode code;
  std::vector<int> inputs, outputs;
  NodeOpts opts;
};

struct BuiltTensor {
  std::string name;
  Shape shape;
  bool is_int32 = false;
  bool is_bool = false;       // a comparison's result (no constant data)
  bool constant = false;
  std::vector<float> f32;    // constant float data
  std::vector<int32_t> i32;  // constant int32 data
};

class TfliteBuilder {
 public:
  int activation(const std::string& name, Shape shape);
  int constant(const std::string& name, Shape shape, std::vector<float> data);
  int constant_i32(const std::string& name, std::vector<int32_t> data);  // a 1-D int32 vector
  int constant_i32(const std::string& name, Shape shape, std::vector<int32_t> data);
  // Adds a node; returns its index.
  int node(OpCode code, std::vector<int> inputs, std::vector<int> outputs, NodeOpts opts = {});

  BuiltTensor& tensor(int i) { return tensors_[static_cast<size_t>(i)]; }
  const Shape& shape(int i) const { return tensors_[static_cast<size_t>(i)].shape; }
  BuiltNode& built_node(int i) { return nodes_[static_cast<size_t>(i)]; }
  size_t num_nodes() const { return nodes_.size(); }
  size_t constant_bytes() const { return constant_bytes_; }

  // Writes the model with these graph inputs and outputs. Fails only when the model passes the
  // flatbuffer format's 2 GiB ceiling.
  Result<std::vector<uint8_t>> finish(const std::vector<int>& inputs, const std::vector<int>& outputs,
                                      const std::string& description) const;

 private:
  std::vector<BuiltTensor> tensors_;
  std::vector<BuiltNode> nodes_;
  size_t constant_bytes_ = 0;
};

}  // namespace eb::keras

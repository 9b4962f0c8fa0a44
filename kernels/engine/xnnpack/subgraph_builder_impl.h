// Internal to the XNNPACK engine: the translator behind define_xnn_subgraph, split over
// subgraph_builder.cc (values, checks, convolution-like nodes) and subgraph_ops.cc (the other operators).
#pragma once

#include <xnnpack.h>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/engine/xnnpack/subgraph_builder.h"
#include "kernels/graph/graph.h"

namespace eb::xnn_detail {

inline constexpr float kInf = std::numeric_limits<float>::infinity();

inline bool is_quantized_type(DType t) { return t == DType::kInt8 || t == DType::kUInt8; }

// "int8 per-channel", "uint8", "float32": how refusals describe a tensor's datatype.
inline std::string type_desc(const Tensor& t) {
  std::string s = dtype_name(t.dtype);
  if (t.quant.per_channel()) s += " per-channel";
  return s;
}

// The suffix of the XNNPACK operator family a node runs (TFLite's XNNPACK delegate names them alike).
inline std::string compute_suffix(const Tensor& in, const Tensor* weights = nullptr) {
  switch (in.dtype) {
    case DType::kFloat32: return "f32";
    case DType::kUInt8: return "qu8";
    case DType::kInt8: return weights && weights->quant.per_channel() ? "qc8" : "qs8";
    default: return dtype_name(in.dtype);
  }
}

inline bool same_quantization(const Tensor& a, const Tensor& b) {
  if (a.dtype != b.dtype) return false;
  if (!is_quantized_type(a.dtype)) return true;
  return a.quant.present() && b.quant.present() && a.quant.scale0() == b.quant.scale0() && a.quant.zp0() == b.quant.zp0();
}

// One pass over the graph: values are defined on first use (ids_), nodes in order; `kernels` collects
// the XNNPACK node types per translated node.
class SubgraphBuilder {
 public:
  SubgraphBuilder(const Graph& g, xnn_subgraph_t sg) : g_(g), sg_(sg), ids_(g.tensors.size(), XNN_INVALID_VALUE_ID) {}
  Status define_external();
  Status define_node(const Node& n);

  std::vector<std::pair<int, std::string>> kernels;

 private:
  struct Pads {
    uint32_t top = 0, bottom = 0, left = 0, right = 0;
  };

  const Tensor& T(int i) const { return g_.tensors[static_cast<size_t>(i)]; }
  const Tensor& in(const Node& n, size_t k) const { return T(n.inputs[k]); }
  const Tensor& out(const Node& n) const { return T(n.outputs[0]); }

  Status dispatch(const Node& n);
  Result<uint32_t> value(int t);
  Result<uint32_t> define(int t, uint32_t external_id, uint32_t flags);
  Result<uint32_t> temp(const Tensor& like, const Shape& shape, DType dtype);
  Result<uint32_t> define_value(const Tensor& x, const Shape& shape, const void* data, uint32_t external_id, uint32_t flags);
  Status check(xnn_status s, const char* what, const Node& n) const;
  Result<std::pair<float, float>> output_range(Activation act, const Tensor& o) const;
  Status check_weights(const Node& n) const;
  static Pads window_pads(const NodeOptions& o, int32_t in_h, int32_t in_w, int32_t kh, int32_t kw);
  Status conv2d(const Node& n);
  Status depthwise_conv2d(const Node& n);
  Status fully_connected(const Node& n);
  Status fully_connected_as_conv(const Node& n, std::pair<float, float> range, uint32_t xi, uint32_t bi, uint32_t oi);
  Status concatenation(const Node& n);
  Status pool2d(const Node& n);
  Status binary(const Node& n);
  Status relu(const Node& n);
  xnn_status define_float_unary(const Node& n, uint32_t x, uint32_t o);
  static const char* float_unary_name(OpCode op);
  Status float_unary(const Node& n);
  Status reshape(const Node& n);
  Result<std::vector<int64_t>> const_ints(int t) const;
  Status pad(const Node& n);
  Status mean(const Node& n);
  Status convert(const Node& n);
  Status resize_bilinear(const Node& n);

  const Graph& g_;
  xnn_subgraph_t sg_;
  std::vector<uint32_t> ids_;  // per tensor; XNN_INVALID_VALUE_ID until defined
};

}  // namespace eb::xnn_detail

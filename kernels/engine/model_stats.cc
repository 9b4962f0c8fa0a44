#include "kernels/engine/model_stats.h"

#include <set>

namespace eb {

ModelStats compute_model_stats(const Engine& it) {
  const Graph& g = it.graph();
  ModelStats s;
  bool has_fp16_constants = false;
  for (const Tensor& t : g.tensors) {
    if (t.is_constant() && !t.folded) s.parameters += t.elements();
    if (t.is_constant() && t.dtype == DType::kFloat16) has_fp16_constants = true;
  }
  std::set<std::string> kinds;  // one entry per (activation, weight) type pair of compute ops
  for (const Node& n : g.nodes) {
    s.op_histogram[n.op_name]++;
    const OpCode op = n.op();
    if (op != OpCode::kConv2D && op != OpCode::kDepthwiseConv2D && op != OpCode::kFullyConnected) continue;
    if (n.inputs.size() < 2 || n.inputs[0] < 0 || n.inputs[1] < 0 || n.outputs.empty()) continue;
    const Tensor& in = g.tensors[static_cast<size_t>(n.inputs[0])];
    const Tensor& w = g.tensors[static_cast<size_t>(n.inputs[1])];
    const Tensor& out = g.tensors[static_cast<size_t>(n.outputs[0])];
    if (in.dtype == DType::kFloat32 && w.dtype == DType::kFloat32) kinds.insert(has_fp16_constants && w.folded ? "float16" : "float32");
    else if (in.dtype == DType::kFloat32 && (w.dtype == DType::kInt8 || w.dtype == DType::kUInt8)) kinds.insert("dynamic-range");
    else if (in.dtype == DType::kInt8) kinds.insert("int8");
    else if (in.dtype == DType::kUInt8) kinds.insert("uint8");
    else kinds.insert("other");
    // MACs from the prepared (current) shapes.
    const int64_t out_elems = out.elements();
    if (op == OpCode::kConv2D && w.rank() == 4) s.macs += out_elems * w.dim(1) * w.dim(2) * w.dim(3);
    else if (op == OpCode::kDepthwiseConv2D && w.rank() == 4) s.macs += out_elems * w.dim(1) * w.dim(2);
    else if (op == OpCode::kFullyConnected && w.rank() == 2) s.macs += out_elems * w.dim(1);
  }
  // The converter leaves some ops in float in dynamic-range and float16 models (small layers, biases):
  // they are still those variants.
  if (kinds.count("dynamic-range") || kinds.count("float16")) kinds.erase("float32");
  if (kinds.empty()) s.variant = has_fp16_constants ? "float16" : "float32";
  else if (kinds.size() == 1) s.variant = *kinds.begin();
  else s.variant = "mixed";
  return s;
}

}  // namespace eb

// Runs one operator outside a model: build tensors and a node, prepare, run, read outputs.
//
//   OpHarness h(OpCode::kAdd);
//   int a = h.add_input(DType::kFloat32, {1, 2}, std::vector<float>{1, 2});
//   int w = h.add_constant(DType::kFloat32, {1, 2}, std::vector<float>{3, 4});
//   int out = h.add_output(DType::kFloat32);
//   h.node().options.activation = Activation::kRelu;
//   ASSERT_TRUE(h.prepare_and_run().ok());
//   std::vector<float> y = h.output<float>(out);
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "kernels/engine/registry.h"
#include "kernels/graph/graph.h"
#include "kernels/ops/op.h"

namespace eb::testing {

class OpHarness {
 public:
  explicit OpHarness(OpCode op) {
    node_.builtin = static_cast<int32_t>(op);
    node_.op_name = builtin_name(node_.builtin);
  }
  // A custom operator by its custom code (e.g. "TFLite_Detection_PostProcess"); options go in
  // node().custom_options.
  explicit OpHarness(const std::string& custom_code) {
    node_.builtin = static_cast<int32_t>(OpCode::kCustom);
    node_.op_name = custom_code;
  }

  Node& node() { return node_; }
  // The kernel path prepare binds (forced-path tests run the same op under kReference and a fast path
  // and compare), and the threads run() splits work over.
  void set_isa(Isa isa) { isa_ = isa; }
  void set_threads(int threads) { pool_ = threads > 1 ? std::make_unique<ThreadPool>(threads) : nullptr; }
  Graph& graph() { return graph_; }
  Tensor& tensor(int i) { return graph_.tensors[static_cast<size_t>(i)]; }

  // A non-constant input with data (raw values of the tensor's dtype).
  template <typename T>
  int add_input(DType dtype, Shape shape, const std::vector<T>& values, Quantization q = {}) {
    int idx = add_tensor(dtype, std::move(shape), std::move(q));
    data_[static_cast<size_t>(idx)] = bytes_of(values);
    node_.inputs.push_back(idx);
    return idx;
  }

  // A constant input (weights, bias, shape tensors).
  template <typename T>
  int add_constant(DType dtype, Shape shape, const std::vector<T>& values, Quantization q = {}) {
    int idx = add_tensor(dtype, std::move(shape), std::move(q));
    constants_.push_back(bytes_of(values));
    Tensor& t = tensor(idx);
    t.constant = constants_.back().data();
    t.constant_bytes = constants_.back().size();
    node_.inputs.push_back(idx);
    return idx;
  }

  void add_omitted_input() { node_.inputs.push_back(-1); }

  // An output; its shape is set by prepare.
  int add_output(DType dtype, Quantization q = {}) {
    int idx = add_tensor(dtype, {}, std::move(q));
    node_.outputs.push_back(idx);
    return idx;
  }

  Status prepare() {
    PrepareFn fn = find_node_prepare(node_);
    if (!fn) return Status::error("no prepare function for " + node_.op_name);
    PrepareContext ctx(graph_, node_, isa_, pool_ ? pool_->size() : 1);
    auto r = fn(ctx);
    if (!r.ok()) return r.status();
    op_ = std::move(r.value());
    return Status();
  }

  void run() {
    ptrs_.assign(graph_.tensors.size(), nullptr);
    for (size_t i = 0; i < graph_.tensors.size(); ++i) {
      Tensor& t = graph_.tensors[i];
      if (t.is_constant()) {
        ptrs_[i] = const_cast<uint8_t*>(t.constant);
        continue;
      }
      // Outputs get a buffer sized from the prepared shape, pre-filled with a canary pattern.
      if (data_[i].size() != t.bytes() && is_output(static_cast<int>(i))) data_[i].assign(t.bytes(), 0xA5);
      ptrs_[i] = data_[i].data();
    }
    // Scratch as the engine gives it: 64-byte aligned, first filled with garbage (its contents are
    // undefined on entry, so an op that reads before writing shows up as a mismatch), later holding
    // what the previous run left (not refilled: benchmarks run this in their timed loop).
    const size_t scratch = op_->scratch_bytes();
    if (scratch_.size() != scratch + 64) scratch_.assign(scratch + 64, 0x5A);
    RunContext ctx;
    ctx.data = ptrs_.data();
    ctx.pool = pool_.get();
    ctx.scratch = scratch > 0 ? scratch_.data() + (64 - reinterpret_cast<uintptr_t>(scratch_.data()) % 64) % 64 : nullptr;
    op_->run(ctx);
  }

  Status prepare_and_run() {
    Status s = prepare();
    if (!s.ok()) return s;
    run();
    return Status();
  }

  template <typename T>
  std::vector<T> output(int idx) const {
    const auto& b = data_[static_cast<size_t>(idx)];
    std::vector<T> v(b.size() / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
    return v;
  }

  const PreparedOp* prepared() const { return op_.get(); }

 private:
  int add_tensor(DType dtype, Shape shape, Quantization q) {
    Tensor t;
    t.name = "t" + std::to_string(graph_.tensors.size());
    t.dtype = dtype;
    t.shape = shape;
    t.signature = shape;
    t.quant = std::move(q);
    graph_.tensors.push_back(std::move(t));
    data_.emplace_back();
    return static_cast<int>(graph_.tensors.size() - 1);
  }
  bool is_output(int idx) const {
    for (int o : node_.outputs)
      if (o == idx) return true;
    return false;
  }
  template <typename T>
  static std::vector<uint8_t> bytes_of(const std::vector<T>& v) {
    std::vector<uint8_t> b(v.size() * sizeof(T));
    if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
    return b;
  }

  Graph graph_;
  Node node_;
  std::vector<std::vector<uint8_t>> data_;
  std::vector<std::vector<uint8_t>> constants_;
  std::vector<uint8_t*> ptrs_;
  std::vector<uint8_t> scratch_;
  std::unique_ptr<PreparedOp> op_;
  Isa isa_ = Isa::kReference;
  std::unique_ptr<ThreadPool> pool_;
};

// Per-tensor quantization parameters.
inline Quantization qparams(float scale, int64_t zero_point) {
  Quantization q;
  q.scale = {scale};
  q.zero_point = {zero_point};
  return q;
}

}  // namespace eb::testing

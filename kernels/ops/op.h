// The contract between the engine and one operator.
//
// prepare_<op>(PrepareContext&) runs when a model is loaded (and again when an input is resized):
// it checks every dtype, shape and quantization parameter the op relies on, computes and sets the
// output shapes, precomputes kernel parameters (requantization multipliers, repacked weights, tables)
// and returns a PreparedOp. PreparedOp::run() then only calls kernels on plain pointers: it trusts the
// checks made in prepare and never allocates.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/common/thread_pool.h"
#include "kernels/common/isa.h"
#include "kernels/graph/graph.h"

namespace eb {

// Data pointers of every tensor of the graph at run time, indexed by tensor index.
// Constant tensors point at their constant data; all others into the arena.
struct RunContext {
  uint8_t* const* data = nullptr;
  ThreadPool* pool = nullptr;  // split work with parallel_for(pool, ...); null = one thread
  // The running op's scratch: PreparedOp::scratch_bytes() bytes, 64-byte aligned, contents undefined
  // on entry. One buffer shared by all ops of the engine (they run one after another), so temporary
  // copies (e.g. a centered input) cost the largest op's size, not the sum over ops.
  uint8_t* scratch = nullptr;
  template <typename T>
  T* out(int tensor) const {
    return reinterpret_cast<T*>(data[tensor]);
  }
  template <typename T>
  const T* in(int tensor) const {
    return reinterpret_cast<const T*>(data[tensor]);
  }
};

class PreparedOp {
 public:
  virtual ~PreparedOp() = default;
  virtual void run(const RunContext& ctx) = 0;
  // Which kernel runs, e.g. "conv2d_int8_per_channel_ref": reported by inspect and profiles.
  virtual const char* kernel_name() const = 0;
  // Bytes of RunContext::scratch run() needs (fixed at prepare).
  virtual size_t scratch_bytes() const { return 0; }
};

// A PreparedOp whose run() is a callable bound at prepare time: the kernel, its params struct and the
// tensor indices are captured by value, so each op needs no wrapper class per kernel signature.
//   return bind_kernel("relu_int8_ref", [=](const RunContext& c) { relu_int8_ref(p, c.in<int8_t>(in),
//   c.out<int8_t>(out), n); });
template <typename Fn>
class BoundKernelOp final : public PreparedOp {
 public:
  BoundKernelOp(const char* name, Fn fn) : name_(name), fn_(std::move(fn)) {}
  void run(const RunContext& ctx) override { fn_(ctx); }
  const char* kernel_name() const override { return name_; }

 private:
  const char* name_;
  Fn fn_;
};

template <typename Fn>
std::unique_ptr<PreparedOp> bind_kernel(const char* name, Fn fn) {
  return std::make_unique<BoundKernelOp<Fn>>(name, std::move(fn));
}

// The common elementwise shape: kernel(params, in, out, count).
template <typename Params, typename In, typename Out>
std::unique_ptr<PreparedOp> bind_unary_kernel(const char* name, void (*kernel)(const Params&, const In*, Out*, int64_t),
                                              Params params, int in, int out, int64_t count) {
  return bind_kernel(name, [=](const RunContext& c) { kernel(params, c.in<In>(in), c.out<Out>(out), count); });
}

class PrepareContext {
 public:
  PrepareContext(Graph& graph, const Node& node, Isa isa = Isa::kReference, int threads = 1)
      : graph_(graph), node_(node), isa_(isa), threads_(threads) {}

  // The kernel path chosen once for the engine: bind the matching kernel here, never switch in run().
  Isa isa() const { return isa_; }
  // Threads run() will have (RunContext::pool): size per-thread scratch for this many.
  int threads() const { return threads_; }

  const Node& node() const { return node_; }
  const NodeOptions& options() const { return node_.options; }
  int num_inputs() const { return static_cast<int>(node_.inputs.size()); }
  int num_outputs() const { return static_cast<int>(node_.outputs.size()); }
  // True when input i is present (listed and not the -1 "omitted optional input" marker).
  bool has_input(int i) const { return i < num_inputs() && node_.inputs[static_cast<size_t>(i)] >= 0; }
  int input_index(int i) const { return node_.inputs[static_cast<size_t>(i)]; }
  int output_index(int i) const { return node_.outputs[static_cast<size_t>(i)]; }
  const Tensor& input(int i) const { return graph_.tensors[static_cast<size_t>(input_index(i))]; }
  Tensor& output(int i) { return graph_.tensors[static_cast<size_t>(output_index(i))]; }
  Graph& graph() { return graph_; }

  // Says that the prepared op keeps its own copy of its filter (input 1) and bias (input 2, when
  // present) -- packed into its kernel's layout -- and never reads them from the model again: an engine
  // may then give the model's bytes of those constants back (Interpreter::release_unused_model_bytes).
  // Only for ops whose run() reads no pointer into those inputs.
  void weights_packed() {
    input_packed(1);
    if (has_input(2)) input_packed(2);
  }
  // The same for one input slot (an op that packs its filter but reads its bias as stored).
  void input_packed(int slot) { packed_inputs_.push_back(slot); }
  const std::vector<int>& packed_inputs() const { return packed_inputs_; }

  // Checks the number of inputs (required ones present) and outputs.
  Status expect_io(int min_inputs, int max_inputs, int outputs) const {
    if (num_inputs() < min_inputs || num_inputs() > max_inputs)
      return error("expects %d to %d inputs, has %d", min_inputs, max_inputs, num_inputs());
    for (int i = 0; i < min_inputs; ++i)
      if (!has_input(i)) return error("required input %d is missing", i);
    if (num_outputs() != outputs) return error("expects %d outputs, has %d", outputs, num_outputs());
    return Status();
  }

 private:
  Graph& graph_;
  const Node& node_;
  Isa isa_;
  int threads_;
  std::vector<int> packed_inputs_;  // input slots weights_packed() named
};

using PrepareFn = Result<std::unique_ptr<PreparedOp>> (*)(PrepareContext& ctx);

}  // namespace eb

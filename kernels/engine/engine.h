// What every engine offers the commands and the pipeline: edgebench's own kernels (Interpreter, engines
// "ref" and "auto") and peer engines such as XNNPACK run the same loaded model behind this interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/model/model.h"

namespace eb {

struct EngineOptions {
  std::string engine = "ref";  // "ref" (reference kernels), "auto" (fastest kernels this CPU runs), "xnnpack"
  int threads = 1;             // work of one operator is split across this many threads
  std::string isa;             // force a kernel path ("avx2", "neon", ...; "" = best, see cpu_features.h)
  bool profile_ops = false;    // time every operator (node_times())
  size_t max_arena_bytes = size_t{1} << 30;  // a hostile model cannot make us allocate past this (1 GiB)
  // Give the model's bytes of a weight back as soon as every kernel reading it has packed its own copy,
  // and the flatbuffer's tables once the graph is prepared (edgebench's engines; ModelBytes): the
  // measuring worker's setting, so a measured process holds each weight once and its peak is not both
  // copies. The engine's inputs can then no longer be resized.
  bool release_packed_weights = false;
};

// The threads engine `engine` really uses when `requested` are asked for: the reference engine ("ref")
// runs on one thread on purpose (the simple, obviously-correct baseline; no pool), the others on all
// requested. The one statement of that rule: the interpreter sizes its pool by it, and `run` / the
// daemon measure "ref" once per variant, at this count, whatever the threads matrix asks.
inline int engine_threads_used(const std::string& engine, int requested) { return engine == "ref" ? 1 : requested; }

// Cumulative time of one node over the invocations since the engine was created (profile_ops).
struct NodeTime {
  int node = 0;
  std::string op;      // "CONV_2D"
  std::string kernel;  // "conv2d_f32_igemm_avx512"
  double total_ms = 0;
  int64_t invocations = 0;
};

class Engine {
 public:
  virtual ~Engine() = default;

  virtual const char* engine_name() const = 0;  // "ref", "auto", "xnnpack"
  virtual std::string isa() const = 0;          // the kernel path that runs: "ref", "avx512", "neon-dotprod", ...

  virtual const Model& model() const = 0;
  const Graph& graph() const { return model().graph(); }
  int num_inputs() const { return static_cast<int>(graph().inputs.size()); }
  int num_outputs() const { return static_cast<int>(graph().outputs.size()); }
  const Tensor& input(int i) const { return graph().tensors[static_cast<size_t>(graph().inputs[static_cast<size_t>(i)])]; }
  const Tensor& output(int j) const { return graph().tensors[static_cast<size_t>(graph().outputs[static_cast<size_t>(j)])]; }
  virtual uint8_t* input_data(int i) = 0;
  virtual const uint8_t* output_data(int j) const = 0;

  // Gives input i a new shape (where its shape_signature has -1, or the model's ops accept it); shapes
  // propagate and memory is planned again.
  virtual Status resize_input(int i, const Shape& shape) = 0;
  virtual Status invoke() = 0;
  // Sets variable (state) tensors back to their initial value, as a new TFLite interpreter has them
  // (an LSTM's state): a benchmark calls it before it starts, so no run inherits another's state.
  virtual void reset_state() {}

  virtual int effective_threads() const = 0;  // threads really used
  virtual size_t arena_bytes() const = 0;
  virtual size_t arena_lower_bound_bytes() const = 0;
  // Operator scratch the engine allocated besides the arena (0 where it does not know).
  virtual size_t scratch_bytes() const { return 0; }
  virtual int folded_nodes() const { return 0; }
  // Kernel name per executed node, in order, with the node index.
  virtual std::vector<std::pair<int, std::string>> kernels() const = 0;
  // Per-node times when EngineOptions::profile_ops was set (empty otherwise).
  virtual std::vector<NodeTime> node_times() const { return {}; }
};

}  // namespace eb

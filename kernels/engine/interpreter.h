// Runs one model: folds load-time constants, prepares every node (checks + output shapes + kernel
// parameters), plans the arena, then invokes the prepared nodes in order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/common/thread_pool.h"
#include "kernels/engine/cpu_features.h"
#include "kernels/engine/engine.h"
#include "kernels/graph/planner.h"
#include "kernels/model/model.h"
#include "kernels/ops/op.h"

namespace eb {

// edgebench's own engine: "ref" runs the reference kernels on one thread; "auto" the fastest kernels
// for this CPU (chosen once, at prepare) with the work of each operator split over `threads`.
class Interpreter final : public Engine {
 public:
  ~Interpreter() override;
  static Result<std::unique_ptr<Interpreter>> create(std::unique_ptr<Model> model, const EngineOptions& options = {});

  const char* engine_name() const override { return options_.engine == "ref" ? "ref" : "auto"; }
  std::string isa() const override { return isa_name(isa_); }
  Isa isa_path() const { return isa_; }
  const Model& model() const override { return *model_; }
  uint8_t* input_data(int i) override { return data_[static_cast<size_t>(graph().inputs[static_cast<size_t>(i)])]; }
  const uint8_t* output_data(int j) const override {
    return data_[static_cast<size_t>(graph().outputs[static_cast<size_t>(j)])];
  }

  Status resize_input(int i, const Shape& shape) override;
  Status invoke() override;
  void reset_state() override;

  int effective_threads() const override { return pool_ ? pool_->size() : 1; }
  size_t arena_bytes() const override { return plan_.arena_bytes; }
  size_t scratch_bytes() const override { return scratch_bytes_; }
  size_t arena_lower_bound_bytes() const override { return plan_.lower_bound_bytes; }
  // Nodes folded into constants at load time (e.g. DEQUANTIZE of fp16 weights) or at prepare (every
  // input known then, e.g. the shape arithmetic of a dynamic-shape model).
  int folded_nodes() const override { return static_cast<int>(model_->graph().nodes.size() - running_.size()); }
  std::vector<std::pair<int, std::string>> kernels() const override;
  std::vector<NodeTime> node_times() const override;

 private:
  Interpreter() = default;
  Status check_supported() const;
  Status fold_constants();
  Status prepare_and_plan();
  // After node n is prepared: when every input is a constant (and the outputs are small), runs it
  // once and turns its outputs into constants; true when it did (the node then does not run).
  Result<bool> fold_at_prepare(const Node& n, PreparedOp& op);
  static constexpr size_t kMaxPrepareFoldBytes = size_t{1} << 20;

  std::unique_ptr<Model> model_;
  EngineOptions options_;
  Isa isa_ = Isa::kReference;
  std::unique_ptr<ThreadPool> pool_;               // null on one thread
  std::vector<double> node_ms_;                    // parallel to running_ (profile_ops)
  int64_t invocations_ = 0;
  std::vector<int> active_;                        // node indices left after load-time folding
  std::vector<int> running_;                       // of those, the ones that run (not folded at prepare)
  std::vector<std::unique_ptr<PreparedOp>> ops_;   // parallel to running_
  std::vector<std::vector<uint8_t>> prepared_constants_;  // outputs of nodes folded at prepare
  MemoryPlan plan_;
  uint8_t* arena_ = nullptr;
  uint8_t* scratch_ = nullptr;                     // RunContext::scratch: the largest op's scratch_bytes()
  size_t scratch_bytes_ = 0;
  std::vector<uint8_t*> data_;                     // per tensor
};

}  // namespace eb

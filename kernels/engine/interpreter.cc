#include "kernels/engine/interpreter.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "kernels/common/checked_math.h"
#include "kernels/engine/constant_folding.h"
#include "kernels/engine/registry.h"

namespace eb {
namespace {

// EngineOptions::release_packed_weights: counts, for every constant held in the model's bytes, the
// inputs of running nodes that read it; a node whose prepare packed an input (PrepareContext::
// weights_packed) stops reading it, and when no reader is left its pages are given back -- during the
// prepare, so the peak does not hold the model's copy and the packed copy of every layer at once.
// Constants no running node reads, and the flatbuffer's tables, go once the whole graph is prepared.
class WeightRelease {
 public:
  WeightRelease(const Graph& g, const std::vector<int>& active, ModelBytes& bytes)
      : bytes_(bytes), readers_(g.tensors.size(), 0) {
    for (int idx : active)
      for (int t : g.nodes[static_cast<size_t>(idx)].inputs)
        if (t >= 0) ++readers_[static_cast<size_t>(t)];
    for (int o : g.outputs) ++readers_[static_cast<size_t>(o)];  // read by the caller: never given back
    for (size_t t = 0; t < g.tensors.size(); ++t)
      if (readers_[t] > 0 && g.tensors[t].is_constant()) bytes_.claim(g.tensors[t].constant, g.tensors[t].constant_bytes);
  }
  void node_prepared(const Graph& g, const Node& n, const std::vector<int>& packed_slots) {
    for (int slot : packed_slots) {
      const int t = n.inputs[static_cast<size_t>(slot)];
      if (t < 0 || readers_[static_cast<size_t>(t)] == 0) continue;
      const Tensor& tensor = g.tensors[static_cast<size_t>(t)];
      if (--readers_[static_cast<size_t>(t)] == 0 && tensor.is_constant()) bytes_.unclaim(tensor.constant, tensor.constant_bytes);
    }
  }
  void graph_prepared() { bytes_.release_unclaimed(); }

 private:
  ModelBytes& bytes_;
  std::vector<int> readers_;  // per tensor
};

}  // namespace

Interpreter::~Interpreter() {
  std::free(arena_);
  std::free(scratch_);
}

Result<std::unique_ptr<Interpreter>> Interpreter::create(std::unique_ptr<Model> model, const EngineOptions& options) {
  std::unique_ptr<Interpreter> it(new Interpreter());
  it->model_ = std::move(model);
  it->options_ = options;
  if (options.engine != "ref" && options.engine != "auto")
    return error("unknown engine '%s' (available: ref, auto, xnnpack)", options.engine.c_str());
  if (options.threads < 1 || options.threads > 256) return error("--threads must be 1 to 256, got %d", options.threads);
  auto isa = select_isa(options.engine, options.isa, detect_cpu_features());
  if (!isa.ok()) return isa.status();
  it->isa_ = *isa;
  const int threads = engine_threads_used(options.engine, options.threads);
  if (threads > 1) it->pool_ = std::make_unique<ThreadPool>(threads);
  EB_RETURN_IF_ERROR(it->check_supported());
  EB_RETURN_IF_ERROR(it->fold_constants());
  EB_RETURN_IF_ERROR(it->prepare_and_plan());
  return it;
}

Status Interpreter::check_supported() const {
  for (const Node& n : graph().nodes) {
    if (n.builtin == static_cast<int32_t>(OpCode::kCustom) && !find_custom_prepare(n.op_name))
      return error("node %d: custom operator '%s' is not supported", n.index, n.op_name.c_str());
    if (!find_node_prepare(n))
      return error("node %d: operator %s (builtin code %d) is not supported", n.index, n.op_name.c_str(), n.builtin);
  }
  return Status();
}

Status Interpreter::fold_constants() {
  auto active = fold_constant_dequantize(model_->graph(), options_.max_arena_bytes);
  if (!active.ok()) return active.status();
  active_ = std::move(active.value());
  return Status();
}

Status Interpreter::prepare_and_plan() {
  Graph& g = model_->graph();
  ops_.clear();
  running_.clear();
  // Constants made by the previous prepare (below) depend on the shapes it saw: forget them.
  for (Tensor& t : g.tensors)
    if (t.prepare_constant) {
      t.constant = nullptr;
      t.constant_bytes = 0;
      t.folded = false;
      t.prepare_constant = false;
    }
  prepared_constants_.clear();
  std::optional<WeightRelease> release;
  if (options_.release_packed_weights) release.emplace(g, active_, model_->bytes());
  for (int idx : active_) {
    const Node& n = g.nodes[static_cast<size_t>(idx)];
    PrepareContext ctx(g, n, isa_, pool_ ? pool_->size() : 1);
    auto r = find_node_prepare(n)(ctx);
    if (!r.ok()) return r.status().with_context(strfmt("node %d (%s): ", n.index, n.op_name.c_str()));
    for (int o : n.outputs) {
      const Tensor& t = g.tensors[static_cast<size_t>(o)];
      if (t.is_constant())
        return error("node %d (%s): output tensor %d '%s' is a constant", n.index, n.op_name.c_str(), o, t.name.c_str());
      if (!checked_elements(t.shape))
        return error("node %d (%s): output shape %s overflows", n.index, n.op_name.c_str(), shape_str(t.shape).c_str());
    }
    auto folded = fold_at_prepare(n, *r.value());
    if (!folded.ok()) return folded.status().with_context(strfmt("node %d (%s): ", n.index, n.op_name.c_str()));
    if (*folded) continue;
    if (release) release->node_prepared(g, n, ctx.packed_inputs());
    ops_.push_back(std::move(r.value()));
    running_.push_back(idx);
  }

  if (release) release->graph_prepared();

  // Lifetimes: graph inputs from step 0, node k (1-based) writes at step k, outputs live to the end.
  const int end_step = static_cast<int>(running_.size()) + 1;
  std::vector<int> first(g.tensors.size(), -1), last(g.tensors.size(), -1);
  for (int i : g.inputs) first[static_cast<size_t>(i)] = 0, last[static_cast<size_t>(i)] = 0;
  for (size_t k = 0; k < running_.size(); ++k) {
    const Node& n = g.nodes[static_cast<size_t>(running_[k])];
    const int step = static_cast<int>(k) + 1;
    for (int in : n.inputs)
      if (in >= 0) last[static_cast<size_t>(in)] = std::max(last[static_cast<size_t>(in)], step);
    for (int out : n.outputs) {
      if (first[static_cast<size_t>(out)] < 0) first[static_cast<size_t>(out)] = step;
      last[static_cast<size_t>(out)] = std::max(last[static_cast<size_t>(out)], step);
    }
  }
  // Inputs and outputs belong to the caller across invocations (set inputs once, invoke many times;
  // read outputs after): both live for the whole plan, so no other tensor may reuse their memory.
  for (int i : g.inputs) last[static_cast<size_t>(i)] = end_step;
  for (int o : g.outputs) last[static_cast<size_t>(o)] = end_step;
  // Variable (state) tensors keep their value from one invocation to the next: alive throughout.
  for (size_t t = 0; t < g.tensors.size(); ++t)
    if (g.tensors[t].is_variable && last[t] >= 0) first[t] = 0, last[t] = end_step;

  std::vector<TensorLifetime> lifetimes;
  std::vector<int> planned;
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    const Tensor& tensor = g.tensors[t];
    if (tensor.is_constant() || first[t] < 0) continue;
    if (tensor.dtype == DType::kUnsupported)
      return error("tensor %zu '%s' has an unsupported type", t, tensor.name.c_str());
    auto bytes = checked_mul(*checked_elements(tensor.shape), dtype_size(tensor.dtype));
    if (!bytes || *bytes > options_.max_arena_bytes)
      return error("tensor %zu '%s' of shape %s is too large", t, tensor.name.c_str(), shape_str(tensor.shape).c_str());
    lifetimes.push_back({*bytes, first[t], last[t]});
    planned.push_back(static_cast<int>(t));
  }
  for (int o : g.outputs)
    if (first[static_cast<size_t>(o)] < 0 && !g.tensors[static_cast<size_t>(o)].is_constant())
      return error("output tensor %d '%s' is never computed", o, g.tensors[static_cast<size_t>(o)].name.c_str());

  node_ms_.assign(running_.size(), 0.0);
  invocations_ = 0;
  plan_ = plan_memory(lifetimes);
  if (plan_.arena_bytes > options_.max_arena_bytes)
    return error("the activation arena needs %zu bytes, above the limit of %zu", plan_.arena_bytes, options_.max_arena_bytes);
  std::free(arena_);
  arena_ = static_cast<uint8_t*>(std::aligned_alloc(kArenaAlignment, align_up(std::max<size_t>(plan_.arena_bytes, 1), kArenaAlignment)));
  if (!arena_) return error("cannot allocate an arena of %zu bytes", plan_.arena_bytes);
  std::memset(arena_, 0, plan_.arena_bytes);
  size_t scratch_bytes = 0;
  for (const auto& op : ops_) scratch_bytes = std::max(scratch_bytes, op->scratch_bytes());
  if (scratch_bytes > options_.max_arena_bytes)
    return error("operator scratch needs %zu bytes, above the limit of %zu", scratch_bytes, options_.max_arena_bytes);
  std::free(scratch_);
  scratch_ = nullptr;
  scratch_bytes_ = scratch_bytes;
  if (scratch_bytes > 0) {
    scratch_ = static_cast<uint8_t*>(std::aligned_alloc(kArenaAlignment, align_up(scratch_bytes, kArenaAlignment)));
    if (!scratch_) return error("cannot allocate %zu bytes of operator scratch", scratch_bytes);
  }
  data_.assign(g.tensors.size(), nullptr);
  for (size_t t = 0; t < g.tensors.size(); ++t)
    if (g.tensors[t].is_constant()) data_[t] = const_cast<uint8_t*>(g.tensors[t].constant);
  for (size_t k = 0; k < planned.size(); ++k) data_[static_cast<size_t>(planned[k])] = arena_ + plan_.offsets[k];
  reset_state();
  return Status();
}

Result<bool> Interpreter::fold_at_prepare(const Node& n, PreparedOp& op) {
  Graph& g = model_->graph();
  size_t out_bytes = 0;
  // SHAPE reads only its input's shape, which prepare has fixed: its value is known whatever the input.
  const bool reads_values = n.op() != OpCode::kShape;
  for (int in : n.inputs) {
    if (in < 0 || !reads_values) continue;
    const Tensor& t = g.tensors[static_cast<size_t>(in)];
    if (!t.is_constant() || t.is_variable) return false;
  }
  for (int o : n.outputs) {
    if (std::find(g.outputs.begin(), g.outputs.end(), o) != g.outputs.end()) return false;
    out_bytes += g.tensors[static_cast<size_t>(o)].bytes();
  }
  if (n.outputs.empty() || out_bytes > kMaxPrepareFoldBytes) return false;
  // Every input is known now: run the node once into storage the engine keeps, and its outputs
  // become constants for the nodes after it (a SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE chain of a
  // dynamic-shape model resolves here, so the RESHAPE sees a constant shape).
  std::vector<uint8_t*> data(g.tensors.size(), nullptr);
  for (int in : n.inputs)
    if (in >= 0) data[static_cast<size_t>(in)] = const_cast<uint8_t*>(g.tensors[static_cast<size_t>(in)].constant);
  // (A SHAPE node's input may have no data yet; SHAPE never dereferences it.)
  for (int o : n.outputs) {
    const size_t bytes = std::max<size_t>(g.tensors[static_cast<size_t>(o)].bytes(), 1);
    prepared_constants_.emplace_back(bytes, 0);
    data[static_cast<size_t>(o)] = prepared_constants_.back().data();
  }
  std::vector<uint8_t> scratch_storage(op.scratch_bytes() + kArenaAlignment);
  RunContext ctx;
  ctx.data = data.data();
  ctx.pool = pool_.get();
  ctx.scratch = reinterpret_cast<uint8_t*>(align_up(reinterpret_cast<uintptr_t>(scratch_storage.data()), kArenaAlignment));
  op.run(ctx);
  for (int o : n.outputs) {
    Tensor& t = g.tensors[static_cast<size_t>(o)];
    t.constant = data[static_cast<size_t>(o)];
    t.constant_bytes = t.bytes();
    t.folded = true;
    t.prepare_constant = true;
  }
  return true;
}

Status Interpreter::resize_input(int i, const Shape& shape) {
  if (i < 0 || i >= num_inputs()) return error("input %d does not exist (model has %d inputs)", i, num_inputs());
  Tensor& t = model_->graph().tensors[static_cast<size_t>(graph().inputs[static_cast<size_t>(i)])];
  if (options_.release_packed_weights)
    return error("input %d cannot be resized: this engine gave its model's packed weights back after loading", i);
  const Shape old = t.shape;
  EB_RETURN_IF_ERROR(model_->set_input_shape(i, shape));
  Status s = prepare_and_plan();
  if (!s.ok()) {
    t.shape = old;
    Status restore = prepare_and_plan();
    (void)restore;
    return s;
  }
  return Status();
}

void Interpreter::reset_state() {
  // As TFLite's ResetVariableTensor: int8 state starts at its zero point (the real value 0), every
  // other type at all-zero bytes.
  const Graph& g = graph();
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    const Tensor& tensor = g.tensors[t];
    if (!tensor.is_variable || !data_[t] || tensor.is_constant()) continue;
    const int value = tensor.dtype == DType::kInt8 && tensor.quant.present() ? tensor.quant.zp0() : 0;
    std::memset(data_[t], value, tensor.bytes());
  }
}

Status Interpreter::invoke() {
  RunContext ctx;
  ctx.data = data_.data();
  ctx.pool = pool_.get();
  ctx.scratch = scratch_;
  ++invocations_;
  if (!options_.profile_ops) {
    for (auto& op : ops_) op->run(ctx);
    return Status();
  }
  using Clock = std::chrono::steady_clock;  // monotonic
  node_ms_.resize(ops_.size(), 0.0);
  for (size_t k = 0; k < ops_.size(); ++k) {
    const auto t0 = Clock::now();
    ops_[k]->run(ctx);
    node_ms_[k] += std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  }
  return Status();
}

std::vector<NodeTime> Interpreter::node_times() const {
  std::vector<NodeTime> r;
  if (!options_.profile_ops) return r;
  for (size_t k = 0; k < running_.size(); ++k) {
    NodeTime t;
    t.node = running_[k];
    t.op = graph().nodes[static_cast<size_t>(running_[k])].op_name;
    t.kernel = ops_[k]->kernel_name();
    t.total_ms = k < node_ms_.size() ? node_ms_[k] : 0.0;
    t.invocations = invocations_;
    r.push_back(std::move(t));
  }
  return r;
}

std::vector<std::pair<int, std::string>> Interpreter::kernels() const {
  std::vector<std::pair<int, std::string>> r;
  for (size_t k = 0; k < running_.size(); ++k) r.emplace_back(running_[k], ops_[k]->kernel_name());
  return r;
}

}  // namespace eb

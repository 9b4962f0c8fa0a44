#include "kernels/engine/xnnpack/xnnpack_engine.h"

#include <pthreadpool.h>
#include <xnnpack.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "kernels/engine/constant_folding.h"
#include "kernels/engine/registry.h"
#include "kernels/engine/xnnpack/subgraph_builder.h"

namespace eb {
namespace {

// External buffers: cache-line aligned, with the XNN_EXTRA_BYTES XNNPACK may read past the end.
struct AlignedFree {
  void operator()(uint8_t* p) const { std::free(p); }
};
using Buffer = std::unique_ptr<uint8_t, AlignedFree>;
constexpr size_t kBufferAlignment = 64;

Result<Buffer> allocate_buffer(size_t bytes) {
  const size_t padded = (bytes + XNN_EXTRA_BYTES + kBufferAlignment - 1) / kBufferAlignment * kBufferAlignment;
  Buffer b(static_cast<uint8_t*>(std::aligned_alloc(kBufferAlignment, padded)));
  if (!b) return error("cannot allocate a buffer of %zu bytes", padded);
  std::memset(b.get(), 0, padded);
  return b;
}

// xnn_initialize is process-wide; its answer (e.g. unsupported hardware) is the same for every engine.
Status initialize_xnnpack() {
  static std::once_flag once;
  static xnn_status status = xnn_status_uninitialized;
  std::call_once(once, [] { status = xnn_initialize(nullptr); });
  if (status == xnn_status_unsupported_hardware)
    return error("%s does not support this CPU (xnn_initialize: unsupported hardware)", kXnnpackVersion);
  if (status != xnn_status_success) return error("xnn_initialize failed: %s", xnn_status_name(status));
  return Status();
}

class XnnpackEngine final : public Engine {
 public:
  ~XnnpackEngine() override {
    // The runtime refers to the model's constants and the external buffers: it goes first.
    if (runtime_) xnn_delete_runtime(runtime_);
    if (pool_) pthreadpool_destroy(pool_);
  }

  static Result<std::unique_ptr<Engine>> create(std::unique_ptr<Model> model, const EngineOptions& options) {
    if (options.threads < 1 || options.threads > 256) return error("--threads must be 1 to 256, got %d", options.threads);
    EB_RETURN_IF_ERROR(initialize_xnnpack());
    std::unique_ptr<XnnpackEngine> e(new XnnpackEngine());
    e->model_ = std::move(model);
    e->options_ = options;
    EB_RETURN_IF_ERROR(e->fold_constants());
    EB_RETURN_IF_ERROR(e->check_graph());
    // One thread: no pool at all (XNNPACK then runs on the caller's thread), as TFLite does.
    if (options.threads > 1) {
      e->pool_ = pthreadpool_create(static_cast<size_t>(options.threads));
      if (!e->pool_) return error("cannot create a thread pool of %d threads", options.threads);
    }
    EB_RETURN_IF_ERROR(e->build_runtime());
    return std::unique_ptr<Engine>(std::move(e));
  }

  const char* engine_name() const override { return "xnnpack"; }
  std::string isa() const override { return "xnnpack"; }
  const Model& model() const override { return *model_; }
  uint8_t* input_data(int i) override { return buffers_[static_cast<size_t>(i)].get(); }
  const uint8_t* output_data(int j) const override { return buffers_[static_cast<size_t>(num_inputs() + j)].get(); }

  // XNNPACK 2022 fixes every shape when the runtime is created: only the shape the model already has is accepted.
  Status resize_input(int i, const Shape& shape) override {
    if (i < 0 || i >= num_inputs()) return error("input %d does not exist (model has %d inputs)", i, num_inputs());
    if (shape != input(i).shape)
      return error("input %d '%s': the xnnpack engine cannot resize %s to %s (%s fixes shapes when its runtime is "
                   "created); use --engine auto", i, input(i).name.c_str(), shape_str(input(i).shape).c_str(),
                   shape_str(shape).c_str(), kXnnpackVersion);
    return Status();
  }

  Status invoke() override {
    const xnn_status s = xnn_invoke_runtime(runtime_);
    if (s != xnn_status_success) return error("xnn_invoke_runtime failed: %s", xnn_status_name(s));
    return Status();
  }

  int effective_threads() const override { return pool_ ? static_cast<int>(pthreadpool_get_threads_count(pool_)) : 1; }
  // XNNPACK 2022 allocates its internal tensors itself and reports no size through its API: 0 means
  // "not known" here, not "none" (peak RSS is the comparable figure).
  size_t arena_bytes() const override { return 0; }
  size_t arena_lower_bound_bytes() const override { return 0; }
  int folded_nodes() const override { return folded_; }
  std::vector<std::pair<int, std::string>> kernels() const override { return kernels_; }

 private:
  XnnpackEngine() = default;

  // DEQUANTIZE of a constant (float16 weights, or int8/uint8 weights dequantized in the graph) becomes
  // a float32 constant (constant_folding.h), as in the Interpreter: XNNPACK then packs float32 weights,
  // which is what TFLite's delegate does with float16-weight models too.
  Status fold_constants() {
    auto active = fold_constant_dequantize(model_->graph(), options_.max_arena_bytes);
    if (!active.ok()) return active.status();
    active_ = std::move(active.value());
    folded_ = static_cast<int>(model_->graph().nodes.size() - active_.size());
    return Status();
  }

  // The reference kernels' prepare checks every dtype, shape and parameter of a node and propagates
  // output shapes; running it first means XNNPACK is only ever handed a consistent graph (it trusts
  // the shapes it is given, and a hostile file must not make it write past a buffer).
  Status check_graph() {
    Graph& g = model_->graph();
    for (int idx : active_) {
      const Node& n = g.nodes[static_cast<size_t>(idx)];
      if (n.builtin == static_cast<int32_t>(OpCode::kCustom))
        return error("node %d: custom operator '%s' is not supported by %s", n.index, n.op_name.c_str(), kXnnpackVersion);
      PrepareFn prepare = find_node_prepare(n);
      if (!prepare)
        return error("node %d: operator %s (builtin code %d) is not supported", n.index, n.op_name.c_str(), n.builtin);
      PrepareContext ctx(g, n, Isa::kReference, 1);
      auto r = prepare(ctx);
      if (!r.ok()) return r.status().with_context(strfmt("node %d (%s): ", n.index, n.op_name.c_str()));
    }
    for (size_t k = 0; k < g.outputs.size(); ++k) {
      const int o = g.outputs[k];
      const bool produced = std::any_of(active_.begin(), active_.end(), [&](int idx) {
        const auto& outs = g.nodes[static_cast<size_t>(idx)].outputs;
        return std::find(outs.begin(), outs.end(), o) != outs.end();
      });
      if (!produced) return error("output tensor %d '%s' is never computed", o, g.tensors[static_cast<size_t>(o)].name.c_str());
    }
    return Status();
  }

  Status build_runtime() {
    const Graph& g = model_->graph();
    const size_t externals = g.inputs.size() + g.outputs.size();
    xnn_subgraph_t sg = nullptr;
    xnn_status s = xnn_create_subgraph(static_cast<uint32_t>(externals), 0, &sg);
    if (s != xnn_status_success) return error("xnn_create_subgraph failed: %s", xnn_status_name(s));
    std::unique_ptr<xnn_subgraph, decltype(&xnn_delete_subgraph)> owned(sg, &xnn_delete_subgraph);
    auto kernels = define_xnn_subgraph(g, active_, sg);
    if (!kernels.ok()) return kernels.status();
    kernels_ = std::move(kernels.value());
    s = xnn_create_runtime_v2(sg, pool_, 0, &runtime_);
    if (s != xnn_status_success) {
      runtime_ = nullptr;
      return error("%s could not create a runtime for this model (%s): one of its nodes (%zu translated) has "
                   "parameters this version accepts at definition but cannot run", kXnnpackVersion,
                   xnn_status_name(s), kernels_.size());
    }
    std::vector<xnn_external_value> ext;
    for (size_t k = 0; k < externals; ++k) {
      const int t = k < g.inputs.size() ? g.inputs[k] : g.outputs[k - g.inputs.size()];
      const Tensor& tensor = g.tensors[static_cast<size_t>(t)];
      if (tensor.bytes() > options_.max_arena_bytes)
        return error("tensor %d '%s' of shape %s is too large", t, tensor.name.c_str(), shape_str(tensor.shape).c_str());
      auto b = allocate_buffer(tensor.bytes());
      if (!b.ok()) return b.status();
      ext.push_back({static_cast<uint32_t>(k), b.value().get()});
      buffers_.push_back(std::move(b.value()));
    }
    s = xnn_setup_runtime(runtime_, ext.size(), ext.data());
    if (s != xnn_status_success) return error("xnn_setup_runtime failed: %s", xnn_status_name(s));
    return Status();
  }

  std::unique_ptr<Model> model_;
  EngineOptions options_;
  pthreadpool_t pool_ = nullptr;     // null on one thread
  xnn_runtime_t runtime_ = nullptr;
  std::vector<Buffer> buffers_;      // graph inputs, then graph outputs (XNNPACK external ids, same order)
  std::vector<int> active_;          // node indices translated, in order (folded DEQUANTIZEs left out)
  std::vector<std::pair<int, std::string>> kernels_;
  int folded_ = 0;
};

}  // namespace

Result<std::unique_ptr<Engine>> create_xnnpack_engine(std::unique_ptr<Model> model, const EngineOptions& options) {
  if (!model) return error("no model");
  return XnnpackEngine::create(std::move(model), options);
}

}  // namespace eb

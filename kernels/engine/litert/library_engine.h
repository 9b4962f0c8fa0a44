// What the two `--engine litert` implementations share (LiteRT 2.x's CompiledModel API in
// litert_engine.cc, the classic TfLite C API in tflite_c_engine.cc): the edgebench Model, the
// edgebench-owned input/output buffers the pipeline reads and writes, and the answers that do not depend
// on the C API.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/engine/engine.h"
#include "kernels/engine/litert/litert_api.h"
#include "kernels/engine/registry.h"
#include "kernels/ops/op.h"

namespace eb::litert_c {

struct FreeDeleter {
  void operator()(uint8_t* p) const { std::free(p); }
};
using HostBuffer = std::unique_ptr<uint8_t, FreeDeleter>;

// Zeroed, cache-line aligned (at least one byte, so an empty tensor still has an address).
inline Result<HostBuffer> allocate_host_buffer(size_t bytes) {
  constexpr size_t kAlign = 64;
  const size_t padded = (std::max<size_t>(bytes, 1) + kAlign - 1) / kAlign * kAlign;
  HostBuffer b(static_cast<uint8_t*>(std::aligned_alloc(kAlign, padded)));
  if (!b) return error("engine 'litert': cannot allocate a buffer of %zu bytes", padded);
  std::memset(b.get(), 0, padded);
  return b;
}

class LibraryEngine : public Engine {
 public:
  const char* engine_name() const override { return "litert"; }
  const Model& model() const override { return *model_; }
  uint8_t* input_data(int i) override { return inputs_[static_cast<size_t>(i)].get(); }
  const uint8_t* output_data(int j) const override { return outputs_[static_cast<size_t>(j)].get(); }
  // The library is asked for this many threads; it does not say how many it really started.
  int effective_threads() const override { return options_.threads; }
  // LiteRT plans and allocates its tensors itself and reports no size through its C API: 0 means
  // "not known" here, not "none" (peak RSS is the comparable figure).
  size_t arena_bytes() const override { return 0; }
  size_t arena_lower_bound_bytes() const override { return 0; }
  // LiteRT decides per node (XNNPACK delegate or its builtin kernel) and does not say: one "litert"
  // entry per node of the model.
  std::vector<std::pair<int, std::string>> kernels() const override {
    std::vector<std::pair<int, std::string>> k;
    for (const Node& n : graph().nodes) k.emplace_back(n.index, "litert");
    return k;
  }

 protected:
  LibraryEngine(const Api* api, std::unique_ptr<Model> model, const EngineOptions& options)
      : api_(api), model_(std::move(model)), options_(options) {}

  // Output shapes as edgebench's reference kernels infer them: the file may store none for an output
  // an operator sizes in its prepare (TFLite_Detection_PostProcess stores [] for [1, 40, 4]), and this
  // engine never prepares edgebench's graph otherwise. A node edgebench cannot prepare is passed over:
  // LiteRT, not edgebench, decides what runs here (its output keeps the stored shape, or LiteRT's).
  void infer_shapes() {
    Graph& g = model_->graph();
    for (const Node& n : g.nodes) {
      PrepareFn prepare = find_node_prepare(n);
      if (!prepare) continue;
      PrepareContext ctx(g, n, Isa::kReference, 1);
      (void)prepare(ctx);
    }
  }

  // (Re)allocates the edgebench-side buffers at the graph's current input/output byte sizes.
  Status allocate_host_buffers() {
    inputs_.clear();
    outputs_.clear();
    for (int i = 0; i < num_inputs(); ++i) {
      EB_ASSIGN_OR_RETURN(HostBuffer b, allocate_host_buffer(input(i).bytes()));
      inputs_.push_back(std::move(b));
    }
    for (int j = 0; j < num_outputs(); ++j) {
      EB_ASSIGN_OR_RETURN(HostBuffer b, allocate_host_buffer(output(j).bytes()));
      outputs_.push_back(std::move(b));
    }
    return Status();
  }

  Tensor& mutable_input(int i) { return model_->graph().tensors[static_cast<size_t>(graph().inputs[static_cast<size_t>(i)])]; }
  Tensor& mutable_output(int j) { return model_->graph().tensors[static_cast<size_t>(graph().outputs[static_cast<size_t>(j)])]; }

  const Api* api_;
  std::unique_ptr<Model> model_;
  EngineOptions options_;
  std::vector<HostBuffer> inputs_;   // edgebench's, per graph input (what input_data() returns)
  std::vector<HostBuffer> outputs_;  // edgebench's, per graph output
};

// The one check of the options both C APIs share: threads in range, no --isa (LiteRT has its own kernels).
inline Status check_library_options(const EngineOptions& options) {
  if (options.threads < 1 || options.threads > 256) return error("--threads must be 1 to 256, got %d", options.threads);
  if (!options.isa.empty())
    return error("engine 'litert' runs LiteRT's own kernels: --isa %s does not apply to it (leave --isa out)",
                 options.isa.c_str());
  return Status();
}

// The classic TfLite C API engine (tflite_c_engine.cc), for a library exporting TfLiteInterpreterCreate.
Result<std::unique_ptr<Engine>> create_tflite_c_engine(const Api* api, std::unique_ptr<Model> model,
                                                       const EngineOptions& options);

}  // namespace eb::litert_c

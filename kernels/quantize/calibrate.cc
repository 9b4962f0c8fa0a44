#include "kernels/quantize/calibrate.h"

#include <algorithm>
#include <cmath>

#include "kernels/engine/interpreter.h"

namespace eb {

Result<Calibrator> Calibrator::create(const std::vector<uint8_t>& bytes, const std::string& engine, int threads) {
  EB_ASSIGN_OR_RETURN(auto model, Model::load_bytes(bytes.data(), bytes.size()));
  Graph& g = model->graph();
  std::vector<bool> listed(g.tensors.size(), false);
  for (int o : g.outputs) listed[static_cast<size_t>(o)] = true;
  std::vector<int> watched(g.outputs.begin(), g.outputs.end());
  auto watch = [&](int t) {
    const Tensor& tensor = g.tensors[static_cast<size_t>(t)];
    if (t < 0 || listed[static_cast<size_t>(t)] || tensor.dtype != DType::kFloat32 || tensor.is_constant()) return;
    listed[static_cast<size_t>(t)] = true;
    g.outputs.push_back(t);
    watched.push_back(t);
  };
  for (const Node& n : g.nodes)
    for (int o : n.outputs) watch(o);
  Calibrator c;
  c.ranges_.assign(g.tensors.size(), TensorRange{});
  EngineOptions options;
  options.engine = engine;
  options.threads = threads;
  EB_ASSIGN_OR_RETURN(auto interpreter, Interpreter::create(std::move(model), options));
  c.engine_ = std::move(interpreter);
  c.watched_ = std::move(watched);
  return c;
}

Status Calibrator::add() {
  EB_RETURN_IF_ERROR(engine_->invoke());
  // A branch-free min/max the compiler vectorizes (it costs a fraction of the inference); NaN never
  // compares, so it never enters a range.
  auto widen = [&](int t, const float* v, int64_t n) {
    if (n == 0) return;
    TensorRange& r = ranges_[static_cast<size_t>(t)];
    float lo = r.seen ? r.min : v[0], hi = r.seen ? r.max : v[0];
    for (int64_t i = 0; i < n; ++i) {
      lo = v[i] < lo ? v[i] : lo;
      hi = v[i] > hi ? v[i] : hi;
    }
    if (std::isnan(lo) || std::isnan(hi)) return;  // v[0] was NaN on a first sight: wait for a real value
    r.min = lo;
    r.max = hi;
    r.seen = true;
  };
  for (int i = 0; i < engine_->num_inputs(); ++i)
    if (engine_->input(i).dtype == DType::kFloat32)
      widen(engine_->graph().inputs[static_cast<size_t>(i)], reinterpret_cast<const float*>(engine_->input_data(i)),
            engine_->input(i).elements());
  for (size_t j = 0; j < watched_.size(); ++j) {
    const Tensor& t = engine_->output(static_cast<int>(j));
    if (t.dtype != DType::kFloat32) continue;
    widen(watched_[j], reinterpret_cast<const float*>(engine_->output_data(static_cast<int>(j))), t.elements());
  }
  ++samples_;
  return Status();
}

}  // namespace eb

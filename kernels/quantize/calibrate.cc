#include "kernels/quantize/calibrate.h"

#include <algorithm>
#include <cmath>

#include "kernels/engine/interpreter.h"

namespace eb {

Result<Calibrator> Calibrator::create(const std::vector<uint8_t>& bytes) {
  EB_ASSIGN_OR_RETURN(auto model, Model::load_bytes(bytes.data(), bytes.size()));
  Graph& g = model->graph();
  const size_t original_outputs = g.outputs.size();
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
  (void)original_outputs;
  Calibrator c;
  c.ranges_.assign(g.tensors.size(), TensorRange{});
  EngineOptions options;
  options.engine = "ref";
  EB_ASSIGN_OR_RETURN(auto engine, Interpreter::create(std::move(model), options));
  c.engine_ = std::move(engine);
  c.watched_ = std::move(watched);
  return c;
}

Status Calibrator::add() {
  EB_RETURN_IF_ERROR(engine_->invoke());
  auto widen = [&](int t, const float* v, int64_t n) {
    TensorRange& r = ranges_[static_cast<size_t>(t)];
    for (int64_t i = 0; i < n; ++i) {
      if (!std::isfinite(v[i])) continue;
      if (!r.seen) {
        r.min = r.max = v[i];
        r.seen = true;
      }
      r.min = std::min(r.min, v[i]);
      r.max = std::max(r.max, v[i]);
    }
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

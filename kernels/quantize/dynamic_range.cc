// Dynamic-range: the weights of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED become symmetric int8
// (one scale per output channel, as TensorFlow 2.x's converter writes them: axis 0 of a conv or fully
// connected filter, axis 3 of a depthwise one), activations stay float32 and the hybrid kernels
// quantize each input on the fly. Like the converter, weights with fewer than 1024 elements stay float
// (their op then runs in float), and fully connected nodes take asymmetric input quantization.
#include <cstring>

#include "kernels/graph/graph.h"
#include "kernels/quantize/model_edit.h"
#include "kernels/quantize/quant_math.h"
#include "kernels/quantize/quantize.h"

namespace eb {
namespace {

// Operator versions TFLite gives hybrid forms of these operators (lite/tools/versioning/op_version.cc).
int hybrid_version(OpCode op, bool per_channel) {
  switch (op) {
    case OpCode::kConv2D: return per_channel ? 5 : 2;
    case OpCode::kDepthwiseConv2D: return per_channel ? 6 : 4;
    default: return per_channel ? 12 : 9;  // FULLY_CONNECTED with asymmetric_quantize_inputs
  }
}

}  // namespace

Result<std::vector<uint8_t>> quantize_dynamic(const std::vector<uint8_t>& bytes, const DynamicRangeOptions& options,
                                              QuantizeReport* report) {
  EB_ASSIGN_OR_RETURN(ModelEditor e, ModelEditor::open(bytes));
  tflite::SubGraphT& sg = e.subgraph();
  // A weight read by anything but the filter slot of these operators keeps its float data.
  std::vector<int> filter_readers(static_cast<size_t>(e.num_tensors()), 0), other_readers(static_cast<size_t>(e.num_tensors()), 0);
  auto is_weighted = [&](const tflite::OperatorT& op) {
    const auto code = static_cast<OpCode>(e.builtin(op));
    return (code == OpCode::kConv2D || code == OpCode::kDepthwiseConv2D || code == OpCode::kFullyConnected) &&
           op.inputs.size() >= 2;
  };
  for (const auto& op : sg.operators)
    for (size_t k = 0; k < op->inputs.size(); ++k)
      if (op->inputs[k] >= 0) ++(is_weighted(*op) && k == 1 ? filter_readers : other_readers)[static_cast<size_t>(op->inputs[k])];

  QuantizeReport r;
  std::vector<bool> done(static_cast<size_t>(e.num_tensors()), false);
  for (auto& op : sg.operators) {
    if (!is_weighted(*op)) continue;
    const auto code = static_cast<OpCode>(e.builtin(*op));
    const int in = op->inputs[0], w = op->inputs[1];
    if (in < 0 || e.tensor(in).type != tflite::TensorType_FLOAT32 || w < 0) continue;
    tflite::TensorT& wt = e.tensor(w);
    if (wt.type != tflite::TensorType_FLOAT32 || !e.is_constant(w)) continue;
    if (done[static_cast<size_t>(w)] || other_readers[static_cast<size_t>(w)] > 0 || e.elements(w) < options.min_elements) {
      if (!done[static_cast<size_t>(w)]) ++r.weights_left_float;
      continue;
    }
    const int axis = options.per_tensor ? -1 : code == OpCode::kDepthwiseConv2D ? 3 : 0;
    if (axis >= static_cast<int>(wt.shape.size())) continue;
    const SymmetricWeights q = quantize_symmetric(e.data_as<float>(w), wt.shape, axis);
    std::vector<uint8_t> data(q.values.size());
    std::memcpy(data.data(), q.values.data(), data.size());
    e.set_data(w, std::move(data));
    wt.type = tflite::TensorType_INT8;
    ModelEditor::set_quant(wt, q.scales, std::vector<int64_t>(q.scales.size(), 0), std::max(axis, 0));
    done[static_cast<size_t>(w)] = true;
    ++r.weights_quantized;
  }
  // Every node reading a quantized filter is a hybrid node now: options and version to match.
  for (auto& op : sg.operators) {
    if (!is_weighted(*op) || op->inputs[1] < 0 || !done[static_cast<size_t>(op->inputs[1])]) continue;
    const auto code = static_cast<OpCode>(e.builtin(*op));
    const bool per_channel = e.tensor(op->inputs[1]).quantization->scale.size() > 1;
    if (code == OpCode::kFullyConnected) {
      if (!op->builtin_options.AsFullyConnectedOptions()) {
        op->builtin_options.Set(tflite::FullyConnectedOptionsT());
      }
      op->builtin_options.AsFullyConnectedOptions()->asymmetric_quantize_inputs = true;
    }
    e.require_version(*op, hybrid_version(code, per_channel));
  }
  e.drop_unused_data();
  if (report) *report = r;
  return e.finish();
}

}  // namespace eb

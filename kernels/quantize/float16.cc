// float16: every float32 constant an operator reads is stored as float16, and a DEQUANTIZE node at
// the start of the graph turns it back into the float32 tensor the operator reads -- TFLite's converter
// writes the same (Optimize.DEFAULT with supported_types [float16]). The float32 tensor keeps its index
// and name, so operators, signatures and graph outputs need no change.
#include <cstring>

#include "kernels/graph/graph.h"
#include "kernels/quantize/model_edit.h"
#include "kernels/quantize/quant_math.h"
#include "kernels/quantize/quantize.h"

namespace eb {

Result<std::vector<uint8_t>> quantize_float16(const std::vector<uint8_t>& bytes, QuantizeReport* report) {
  EB_ASSIGN_OR_RETURN(ModelEditor e, ModelEditor::open(bytes));
  tflite::SubGraphT& sg = e.subgraph();
  std::vector<bool> read(static_cast<size_t>(e.num_tensors()), false);
  for (const auto& op : sg.operators)
    for (int32_t t : op->inputs)
      if (t >= 0) read[static_cast<size_t>(t)] = true;
  for (int32_t t : sg.outputs) read[static_cast<size_t>(t)] = false;  // a constant graph output stays as it is

  std::vector<std::unique_ptr<tflite::OperatorT>> dequantize;
  const int original_tensors = e.num_tensors();
  int converted = 0;
  for (int t = 0; t < original_tensors; ++t) {
    tflite::TensorT& tensor = e.tensor(t);
    if (!read[static_cast<size_t>(t)] || tensor.type != tflite::TensorType_FLOAT32 || !e.is_constant(t) || tensor.is_variable)
      continue;
    const int64_t n = e.elements(t);
    std::vector<uint8_t> half(static_cast<size_t>(n) * 2);
    const float* f = e.data_as<float>(t);
    for (int64_t i = 0; i < n; ++i) {
      const uint16_t h = float_to_half(f[i]);
      std::memcpy(&half[static_cast<size_t>(i) * 2], &h, 2);
    }
    const std::string name = tensor.name;
    const std::vector<int32_t> shape = tensor.shape;
    const std::vector<int32_t> signature = tensor.shape_signature;
    const int h = e.add_tensor(name + "_fp16", tflite::TensorType_FLOAT16, shape, std::move(half));
    e.tensor(h).shape_signature = signature;
    e.tensor(t).buffer = 0;  // now an activation: the DEQUANTIZE node's output
    dequantize.push_back(e.make_op(static_cast<int32_t>(OpCode::kDequantize), 3, {h}, {t}));
    ++converted;
  }
  // The DEQUANTIZE nodes first, as the converter orders them (edgebench folds them at load; TFLite runs
  // them once, their inputs being constant).
  sg.operators.insert(sg.operators.begin(), std::make_move_iterator(dequantize.begin()),
                      std::make_move_iterator(dequantize.end()));
  e.drop_unused_data();
  if (report) report->weights_quantized = converted;
  return e.finish();
}

}  // namespace eb

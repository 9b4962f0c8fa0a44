#include "kernels/model/model_writer.h"

#include <algorithm>

#include "tflite_schema_generated.h"

namespace eb {
namespace {

tflite::TensorType tflite_type(DType t) {
  switch (t) {
    case DType::kFloat32: return tflite::TensorType_FLOAT32;
    case DType::kFloat16: return tflite::TensorType_FLOAT16;
    case DType::kInt32: return tflite::TensorType_INT32;
    case DType::kUInt8: return tflite::TensorType_UINT8;
    case DType::kInt64: return tflite::TensorType_INT64;
    case DType::kInt8: return tflite::TensorType_INT8;
    case DType::kInt16: return tflite::TensorType_INT16;
    case DType::kBool: return tflite::TensorType_BOOL;
    default: return tflite::TensorType_STRING;
  }
}

}  // namespace

std::vector<uint8_t> write_model(const ModelSpec& spec) {
  flatbuffers::FlatBufferBuilder fbb;
  // Buffer 0 is TFLite's "no data" sentinel.
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers = {tflite::CreateBuffer(fbb)};
  std::vector<flatbuffers::Offset<tflite::Tensor>> tensors;
  for (const TensorSpec& t : spec.tensors) {
    uint32_t buffer = 0;
    if (!t.data.empty()) {
      buffers.push_back(tflite::CreateBufferDirect(fbb, &t.data));
      buffer = static_cast<uint32_t>(buffers.size() - 1);
    }
    flatbuffers::Offset<tflite::QuantizationParameters> quant = 0;
    if (!t.scales.empty() || !t.zero_points.empty())
      quant = tflite::CreateQuantizationParametersDirect(fbb, nullptr, nullptr, &t.scales, &t.zero_points,
                                                         tflite::QuantizationDetails_NONE, 0, t.quantized_dimension);
    tensors.push_back(tflite::CreateTensorDirect(fbb, &t.shape, tflite_type(t.dtype), buffer, t.name.c_str(), quant,
                                                 false, 0, t.signature.empty() ? nullptr : &t.signature));
  }
  std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes;
  std::vector<std::pair<int32_t, std::string>> code_keys;
  std::vector<flatbuffers::Offset<tflite::Operator>> ops;
  for (const OpSpec& op : spec.ops) {
    const std::pair<int32_t, std::string> key(op.builtin, op.custom_code);
    auto it = std::find(code_keys.begin(), code_keys.end(), key);
    if (it == code_keys.end()) {
      codes.push_back(tflite::CreateOperatorCodeDirect(fbb, static_cast<int8_t>(std::min(op.builtin, 127)),
                                                       op.custom_code.empty() ? nullptr : op.custom_code.c_str(), 1,
                                                       op.builtin));
      code_keys.push_back(key);
      it = code_keys.end() - 1;
    }
    tflite::BuiltinOptions options_type = tflite::BuiltinOptions_NONE;
    flatbuffers::Offset<void> options = 0;
    if (op.has_reshape_options) {
      options_type = tflite::BuiltinOptions_ReshapeOptions;
      options = tflite::CreateReshapeOptionsDirect(fbb, &op.new_shape).Union();
    } else if (op.has_squeeze_options) {
      options_type = tflite::BuiltinOptions_SqueezeOptions;
      options = tflite::CreateSqueezeOptionsDirect(fbb, &op.squeeze_dims).Union();
    }
    ops.push_back(tflite::CreateOperatorDirect(fbb, static_cast<uint32_t>(it - code_keys.begin()), &op.inputs,
                                               &op.outputs, options_type, options));
  }
  std::vector<flatbuffers::Offset<tflite::SubGraph>> subgraphs = {
      tflite::CreateSubGraphDirect(fbb, &tensors, &spec.inputs, &spec.outputs, &ops, "main")};
  for (int i = 0; i < spec.extra_subgraphs; ++i) subgraphs.push_back(tflite::CreateSubGraph(fbb));
  auto model = tflite::CreateModelDirect(fbb, spec.version, &codes, &subgraphs, spec.description.c_str(), &buffers);
  tflite::FinishModelBuffer(fbb, model);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

}  // namespace eb

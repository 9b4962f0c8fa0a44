#include "kernels/keras/tflite_builder.h"

#include <algorithm>
#include <map>

#include "tflite_schema_generated.h"

namespace eb::keras {

int TfliteBuilder::activation(const std::string& name, Shape shape) {
  BuiltTensor t;
  t.name = name;
  t.shape = std::move(shape);
  tensors_.push_back(std::move(t));
  return static_cast<int>(tensors_.size() - 1);
}

int TfliteBuilder::constant(const std::string& name, Shape shape, std::vector<float> data) {
  BuiltTensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.constant = true;
  constant_bytes_ += data.size() * sizeof(float);
  t.f32 = std::move(data);
  tensors_.push_back(std::move(t));
  return static_cast<int>(tensors_.size() - 1);
}

int TfliteBuilder::constant_i32(const std::string& name, std::vector<int32_t> data) {
  const Shape shape = {static_cast<int32_t>(data.size())};
  return constant_i32(name, shape, std::move(data));
}

int TfliteBuilder::constant_i32(const std::string& name, Shape shape, std::vector<int32_t> data) {
  BuiltTensor t;
  t.name = name;
  t.shape = std::move(shape);
  t.constant = true;
  t.is_int32 = true;
  constant_bytes_ += data.size() * sizeof(int32_t);
  t.i32 = std::move(data);
  tensors_.push_back(std::move(t));
  return static_cast<int>(tensors_.size() - 1);
}

int TfliteBuilder::node(OpCode code, std::vector<int> inputs, std::vector<int> outputs, NodeOpts opts) {
  nodes_.push_back(BuiltNode{code, std::move(inputs), std::move(outputs), std::move(opts)});
  return static_cast<int>(nodes_.size() - 1);
}

namespace {

using flatbuffers::FlatBufferBuilder;
using flatbuffers::Offset;

tflite::ActivationFunctionType act(Activation a) { return static_cast<tflite::ActivationFunctionType>(a); }
tflite::Padding pad(const NodeOpts& o) { return o.same_padding ? tflite::Padding_SAME : tflite::Padding_VALID; }

// The options table of one node, by what its operator reads (kernels/model/model.cc read_options).
std::pair<tflite::BuiltinOptions, Offset<void>> options(FlatBufferBuilder& fbb, const BuiltNode& n) {
  const NodeOpts& o = n.opts;
  switch (n.code) {
    case OpCode::kConv2D:
      return {tflite::BuiltinOptions_Conv2DOptions,
              tflite::CreateConv2DOptions(fbb, pad(o), o.stride_w, o.stride_h, act(o.activation), o.dilation_w,
                                          o.dilation_h).Union()};
    case OpCode::kDepthwiseConv2D:
      return {tflite::BuiltinOptions_DepthwiseConv2DOptions,
              tflite::CreateDepthwiseConv2DOptions(fbb, pad(o), o.stride_w, o.stride_h, o.depth_multiplier,
                                                   act(o.activation), o.dilation_w, o.dilation_h).Union()};
    case OpCode::kAveragePool2D:
    case OpCode::kMaxPool2D:
      return {tflite::BuiltinOptions_Pool2DOptions,
              tflite::CreatePool2DOptions(fbb, pad(o), o.stride_w, o.stride_h, o.filter_w, o.filter_h,
                                          act(o.activation)).Union()};
    case OpCode::kFullyConnected:
      return {tflite::BuiltinOptions_FullyConnectedOptions,
              tflite::CreateFullyConnectedOptions(fbb, act(o.activation), 0, o.keep_dims).Union()};
    case OpCode::kTransposeConv:
      return {tflite::BuiltinOptions_TransposeConvOptions,
              tflite::CreateTransposeConvOptions(fbb, pad(o), o.stride_w, o.stride_h, act(o.activation)).Union()};
    case OpCode::kSoftmax:
      return {tflite::BuiltinOptions_SoftmaxOptions, tflite::CreateSoftmaxOptions(fbb, 1.0f).Union()};
    case OpCode::kConcatenation:
      return {tflite::BuiltinOptions_ConcatenationOptions,
              tflite::CreateConcatenationOptions(fbb, o.axis, act(o.activation)).Union()};
    case OpCode::kAdd:
      return {tflite::BuiltinOptions_AddOptions, tflite::CreateAddOptions(fbb, act(o.activation)).Union()};
    case OpCode::kSub:
      return {tflite::BuiltinOptions_SubOptions, tflite::CreateSubOptions(fbb, act(o.activation)).Union()};
    case OpCode::kMul:
      return {tflite::BuiltinOptions_MulOptions, tflite::CreateMulOptions(fbb, act(o.activation)).Union()};
    case OpCode::kMean:
    case OpCode::kReduceMax:
      return {tflite::BuiltinOptions_ReducerOptions, tflite::CreateReducerOptions(fbb, o.keep_dims).Union()};
    case OpCode::kReshape:
      return {tflite::BuiltinOptions_ReshapeOptions, tflite::CreateReshapeOptionsDirect(fbb, &o.new_shape).Union()};
    case OpCode::kLeakyRelu:
      return {tflite::BuiltinOptions_LeakyReluOptions, tflite::CreateLeakyReluOptions(fbb, o.alpha).Union()};
    case OpCode::kGelu:
      return {tflite::BuiltinOptions_GeluOptions, tflite::CreateGeluOptions(fbb, o.approximate).Union()};
    case OpCode::kResizeBilinear:
      return {tflite::BuiltinOptions_ResizeBilinearOptions,
              tflite::CreateResizeBilinearOptions(fbb, false, o.half_pixel_centers).Union()};
    case OpCode::kResizeNearestNeighbor:
      return {tflite::BuiltinOptions_ResizeNearestNeighborOptions,
              tflite::CreateResizeNearestNeighborOptions(fbb, false, o.half_pixel_centers).Union()};
    default:
      return {tflite::BuiltinOptions_NONE, 0};
  }
}

}  // namespace

Result<std::vector<uint8_t>> TfliteBuilder::finish(const std::vector<int>& inputs, const std::vector<int>& outputs,
                                                   const std::string& description) const {
  // The flatbuffer's offsets are 32-bit: leave room for the tables beside the constants.
  if (constant_bytes_ > (size_t{1} << 31) - (size_t{64} << 20))
    return error("the model's weights (%zu bytes) pass the TFLite format's 2 GiB ceiling", constant_bytes_);
  FlatBufferBuilder fbb(constant_bytes_ + 65536);
  std::vector<Offset<tflite::Buffer>> buffers = {tflite::CreateBuffer(fbb)};
  std::vector<Offset<tflite::Tensor>> tensors;
  for (const BuiltTensor& t : tensors_) {
    uint32_t buffer = 0;
    if (t.constant) {
      const auto* p = t.is_int32 ? reinterpret_cast<const uint8_t*>(t.i32.data()) : reinterpret_cast<const uint8_t*>(t.f32.data());
      const size_t n = t.is_int32 ? t.i32.size() * 4 : t.f32.size() * 4;
      // Kernels read constants in place: aligned as TFLite's own writer aligns them.
      fbb.ForceVectorAlignment(n, 1, 16);
      auto data = fbb.CreateVector(p, n);
      buffers.push_back(tflite::CreateBuffer(fbb, data));
      buffer = static_cast<uint32_t>(buffers.size() - 1);
    }
    tensors.push_back(tflite::CreateTensorDirect(fbb, &t.shape, t.is_bool ? tflite::TensorType_BOOL : t.is_int32 ? tflite::TensorType_INT32 : tflite::TensorType_FLOAT32,
                                                 buffer, t.name.c_str()));
  }
  std::vector<Offset<tflite::OperatorCode>> codes;
  std::map<int32_t, uint32_t> code_index;
  std::vector<Offset<tflite::Operator>> ops;
  for (const BuiltNode& n : nodes_) {
    const auto code = static_cast<int32_t>(n.code);
    auto it = code_index.find(code);
    if (it == code_index.end()) {
      codes.push_back(tflite::CreateOperatorCode(fbb, static_cast<int8_t>(std::min(code, 127)), 0, 1,
                                                 code));
      it = code_index.emplace(code, static_cast<uint32_t>(codes.size() - 1)).first;
    }
    auto [type, opts] = options(fbb, n);
    std::vector<int32_t> in(n.inputs.begin(), n.inputs.end()), out(n.outputs.begin(), n.outputs.end());
    ops.push_back(tflite::CreateOperatorDirect(fbb, it->second, &in, &out, type, opts));
  }
  std::vector<int32_t> in(inputs.begin(), inputs.end()), out(outputs.begin(), outputs.end());
  std::vector<Offset<tflite::SubGraph>> subgraphs = {tflite::CreateSubGraphDirect(fbb, &tensors, &in, &out, &ops, "main")};
  auto model = tflite::CreateModelDirect(fbb, 3, &codes, &subgraphs, description.c_str(), &buffers);
  tflite::FinishModelBuffer(fbb, model);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

}  // namespace eb::keras

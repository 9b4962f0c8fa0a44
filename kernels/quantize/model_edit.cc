#include "kernels/quantize/model_edit.h"

#include <algorithm>

#include "kernels/model/model.h"

namespace eb {

namespace {

// True when table `t` has a field after voffset `last_known`: a field of a newer schema than the one
// edgebench is built with, which unpacking would silently drop.
bool has_fields_beyond(const flatbuffers::Table* t, flatbuffers::voffset_t last_known) {
  if (!t) return false;
  const uint8_t* vt = t->GetVTable();
  const auto vt_size = flatbuffers::ReadScalar<flatbuffers::voffset_t>(vt);
  for (flatbuffers::voffset_t o = static_cast<flatbuffers::voffset_t>(last_known + 2); o + 2 <= vt_size; o += 2)
    if (flatbuffers::ReadScalar<flatbuffers::voffset_t>(vt + o) != 0) return true;
  return false;
}

const flatbuffers::Table* as_table(const void* p) { return static_cast<const flatbuffers::Table*>(p); }

// Rewriting goes through the schema edgebench knows (kernels/model/tflite_schema.fbs); what it does not
// know would be lost, so such a model is refused rather than written without it.
Status check_round_trip(const tflite::Model* m) {
  auto lost = [](const char* what) { return error("the model has %s that edgebench's schema does not hold; rewriting it would lose them", what); };
  if (has_fields_beyond(as_table(m), tflite::Model::VT_SIGNATURE_DEFS)) return lost("model fields (external buffers)");
  const tflite::SubGraph* sg = m->subgraphs()->Get(0);
  if (has_fields_beyond(as_table(sg), tflite::SubGraph::VT_NAME)) return lost("subgraph fields (debug metadata)");
  if (sg->tensors())
    for (const tflite::Tensor* t : *sg->tensors())
      if (has_fields_beyond(as_table(t), tflite::Tensor::VT_HAS_RANK))
        return error("tensor '%s' has fields edgebench's schema does not hold (variant tensors, external buffer); "
                     "rewriting it would lose them", t->name() ? t->name()->c_str() : "");
  if (!sg->operators()) return Status();
  for (flatbuffers::uoffset_t i = 0; i < sg->operators()->size(); ++i) {
    const tflite::Operator* op = sg->operators()->Get(i);
    if (has_fields_beyond(as_table(op), tflite::Operator::VT_INTERMEDIATES))
      return error("node %u has operator fields edgebench's schema does not hold (large custom options, second "
                   "options table); rewriting it would lose them", i);
    const auto type = op->builtin_options_type();
    if (type > tflite::BuiltinOptions_MAX)
      return error("node %u has builtin options of type %d, unknown to edgebench's schema", i, static_cast<int>(type));
    // Placeholder tables (U03...) stand for options edgebench does not read: most are empty in TFLite's
    // schema too; one that holds fields would be written back empty.
    const char* name = tflite::EnumNameBuiltinOptions(type);
    if (name && name[0] == 'U' && has_fields_beyond(as_table(op->builtin_options()), 2))
      return error("node %u has builtin options (union member %d) that edgebench's schema does not hold; rewriting "
                   "it would lose them", i, static_cast<int>(type));
  }
  return Status();
}

}  // namespace

Result<ModelEditor> ModelEditor::open(const std::vector<uint8_t>& bytes) {
  EB_ASSIGN_OR_RETURN(auto loaded, Model::load_bytes(bytes.data(), bytes.size()));
  (void)loaded;
  EB_RETURN_IF_ERROR(check_round_trip(tflite::GetModel(bytes.data())));
  const tflite::SubGraph* sg = tflite::GetModel(bytes.data())->subgraphs()->Get(0);
  if (sg->tensors())
    for (const tflite::Tensor* t : *sg->tensors()) {
      const auto type = t->type();
      const bool quantized = t->quantization() && t->quantization()->scale() && t->quantization()->scale()->size() > 0;
      if (type == tflite::TensorType_FLOAT16 || quantized)
        return error("not a float32 model: tensor '%s' is already %s%s; quantize starts from the float32 model",
                     t->name() ? t->name()->c_str() : "", quantized ? "quantized " : "", tflite::EnumNameTensorType(type));
    }
  ModelEditor e;
  e.model_.reset(tflite::GetModel(bytes.data())->UnPack());
  for (const auto& b : e.model_->buffers)
    if (b && b->offset > 1) return error("constant buffers stored outside the flatbuffer (models above 2 GB) are not supported");
  for (auto& b : e.model_->buffers)
    if (!b) b = std::make_unique<tflite::BufferT>();
  return e;
}

int32_t ModelEditor::builtin(const tflite::OperatorT& op) const {
  const auto& c = *model_->operator_codes[op.opcode_index];
  return std::max<int32_t>(c.deprecated_builtin_code, c.builtin_code);
}

std::vector<uint8_t>& ModelEditor::data(int t) {
  const uint32_t b = tensor(t).buffer;
  if (b == 0 || b >= model_->buffers.size()) return empty_;
  return model_->buffers[b]->data;
}

int64_t ModelEditor::elements(int t) {
  int64_t n = 1;
  for (int32_t d : tensor(t).shape) n *= d;
  return n;
}

int ModelEditor::add_tensor(const std::string& name, tflite::TensorType type, const std::vector<int32_t>& shape,
                            std::vector<uint8_t> data) {
  auto t = std::make_unique<tflite::TensorT>();
  t->name = name;
  t->type = type;
  t->shape = shape;
  subgraph().tensors.push_back(std::move(t));
  const int index = num_tensors() - 1;
  if (!data.empty()) set_data(index, std::move(data));
  return index;
}

void ModelEditor::set_data(int t, std::vector<uint8_t> data) {
  auto b = std::make_unique<tflite::BufferT>();
  b->data = std::move(data);
  model_->buffers.push_back(std::move(b));
  tensor(t).buffer = static_cast<uint32_t>(model_->buffers.size() - 1);
}

void ModelEditor::set_quant(tflite::TensorT& t, const std::vector<float>& scales, const std::vector<int64_t>& zero_points,
                            int axis) {
  t.quantization = std::make_unique<tflite::QuantizationParametersT>();
  t.quantization->scale = scales;
  t.quantization->zero_point = zero_points;
  t.quantization->quantized_dimension = scales.size() > 1 ? axis : 0;
}

std::unique_ptr<tflite::OperatorT> ModelEditor::make_op(int32_t code, int version, std::vector<int32_t> inputs,
                                                        std::vector<int32_t> outputs) {
  auto& codes = model_->operator_codes;
  size_t index = codes.size();
  for (size_t i = 0; i < codes.size(); ++i)
    if (std::max<int32_t>(codes[i]->deprecated_builtin_code, codes[i]->builtin_code) == code && codes[i]->version >= version) {
      index = i;
      break;
    }
  if (index == codes.size()) {
    auto c = std::make_unique<tflite::OperatorCodeT>();
    c->builtin_code = code;
    c->deprecated_builtin_code = static_cast<int8_t>(std::min(code, 127));
    c->version = version;
    codes.push_back(std::move(c));
  }
  auto op = std::make_unique<tflite::OperatorT>();
  op->opcode_index = static_cast<uint32_t>(index);
  op->inputs = std::move(inputs);
  op->outputs = std::move(outputs);
  return op;
}

void ModelEditor::require_version(tflite::OperatorT& op, int version) {
  auto& codes = model_->operator_codes;
  const tflite::OperatorCodeT& c = *codes[op.opcode_index];
  if (c.version >= version) return;
  for (size_t i = 0; i < codes.size(); ++i)
    if (codes[i]->builtin_code == c.builtin_code && codes[i]->deprecated_builtin_code == c.deprecated_builtin_code &&
        codes[i]->custom_code == c.custom_code && codes[i]->version == version) {
      op.opcode_index = static_cast<uint32_t>(i);
      return;
    }
  auto copy = std::make_unique<tflite::OperatorCodeT>(c);
  copy->version = version;
  codes.push_back(std::move(copy));
  op.opcode_index = static_cast<uint32_t>(codes.size() - 1);
}

void ModelEditor::drop_unused_data() {
  // Tensors nothing refers to any more (the float weights a quantized copy replaced) leave the table:
  // the others are renumbered, in order.
  tflite::SubGraphT& sg = subgraph();
  std::vector<bool> used(static_cast<size_t>(num_tensors()), false);
  auto mark = [&](const std::vector<int32_t>& v) {
    for (int32_t t : v)
      if (t >= 0) used[static_cast<size_t>(t)] = true;
  };
  for (const auto& op : sg.operators) mark(op->inputs), mark(op->outputs), mark(op->intermediates);
  mark(sg.inputs);
  mark(sg.outputs);
  for (const auto& s : model_->signature_defs) {
    for (const auto& m : s->inputs)
      if (m->tensor_index < used.size()) used[m->tensor_index] = true;
    for (const auto& m : s->outputs)
      if (m->tensor_index < used.size()) used[m->tensor_index] = true;
  }
  std::vector<int32_t> index(used.size(), -1);
  std::vector<std::unique_ptr<tflite::TensorT>> kept;
  for (size_t t = 0; t < used.size(); ++t)
    if (used[t]) {
      index[t] = static_cast<int32_t>(kept.size());
      kept.push_back(std::move(sg.tensors[t]));
    }
  sg.tensors = std::move(kept);
  auto remap = [&](std::vector<int32_t>& v) {
    for (int32_t& t : v)
      if (t >= 0) t = index[static_cast<size_t>(t)];
  };
  for (auto& op : sg.operators) remap(op->inputs), remap(op->outputs), remap(op->intermediates);
  remap(sg.inputs);
  remap(sg.outputs);
  for (auto& s : model_->signature_defs) {
    for (auto& m : s->inputs)
      if (m->tensor_index < index.size()) m->tensor_index = static_cast<uint32_t>(index[m->tensor_index]);
    for (auto& m : s->outputs)
      if (m->tensor_index < index.size()) m->tensor_index = static_cast<uint32_t>(index[m->tensor_index]);
  }
  // A buffer may be shared by several tensors, and metadata points at buffers too: keep what any uses.
  std::vector<bool> keep(model_->buffers.size(), false);
  for (int t = 0; t < num_tensors(); ++t) keep[tensor(t).buffer] = true;
  for (const auto& m : model_->metadata)
    if (m->buffer < keep.size()) keep[m->buffer] = true;
  for (int32_t b : model_->metadata_buffer)
    if (b >= 0 && static_cast<size_t>(b) < keep.size()) keep[static_cast<size_t>(b)] = true;
  for (size_t b = 1; b < keep.size(); ++b)
    if (!keep[b]) {
      model_->buffers[b]->data.clear();
      model_->buffers[b]->data.shrink_to_fit();
    }
}

std::vector<uint8_t> ModelEditor::finish() {
  flatbuffers::FlatBufferBuilder fbb;
  // Buffers first (the builder writes back to front, so they end up last in the file, as the converter
  // lays them out), each 16-byte aligned so kernels may read weights in place.
  std::vector<flatbuffers::Offset<tflite::Buffer>> buffers;
  for (const auto& b : model_->buffers) {
    if (b->data.empty()) {
      buffers.push_back(tflite::CreateBuffer(fbb));
      continue;
    }
    fbb.ForceVectorAlignment(b->data.size(), sizeof(uint8_t), 16);
    const auto data = fbb.CreateVector(b->data);
    buffers.push_back(tflite::CreateBuffer(fbb, data));
  }
  const auto buffers_vec = fbb.CreateVector(buffers);
  std::vector<flatbuffers::Offset<tflite::OperatorCode>> codes;
  for (const auto& c : model_->operator_codes) codes.push_back(tflite::CreateOperatorCode(fbb, c.get()));
  std::vector<flatbuffers::Offset<tflite::SubGraph>> subgraphs;
  for (const auto& s : model_->subgraphs) subgraphs.push_back(tflite::CreateSubGraph(fbb, s.get()));
  std::vector<flatbuffers::Offset<tflite::Metadata>> metadata;
  for (const auto& m : model_->metadata) metadata.push_back(tflite::CreateMetadata(fbb, m.get()));
  std::vector<flatbuffers::Offset<tflite::SignatureDef>> signatures;
  for (const auto& s : model_->signature_defs) signatures.push_back(tflite::CreateSignatureDef(fbb, s.get()));
  const auto model = tflite::CreateModel(
      fbb, model_->version, fbb.CreateVector(codes), fbb.CreateVector(subgraphs),
      model_->description.empty() ? 0 : fbb.CreateString(model_->description), buffers_vec,
      model_->metadata_buffer.empty() ? 0 : fbb.CreateVector(model_->metadata_buffer),
      metadata.empty() ? 0 : fbb.CreateVector(metadata), signatures.empty() ? 0 : fbb.CreateVector(signatures));
  tflite::FinishModelBuffer(fbb, model);
  return std::vector<uint8_t>(fbb.GetBufferPointer(), fbb.GetBufferPointer() + fbb.GetSize());
}

const char* tflite_type_name(tflite::TensorType t) { return tflite::EnumNameTensorType(t); }

}  // namespace eb

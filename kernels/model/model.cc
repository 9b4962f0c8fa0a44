#include "kernels/model/model.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>

#include "kernels/common/input_file.h"
#include "kernels/common/checked_math.h"
#include "tflite_schema_generated.h"

namespace eb {
namespace {

DType map_type(tflite::TensorType t) {
  switch (t) {
    case tflite::TensorType_FLOAT32: return DType::kFloat32;
    case tflite::TensorType_FLOAT16: return DType::kFloat16;
    case tflite::TensorType_INT32: return DType::kInt32;
    case tflite::TensorType_UINT8: return DType::kUInt8;
    case tflite::TensorType_INT64: return DType::kInt64;
    case tflite::TensorType_INT8: return DType::kInt8;
    case tflite::TensorType_INT16: return DType::kInt16;
    case tflite::TensorType_BOOL: return DType::kBool;
    default: return DType::kUnsupported;
  }
}

Activation map_act(tflite::ActivationFunctionType a) { return static_cast<Activation>(a); }
Padding map_pad(tflite::Padding p) { return p == tflite::Padding_VALID ? Padding::kValid : Padding::kSame; }

// Copies the options each supported op reads into NodeOptions. Options of the wrong union type for
// the op are ignored (TFLite does the same: it reads only the type it expects).
Status read_options(const tflite::Operator* op, int32_t code, size_t max_rank, NodeOptions& o) {
  switch (static_cast<OpCode>(code)) {
    case OpCode::kConv2D:
      if (auto* c = op->builtin_options_as_Conv2DOptions()) {
        o.padding = map_pad(c->padding());
        o.stride_w = c->stride_w();
        o.stride_h = c->stride_h();
        o.dilation_w = c->dilation_w_factor();
        o.dilation_h = c->dilation_h_factor();
        o.activation = map_act(c->fused_activation_function());
      }
      break;
    case OpCode::kDepthwiseConv2D:
      if (auto* c = op->builtin_options_as_DepthwiseConv2DOptions()) {
        o.padding = map_pad(c->padding());
        o.stride_w = c->stride_w();
        o.stride_h = c->stride_h();
        o.depth_multiplier = c->depth_multiplier();
        o.dilation_w = c->dilation_w_factor();
        o.dilation_h = c->dilation_h_factor();
        o.activation = map_act(c->fused_activation_function());
      }
      break;
    case OpCode::kAveragePool2D:
    case OpCode::kMaxPool2D:
      if (auto* c = op->builtin_options_as_Pool2DOptions()) {
        o.padding = map_pad(c->padding());
        o.stride_w = c->stride_w();
        o.stride_h = c->stride_h();
        o.filter_w = c->filter_width();
        o.filter_h = c->filter_height();
        o.activation = map_act(c->fused_activation_function());
      }
      break;
    case OpCode::kFullyConnected:
      if (auto* c = op->builtin_options_as_FullyConnectedOptions()) {
        o.activation = map_act(c->fused_activation_function());
        o.keep_num_dims = c->keep_num_dims();
        o.asymmetric_quantize_inputs = c->asymmetric_quantize_inputs();
        o.weights_format_default = c->weights_format() == 0;
      }
      break;
    case OpCode::kSoftmax:
      if (auto* c = op->builtin_options_as_SoftmaxOptions()) o.beta = c->beta();
      break;
    case OpCode::kConcatenation:
      if (auto* c = op->builtin_options_as_ConcatenationOptions()) {
        o.axis = c->axis();
        o.activation = map_act(c->fused_activation_function());
      }
      break;
    case OpCode::kAdd:
      if (auto* c = op->builtin_options_as_AddOptions()) o.activation = map_act(c->fused_activation_function());
      break;
    case OpCode::kSub:
      if (auto* c = op->builtin_options_as_SubOptions()) o.activation = map_act(c->fused_activation_function());
      break;
    case OpCode::kMul:
      if (auto* c = op->builtin_options_as_MulOptions()) o.activation = map_act(c->fused_activation_function());
      break;
    case OpCode::kResizeBilinear:
      if (auto* c = op->builtin_options_as_ResizeBilinearOptions()) {
        o.align_corners = c->align_corners();
        o.half_pixel_centers = c->half_pixel_centers();
      }
      break;
    case OpCode::kResizeNearestNeighbor:
      if (auto* c = op->builtin_options_as_ResizeNearestNeighborOptions()) {
        o.align_corners = c->align_corners();
        o.half_pixel_centers = c->half_pixel_centers();
      }
      break;
    case OpCode::kReshape:
      if (auto* c = op->builtin_options_as_ReshapeOptions(); c && c->new_shape()) {
        if (c->new_shape()->size() > max_rank)
          return error("new_shape option has %u dimensions, above the rank limit of %zu", c->new_shape()->size(), max_rank);
        o.has_new_shape = true;
        o.new_shape.assign(c->new_shape()->begin(), c->new_shape()->end());
      }
      break;
    case OpCode::kMean:
      if (auto* c = op->builtin_options_as_ReducerOptions()) o.keep_dims = c->keep_dims();
      break;
    case OpCode::kSqueeze:
      if (auto* c = op->builtin_options_as_SqueezeOptions(); c && c->squeeze_dims()) {
        if (c->squeeze_dims()->size() > max_rank)
          return error("squeeze_dims option lists %u dimensions, above the rank limit of %zu", c->squeeze_dims()->size(), max_rank);
        o.squeeze_dims.assign(c->squeeze_dims()->begin(), c->squeeze_dims()->end());
      }
      break;
    case OpCode::kArgMax:
      if (auto* c = op->builtin_options_as_ArgMaxOptions()) o.output_type = map_type(c->output_type());
      break;
    case OpCode::kLeakyRelu:
      if (auto* c = op->builtin_options_as_LeakyReluOptions()) o.alpha = c->alpha();
      break;
    case OpCode::kArgMin:
      if (auto* c = op->builtin_options_as_ArgMinOptions()) o.output_type = map_type(c->output_type());
      break;
    case OpCode::kShape:
      if (auto* c = op->builtin_options_as_ShapeOptions()) o.output_type = map_type(c->out_type());
      break;
    case OpCode::kSum:
    case OpCode::kReduceMax:
    case OpCode::kReduceMin:
    case OpCode::kReduceProd:
      if (auto* c = op->builtin_options_as_ReducerOptions()) o.keep_dims = c->keep_dims();
      break;
    case OpCode::kDiv:
      if (auto* c = op->builtin_options_as_DivOptions()) o.activation = map_act(c->fused_activation_function());
      break;
    case OpCode::kL2Normalization:
      if (auto* c = op->builtin_options_as_L2NormOptions()) o.activation = map_act(c->fused_activation_function());
      break;
    case OpCode::kLocalResponseNormalization:
      if (auto* c = op->builtin_options_as_LocalResponseNormalizationOptions()) {
        o.lrn_radius = c->radius();
        o.lrn_bias = c->bias();
        o.lrn_alpha = c->alpha();
        o.lrn_beta = c->beta();
      }
      break;
    case OpCode::kStridedSlice:
      if (auto* c = op->builtin_options_as_StridedSliceOptions()) {
        o.begin_mask = c->begin_mask();
        o.end_mask = c->end_mask();
        o.ellipsis_mask = c->ellipsis_mask();
        o.new_axis_mask = c->new_axis_mask();
        o.shrink_axis_mask = c->shrink_axis_mask();
        o.offset = c->offset();
      }
      break;
    case OpCode::kSplit:
      if (auto* c = op->builtin_options_as_SplitOptions()) o.num_splits = c->num_splits();
      break;
    case OpCode::kSplitV:
      if (auto* c = op->builtin_options_as_SplitVOptions()) o.num_splits = c->num_splits();
      break;
    case OpCode::kGather:
      if (auto* c = op->builtin_options_as_GatherOptions()) {
        o.axis = c->axis();
        o.batch_dims = c->batch_dims();
      }
      break;
    case OpCode::kPack:
      if (auto* c = op->builtin_options_as_PackOptions()) {
        o.values_count = c->values_count();
        o.axis = c->axis();
      }
      break;
    case OpCode::kUnpack:
      if (auto* c = op->builtin_options_as_UnpackOptions()) {
        o.num = c->num();
        o.axis = c->axis();
      }
      break;
    case OpCode::kCast:
      if (auto* c = op->builtin_options_as_CastOptions()) {
        o.in_data_type = map_type(c->in_data_type());
        o.out_data_type = map_type(c->out_data_type());
      }
      break;
    case OpCode::kSpaceToDepth:
      if (auto* c = op->builtin_options_as_SpaceToDepthOptions()) o.block_size = c->block_size();
      break;
    case OpCode::kDepthToSpace:
      if (auto* c = op->builtin_options_as_DepthToSpaceOptions()) o.block_size = c->block_size();
      break;
    case OpCode::kMirrorPad:
      if (auto* c = op->builtin_options_as_MirrorPadOptions()) o.mirror_symmetric = c->mode() == tflite::MirrorPadMode_SYMMETRIC;
      break;
    case OpCode::kTransposeConv:
      if (auto* c = op->builtin_options_as_TransposeConvOptions()) {
        o.padding = map_pad(c->padding());
        o.stride_w = c->stride_w();
        o.stride_h = c->stride_h();
        o.activation = map_act(c->fused_activation_function());
      }
      break;
    case OpCode::kBatchMatMul:
      if (auto* c = op->builtin_options_as_BatchMatMulOptions()) {
        o.adj_x = c->adj_x();
        o.adj_y = c->adj_y();
        o.asymmetric_quantize_inputs = c->asymmetric_quantize_inputs();
      }
      break;
    case OpCode::kGelu:
      if (auto* c = op->builtin_options_as_GeluOptions()) o.approximate = c->approximate();
      break;
    case OpCode::kUnidirectionalSequenceLstm:
      if (auto* c = op->builtin_options_as_UnidirectionalSequenceLSTMOptions()) {
        o.activation = map_act(c->fused_activation_function());
        o.cell_clip = c->cell_clip();
        o.proj_clip = c->proj_clip();
        o.time_major = c->time_major();
        o.asymmetric_quantize_inputs = c->asymmetric_quantize_inputs();
        o.diagonal_recurrent_tensors = c->diagonal_recurrent_tensors();
      }
      break;
    default:
      break;
  }
  return Status();
}

}  // namespace

Model::~Model() = default;

Result<std::unique_ptr<Model>> Model::load_file(const std::string& path, const LoadLimits& limits) {
  // A FIFO or a device named as a model must not block the command: kernels/common/input_file.h.
  size_t size = 0;
  EB_ASSIGN_OR_RETURN(const int fd, open_input_file(path, "model", &size));
  auto m = load_fd(fd, path, limits);
  close(fd);
  return m;
}

Result<std::unique_ptr<Model>> Model::load_fd(int fd, const std::string& path, const LoadLimits& limits) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return error("cannot read model '%s': %s", path.c_str(), std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return error("model '%s' is not a regular file", path.c_str());
  const size_t size = static_cast<size_t>(st.st_size);
  if (size < 16) return error("model '%s' is too small to be a .tflite file (%zu bytes)", path.c_str(), size);
  if (size > limits.max_file_bytes)
    return error("model '%s' is %zu bytes, above the limit of %zu", path.c_str(), size, limits.max_file_bytes);
  // Read, not memory-mapped: a file truncated or rewritten while a benchmark runs would change under
  // the engine or kill the process with SIGBUS; a private copy makes the loaded model what was read.
  std::unique_ptr<Model> m(new Model());
  m->path_ = path;
  auto bytes = ModelBytes::allocate(size);
  if (!bytes.ok()) return bytes.status().with_context("model '" + path + "': ");
  m->owned_ = std::move(bytes.value());
  size_t got = 0;
  while (got < size) {
    const ssize_t n = pread(fd, m->owned_.data() + got, size - got, static_cast<off_t>(got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n < 0) return error("cannot read model '%s': %s", path.c_str(), std::strerror(errno));
      return error("model '%s' shrank while being read (%zu of %zu bytes)", path.c_str(), got, size);
    }
    got += static_cast<size_t>(n);
  }
  m->data_ = m->owned_.data();
  m->size_ = size;
  Status s = m->parse(limits);
  if (!s.ok()) return s.with_context("model '" + path + "': ");
  return m;
}

Result<std::unique_ptr<Model>> Model::load_bytes(const uint8_t* data, size_t size, const LoadLimits& limits) {
  // Size checks first: an oversized buffer is refused before it is copied.
  if (size < 16) return error("model buffer is too small to be a .tflite file (%zu bytes)", size);
  if (size > limits.max_file_bytes)
    return error("model buffer is %zu bytes, above the limit of %zu", size, limits.max_file_bytes);
  std::unique_ptr<Model> m(new Model());
  m->path_ = "<memory>";
  EB_ASSIGN_OR_RETURN(m->owned_, ModelBytes::allocate(size));
  std::memcpy(m->owned_.data(), data, size);
  m->data_ = m->owned_.data();
  m->size_ = size;
  Status s = m->parse(limits);
  if (!s.ok()) return s;
  return m;
}

Status Model::parse(const LoadLimits& limits) {
  if (!tflite::ModelBufferHasIdentifier(data_))
    return error("not a TFLite flatbuffer (file identifier is not \"TFL3\")");
  flatbuffers::Verifier verifier(data_, size_, /*max_depth=*/64, /*max_tables=*/10'000'000);
  if (!tflite::VerifyModelBuffer(verifier)) return error("flatbuffer verification failed (corrupt or truncated file)");
  const tflite::Model* model = tflite::GetModel(data_);
  if (model->version() != 3) return error("schema version %u is not supported (expected 3)", model->version());
  if (model->description()) {
    if (model->description()->size() > limits.max_name_length)
      return error("description is %u bytes long, above the limit of %zu", model->description()->size(), limits.max_name_length);
    description_ = model->description()->str();
  }
  const auto* subgraphs = model->subgraphs();
  if (!subgraphs || subgraphs->size() == 0) return error("model has no subgraph");
  if (subgraphs->size() > 1)
    return error("model has %u subgraphs; control flow (several subgraphs) is not supported", subgraphs->size());
  const tflite::SubGraph* sg = subgraphs->Get(0);
  const auto* buffers = model->buffers();
  const size_t nbuffers = buffers ? buffers->size() : 0;
  const auto* tensors = sg->tensors();
  const size_t ntensors = tensors ? tensors->size() : 0;
  if (ntensors > limits.max_tensors) return error("%zu tensors, above the limit of %zu", ntensors, limits.max_tensors);

  Graph& g = graph_;
  g.tensors.resize(ntensors);
  for (size_t i = 0; i < ntensors; ++i) {
    const tflite::Tensor* ft = tensors->Get(static_cast<flatbuffers::uoffset_t>(i));
    Tensor& t = g.tensors[i];
    if (ft->name()) {
      if (ft->name()->size() > limits.max_name_length)
        return error("tensor %zu: name is %u bytes long, above the limit of %zu", i, ft->name()->size(), limits.max_name_length);
      t.name = ft->name()->str();
    }
    auto where = [&] { return strfmt("tensor %zu '%s'", i, t.name.c_str()); };
    t.dtype = map_type(ft->type());
    if (ft->sparsity()) return error("%s: sparse tensors are not supported", where().c_str());
    t.is_variable = ft->is_variable();
    if (ft->shape()) {
      if (ft->shape()->size() > limits.max_rank) return error("%s: rank %u above the limit of %zu", where().c_str(), ft->shape()->size(), limits.max_rank);
      t.shape.assign(ft->shape()->begin(), ft->shape()->end());
    }
    for (int32_t d : t.shape)
      if (d < 0) return error("%s: negative dimension in shape %s", where().c_str(), shape_str(t.shape).c_str());
    if (ft->shape_signature()) {
      t.signature.assign(ft->shape_signature()->begin(), ft->shape_signature()->end());
      if (t.signature.size() != t.shape.size())
        return error("%s: shape_signature rank %zu differs from shape rank %zu", where().c_str(), t.signature.size(), t.shape.size());
      for (size_t k = 0; k < t.signature.size(); ++k)
        if (t.signature[k] < -1 || (t.signature[k] >= 0 && t.signature[k] != t.shape[k]))
          return error("%s: shape_signature %s does not match shape %s", where().c_str(), shape_str(t.signature).c_str(), shape_str(t.shape).c_str());
    } else {
      t.signature = t.shape;
    }
    // Every element takes at least a byte, so the byte limit also caps the element count of tensors
    // whose type has no size here (unsupported types, refused later if anything uses them).
    auto elems = checked_elements(t.shape, limits.max_tensor_bytes);
    if (!elems)
      return error("%s: shape %s has more elements than the tensor size limit of %zu bytes allows", where().c_str(),
                   shape_str(t.shape).c_str(), limits.max_tensor_bytes);
    if (t.dtype != DType::kUnsupported) {
      auto bytes = checked_mul(*elems, dtype_size(t.dtype));
      if (!bytes || *bytes > limits.max_tensor_bytes)
        return error("%s: %s of %s is above the tensor size limit", where().c_str(), shape_str(t.shape).c_str(), dtype_name(t.dtype));
    }
    // Quantization parameters.
    if (const auto* q = ft->quantization()) {
      if (q->details_type() != tflite::QuantizationDetails_NONE)
        return error("%s: custom quantization is not supported", where().c_str());
      if (q->scale() && q->scale()->size() > 0) {
        if (q->scale()->size() > limits.max_quant_params || (q->zero_point() && q->zero_point()->size() > limits.max_quant_params))
          return error("%s: more than %zu quantization parameters", where().c_str(), limits.max_quant_params);
        t.quant.scale.assign(q->scale()->begin(), q->scale()->end());
        if (const auto* zp = q->zero_point()) {
          // Copied bytewise: the verifier checks a vector's 4-byte length alignment only, so these int64
          // elements may sit at a 4-byte boundary (found by fuzz_model: regressions/model/crash-810b4c01...,
          // UBSan "load of misaligned address"). Flatbuffers are little-endian, as are our targets.
          t.quant.zero_point.resize(zp->size());
          if (zp->size() > 0) std::memcpy(t.quant.zero_point.data(), zp->Data(), zp->size() * sizeof(int64_t));
        }
        if (t.quant.zero_point.empty()) t.quant.zero_point.assign(t.quant.scale.size(), 0);
        if (t.quant.zero_point.size() != t.quant.scale.size())
          return error("%s: %zu scales but %zu zero points", where().c_str(), t.quant.scale.size(), t.quant.zero_point.size());
        for (float s : t.quant.scale)
          if (!std::isfinite(s) || s < 0) return error("%s: invalid quantization scale %g", where().c_str(), static_cast<double>(s));
        for (int64_t z : t.quant.zero_point)
          if (z < -32768 || z > 65535) return error("%s: zero point %lld out of range", where().c_str(), static_cast<long long>(z));
        t.quant.axis = q->quantized_dimension();
        if (t.quant.scale.size() > 1) {
          if (t.quant.axis < 0 || t.quant.axis >= t.rank())
            return error("%s: quantized_dimension %d outside rank %d", where().c_str(), t.quant.axis, t.rank());
          if (static_cast<size_t>(t.dim(t.quant.axis)) != t.quant.scale.size())
            return error("%s: %zu per-channel scales for dimension %d of size %d", where().c_str(), t.quant.scale.size(), t.quant.axis, t.dim(t.quant.axis));
        }
      }
    }
    // Constant data.
    const uint32_t bi = ft->buffer();
    if (bi >= nbuffers && bi != 0) return error("%s: buffer index %u outside %zu buffers", where().c_str(), bi, nbuffers);
    if (bi != 0 && bi < nbuffers) {
      const tflite::Buffer* b = buffers->Get(bi);
      const uint8_t* p = nullptr;
      size_t n = 0;
      if (b->data() && b->data()->size() > 0) {
        p = b->data()->data();
        n = b->data()->size();
      } else if (b->offset() > 1) {
        // Buffers stored outside the flatbuffer (models above 2 GB): offset/size relative to file start.
        if (b->offset() > size_ || b->size() > size_ - b->offset())
          return error("%s: external buffer %u (offset %llu, size %llu) lies outside the %zu-byte file", where().c_str(), bi,
                       static_cast<unsigned long long>(b->offset()), static_cast<unsigned long long>(b->size()), size_);
        p = data_ + b->offset();
        n = static_cast<size_t>(b->size());
      }
      if (p) {
        if (t.dtype == DType::kUnsupported)
          return error("%s: constant of unsupported type %d", where().c_str(), static_cast<int>(ft->type()));
        if (n != t.bytes())
          return error("%s: buffer %u holds %zu bytes, but %s %s needs %zu", where().c_str(), bi, n, dtype_name(t.dtype),
                       shape_str(t.shape).c_str(), t.bytes());
        t.constant = p;
        t.constant_bytes = n;
      }
    }
  }

  auto check_index_list = [&](const flatbuffers::Vector<int32_t>* v, const char* what, std::vector<int>& out,
                              bool allow_optional, const char* count_name, size_t max_count) -> Status {
    if (!v) return Status();
    if (v->size() > max_count) return error("%u %s, above the limit of %zu", v->size(), count_name, max_count);
    for (int32_t idx : *v) {
      if (idx == -1 && allow_optional) {
        out.push_back(-1);
        continue;
      }
      if (idx < 0 || static_cast<size_t>(idx) >= ntensors)
        return error("%s tensor index %d outside %zu tensors", what, idx, ntensors);
      out.push_back(idx);
    }
    return Status();
  };
  EB_RETURN_IF_ERROR(check_index_list(sg->inputs(), "subgraph input:", g.inputs, false, "subgraph inputs", limits.max_graph_io));
  EB_RETURN_IF_ERROR(check_index_list(sg->outputs(), "subgraph output:", g.outputs, false, "subgraph outputs", limits.max_graph_io));
  if (g.inputs.empty()) return error("subgraph has no inputs");
  if (g.outputs.empty()) return error("subgraph has no outputs");
  for (int i : g.inputs)
    if (g.tensors[static_cast<size_t>(i)].dtype == DType::kUnsupported)
      return error("input tensor %d '%s' has an unsupported type", i, g.tensors[static_cast<size_t>(i)].name.c_str());

  const auto* codes = model->operator_codes();
  const size_t ncodes = codes ? codes->size() : 0;
  const auto* ops = sg->operators();
  const size_t nops = ops ? ops->size() : 0;
  if (nops > limits.max_nodes) return error("%zu operators, above the limit of %zu", nops, limits.max_nodes);
  g.nodes.resize(nops);
  for (size_t i = 0; i < nops; ++i) {
    const tflite::Operator* op = ops->Get(static_cast<flatbuffers::uoffset_t>(i));
    Node& n = g.nodes[i];
    n.index = static_cast<int>(i);
    if (op->opcode_index() >= ncodes)
      return error("node %zu: opcode index %u outside %zu operator codes", i, op->opcode_index(), ncodes);
    const tflite::OperatorCode* oc = codes->Get(op->opcode_index());
    // TFLite's rule: the larger of the legacy byte code and the extended code is the real one.
    n.builtin = std::max<int32_t>(oc->deprecated_builtin_code(), oc->builtin_code());
    n.version = oc->version();
    if (n.builtin == static_cast<int32_t>(OpCode::kCustom)) {
      n.op_name = oc->custom_code() ? oc->custom_code()->str() : std::string("<unnamed custom op>");
      if (n.op_name.size() > limits.max_name_length) n.op_name.resize(64);
    } else {
      n.op_name = builtin_name(n.builtin);
    }
    auto prefix = strfmt("node %zu (%s): ", i, n.op_name.c_str());
    Status s = check_index_list(op->inputs(), "input", n.inputs, true, "inputs", limits.max_node_inputs);
    if (s.ok()) s = check_index_list(op->outputs(), "output", n.outputs, false, "outputs", limits.max_node_outputs);
    if (s.ok()) s = check_index_list(op->intermediates(), "intermediate", n.intermediates, true, "intermediates", limits.max_node_inputs);
    if (s.ok()) s = read_options(op, n.builtin, limits.max_rank, n.options);
    if (s.ok() && op->custom_options()) {
      if (op->custom_options()->size() > limits.max_custom_options_bytes)
        s = error("custom options are %u bytes, above the limit of %zu", op->custom_options()->size(), limits.max_custom_options_bytes);
      else
        n.custom_options.assign(op->custom_options()->begin(), op->custom_options()->end());
    }
    if (!s.ok()) return s.with_context(prefix);
  }

  // Data flow: every node input must hold data when the node runs -- a graph input, a constant, or an
  // output of an earlier node. Otherwise the planner gives it no memory and the kernel would read
  // through a null pointer (found by fuzz_model: tests/fuzz/regressions/model/crash-0b17843...).
  std::vector<bool> written(ntensors, false);
  for (int i : g.inputs) written[static_cast<size_t>(i)] = true;
  for (size_t t = 0; t < ntensors; ++t)
    if (g.tensors[t].is_constant() || g.tensors[t].is_variable) written[t] = true;
  for (const Node& n : g.nodes) {
    for (int in : n.inputs)
      if (in >= 0 && !written[static_cast<size_t>(in)])
        return error("node %d (%s): input tensor %d '%s' is never written before it (not a graph input, a constant "
                     "or an output of an earlier node)", n.index, n.op_name.c_str(), in,
                     g.tensors[static_cast<size_t>(in)].name.c_str());
    for (int out : n.outputs) written[static_cast<size_t>(out)] = true;
  }
  return Status();
}

Status Model::set_input_shape(int i, const Shape& shape) {
  const int inputs = static_cast<int>(graph_.inputs.size());
  if (i < 0 || i >= inputs) return error("input %d does not exist (model has %d inputs)", i, inputs);
  Tensor& t = graph_.tensors[static_cast<size_t>(graph_.inputs[static_cast<size_t>(i)])];
  if (shape.size() != t.signature.size())
    return error("input %d '%s': new shape %s has rank %zu, the model's input has rank %zu", i, t.name.c_str(),
                 shape_str(shape).c_str(), shape.size(), t.signature.size());
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] <= 0) return error("input %d '%s': dimension %zu of %s must be positive", i, t.name.c_str(), d, shape_str(shape).c_str());
    if (t.signature[d] != -1 && t.signature[d] != shape[d])
      return error("input %d '%s': dimension %zu is fixed at %d by the model (signature %s), cannot be %d as in %s", i,
                   t.name.c_str(), d, t.signature[d], shape_str(t.signature).c_str(), shape[d], shape_str(shape).c_str());
  }
  if (!checked_elements(shape, size_t{1} << 32)) return error("input %d: shape %s is too large", i, shape_str(shape).c_str());
  t.shape = shape;
  return Status();
}

}  // namespace eb

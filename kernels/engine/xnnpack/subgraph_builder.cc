#include "kernels/engine/xnnpack/subgraph_builder.h"

#include <algorithm>

#include "kernels/common/padding.h"
#include "kernels/engine/xnnpack/subgraph_builder_impl.h"

namespace eb {

const char* xnn_status_name(xnn_status s) {
  switch (s) {
    case xnn_status_success: return "success";
    case xnn_status_uninitialized: return "uninitialized";
    case xnn_status_invalid_parameter: return "invalid parameter";
    case xnn_status_invalid_state: return "invalid state";
    case xnn_status_unsupported_parameter: return "unsupported parameter";
    case xnn_status_unsupported_hardware: return "unsupported hardware";
    case xnn_status_out_of_memory: return "out of memory";
  }
  return "unknown status";
}

namespace xnn_detail {

Status SubgraphBuilder::define_external() {
  const uint32_t ni = static_cast<uint32_t>(g_.inputs.size());
  for (size_t i = 0; i < g_.inputs.size(); ++i) {
    const int t = g_.inputs[i];
    if (std::count(g_.inputs.begin(), g_.inputs.end(), t) > 1 ||
        std::count(g_.outputs.begin(), g_.outputs.end(), t) > 0)
      return error("graph input %zu (tensor %d '%s') is listed twice or is also an output; the xnnpack engine needs "
                   "distinct inputs and outputs", i, t, T(t).name.c_str());
    auto id = define(t, static_cast<uint32_t>(i), XNN_VALUE_FLAG_EXTERNAL_INPUT);
    if (!id.ok()) return id.status().with_context(strfmt("graph input %zu: ", i));
  }
  for (size_t j = 0; j < g_.outputs.size(); ++j) {
    const int t = g_.outputs[j];
    if (std::count(g_.outputs.begin(), g_.outputs.end(), t) > 1 || T(t).is_constant())
      return error("graph output %zu (tensor %d '%s') is listed twice or is a constant; the xnnpack engine needs "
                   "every output computed by a node", j, t, T(t).name.c_str());
    auto id = define(t, ni + static_cast<uint32_t>(j), XNN_VALUE_FLAG_EXTERNAL_OUTPUT);
    if (!id.ok()) return id.status().with_context(strfmt("graph output %zu: ", j));
  }
  return Status();
}

Status SubgraphBuilder::define_node(const Node& n) {
  Status s = dispatch(n);
  return s.with_context(strfmt("node %d (%s): ", n.index, n.op_name.c_str()));
}

Status SubgraphBuilder::dispatch(const Node& n) {
  for (int t : n.inputs)
    if (t >= 0 && T(t).dtype == DType::kFloat16)
      return error("tensor %d '%s' is float16 at run time; %s subgraphs take float16 weights only through "
                   "DEQUANTIZE of a constant", t, T(t).name.c_str(), kXnnpackVersion);
  switch (n.op()) {
    case OpCode::kConv2D: return conv2d(n);
    case OpCode::kDepthwiseConv2D: return depthwise_conv2d(n);
    case OpCode::kFullyConnected: return fully_connected(n);
    case OpCode::kMaxPool2D:
    case OpCode::kAveragePool2D: return pool2d(n);
    case OpCode::kAdd:
    case OpCode::kSub:
    case OpCode::kMul: return binary(n);
    case OpCode::kRelu:
    case OpCode::kRelu6: return relu(n);
    case OpCode::kLogistic:
    case OpCode::kSoftmax:
    case OpCode::kHardSwish:
    case OpCode::kLeakyRelu: return float_unary(n);
    case OpCode::kReshape:
    case OpCode::kSqueeze: return reshape(n);
    case OpCode::kPad: return pad(n);
    case OpCode::kMean: return mean(n);
    case OpCode::kQuantize:
    case OpCode::kDequantize: return convert(n);
    case OpCode::kResizeBilinear: return resize_bilinear(n);
    case OpCode::kConcatenation: return concatenation(n);
    default:
      return error("not supported by %s subgraphs (it has no such operator)", kXnnpackVersion);
  }
}

// The XNNPACK value of tensor t, defined on first use (constants carry their data).
Result<uint32_t> SubgraphBuilder::value(int t) {
  if (t < 0) return XNN_INVALID_VALUE_ID;
  if (ids_[static_cast<size_t>(t)] != XNN_INVALID_VALUE_ID) return ids_[static_cast<size_t>(t)];
  return define(t, XNN_INVALID_VALUE_ID, 0);
}

Result<uint32_t> SubgraphBuilder::define(int t, uint32_t external_id, uint32_t flags) {
  const Tensor& x = T(t);
  auto id = define_value(x, x.shape, x.is_constant() ? x.constant : nullptr, external_id, flags);
  if (!id.ok()) return id.status().with_context(strfmt("tensor %d '%s': ", t, x.name.c_str()));
  ids_[static_cast<size_t>(t)] = *id;
  return id;
}

// An internal value with `like`'s datatype and quantization but its own shape (steps between the
// XNNPACK nodes one TFLite node becomes).
Result<uint32_t> SubgraphBuilder::temp(const Tensor& like, const Shape& shape, DType dtype) {
  // XNNPACK keeps a pointer to per-channel scales; this Tensor is local, so only per-tensor parameters
  // (copied by value) may be used here.
  if (dtype == like.dtype && like.quant.per_channel())
    return error("tensor '%s': per-channel quantization of an activation is not supported", like.name.c_str());
  Tensor t;
  t.dtype = dtype;
  t.quant = dtype == like.dtype ? like.quant : Quantization{};
  return define_value(t, shape, nullptr, XNN_INVALID_VALUE_ID, 0);
}

Result<uint32_t> SubgraphBuilder::define_value(const Tensor& x, const Shape& shape, const void* data, uint32_t external_id, uint32_t flags) {
  if (shape.size() > XNN_MAX_TENSOR_DIMS)
    return error("rank %zu is above the %d dimensions XNNPACK takes", shape.size(), XNN_MAX_TENSOR_DIMS);
  std::vector<size_t> dims(shape.begin(), shape.end());
  uint32_t id = XNN_INVALID_VALUE_ID;
  xnn_status s = xnn_status_success;
  if (x.dtype == DType::kFloat32) {
    s = xnn_define_tensor_value(sg_, xnn_datatype_fp32, dims.size(), dims.data(), data, external_id, flags, &id);
  } else if (x.dtype == DType::kInt8 || x.dtype == DType::kUInt8 || x.dtype == DType::kInt32) {
    if (!x.quant.present())
      return error("%s without quantization parameters is not supported: XNNPACK takes integer tensors only as "
                   "quantized values", dtype_name(x.dtype));
    if (x.quant.per_channel()) {
      if (x.dtype == DType::kUInt8) return error("per-channel uint8 quantization is not supported by XNNPACK");
      for (int64_t zp : x.quant.zero_point)
        if (zp != 0) return error("per-channel quantization with zero point %lld (XNNPACK needs 0)", static_cast<long long>(zp));
      if (x.quant.axis < 0 || static_cast<size_t>(x.quant.axis) >= shape.size() ||
          x.quant.scale.size() != static_cast<size_t>(shape[static_cast<size_t>(x.quant.axis)]))
        return error("%zu per-channel scales do not match dimension %d of %s", x.quant.scale.size(), x.quant.axis,
                     shape_str(shape).c_str());
      s = xnn_define_channelwise_quantized_tensor_value(
          sg_, x.dtype == DType::kInt8 ? xnn_datatype_qcint8 : xnn_datatype_qcint32, x.quant.scale.data(), dims.size(),
          static_cast<size_t>(x.quant.axis), dims.data(), data, external_id, flags, &id);
    } else {
      const xnn_datatype dt = x.dtype == DType::kInt8    ? xnn_datatype_qint8
                              : x.dtype == DType::kUInt8 ? xnn_datatype_quint8
                                                         : xnn_datatype_qint32;
      s = xnn_define_quantized_tensor_value(sg_, dt, x.quant.zp0(), x.quant.scale0(), dims.size(), dims.data(), data,
                                            external_id, flags, &id);
    }
  } else {
    return error("type %s is not supported by %s subgraphs", dtype_name(x.dtype), kXnnpackVersion);
  }
  if (s != xnn_status_success)
    return error("%s refused the %s value of shape %s (%s)", kXnnpackVersion, type_desc(x).c_str(),
                 shape_str(shape).c_str(), xnn_status_name(s));
  return id;
}

// What XNNPACK said, with what was asked of it: "xnn_define_fully_connected refused input int8,
// filter int8 per-channel, output int8 (invalid parameter)".
Status SubgraphBuilder::check(xnn_status s, const char* what, const Node& n) const {
  if (s == xnn_status_success) return Status();
  std::string types;
  static const char* kRoles[] = {"input", "filter", "bias"};
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    if (n.inputs[k] < 0) continue;
    const bool conv_like = n.op() == OpCode::kConv2D || n.op() == OpCode::kDepthwiseConv2D ||
                           n.op() == OpCode::kFullyConnected;
    types += strfmt("%s %s, ", conv_like && k < 3 ? kRoles[k] : strfmt("input %zu", k).c_str(), type_desc(T(n.inputs[k])).c_str());
  }
  types += "output " + type_desc(out(n));
  return error("%s does not support this node in %s: xnn_define_%s refused %s (%s)", kXnnpackVersion,
               dtype_name(T(n.inputs[0]).dtype), what, types.c_str(), xnn_status_name(s));
}

// The fused activation as XNNPACK's [output_min, output_max], narrowed to what a quantized output can
// hold so that XNNPACK never quantizes an infinite bound.
Result<std::pair<float, float>> SubgraphBuilder::output_range(Activation act, const Tensor& o) const {
  float lo = -kInf, hi = kInf;
  switch (act) {
    case Activation::kNone: break;
    case Activation::kRelu: lo = 0.0f; break;
    case Activation::kReluN1To1: lo = -1.0f, hi = 1.0f; break;
    case Activation::kRelu6: lo = 0.0f, hi = 6.0f; break;
    default:
      return error("fused activation %d (TANH/SIGN_BIT) is not supported by %s", static_cast<int>(act), kXnnpackVersion);
  }
  if (is_quantized_type(o.dtype)) {
    if (!o.quant.present()) return error("output '%s' has no quantization parameters", o.name.c_str());
    const float qmin = o.dtype == DType::kInt8 ? -128.0f : 0.0f, qmax = o.dtype == DType::kInt8 ? 127.0f : 255.0f;
    const float zp = static_cast<float>(o.quant.zp0()), scale = o.quant.scale0();
    lo = std::max(lo, (qmin - zp) * scale);
    hi = std::min(hi, (qmax - zp) * scale);
  }
  return std::make_pair(lo, hi);
}

// Weights must be constants and of the input's family: XNNPACK 2022 has no dynamic-range (hybrid)
// kernels in subgraphs and packs weights once, at runtime creation.
Status SubgraphBuilder::check_weights(const Node& n) const {
  const Tensor& x = in(n, 0);
  const Tensor& w = in(n, 1);
  if (!w.is_constant())
    return error("filter '%s' is not a constant: %s packs weights once and needs them static", w.name.c_str(), kXnnpackVersion);
  if (n.inputs.size() > 2 && n.inputs[2] >= 0 && !in(n, 2).is_constant())
    return error("bias '%s' is not a constant: %s needs it static", in(n, 2).name.c_str(), kXnnpackVersion);
  if (x.dtype == DType::kFloat32 && w.dtype != DType::kFloat32)
    return error("float32 input with %s weights (dynamic-range quantization) is not supported by %s subgraphs",
                 type_desc(w).c_str(), kXnnpackVersion);
  return Status();
}

SubgraphBuilder::Pads SubgraphBuilder::window_pads(const NodeOptions& o, int32_t in_h, int32_t in_w, int32_t kh, int32_t kw) {
  Pads p;
  const WindowGeometry gh = window_geometry(o.padding, in_h, kh, o.stride_h, o.dilation_h);
  const WindowGeometry gw = window_geometry(o.padding, in_w, kw, o.stride_w, o.dilation_w);
  const int64_t eff_h = static_cast<int64_t>(kh - 1) * o.dilation_h + 1, eff_w = static_cast<int64_t>(kw - 1) * o.dilation_w + 1;
  const int64_t total_h = std::max<int64_t>(0, static_cast<int64_t>(gh.out - 1) * o.stride_h + eff_h - in_h);
  const int64_t total_w = std::max<int64_t>(0, static_cast<int64_t>(gw.out - 1) * o.stride_w + eff_w - in_w);
  p.top = static_cast<uint32_t>(gh.pad_before), p.bottom = static_cast<uint32_t>(total_h - gh.pad_before);
  p.left = static_cast<uint32_t>(gw.pad_before), p.right = static_cast<uint32_t>(total_w - gw.pad_before);
  return p;
}

Status SubgraphBuilder::conv2d(const Node& n) {
  EB_RETURN_IF_ERROR(check_weights(n));
  const Tensor& x = in(n, 0);
  const Tensor& w = in(n, 1);
  if (x.rank() != 4 || w.rank() != 4) return error("input and filter must have rank 4");
  const int32_t out_c = w.dim(0), kh = w.dim(1), kw = w.dim(2), group_in = w.dim(3);
  if (group_in <= 0 || x.dim(3) % group_in != 0 || out_c % (x.dim(3) / group_in) != 0)
    return error("input channels %d do not split into groups of the filter's %d", x.dim(3), group_in);
  const uint32_t groups = static_cast<uint32_t>(x.dim(3) / group_in);
  const Pads p = window_pads(n.options, x.dim(1), x.dim(2), kh, kw);
  auto range = output_range(n.options.activation, out(n));
  if (!range.ok()) return range.status();
  auto xi = value(n.inputs[0]), wi = value(n.inputs[1]), bi = value(n.inputs.size() > 2 ? n.inputs[2] : -1),
       oi = value(n.outputs[0]);
  for (auto* r : {&xi, &wi, &bi, &oi})
    if (!r->ok()) return r->status();
  EB_RETURN_IF_ERROR(check(
      xnn_define_convolution_2d(sg_, p.top, p.right, p.bottom, p.left, static_cast<uint32_t>(kh), static_cast<uint32_t>(kw),
                                static_cast<uint32_t>(n.options.stride_h), static_cast<uint32_t>(n.options.stride_w),
                                static_cast<uint32_t>(n.options.dilation_h), static_cast<uint32_t>(n.options.dilation_w),
                                groups, static_cast<size_t>(group_in), static_cast<size_t>(out_c) / groups,
                                range->first, range->second, *xi, *wi, *bi, *oi, 0),
      "convolution_2d", n));
  kernels.emplace_back(n.index, "xnn_convolution_2d_" + compute_suffix(x, &w));
  return Status();
}

Status SubgraphBuilder::depthwise_conv2d(const Node& n) {
  EB_RETURN_IF_ERROR(check_weights(n));
  const Tensor& x = in(n, 0);
  const Tensor& w = in(n, 1);
  if (x.rank() != 4 || w.rank() != 4 || w.dim(0) != 1) return error("input and filter must have rank 4, filter [1, H, W, C]");
  const int32_t channels = x.dim(3), kh = w.dim(1), kw = w.dim(2);
  if (channels <= 0 || w.dim(3) % channels != 0)
    return error("filter channels %d are not a multiple of the input's %d", w.dim(3), channels);
  const uint32_t multiplier = static_cast<uint32_t>(w.dim(3) / channels);
  const Pads p = window_pads(n.options, x.dim(1), x.dim(2), kh, kw);
  auto range = output_range(n.options.activation, out(n));
  if (!range.ok()) return range.status();
  auto xi = value(n.inputs[0]), wi = value(n.inputs[1]), bi = value(n.inputs.size() > 2 ? n.inputs[2] : -1),
       oi = value(n.outputs[0]);
  for (auto* r : {&xi, &wi, &bi, &oi})
    if (!r->ok()) return r->status();
  EB_RETURN_IF_ERROR(check(
      xnn_define_depthwise_convolution_2d(
          sg_, p.top, p.right, p.bottom, p.left, static_cast<uint32_t>(kh), static_cast<uint32_t>(kw),
          static_cast<uint32_t>(n.options.stride_h), static_cast<uint32_t>(n.options.stride_w),
          static_cast<uint32_t>(n.options.dilation_h), static_cast<uint32_t>(n.options.dilation_w), multiplier,
          static_cast<size_t>(channels), range->first, range->second, *xi, *wi, *bi, *oi, 0),
      "depthwise_convolution_2d", n));
  kernels.emplace_back(n.index, "xnn_depthwise_convolution_2d_" + compute_suffix(x, &w));
  return Status();
}

Status SubgraphBuilder::fully_connected(const Node& n) {
  EB_RETURN_IF_ERROR(check_weights(n));
  if (!n.options.weights_format_default) return error("shuffled weights are not supported by %s", kXnnpackVersion);
  if (in(n, 1).rank() != 2) return error("filter must have rank 2");
  auto range = output_range(n.options.activation, out(n));
  if (!range.ok()) return range.status();
  auto xi = value(n.inputs[0]), wi = value(n.inputs[1]), bi = value(n.inputs.size() > 2 ? n.inputs[2] : -1),
       oi = value(n.outputs[0]);
  for (auto* r : {&xi, &wi, &bi, &oi})
    if (!r->ok()) return r->status();
  if (in(n, 0).dtype == DType::kInt8 && in(n, 1).quant.per_channel()) return fully_connected_as_conv(n, *range, *xi, *bi, *oi);
  // TFLite flattens the input to [-1, input channels] unless keep_num_dims; XNNPACK does the same with
  // TENSORFLOW_RESHAPE_2D and otherwise keeps the leading dimensions as batch.
  const uint32_t flags = n.options.keep_num_dims ? 0 : XNN_FLAG_TENSORFLOW_RESHAPE_2D;
  EB_RETURN_IF_ERROR(check(xnn_define_fully_connected(sg_, range->first, range->second, *xi, *wi, *bi, *oi, flags),
                           "fully_connected", n));
  kernels.emplace_back(n.index, "xnn_fully_connected_" + compute_suffix(in(n, 0), &in(n, 1)));
  return Status();
}

// This XNNPACK's fully connected node takes no per-channel (qc8) weights, its convolution does: an
// [O, I] filter is an [O, 1, 1, I] 1x1 filter over the same bytes, so the node becomes reshape ->
// 1x1 convolution -> reshape, with identical arithmetic (later XNNPACK versions added qc8 FC).
Status SubgraphBuilder::fully_connected_as_conv(const Node& n, std::pair<float, float> range, uint32_t xi, uint32_t bi, uint32_t oi) {
  const Tensor& x = in(n, 0);
  const Tensor& w = in(n, 1);
  const Tensor& o = out(n);
  const int32_t out_c = w.dim(0), in_c = w.dim(1);
  if (in_c <= 0 || x.elements() % in_c != 0) return error("input of %lld elements is not a multiple of %d", static_cast<long long>(x.elements()), in_c);
  const int32_t batch = static_cast<int32_t>(x.elements() / in_c);
  auto x4 = temp(x, {batch, 1, 1, in_c}, x.dtype), o4 = temp(o, {batch, 1, 1, out_c}, o.dtype);
  auto w4 = define_value(w, {out_c, 1, 1, in_c}, w.constant, XNN_INVALID_VALUE_ID, 0);
  for (auto* r : {&x4, &o4, &w4})
    if (!r->ok()) return r->status();
  std::vector<size_t> x4_dims = {static_cast<size_t>(batch), 1, 1, static_cast<size_t>(in_c)};
  std::vector<size_t> o_dims(o.shape.begin(), o.shape.end());
  EB_RETURN_IF_ERROR(check(xnn_define_static_reshape(sg_, 4, x4_dims.data(), xi, *x4, 0), "static_reshape", n));
  EB_RETURN_IF_ERROR(check(xnn_define_convolution_2d(sg_, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, static_cast<size_t>(in_c),
                                                     static_cast<size_t>(out_c), range.first, range.second, *x4, *w4,
                                                     bi, *o4, 0),
                           "convolution_2d", n));
  EB_RETURN_IF_ERROR(check(xnn_define_static_reshape(sg_, o_dims.size(), o_dims.data(), *o4, oi, 0), "static_reshape", n));
  kernels.emplace_back(n.index, "xnn_static_reshape+convolution_2d_1x1_qc8+static_reshape");
  return Status();
}

}  // namespace xnn_detail

Result<std::vector<std::pair<int, std::string>>> define_xnn_subgraph(const Graph& graph, const std::vector<int>& nodes,
                                                                    xnn_subgraph_t subgraph) {
  xnn_detail::SubgraphBuilder b(graph, subgraph);
  EB_RETURN_IF_ERROR(b.define_external());
  for (int idx : nodes) {
    const Node& n = graph.nodes[static_cast<size_t>(idx)];
    if (n.inputs.empty() || n.outputs.size() != 1 || n.inputs[0] < 0)
      return error("node %d (%s): %s subgraphs need one input and one output tensor per node here", n.index,
                   n.op_name.c_str(), kXnnpackVersion);
    EB_RETURN_IF_ERROR(b.define_node(n));
  }
  return std::move(b.kernels);
}

}  // namespace eb

// The operators other than convolution and fully connected: pooling, elementwise, activations,
// shape changes, quantize/dequantize, resize and (float) concatenation.
#include <algorithm>

#include "kernels/engine/xnnpack/subgraph_builder_impl.h"

namespace eb::xnn_detail {

// This XNNPACK has no concatenation. For float32 it is exact as a sum of zero-padded inputs: each
// input padded to the output's extent along the axis (x + 0.0 == x), added up. Quantized inputs
// would be requantized by the additions, so they are refused.
Status SubgraphBuilder::concatenation(const Node& n) {
  const Tensor& o = out(n);
  if (o.dtype != DType::kFloat32)
    return error("%s concatenation is not supported: %s has no concatenation (float32 is emulated exactly with pad + add)",
                 dtype_name(o.dtype), kXnnpackVersion);
  if (n.options.activation != Activation::kNone) return error("fused activation on concatenation is not supported");
  if (n.inputs.size() < 2) return error("expects at least 2 inputs");
  const int rank = o.rank();
  const int axis = n.options.axis < 0 ? n.options.axis + rank : n.options.axis;
  if (axis < 0 || axis >= rank || rank > XNN_MAX_TENSOR_DIMS) return error("axis %d out of range for rank %d", n.options.axis, rank);
  auto oi = value(n.outputs[0]);
  if (!oi.ok()) return oi.status();
  size_t offset = 0;
  uint32_t sum = XNN_INVALID_VALUE_ID;
  for (size_t k = 0; k < n.inputs.size(); ++k) {
    const Tensor& x = in(n, k);
    if (x.rank() != rank) return error("input %zu has rank %d, output %d", k, x.rank(), rank);
    auto xi = value(n.inputs[k]);
    if (!xi.ok()) return xi.status();
    std::vector<size_t> pre(static_cast<size_t>(rank), 0), post(static_cast<size_t>(rank), 0);
    const size_t extent = static_cast<size_t>(x.dim(axis));
    pre[static_cast<size_t>(axis)] = offset;
    post[static_cast<size_t>(axis)] = static_cast<size_t>(o.dim(axis)) - offset - extent;
    offset += extent;
    auto padded = temp(o, o.shape, DType::kFloat32);
    if (!padded.ok()) return padded.status();
    EB_RETURN_IF_ERROR(check(xnn_define_static_constant_pad(sg_, pre.data(), post.data(), 0.0f, *xi, *padded, 0),
                             "static_constant_pad", n));
    if (sum == XNN_INVALID_VALUE_ID) {
      sum = *padded;
      continue;
    }
    uint32_t target = *oi;
    if (k + 1 < n.inputs.size()) {
      auto t = temp(o, o.shape, DType::kFloat32);
      if (!t.ok()) return t.status();
      target = *t;
    }
    EB_RETURN_IF_ERROR(check(xnn_define_add2(sg_, -kInf, kInf, sum, *padded, target, 0), "add2", n));
    sum = target;
  }
  kernels.emplace_back(n.index, strfmt("xnn_static_constant_pad+add2_f32 (concatenation of %zu)", n.inputs.size()));
  return Status();
}

Status SubgraphBuilder::pool2d(const Node& n) {
  const Tensor& x = in(n, 0);
  const Tensor& o = out(n);
  if (x.rank() != 4) return error("input must have rank 4");
  const NodeOptions& opt = n.options;
  if (!same_quantization(x, o) && n.op() == OpCode::kMaxPool2D)
    return error("input and output quantization differ, which %s max pooling does not requantize", kXnnpackVersion);
  auto range = output_range(opt.activation, o);
  if (!range.ok()) return range.status();
  NodeOptions geom = opt;
  geom.dilation_h = geom.dilation_w = 1;
  const Pads p = window_pads(geom, x.dim(1), x.dim(2), opt.filter_h, opt.filter_w);
  auto xi = value(n.inputs[0]), oi = value(n.outputs[0]);
  if (!xi.ok()) return xi.status();
  if (!oi.ok()) return oi.status();
  const uint32_t fh = static_cast<uint32_t>(opt.filter_h), fw = static_cast<uint32_t>(opt.filter_w);
  const uint32_t sh = static_cast<uint32_t>(opt.stride_h), sw = static_cast<uint32_t>(opt.stride_w);
  if (n.op() == OpCode::kMaxPool2D) {
    EB_RETURN_IF_ERROR(check(xnn_define_max_pooling_2d(sg_, p.top, p.right, p.bottom, p.left, fh, fw, sh, sw, 1, 1,
                                                       range->first, range->second, *xi, *oi, 0),
                             "max_pooling_2d", n));
    kernels.emplace_back(n.index, "xnn_max_pooling_2d_" + compute_suffix(x));
    return Status();
  }
  // A window that covers the whole unpadded input is a global average: the form XNNPACK has for
  // quantized tensors too (and its faster kernel for float).
  const bool global = p.top + p.bottom + p.left + p.right == 0 && opt.filter_h == x.dim(1) && opt.filter_w == x.dim(2) &&
                      o.dim(1) == 1 && o.dim(2) == 1;
  if (global) {
    EB_RETURN_IF_ERROR(check(xnn_define_global_average_pooling_2d(sg_, range->first, range->second, *xi, *oi, 0),
                             "global_average_pooling_2d", n));
    kernels.emplace_back(n.index, "xnn_global_average_pooling_2d_" + compute_suffix(x));
    return Status();
  }
  if (x.dtype != DType::kFloat32)
    return error("%s average pooling over a window smaller than the input is float32-only in %s subgraphs",
                 dtype_name(x.dtype), kXnnpackVersion);
  EB_RETURN_IF_ERROR(check(xnn_define_average_pooling_2d(sg_, p.top, p.right, p.bottom, p.left, fh, fw, sh, sw,
                                                         range->first, range->second, *xi, *oi, 0),
                           "average_pooling_2d", n));
  kernels.emplace_back(n.index, "xnn_average_pooling_2d_" + compute_suffix(x));
  return Status();
}

Status SubgraphBuilder::binary(const Node& n) {
  if (n.inputs.size() != 2) return error("expects 2 inputs");
  auto range = output_range(n.options.activation, out(n));
  if (!range.ok()) return range.status();
  auto ai = value(n.inputs[0]), bi = value(n.inputs[1]), oi = value(n.outputs[0]);
  for (auto* r : {&ai, &bi, &oi})
    if (!r->ok()) return r->status();
  xnn_status s;
  const char* what;
  if (n.op() == OpCode::kAdd) {
    s = xnn_define_add2(sg_, range->first, range->second, *ai, *bi, *oi, 0), what = "add2";
  } else if (n.op() == OpCode::kSub) {
    s = xnn_define_subtract(sg_, range->first, range->second, *ai, *bi, *oi, 0), what = "subtract";
  } else {
    s = xnn_define_multiply2(sg_, range->first, range->second, *ai, *bi, *oi, 0), what = "multiply2";
  }
  EB_RETURN_IF_ERROR(check(s, what, n));
  kernels.emplace_back(n.index, std::string("xnn_") + what + "_" + compute_suffix(in(n, 0)));
  return Status();
}

Status SubgraphBuilder::relu(const Node& n) {
  if (!same_quantization(in(n, 0), out(n)))
    return error("input and output quantization differ, which %s clamp does not requantize", kXnnpackVersion);
  auto range = output_range(n.op() == OpCode::kRelu ? Activation::kRelu : Activation::kRelu6, out(n));
  if (!range.ok()) return range.status();
  auto xi = value(n.inputs[0]), oi = value(n.outputs[0]);
  if (!xi.ok()) return xi.status();
  if (!oi.ok()) return oi.status();
  EB_RETURN_IF_ERROR(check(xnn_define_clamp(sg_, range->first, range->second, *xi, *oi, 0), "clamp", n));
  kernels.emplace_back(n.index, "xnn_clamp_" + compute_suffix(in(n, 0)));
  return Status();
}

xnn_status SubgraphBuilder::define_float_unary(const Node& n, uint32_t x, uint32_t o) {
  switch (n.op()) {
    case OpCode::kLogistic: return xnn_define_sigmoid(sg_, x, o, 0);
    case OpCode::kSoftmax: return xnn_define_softmax(sg_, x, o, 0);
    case OpCode::kHardSwish: return xnn_define_hardswish(sg_, x, o, 0);
    default: return xnn_define_leaky_relu(sg_, n.options.alpha, x, o, 0);
  }
}

const char* SubgraphBuilder::float_unary_name(OpCode op) {
  switch (op) {
    case OpCode::kLogistic: return "sigmoid";
    case OpCode::kSoftmax: return "softmax";
    case OpCode::kHardSwish: return "hardswish";
    default: return "leaky_relu";
  }
}

// LOGISTIC, SOFTMAX, HARD_SWISH, LEAKY_RELU. This XNNPACK's subgraph nodes for them are float-only
// (or, for sigmoid, accept a quantized node at definition that runtime creation may then refuse, too
// late to name the node), so quantized tensors go dequantize -> float op -> quantize, all inside
// XNNPACK. TFLite's delegate would leave such a node to TFLite's own kernels; here the whole model
// stays in XNNPACK, and the result stays within the conformance tolerance of one quantized step.
Status SubgraphBuilder::float_unary(const Node& n) {
  if (n.op() == OpCode::kSoftmax && n.options.beta != 1.0f)
    return error("beta %g is not supported by %s softmax (only 1)", static_cast<double>(n.options.beta), kXnnpackVersion);
  const Tensor& x = in(n, 0);
  const Tensor& o = out(n);
  const char* name = float_unary_name(n.op());
  auto xi = value(n.inputs[0]), oi = value(n.outputs[0]);
  if (!xi.ok()) return xi.status();
  if (!oi.ok()) return oi.status();
  if (x.dtype == DType::kFloat32) {
    EB_RETURN_IF_ERROR(check(define_float_unary(n, *xi, *oi), name, n));
    kernels.emplace_back(n.index, std::string("xnn_") + name + "_f32");
    return Status();
  }
  auto xf = temp(x, x.shape, DType::kFloat32), of = temp(o, o.shape, DType::kFloat32);
  if (!xf.ok()) return xf.status();
  if (!of.ok()) return of.status();
  EB_RETURN_IF_ERROR(check(xnn_define_convert(sg_, *xi, *xf, 0), "convert", n));
  EB_RETURN_IF_ERROR(check(define_float_unary(n, *xf, *of), name, n));
  EB_RETURN_IF_ERROR(check(xnn_define_convert(sg_, *of, *oi, 0), "convert", n));
  kernels.emplace_back(n.index, std::string("xnn_convert+") + name + "_f32+convert");
  return Status();
}

Status SubgraphBuilder::reshape(const Node& n) {
  if (!same_quantization(in(n, 0), out(n))) return error("input and output quantization differ");
  const Tensor& o = out(n);
  if (o.rank() > XNN_MAX_TENSOR_DIMS) return error("output rank %d is above XNNPACK's %d", o.rank(), XNN_MAX_TENSOR_DIMS);
  std::vector<size_t> dims(o.shape.begin(), o.shape.end());
  auto xi = value(n.inputs[0]), oi = value(n.outputs[0]);
  if (!xi.ok()) return xi.status();
  if (!oi.ok()) return oi.status();
  EB_RETURN_IF_ERROR(check(xnn_define_static_reshape(sg_, dims.size(), dims.data(), *xi, *oi, 0), "static_reshape", n));
  kernels.emplace_back(n.index, "xnn_static_reshape_" + compute_suffix(in(n, 0)));
  return Status();
}

// Reads a small constant integer tensor (PAD paddings, MEAN axes): int32 or int64.
Result<std::vector<int64_t>> SubgraphBuilder::const_ints(int t) const {
  if (t < 0 || !T(t).is_constant()) return error("tensor %d must be a constant for %s", t, kXnnpackVersion);
  const Tensor& c = T(t);
  std::vector<int64_t> v(static_cast<size_t>(c.elements()));
  for (size_t k = 0; k < v.size(); ++k) {
    if (c.dtype == DType::kInt32) v[k] = c.constant_as<int32_t>()[k];
    else if (c.dtype == DType::kInt64) v[k] = c.constant_as<int64_t>()[k];
    else return error("tensor %d '%s' must be int32 or int64", t, c.name.c_str());
  }
  return v;
}

Status SubgraphBuilder::pad(const Node& n) {
  if (n.inputs.size() != 2) return error("expects 2 inputs (PADV2's constant is not supported)");
  if (!same_quantization(in(n, 0), out(n))) return error("input and output quantization differ");
  auto pads = const_ints(n.inputs[1]);
  if (!pads.ok()) return pads.status();
  const size_t rank = static_cast<size_t>(in(n, 0).rank());
  if (pads->size() != 2 * rank) return error("paddings have %zu values for rank %zu", pads->size(), rank);
  std::vector<size_t> pre(rank), post(rank);
  for (size_t d = 0; d < rank; ++d) {
    if ((*pads)[2 * d] < 0 || (*pads)[2 * d + 1] < 0) return error("negative padding");
    pre[d] = static_cast<size_t>((*pads)[2 * d]), post[d] = static_cast<size_t>((*pads)[2 * d + 1]);
  }
  auto xi = value(n.inputs[0]), oi = value(n.outputs[0]);
  if (!xi.ok()) return xi.status();
  if (!oi.ok()) return oi.status();
  // 0.0 in real terms: XNNPACK quantizes it with the output's parameters (= the zero point, as TFLite pads).
  EB_RETURN_IF_ERROR(check(xnn_define_static_constant_pad(sg_, pre.data(), post.data(), 0.0f, *xi, *oi, 0),
                           "static_constant_pad", n));
  kernels.emplace_back(n.index, "xnn_static_constant_pad_" + compute_suffix(in(n, 0)));
  return Status();
}

// MEAN over height and width of an NHWC tensor is a global average pooling (this XNNPACK has no
// general reduction); without keep_dims a reshape drops the two unit dimensions.
Status SubgraphBuilder::mean(const Node& n) {
  const Tensor& x = in(n, 0);
  const Tensor& o = out(n);
  auto axes = const_ints(n.inputs.size() > 1 ? n.inputs[1] : -1);
  if (!axes.ok()) return axes.status();
  std::vector<int64_t> a = *axes;
  for (int64_t& v : a)
    if (v < 0) v += x.rank();
  std::sort(a.begin(), a.end());
  if (x.rank() != 4 || a != std::vector<int64_t>{1, 2})
    return error("only a mean over axes [1, 2] of a rank-4 tensor maps onto %s (global average pooling)", kXnnpackVersion);
  auto range = output_range(Activation::kNone, o);
  if (!range.ok()) return range.status();
  auto xi = value(n.inputs[0]), oi = value(n.outputs[0]);
  if (!xi.ok()) return xi.status();
  if (!oi.ok()) return oi.status();
  uint32_t pooled = *oi;
  const Shape pooled_shape = {x.dim(0), 1, 1, x.dim(3)};
  if (o.shape != pooled_shape) {
    auto t = temp(o, pooled_shape, o.dtype);
    if (!t.ok()) return t.status();
    pooled = *t;
  }
  EB_RETURN_IF_ERROR(check(xnn_define_global_average_pooling_2d(sg_, range->first, range->second, *xi, pooled, 0),
                           "global_average_pooling_2d", n));
  std::string name = "xnn_global_average_pooling_2d_" + compute_suffix(x);
  if (pooled != *oi) {
    std::vector<size_t> dims(o.shape.begin(), o.shape.end());
    EB_RETURN_IF_ERROR(check(xnn_define_static_reshape(sg_, dims.size(), dims.data(), pooled, *oi, 0), "static_reshape", n));
    name += "+static_reshape";
  }
  kernels.emplace_back(n.index, name);
  return Status();
}

// QUANTIZE (float -> int, or int -> int requantization) and DEQUANTIZE of run-time tensors. This
// XNNPACK converts only between float and one quantized type, so a requantization goes through float.
Status SubgraphBuilder::convert(const Node& n) {
  const Tensor& x = in(n, 0);
  const Tensor& o = out(n);
  auto xi = value(n.inputs[0]), oi = value(n.outputs[0]);
  if (!xi.ok()) return xi.status();
  if (!oi.ok()) return oi.status();
  if (x.dtype == DType::kFloat32 || o.dtype == DType::kFloat32) {
    EB_RETURN_IF_ERROR(check(xnn_define_convert(sg_, *xi, *oi, 0), "convert", n));
    kernels.emplace_back(n.index, "xnn_convert_" + std::string(dtype_name(x.dtype)) + "_to_" + dtype_name(o.dtype));
    return Status();
  }
  auto f = temp(x, x.shape, DType::kFloat32);
  if (!f.ok()) return f.status();
  EB_RETURN_IF_ERROR(check(xnn_define_convert(sg_, *xi, *f, 0), "convert", n));
  EB_RETURN_IF_ERROR(check(xnn_define_convert(sg_, *f, *oi, 0), "convert", n));
  kernels.emplace_back(n.index, "xnn_convert_" + std::string(dtype_name(x.dtype)) + "_to_float32_to_" + dtype_name(o.dtype));
  return Status();
}

Status SubgraphBuilder::resize_bilinear(const Node& n) {
  const Tensor& o = out(n);
  if (o.rank() != 4) return error("output must have rank 4");
  if (n.options.align_corners && n.options.half_pixel_centers)
    return error("align_corners together with half_pixel_centers is not supported by %s", kXnnpackVersion);
  // TFLite's three coordinate conventions: align_corners, half-pixel centers, or neither (TF1 legacy).
  uint32_t flags = 0;
  if (n.options.align_corners) flags = XNN_FLAG_ALIGN_CORNERS;
  else if (!n.options.half_pixel_centers) flags = XNN_FLAG_TENSORFLOW_LEGACY_MODE;
  auto xi = value(n.inputs[0]), oi = value(n.outputs[0]);
  if (!xi.ok()) return xi.status();
  if (!oi.ok()) return oi.status();
  EB_RETURN_IF_ERROR(check(xnn_define_static_resize_bilinear_2d(sg_, static_cast<size_t>(o.dim(1)),
                                                                static_cast<size_t>(o.dim(2)), *xi, *oi, flags),
                           "static_resize_bilinear_2d", n));
  kernels.emplace_back(n.index, "xnn_static_resize_bilinear_2d_" + compute_suffix(in(n, 0)));
  return Status();
}

}  // namespace eb::xnn_detail

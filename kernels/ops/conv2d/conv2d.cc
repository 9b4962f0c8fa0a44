// prepare_conv2d: checks, output shape, requantization parameters; and the prepare-time checks shared
// with DEPTHWISE_CONV_2D.
#include "kernels/ops/conv2d/conv2d.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "kernels/common/padding.h"
#include "kernels/common/quantization.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {

namespace {

// Requantization of full-integer convs: TFLite hands int8 AND uint8 CONV_2D to XNNPACK, so both use
// XNNPACK's fp32 scheme. Evidence (conformance data, real TFLite outputs): with kXnnpackFp32 every
// int8 model (ic-resnet8, kws-dscnn, fmnist, cifar10, mobilenet-v2) and mobilenet-v1-0.25-128-uint8
// match bit for bit; with kTfliteFixedPoint for uint8, mobilenet-v1 lands up to 6 steps away on 6 of 6
// cases. The scheme stays a parameter of ConvRequant.
constexpr RequantScheme kConvInt8Requant = RequantScheme::kXnnpackFp32;
constexpr RequantScheme kConvUint8Requant = RequantScheme::kXnnpackFp32;

bool valid_scale(float s) { return std::isfinite(s) && s > 0.0f; }

int32_t dtype_qmin(DType t) {
  return t == DType::kUInt8 ? qmin_of<uint8_t>() : t == DType::kInt16 ? qmin_of<int16_t>() : qmin_of<int8_t>();
}
int32_t dtype_qmax(DType t) {
  return t == DType::kUInt8 ? qmax_of<uint8_t>() : t == DType::kInt16 ? qmax_of<int16_t>() : qmax_of<int8_t>();
}

}  // namespace

Result<std::vector<float>> weight_scales(const Tensor& w, int channel_axis, int32_t channels, bool symmetric) {
  const Quantization& q = w.quant;
  if (!q.present())
    return error("filter '%s' (%s) has no quantization parameters", w.name.c_str(), dtype_name(w.dtype));
  const size_t n = q.scale.size();
  if (n != 1 && !(n == static_cast<size_t>(channels) && q.axis == channel_axis))
    return error("filter '%s' has %zu scales along dimension %d; expected 1, or %d along dimension %d", w.name.c_str(),
                 n, q.axis, channels, channel_axis);
  if (!q.zero_point.empty() && q.zero_point.size() != n)
    return error("filter '%s' has %zu scales but %zu zero points", w.name.c_str(), n, q.zero_point.size());
  for (size_t i = 0; i < n; ++i) {
    if (!valid_scale(q.scale[i]))
      return error("filter '%s' has an invalid scale %g (channel %zu)", w.name.c_str(), static_cast<double>(q.scale[i]),
                   i);
    const int64_t zp = q.zero_point.empty() ? 0 : q.zero_point[i];
    if (symmetric && zp != 0)
      return error("filter '%s' has zero point %lld (channel %zu); %s weights must be symmetric (zero point 0)",
                   w.name.c_str(), static_cast<long long>(zp), i, dtype_name(w.dtype));
    if (zp < dtype_qmin(w.dtype) || zp > dtype_qmax(w.dtype))
      return error("filter '%s' has zero point %lld outside the %s range", w.name.c_str(), static_cast<long long>(zp),
                   dtype_name(w.dtype));
  }
  std::vector<float> scales(static_cast<size_t>(channels));
  for (size_t c = 0; c < scales.size(); ++c) scales[c] = n == 1 ? q.scale[0] : q.scale[c];
  return scales;
}

Status build_conv_requant(const Tensor& input, const std::vector<float>& w_scales, int32_t filter_zp,
                          const Tensor& output, Activation act, RequantScheme scheme, ConvRequant& rq) {
  const float in_s = input.quant.scale0();
  const float out_s = output.quant.scale0();
  rq.input_zp = input.quant.zp0();
  rq.filter_zp = filter_zp;
  rq.output_zp = output.quant.zp0();
  const QuantRange r =
      activation_range_quantized(act, out_s, rq.output_zp, dtype_qmin(output.dtype), dtype_qmax(output.dtype));
  rq.act_min = r.min;
  rq.act_max = r.max;
  if (rq.act_min > rq.act_max)
    return error("output '%s': the fused activation leaves an empty range [%d, %d]", output.name.c_str(), rq.act_min,
                 rq.act_max);
  rq.scheme = scheme;
  rq.scale.resize(w_scales.size());
  rq.multiplier.resize(w_scales.size());
  for (size_t c = 0; c < w_scales.size(); ++c) {
    // XNNPACK forms the scale in float, in this order; TFLite in double from the float scales.
    rq.scale[c] = xnnpack_requant_scale(in_s, w_scales[c], out_s);
    const double real = static_cast<double>(in_s) * static_cast<double>(w_scales[c]) / static_cast<double>(out_s);
    if (!valid_scale(rq.scale[c]) || !std::isfinite(real))
      return error("channel %zu: requantization scale %g is not a finite positive number", c, real);
    rq.multiplier[c] = quantize_multiplier(real);
  }
  return Status();
}

Status prepare_conv_requant(const Tensor& in, const Tensor& w, const Tensor* bias, const Tensor& out, Activation act,
                            int channel_axis, int32_t out_c, RequantScheme scheme, ConvRequant& rq) {
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  const bool is_int8 = in.dtype == DType::kInt8;
  if (!is_int8 && w.quant.scale.size() > 1)
    return error("filter '%s' is uint8 with %zu scales; uint8 weights must be quantized per tensor", w.name.c_str(),
                 w.quant.scale.size());
  auto scales = weight_scales(w, channel_axis, out_c, /*symmetric=*/is_int8);
  if (!scales.ok()) return scales.status();
  if (bias) EB_RETURN_IF_ERROR(check_quantized_bias(*bias, out_c, in.quant.scale0(), scales.value()));
  return build_conv_requant(in, scales.value(), is_int8 ? 0 : w.quant.zp0(), out, act, scheme, rq);
}

Status prepare_conv_requant_int16(const Tensor& in, const Tensor& w, const Tensor* bias, const Tensor& out,
                                  Activation act, int channel_axis, int32_t out_c, ConvRequant& rq) {
  if (w.dtype != DType::kInt8)
    return error("filter '%s' is %s; with int16 input '%s' (16x8 mode) it must be int8", w.name.c_str(),
                 dtype_name(w.dtype), in.name.c_str());
  if (out.dtype != DType::kInt16)
    return error("output '%s' has dtype %s; expected int16 like the input", out.name.c_str(), dtype_name(out.dtype));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  // TFLite's Prepare demands symmetric int16 activations (its kernels have no input/output offset).
  if (in.quant.zp0() != 0)
    return error("input '%s' is int16 with zero point %d; int16 activations must be symmetric (zero point 0)",
                 in.name.c_str(), in.quant.zp0());
  if (out.quant.zp0() != 0)
    return error("output '%s' is int16 with zero point %d; int16 activations must be symmetric (zero point 0)",
                 out.name.c_str(), out.quant.zp0());
  auto scales = weight_scales(w, channel_axis, out_c, /*symmetric=*/true);
  if (!scales.ok()) return scales.status();
  if (bias) EB_RETURN_IF_ERROR(check_quantized_bias(*bias, out_c, in.quant.scale0(), scales.value(), true));
  EB_RETURN_IF_ERROR(build_conv_requant(in, scales.value(), 0, out, act, RequantScheme::kTfliteFixedPoint, rq));
  for (size_t c = 0; c < rq.multiplier.size(); ++c) {
    const int shift = rq.multiplier[c].shift;
    if (rq.multiplier[c].multiplier != 0 && (shift < kMinInt64RequantShift || shift > kMaxInt64RequantShift))
      return error("output '%s' channel %zu: requantization scale in*w/out = %g is outside the range TFLite's int16 "
                   "requantization takes (2^-32 to 2^7)",
                   out.name.c_str(), c,
                   static_cast<double>(in.quant.scale0()) * scales.value()[c] / static_cast<double>(out.quant.scale0()));
  }
  return Status();
}

Status check_conv_options(const Tensor& in, const Tensor& w, const NodeOptions& o) {
  for (const Tensor* t : {&in, &w})
    for (int32_t d : t->shape)
      if (d <= 0)
        return error("%s '%s' has an empty or invalid shape %s", t == &in ? "input" : "filter", t->name.c_str(),
                     shape_str(t->shape).c_str());
  if (o.stride_h < 1 || o.stride_w < 1) return error("strides must be >= 1, are %d x %d", o.stride_h, o.stride_w);
  if (o.dilation_h < 1 || o.dilation_w < 1)
    return error("dilations must be >= 1, are %d x %d", o.dilation_h, o.dilation_w);
  if (!activation_is_clamp(o.activation))
    return error("fused activation %d (TANH / SIGN_BIT) is not supported", static_cast<int>(o.activation));
  return Status();
}

Status set_conv_output_geometry(Padding padding, ConvGeometry& g) {
  const WindowGeometry gy = window_geometry(padding, g.in_h, g.filter_h, g.stride_h, g.dilation_h);
  const WindowGeometry gx = window_geometry(padding, g.in_w, g.filter_w, g.stride_w, g.dilation_w);
  if (gy.out <= 0 || gx.out <= 0)
    return error("output would be empty: input %dx%d, filter %dx%d, dilation %dx%d, VALID padding", g.in_h, g.in_w,
                 g.filter_h, g.filter_w, g.dilation_h, g.dilation_w);
  g.out_h = gy.out;
  g.out_w = gx.out;
  g.pad_top = gy.pad_before;
  g.pad_left = gx.pad_before;
  return Status();
}

Result<ConvMode> select_conv_mode(const Tensor& in, const Tensor& w, const Tensor* bias, const Tensor& out,
                                  int32_t out_c) {
  ConvMode mode;
  if (in.dtype == DType::kFloat32 && w.dtype == DType::kFloat32) {
    mode = ConvMode::kFloat32;
  } else if (in.dtype == DType::kFloat32 && w.dtype == DType::kInt8) {
    mode = ConvMode::kHybrid;
  } else if (in.dtype == DType::kInt8 && w.dtype == DType::kInt8) {
    mode = ConvMode::kInt8;
  } else if (in.dtype == DType::kUInt8 && w.dtype == DType::kUInt8) {
    mode = ConvMode::kUInt8;
  } else if (w.dtype == DType::kFloat16) {
    return error("filter '%s' is float16; it must come from a DEQUANTIZE folded at load time", w.name.c_str());
  } else {
    return error(
        "unsupported dtypes: input '%s' %s with filter '%s' %s (supported: float32/float32, float32/int8 "
        "hybrid, int8/int8, uint8/uint8)",
        in.name.c_str(), dtype_name(in.dtype), w.name.c_str(), dtype_name(w.dtype));
  }
  if (out.dtype != in.dtype)
    return error("output '%s' has dtype %s; expected %s like the input", out.name.c_str(), dtype_name(out.dtype),
                 dtype_name(in.dtype));
  if ((mode == ConvMode::kFloat32 || mode == ConvMode::kHybrid) && bias) {
    if (bias->dtype != DType::kFloat32)
      return error("bias '%s' has dtype %s; expected float32", bias->name.c_str(), dtype_name(bias->dtype));
    if (bias->elements() != out_c)
      return error("bias '%s' has shape %s; expected %d elements (one per output channel)", bias->name.c_str(),
                   shape_str(bias->shape).c_str(), out_c);
  }
  return mode;
}

Status check_quantized_bias(const Tensor& bias, int32_t channels, float input_scale,
                            const std::vector<float>& w_scales, bool allow_int64) {
  if (allow_int64 && bias.dtype != DType::kInt32 && bias.dtype != DType::kInt64)
    return error("bias '%s' has dtype %s; an int16 (16x8) op needs int64 or int32", bias.name.c_str(),
                 dtype_name(bias.dtype));
  if (!allow_int64 && bias.dtype != DType::kInt32)
    return error("bias '%s' has dtype %s; a quantized op needs int32", bias.name.c_str(), dtype_name(bias.dtype));
  if (bias.elements() != channels)
    return error("bias '%s' has shape %s; expected %d elements (one per output channel)", bias.name.c_str(),
                 shape_str(bias.shape).c_str(), channels);
  if (!bias.quant.present()) return Status();  // the kernels never read the bias scale
  const size_t n = bias.quant.scale.size();
  if (n != 1 && n != static_cast<size_t>(channels))
    return error("bias '%s' has %zu scales; expected 1 or %d", bias.name.c_str(), n, channels);
  for (int64_t zp : bias.quant.zero_point)
    if (zp != 0)
      return error("bias '%s' has zero point %lld; expected 0", bias.name.c_str(), static_cast<long long>(zp));
  // 16x8 models: LiteRT runs onnx2tf's YOLOv8n int16 exports whose bias scales are not the product
  // (the raw int64 bias is added to the accumulator whatever its scale), so neither check nor refuse.
  if (allow_int64) return Status();
  for (size_t c = 0; c < w_scales.size(); ++c) {
    // bias scale = input scale * weight scale; TFLite's own check allows 1e-6 relative, converters that
    // form the product in float land well inside 1e-5.
    const double want = static_cast<double>(input_scale) * static_cast<double>(w_scales[c]);
    const double got = bias.quant.scale[n == 1 ? 0 : c];
    if (std::fabs(got - want) > 1e-5 * want)
      return error("bias '%s' has scale %g for channel %zu; expected input scale * filter scale = %g",
                   bias.name.c_str(), got, c, want);
  }
  return Status();
}

Result<std::unique_ptr<PreparedOp>> prepare_conv2d(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 3, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& w = ctx.input(1);
  const Tensor* bias = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  Tensor& out = ctx.output(0);
  const NodeOptions& o = ctx.options();

  if (in.rank() != 4)
    return error("input '%s' must have rank 4 (NHWC), has shape %s", in.name.c_str(), shape_str(in.shape).c_str());
  if (w.rank() != 4)
    return error("filter '%s' must have rank 4 [Cout, KH, KW, Cin], has shape %s", w.name.c_str(),
                 shape_str(w.shape).c_str());
  EB_RETURN_IF_ERROR(check_conv_options(in, w, o));

  Conv2DParams p;
  ConvGeometry& g = p.geom;
  g.batches = in.dim(0);
  g.in_h = in.dim(1);
  g.in_w = in.dim(2);
  g.in_c = in.dim(3);
  g.out_c = w.dim(0);
  g.filter_h = w.dim(1);
  g.filter_w = w.dim(2);
  g.stride_h = o.stride_h;
  g.stride_w = o.stride_w;
  g.dilation_h = o.dilation_h;
  g.dilation_w = o.dilation_w;
  p.filter_c = w.dim(3);
  if (g.in_c % p.filter_c != 0)
    return error("input '%s' has %d channels, not a multiple of the %d input channels of filter '%s'", in.name.c_str(),
                 g.in_c, p.filter_c, w.name.c_str());
  p.groups = g.in_c / p.filter_c;
  if (g.out_c % p.groups != 0)
    return error("filter '%s' has %d output channels, not a multiple of the %d groups", w.name.c_str(), g.out_c,
                 p.groups);
  EB_RETURN_IF_ERROR(set_conv_output_geometry(o.padding, g));
  const FloatRange fr = activation_range_float(o.activation);
  p.act_min = fr.min;
  p.act_max = fr.max;

  if (in.dtype == DType::kInt16) return prepare_conv2d_int16(ctx, std::move(p));
  auto selected = select_conv_mode(in, w, bias, out, g.out_c);
  if (!selected.ok()) return selected.status();
  const ConvMode mode = selected.value();

  const char* name = "conv2d_float32_ref";
  if (mode == ConvMode::kHybrid) {
    auto scales = weight_scales(w, 0, g.out_c, /*symmetric=*/true);
    if (!scales.ok()) return scales.status();
    p.hybrid.filter_scale = std::move(scales.value());
    // TFLite (conv.cc) takes the per-channel path only when the scales really differ, and for grouped
    // convolutions; otherwise EvalHybrid with symmetric input quantization.
    bool differ = false;
    for (float s : w.quant.scale) differ = differ || s != w.quant.scale[0];
    const bool per_channel = differ || p.groups != 1;
    p.hybrid.input_quant = per_channel ? HybridInputQuant::kAsymmetric : HybridInputQuant::kSymmetric;
    name = per_channel ? "conv2d_hybrid_per_channel_ref" : "conv2d_hybrid_per_tensor_ref";
  } else if (mode == ConvMode::kInt8 || mode == ConvMode::kUInt8) {
    const bool is_int8 = mode == ConvMode::kInt8;
    EB_RETURN_IF_ERROR(prepare_conv_requant(in, w, bias, out, o.activation, /*channel_axis=*/0, g.out_c,
                                            is_int8 ? kConvInt8Requant : kConvUint8Requant, p.requant));
    if (is_int8)
      name = w.quant.per_channel() ? "conv2d_int8_per_channel_ref" : "conv2d_int8_per_tensor_ref";
    else
      name = "conv2d_uint8_ref";
  }

  out.shape = {g.batches, g.out_h, g.out_w, g.out_c};
  if (ctx.isa() != Isa::kReference && mode == ConvMode::kHybrid)
    if (auto fast = prepare_conv2d_fast_hybrid(ctx, p)) return fast;
  if (ctx.isa() != Isa::kReference && mode != ConvMode::kHybrid) {
    auto fast = mode == ConvMode::kFloat32 ? prepare_conv2d_fast_f32(ctx, p) : prepare_conv2d_fast_quant(ctx, mode, p);
    if (!fast.ok()) return fast.status();
    if (fast.value()) return std::move(fast.value());
  }
  static constexpr ConvKernelSet<Conv2DParams> kKernels = {conv2d_float32_ref, conv2d_int8_ref, conv2d_uint8_ref,
                                                           conv2d_hybrid_ref};
  const size_t scratch = static_cast<size_t>(g.in_h) * static_cast<size_t>(g.in_w) * static_cast<size_t>(g.in_c);
  return bind_conv_kernel(mode, name, kKernels, std::move(p), ctx.input_index(0), ctx.input_index(1),
                          bias ? ctx.input_index(2) : -1, ctx.output_index(0), scratch);
}

}  // namespace eb

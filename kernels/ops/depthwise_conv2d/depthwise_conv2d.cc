// prepare_depthwise_conv2d: checks, output shape, requantization parameters.
#include "kernels/ops/depthwise_conv2d/depthwise_conv2d.h"

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

// TFLite delegates int8 and uint8 DEPTHWISE_CONV_2D to XNNPACK: fp32 requantization for both (bit-exact
// on kws-dscnn-int8, mobilenet-v2 and mobilenet-v1-0.25-128-uint8; see conv2d.cc for the evidence).
constexpr RequantScheme kDepthwiseInt8Requant = RequantScheme::kXnnpackFp32;
constexpr RequantScheme kDepthwiseUint8Requant = RequantScheme::kXnnpackFp32;

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 3, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& w = ctx.input(1);
  const Tensor* bias = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  Tensor& out = ctx.output(0);
  const NodeOptions& o = ctx.options();

  if (in.rank() != 4)
    return error("input '%s' must have rank 4 (NHWC), has shape %s", in.name.c_str(), shape_str(in.shape).c_str());
  if (w.rank() != 4 || w.dim(0) != 1)
    return error("filter '%s' must have shape [1, KH, KW, Cout], has shape %s", w.name.c_str(),
                 shape_str(w.shape).c_str());
  EB_RETURN_IF_ERROR(check_conv_options(in, w, o));

  DepthwiseConv2DParams p;
  ConvGeometry& g = p.geom;
  g.batches = in.dim(0);
  g.in_h = in.dim(1);
  g.in_w = in.dim(2);
  g.in_c = in.dim(3);
  g.filter_h = w.dim(1);
  g.filter_w = w.dim(2);
  g.out_c = w.dim(3);
  g.stride_h = o.stride_h;
  g.stride_w = o.stride_w;
  g.dilation_h = o.dilation_h;
  g.dilation_w = o.dilation_w;
  // The depth multiplier follows from the shapes, as in current TFLite; the option may be 0 or stale.
  if (g.out_c % g.in_c != 0)
    return error("filter '%s' has %d channels, not a multiple of the %d channels of input '%s'", w.name.c_str(),
                 g.out_c, g.in_c, in.name.c_str());
  p.depth_multiplier = g.out_c / g.in_c;
  EB_RETURN_IF_ERROR(set_conv_output_geometry(o.padding, g));
  const FloatRange fr = activation_range_float(o.activation);
  p.act_min = fr.min;
  p.act_max = fr.max;

  if (in.dtype == DType::kInt16) return prepare_depthwise_conv2d_int16(ctx, std::move(p));
  auto selected = select_conv_mode(in, w, bias, out, g.out_c);
  if (!selected.ok()) return selected.status();
  const ConvMode mode = selected.value();

  const char* name = "depthwise_conv2d_float32_ref";
  if (mode == ConvMode::kHybrid) {
    // Per-channel scales run along the filter's last dimension (quantized_dimension 3). TFLite reads
    // one scale per channel; a single per-tensor scale is applied to every channel.
    auto scales = weight_scales(w, 3, g.out_c, /*symmetric=*/true);
    if (!scales.ok()) return scales.status();
    p.hybrid_filter_scale = std::move(scales.value());
    name = "depthwise_conv2d_hybrid_ref";
  } else if (mode == ConvMode::kInt8 || mode == ConvMode::kUInt8) {
    const bool is_int8 = mode == ConvMode::kInt8;
    EB_RETURN_IF_ERROR(prepare_conv_requant(in, w, bias, out, o.activation, /*channel_axis=*/3, g.out_c,
                                            is_int8 ? kDepthwiseInt8Requant : kDepthwiseUint8Requant, p.requant));
    if (is_int8)
      name = w.quant.per_channel() ? "depthwise_conv2d_int8_per_channel_ref" : "depthwise_conv2d_int8_per_tensor_ref";
    else
      name = "depthwise_conv2d_uint8_ref";
  }

  out.shape = {g.batches, g.out_h, g.out_w, g.out_c};
  if (ctx.isa() != Isa::kReference) {
    auto fast = mode == ConvMode::kFloat32  ? prepare_depthwise_conv2d_fast_f32(ctx, p)
                : mode == ConvMode::kHybrid ? prepare_depthwise_conv2d_fast_hybrid(ctx, p)
                                            : prepare_depthwise_conv2d_fast_quant(ctx, mode, p);
    if (!fast.ok()) return fast.status();
    if (fast.value()) return std::move(fast.value());
  }
  static constexpr ConvKernelSet<DepthwiseConv2DParams> kKernels = {
      depthwise_conv2d_float32_ref, depthwise_conv2d_int8_ref, depthwise_conv2d_uint8_ref, depthwise_conv2d_hybrid_ref};
  const size_t scratch = static_cast<size_t>(g.in_h) * static_cast<size_t>(g.in_w) * static_cast<size_t>(g.in_c);
  return bind_conv_kernel(mode, name, kKernels, std::move(p), ctx.input_index(0), ctx.input_index(1),
                          bias ? ctx.input_index(2) : -1, ctx.output_index(0), scratch);
}

}  // namespace eb

// prepare_transpose_conv: reads the constant output_shape, checks filter/input/bias against it, derives
// the padding and the per-channel requantization (shared with CONV_2D), binds the kernel.
#include <cstdint>
#include <memory>
#include <type_traits>

#include "kernels/common/checked_math.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/transpose_conv/transpose_conv.h"
#include "kernels/ops/transpose_conv/transpose_conv_fast.h"

namespace eb {
namespace {

// Inputs in TFLite's order.
constexpr int kOutputShape = 0, kFilter = 1, kInput = 2, kBias = 3;

template <typename T>
class TransposeConvQuantOp final : public PreparedOp {
 public:
  TransposeConvQuantOp(const TransposeConvParams& p, int in, int w, int bias, int out, const char* name)
      : p_(p), in_(in), w_(w), bias_(bias), out_(out), name_(name) {}
  void run(const RunContext& c) override {
    const int32_t* bias = bias_ >= 0 ? c.in<int32_t>(bias_) : nullptr;
    int32_t* acc = reinterpret_cast<int32_t*>(c.scratch);
    if constexpr (std::is_same_v<T, int8_t>)
      transpose_conv_qs8_ref(p_, c.in<int8_t>(in_), c.in<int8_t>(w_), bias, acc, c.out<int8_t>(out_));
    else
      transpose_conv_qu8_ref(p_, c.in<uint8_t>(in_), c.in<uint8_t>(w_), bias, acc, c.out<uint8_t>(out_));
  }
  const char* kernel_name() const override { return name_; }
  size_t scratch_bytes() const override {
    const ConvGeometry& g = p_.geom;
    return static_cast<size_t>(g.batches) * g.out_h * g.out_w * g.out_c * sizeof(int32_t);
  }

 private:
  TransposeConvParams p_;
  int in_, w_, bias_, out_;
  const char* name_;
};

class TransposeConvHybridOp final : public PreparedOp {
 public:
  TransposeConvHybridOp(const TransposeConvParams& p, int in, int w, int bias, int out)
      : p_(p), in_(in), w_(w), bias_(bias), out_(out) {}
  void run(const RunContext& c) override {
    int8_t* quantized = reinterpret_cast<int8_t*>(c.scratch);
    int32_t* acc = reinterpret_cast<int32_t*>(c.scratch + quantized_bytes());
    transpose_conv_hybrid_ref(p_, c.in<float>(in_), c.in<int8_t>(w_), bias_ >= 0 ? c.in<float>(bias_) : nullptr,
                              quantized, acc, c.out<float>(out_));
  }
  const char* kernel_name() const override { return "transpose_conv_hybrid_ref"; }
  size_t scratch_bytes() const override {
    const ConvGeometry& g = p_.geom;
    return quantized_bytes() + static_cast<size_t>(g.out_h) * g.out_w * g.out_c * sizeof(int32_t);
  }

 private:
  size_t quantized_bytes() const {
    const ConvGeometry& g = p_.geom;
    return (static_cast<size_t>(g.in_h) * g.in_w * g.in_c + 63) / 64 * 64;
  }
  TransposeConvParams p_;
  int in_, w_, bias_, out_;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_transpose_conv(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(3, 4, 1));
  const Tensor& shape_t = ctx.input(kOutputShape);
  const Tensor& w = ctx.input(kFilter);
  const Tensor& in = ctx.input(kInput);
  const Tensor* bias = ctx.has_input(kBias) ? &ctx.input(kBias) : nullptr;
  Tensor& out = ctx.output(0);
  const NodeOptions& o = ctx.options();

  if (shape_t.dtype != DType::kInt32 || shape_t.elements() != 4)
    return error("output_shape '%s' must be int32 with 4 elements, is %s %s", shape_t.name.c_str(),
                 dtype_name(shape_t.dtype), shape_str(shape_t.shape).c_str());
  if (!shape_t.is_constant() || shape_t.constant_bytes < 4 * sizeof(int32_t))
    return error("output shape depends on values computed at run time (input '%s' is not a constant); not supported",
                 shape_t.name.c_str());
  if (in.rank() != 4 || w.rank() != 4)
    return error("input '%s' %s and filter '%s' %s must both be 4-D", in.name.c_str(), shape_str(in.shape).c_str(),
                 w.name.c_str(), shape_str(w.shape).c_str());
  EB_RETURN_IF_ERROR(check_conv_options(in, w, o));
  const int32_t* os = shape_t.constant_as<int32_t>();
  for (int d = 0; d < 4; ++d)
    if (os[d] <= 0) return error("output_shape '%s' holds a non-positive dimension %d", shape_t.name.c_str(), os[d]);
  if (os[0] != in.dim(0))
    return error("output_shape batch %d differs from the batch %d of input '%s'", os[0], in.dim(0), in.name.c_str());
  if (os[3] != w.dim(0))
    return error("output_shape has %d channels but filter '%s' %s has %d output channels", os[3], w.name.c_str(),
                 shape_str(w.shape).c_str(), w.dim(0));
  if (w.dim(3) != in.dim(3))
    return error("filter '%s' %s takes %d input channels but input '%s' has %d", w.name.c_str(),
                 shape_str(w.shape).c_str(), w.dim(3), in.name.c_str(), in.dim(3));
  if (!checked_elements({os[0], os[1], os[2], os[3]}, size_t{1} << 31))
    return error("output_shape %dx%dx%dx%d is too large", os[0], os[1], os[2], os[3]);

  TransposeConvParams p;
  ConvGeometry& g = p.geom;
  // The padding of a convolution over the output (TFLite's ComputePaddingHeightWidth on the output size).
  ConvGeometry conv;
  conv.in_h = os[1];
  conv.in_w = os[2];
  conv.filter_h = w.dim(1);
  conv.filter_w = w.dim(2);
  conv.stride_h = o.stride_h;
  conv.stride_w = o.stride_w;
  EB_RETURN_IF_ERROR(set_conv_output_geometry(o.padding, conv));
  g.batches = in.dim(0);
  g.in_h = in.dim(1);
  g.in_w = in.dim(2);
  g.in_c = in.dim(3);
  g.out_h = os[1];
  g.out_w = os[2];
  g.out_c = os[3];
  g.filter_h = w.dim(1);
  g.filter_w = w.dim(2);
  g.stride_h = o.stride_h;
  g.stride_w = o.stride_w;
  g.pad_top = conv.pad_top;
  g.pad_left = conv.pad_left;

  EB_ASSIGN_OR_RETURN(const ConvMode mode, select_conv_mode(in, w, bias, out, g.out_c));
  const int ii = ctx.input_index(kInput), wi = ctx.input_index(kFilter), oi = ctx.output_index(0);
  const int bi = bias ? ctx.input_index(kBias) : -1;
  std::unique_ptr<PreparedOp> op;
  switch (mode) {
    case ConvMode::kFloat32: {
      const FloatRange r = activation_range_float(o.activation);
      p.act_min = r.min;
      p.act_max = r.max;
      if (ctx.isa() != Isa::kReference) op = prepare_transpose_conv_fast_f32(ctx, p, wi, ii, bi, oi);
      if (op) break;
      op = bind_kernel("transpose_conv_f32_ref", [p, ii, wi, bi, oi](const RunContext& c) {
        transpose_conv_f32_ref(p, c.in<float>(ii), c.in<float>(wi), bi >= 0 ? c.in<float>(bi) : nullptr,
                               c.out<float>(oi));
      });
      break;
    }
    case ConvMode::kInt8:
    case ConvMode::kUInt8:
      EB_RETURN_IF_ERROR(prepare_conv_requant(in, w, bias, out, o.activation, /*channel_axis=*/0, g.out_c,
                                              RequantScheme::kXnnpackFp32, p.requant));
      if (mode == ConvMode::kInt8 && ctx.isa() != Isa::kReference) {
        EB_ASSIGN_OR_RETURN(op, prepare_transpose_conv_fast_qs8(ctx, p, wi, ii, bi, oi));
        if (op) break;
      }
      if (mode == ConvMode::kInt8)
        op = std::make_unique<TransposeConvQuantOp<int8_t>>(p, ii, wi, bi, oi, "transpose_conv_qs8_ref");
      else
        op = std::make_unique<TransposeConvQuantOp<uint8_t>>(p, ii, wi, bi, oi, "transpose_conv_qu8_ref");
      break;
    case ConvMode::kHybrid: {
      EB_ASSIGN_OR_RETURN(p.filter_scale, weight_scales(w, /*channel_axis=*/0, g.out_c, /*symmetric=*/true));
      const FloatRange r = activation_range_float(o.activation);
      p.act_min = r.min;
      p.act_max = r.max;
      op = std::make_unique<TransposeConvHybridOp>(p, ii, wi, bi, oi);
      break;
    }
  }
  out.shape = {os[0], os[1], os[2], os[3]};
  return op;
}

}  // namespace eb

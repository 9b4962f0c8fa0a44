// prepare_div, prepare_floor_div, prepare_sqrt: types, broadcast shapes and the activation clamp.
#include <limits>
#include <memory>

#include "kernels/common/quantization.h"
#include "kernels/ops/arith/arith.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

// Both inputs of one supported dtype, shapes that broadcast (rank <= 6); sets the output shape.
Result<BroadcastGeometry> prepare_broadcast(PrepareContext& ctx, std::initializer_list<DType> types, const char* names) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  bool known = false;
  for (DType t : types) known = known || a.dtype == t;
  if (!known || a.quant.present())
    return error("input 0 '%s' is %s%s; supported: %s", a.name.c_str(), a.quant.present() ? "quantized " : "",
                 dtype_name(a.dtype), names);
  if (b.dtype != a.dtype || b.quant.present())
    return error("input 1 '%s' is %s%s but input 0 is %s; both inputs must have the same type", b.name.c_str(),
                 b.quant.present() ? "quantized " : "", dtype_name(b.dtype), dtype_name(a.dtype));
  for (int i = 0; i < 2; ++i)
    if (ctx.input(i).rank() > kMaxBroadcastRank)
      return error("input %d '%s' has rank %d; at most %d is supported", i, ctx.input(i).name.c_str(), ctx.input(i).rank(),
                   kMaxBroadcastRank);
  Shape out_shape;
  if (!broadcast_shapes(a.shape, b.shape, &out_shape))
    return error("input shapes %s and %s cannot be broadcast together", shape_str(a.shape).c_str(), shape_str(b.shape).c_str());
  Tensor& out = ctx.output(0);
  if (out.dtype != a.dtype)
    return error("output '%s' is %s; expected %s like the inputs", out.name.c_str(), dtype_name(out.dtype), dtype_name(a.dtype));
  out.shape = out_shape;
  return make_broadcast_geometry(a.shape, b.shape, out_shape);
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_div(PrepareContext& ctx) {
  EB_ASSIGN_OR_RETURN(const BroadcastGeometry g, prepare_broadcast(ctx, {DType::kFloat32, DType::kInt32}, "float32, int32"));
  const Activation act = ctx.options().activation;
  if (!activation_is_clamp(act))
    return error("fused activation %d is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)", static_cast<int>(act));
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);
  if (ctx.input(0).dtype == DType::kFloat32) {
    BinaryFloatParams p;
    p.geom = g;
    const FloatRange r = activation_range_float(act);
    p.act_min = r.min;
    p.act_max = r.max;
    return bind_kernel("div_f32_ref", [=](const RunContext& c) { div_f32_ref(p, c.in<float>(ia), c.in<float>(ib), c.out<float>(io)); });
  }
  BinaryInt32Params p;
  p.geom = g;
  p.act_min = std::numeric_limits<int32_t>::min();
  p.act_max = std::numeric_limits<int32_t>::max();
  if (act == Activation::kRelu || act == Activation::kRelu6) p.act_min = 0;
  if (act == Activation::kRelu6) p.act_max = 6;
  if (act == Activation::kReluN1To1) p.act_min = -1, p.act_max = 1;
  return bind_kernel("div_s32_ref", [=](const RunContext& c) {
    div_s32_ref(p, c.in<int32_t>(ia), c.in<int32_t>(ib), c.out<int32_t>(io));
  });
}

Result<std::unique_ptr<PreparedOp>> prepare_floor_div(PrepareContext& ctx) {
  EB_ASSIGN_OR_RETURN(const BroadcastGeometry g, prepare_broadcast(ctx, {DType::kFloat32, DType::kInt32, DType::kInt16, DType::kInt8},
                                                                   "float32, int32, int16, int8"));
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);
  switch (ctx.input(0).dtype) {
    case DType::kFloat32:
      return bind_kernel("floor_div_f32_ref", [=](const RunContext& c) { floor_div_ref(g, c.in<float>(ia), c.in<float>(ib), c.out<float>(io)); });
    case DType::kInt32:
      return bind_kernel("floor_div_s32_ref", [=](const RunContext& c) { floor_div_ref(g, c.in<int32_t>(ia), c.in<int32_t>(ib), c.out<int32_t>(io)); });
    case DType::kInt16:
      return bind_kernel("floor_div_s16_ref", [=](const RunContext& c) { floor_div_ref(g, c.in<int16_t>(ia), c.in<int16_t>(ib), c.out<int16_t>(io)); });
    default:
      return bind_kernel("floor_div_s8_ref", [=](const RunContext& c) { floor_div_ref(g, c.in<int8_t>(ia), c.in<int8_t>(ib), c.out<int8_t>(io)); });
  }
}

Result<std::unique_ptr<PreparedOp>> prepare_sqrt(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.dtype != DType::kFloat32 || in.quant.present())
    return error("input '%s' is %s%s; supported: float32", in.name.c_str(), in.quant.present() ? "quantized " : "", dtype_name(in.dtype));
  if (out.dtype != DType::kFloat32)
    return error("output '%s' is %s; expected float32 like the input", out.name.c_str(), dtype_name(out.dtype));
  out.shape = in.shape;
  const int64_t n = in.elements();
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  return bind_kernel("sqrt_f32_ref", [=](const RunContext& c) { sqrt_f32_ref(c.in<float>(ii), c.out<float>(io), n); });
}

}  // namespace eb

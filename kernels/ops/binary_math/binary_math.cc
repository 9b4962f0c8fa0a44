// prepare_div, prepare_floor_div, prepare_squared_difference, prepare_pow, prepare_maximum,
// prepare_minimum: TFLite's accepted types and parameters, then the reference kernel.
#include "kernels/ops/binary_math/binary_math.h"

#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "kernels/ops/elementwise/vbinary_f32.h"
#include "kernels/ops/op.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {

Result<BroadcastGeometry> prepare_broadcast_binary(PrepareContext& ctx, std::initializer_list<DType> allowed,
                                                   DType out_dtype) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& a = ctx.input(0);
  const Tensor& b = ctx.input(1);
  bool ok = false;
  std::string names;
  for (DType d : allowed) {
    ok = ok || a.dtype == d;
    names += names.empty() ? dtype_name(d) : std::string(", ") + dtype_name(d);
  }
  if (!ok) return error("input 0 '%s' has dtype %s; supported: %s", a.name.c_str(), dtype_name(a.dtype), names.c_str());
  if (b.dtype != a.dtype)
    return error("input 1 '%s' has dtype %s but input 0 has %s; both inputs must have the same dtype", b.name.c_str(),
                 dtype_name(b.dtype), dtype_name(a.dtype));
  for (int i = 0; i < 2; ++i) {
    const Tensor& t = ctx.input(i);
    if (t.rank() > kMaxBroadcastRank)
      return error("input %d '%s' has rank %d; at most %d is supported", i, t.name.c_str(), t.rank(),
                   kMaxBroadcastRank);
    for (int32_t d : t.shape)
      if (d < 0) return error("input %d '%s' has unresolved shape %s", i, t.name.c_str(), shape_str(t.shape).c_str());
  }
  Shape out_shape;
  if (!broadcast_shapes(a.shape, b.shape, &out_shape))
    return error("input shapes %s and %s cannot be broadcast together", shape_str(a.shape).c_str(),
                 shape_str(b.shape).c_str());
  Tensor& out = ctx.output(0);
  const DType want = out_dtype == DType::kUnsupported ? a.dtype : out_dtype;
  if (out.dtype != want)
    return error("output '%s' has dtype %s; expected %s", out.name.c_str(), dtype_name(out.dtype), dtype_name(want));
  out.shape = out_shape;
  return make_broadcast_geometry(a.shape, b.shape, out_shape);
}

namespace {

template <typename Params, typename T>
std::unique_ptr<PreparedOp> bind3(const char* name, void (*kernel)(const Params&, const T*, const T*, T*), Params p,
                                  PrepareContext& ctx) {
  const int a = ctx.input_index(0), b = ctx.input_index(1), o = ctx.output_index(0);
  return bind_kernel(name, [=](const RunContext& c) { kernel(p, c.in<T>(a), c.in<T>(b), c.out<T>(o)); });
}

Result<BinaryFloatParams> float_params(PrepareContext& ctx, const BroadcastGeometry& g, bool fused) {
  BinaryFloatParams p;
  p.geom = g;
  p.act_min = -std::numeric_limits<float>::infinity();
  p.act_max = std::numeric_limits<float>::infinity();
  if (fused) {
    const Activation act = ctx.options().activation;
    if (!activation_is_clamp(act))
      return error("fused activation %d is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)",
                   static_cast<int>(act));
    const FloatRange r = activation_range_float(act);
    p.act_min = r.min;
    p.act_max = r.max;
  }
  return p;
}

// The full range of T: no activation.
template <typename T>
BinaryIntParams<T> int_params(const BroadcastGeometry& g) {
  BinaryIntParams<T> p;
  p.geom = g;
  p.act_min = std::numeric_limits<T>::min();
  p.act_max = std::numeric_limits<T>::max();
  return p;
}

// TFLite refuses integer division by zero when it evaluates; a constant divisor lets us refuse at load.
template <typename T>
Status check_constant_nonzero(const Tensor& t, const char* what) {
  if (!t.is_constant()) return Status();
  const int64_t n = t.elements();
  if (t.constant_bytes < static_cast<size_t>(n) * sizeof(T))
    return error("constant input '%s' holds %zu bytes; its shape needs %lld", t.name.c_str(), t.constant_bytes,
                 static_cast<long long>(n * static_cast<int64_t>(sizeof(T))));
  for (int64_t i = 0; i < n; ++i) {
    T v;
    std::memcpy(&v, t.constant + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    if (v == 0) return error("constant %s '%s' holds a zero at element %lld (integer division by zero)", what,
                             t.name.c_str(), static_cast<long long>(i));
  }
  return Status();
}

// The vbinary_f32 microkernels (kernels/ops/elementwise) on fast engines; null when none fits.
Result<std::unique_ptr<PreparedOp>> float_fast(PrepareContext& ctx, VBinaryF32Op op, const BinaryFloatParams& p) {
  if (ctx.isa() == Isa::kReference) return std::unique_ptr<PreparedOp>();
  return prepare_binary_float_fast(ctx, op, p);
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_div(PrepareContext& ctx) {
  EB_ASSIGN_OR_RETURN(const BroadcastGeometry g, prepare_broadcast_binary(ctx, {DType::kFloat32, DType::kInt32,
                                                                                DType::kUInt8},
                                                                          DType::kUnsupported));
  if (ctx.input(0).dtype == DType::kFloat32) {
    EB_ASSIGN_OR_RETURN(const BinaryFloatParams p, float_params(ctx, g, true));
    EB_ASSIGN_OR_RETURN(auto fast, float_fast(ctx, kVBinaryDiv, p));
    if (fast) return fast;
    return bind3("div_f32_ref", div_f32_ref, p, ctx);
  }
  if (ctx.input(0).dtype == DType::kUInt8) {
    const Tensor &a = ctx.input(0), &b = ctx.input(1), &out = ctx.output(0);
    EB_RETURN_IF_ERROR(check_per_tensor_quant(a, "input 0"));
    EB_RETURN_IF_ERROR(check_per_tensor_quant(b, "input 1"));
    EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
    const Activation act = ctx.options().activation;
    if (!activation_is_clamp(act))
      return error("fused activation %d is not supported (only NONE, RELU, RELU_N1_TO_1, RELU6)",
                   static_cast<int>(act));
    if (b.is_constant()) {  // a quantized zero divisor is the zero point
      const int64_t n = b.elements();
      if (b.constant_bytes < static_cast<size_t>(n))
        return error("constant input '%s' holds %zu bytes; its shape needs %lld", b.name.c_str(), b.constant_bytes,
                     static_cast<long long>(n));
      for (int64_t i = 0; i < n; ++i)
        if (b.constant[i] == b.quant.zp0())
          return error("constant divisor '%s' holds its zero point %d at element %lld (division by zero)",
                       b.name.c_str(), b.quant.zp0(), static_cast<long long>(i));
    }
    DivQuantParams p;
    p.geom = g;
    p.a_offset = -a.quant.zp0();
    p.b_offset = -b.quant.zp0();
    p.out_zp = out.quant.zp0();
    // TFLite div.cc Prepare: input1_scale / (input2_scale * output_scale), computed in float.
    p.out_multiplier =
        quantize_multiplier(static_cast<double>(a.quant.scale0() / (b.quant.scale0() * out.quant.scale0())));
    const QuantRange r = activation_range_quantized(act, out.quant.scale0(), p.out_zp, 0, 255);
    p.out_min = r.min;
    p.out_max = r.max;
    return bind3("div_qu8_ref", div_qu8_ref, p, ctx);
  }
  EB_RETURN_IF_ERROR(check_constant_nonzero<int32_t>(ctx.input(1), "divisor"));
  EB_ASSIGN_OR_RETURN(const BinaryFloatParams fp, float_params(ctx, g, true));  // validates the activation
  BinaryIntParams<int32_t> p = int_params<int32_t>(g);
  // TFLite's CalculateActivationRange for int32.
  const Activation act = ctx.options().activation;
  if (act != Activation::kNone) {
    p.act_min = static_cast<int32_t>(fp.act_min);
    if (act != Activation::kRelu) p.act_max = static_cast<int32_t>(fp.act_max);
  }
  return bind3("div_s32_ref", div_s32_ref, p, ctx);
}

Result<std::unique_ptr<PreparedOp>> prepare_floor_div(PrepareContext& ctx) {
  EB_ASSIGN_OR_RETURN(const BroadcastGeometry g,
                      prepare_broadcast_binary(ctx, {DType::kFloat32, DType::kInt32, DType::kInt16, DType::kInt8},
                                               DType::kUnsupported));
  switch (ctx.input(0).dtype) {
    case DType::kFloat32: {
      EB_ASSIGN_OR_RETURN(const BinaryFloatParams p, float_params(ctx, g, false));
      return bind3("floor_div_f32_ref", floor_div_f32_ref, p, ctx);
    }
    case DType::kInt32:
      EB_RETURN_IF_ERROR(check_constant_nonzero<int32_t>(ctx.input(1), "divisor"));
      return bind3("floor_div_s32_ref", floor_div_s32_ref, int_params<int32_t>(g), ctx);
    case DType::kInt16:
      EB_RETURN_IF_ERROR(check_constant_nonzero<int16_t>(ctx.input(1), "divisor"));
      return bind3("floor_div_s16_ref", floor_div_s16_ref, int_params<int16_t>(g), ctx);
    default:
      EB_RETURN_IF_ERROR(check_constant_nonzero<int8_t>(ctx.input(1), "divisor"));
      return bind3("floor_div_s8_ref", floor_div_s8_ref, int_params<int8_t>(g), ctx);
  }
}

Result<std::unique_ptr<PreparedOp>> prepare_squared_difference(PrepareContext& ctx) {
  EB_ASSIGN_OR_RETURN(const BroadcastGeometry g, prepare_broadcast_binary(ctx, {DType::kFloat32, DType::kInt32,
                                                                                DType::kInt8},
                                                                          DType::kUnsupported));
  const DType dt = ctx.input(0).dtype;
  if (dt == DType::kFloat32) {
    EB_ASSIGN_OR_RETURN(const BinaryFloatParams p, float_params(ctx, g, false));
    return bind3("squared_difference_f32_ref", squared_difference_f32_ref, p, ctx);
  }
  if (dt == DType::kInt32) return bind3("squared_difference_s32_ref", squared_difference_s32_ref, int_params<int32_t>(g), ctx);
  const Tensor &a = ctx.input(0), &b = ctx.input(1), &out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_per_tensor_quant(a, "input 0"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(b, "input 1"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  // TFLite squared_difference.cc Prepare (int8): left shift 7, inputs to twice the larger scale.
  constexpr int kLeftShift = 7;
  SquaredDiffQuantParams p;
  p.geom = g;
  p.a_offset = -a.quant.zp0();
  p.b_offset = -b.quant.zp0();
  p.out_zp = out.quant.zp0();
  const double twice_max = 2.0 * static_cast<double>(std::max(a.quant.scale0(), b.quant.scale0()));
  p.a_multiplier = quantize_multiplier(static_cast<double>(a.quant.scale0()) / twice_max);
  p.b_multiplier = quantize_multiplier(static_cast<double>(b.quant.scale0()) / twice_max);
  p.out_multiplier = quantize_multiplier(twice_max * twice_max /
                                         (static_cast<double>(1 << (kLeftShift * 2)) * out.quant.scale0()));
  return bind3("squared_difference_qs8_ref", squared_difference_qs8_ref, p, ctx);
}

Result<std::unique_ptr<PreparedOp>> prepare_pow(PrepareContext& ctx) {
  EB_ASSIGN_OR_RETURN(const BroadcastGeometry g, prepare_broadcast_binary(ctx, {DType::kFloat32, DType::kInt32},
                                                                          DType::kUnsupported));
  if (ctx.input(0).dtype == DType::kFloat32) {
    EB_ASSIGN_OR_RETURN(const BinaryFloatParams p, float_params(ctx, g, false));
    return bind3("pow_f32_ref", pow_f32_ref, p, ctx);
  }
  // TFLite refuses negative int32 exponents when it evaluates; refuse a constant one here.
  const Tensor& e = ctx.input(1);
  if (e.is_constant()) {
    const int64_t n = e.elements();
    if (e.constant_bytes < static_cast<size_t>(n) * 4)
      return error("constant exponent '%s' holds %zu bytes; its shape needs %lld", e.name.c_str(), e.constant_bytes,
                   static_cast<long long>(n * 4));
    for (int64_t i = 0; i < n; ++i) {
      int32_t v;
      std::memcpy(&v, e.constant + i * 4, 4);
      if (v < 0) return error("constant exponent '%s' holds %d at element %lld; int32 POW needs exponents >= 0",
                              e.name.c_str(), v, static_cast<long long>(i));
    }
  }
  return bind3("pow_s32_ref", pow_s32_ref, int_params<int32_t>(g), ctx);
}

namespace {

template <typename T>
std::unique_ptr<PreparedOp> bind_minmax(bool max, const char* max_name, const char* min_name,
                                        const BroadcastGeometry& g, PrepareContext& ctx) {
  const int a = ctx.input_index(0), b = ctx.input_index(1), o = ctx.output_index(0);
  auto* kernel = max ? maximum_ref<T> : minimum_ref<T>;
  return bind_kernel(max ? max_name : min_name,
                     [=](const RunContext& c) { kernel(g, c.in<T>(a), c.in<T>(b), c.out<T>(o)); });
}

Result<std::unique_ptr<PreparedOp>> prepare_min_max(PrepareContext& ctx, bool max) {
  EB_ASSIGN_OR_RETURN(const BroadcastGeometry g,
                      prepare_broadcast_binary(ctx, {DType::kFloat32, DType::kInt8, DType::kUInt8, DType::kInt16,
                                                     DType::kInt32, DType::kInt64},
                                               DType::kUnsupported));
  switch (ctx.input(0).dtype) {
    case DType::kFloat32: {
      // No activation: the microkernel's clamp to [-inf, inf] passes every value (NaN too) unchanged.
      EB_ASSIGN_OR_RETURN(const BinaryFloatParams p, float_params(ctx, g, false));
      EB_ASSIGN_OR_RETURN(auto fast, float_fast(ctx, max ? kVBinaryMax : kVBinaryMin, p));
      if (fast) return fast;
      return bind_minmax<float>(max, "maximum_f32_ref", "minimum_f32_ref", g, ctx);
    }
    case DType::kInt8:
      return bind_minmax<int8_t>(max, "maximum_qs8_ref", "minimum_qs8_ref", g, ctx);
    case DType::kUInt8:
      return bind_minmax<uint8_t>(max, "maximum_qu8_ref", "minimum_qu8_ref", g, ctx);
    case DType::kInt16:
      return bind_minmax<int16_t>(max, "maximum_s16_ref", "minimum_s16_ref", g, ctx);
    case DType::kInt32:
      return bind_minmax<int32_t>(max, "maximum_s32_ref", "minimum_s32_ref", g, ctx);
    default:
      return bind_minmax<int64_t>(max, "maximum_s64_ref", "minimum_s64_ref", g, ctx);
  }
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_maximum(PrepareContext& ctx) { return prepare_min_max(ctx, true); }
Result<std::unique_ptr<PreparedOp>> prepare_minimum(PrepareContext& ctx) { return prepare_min_max(ctx, false); }

}  // namespace eb

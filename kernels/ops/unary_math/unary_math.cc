// prepare_floor, prepare_exp, prepare_log, prepare_sqrt, prepare_rsqrt, prepare_square, prepare_abs,
// prepare_neg, prepare_gelu, prepare_elu.
#include "kernels/ops/unary_math/unary_math.h"

#include <memory>
#include <string>
#include <type_traits>

#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"
#include "kernels/ops/unary_math/vunary_math_f32.h"

namespace eb {
namespace {

const char* op_name(UnaryMathKind k) {
  switch (k) {
    case UnaryMathKind::kFloor: return "floor";
    case UnaryMathKind::kExp: return "exp";
    case UnaryMathKind::kLog: return "log";
    case UnaryMathKind::kSqrt: return "sqrt";
    case UnaryMathKind::kRsqrt: return "rsqrt";
    case UnaryMathKind::kSquare: return "square";
    case UnaryMathKind::kAbs: return "abs";
    case UnaryMathKind::kNeg: return "neg";
    case UnaryMathKind::kGelu: return "gelu";
    case UnaryMathKind::kGeluApprox: return "gelu_tanh";
    case UnaryMathKind::kElu: return "elu";
  }
  return "unary";
}

// Kernel names are static strings: one table per kind and type.
const char* kernel_name(UnaryMathKind k, const char* type) {
  static const char* const kF32[] = {"floor_f32_ref", "exp_f32_ref",    "log_f32_ref",  "sqrt_f32_ref",
                                     "rsqrt_f32_ref", "square_f32_ref", "abs_f32_ref",  "neg_f32_ref",
                                     "gelu_f32_ref",  "gelu_tanh_f32_ref", "elu_f32_ref"};
  static const char* const kQs8[] = {"floor_qs8_ref", "exp_qs8_ref",    "log_qs8_ref",  "sqrt_qs8_ref",
                                     "rsqrt_qs8_ref", "square_qs8_ref", "abs_qs8_ref",  "neg_qs8_ref",
                                     "gelu_qs8_ref",  "gelu_tanh_qs8_ref", "elu_qs8_ref"};
  static const char* const kQu8[] = {"floor_qu8_ref", "exp_qu8_ref",    "log_qu8_ref",  "sqrt_qu8_ref",
                                     "rsqrt_qu8_ref", "square_qu8_ref", "abs_qu8_ref",  "neg_qu8_ref",
                                     "gelu_qu8_ref",  "gelu_tanh_qu8_ref", "elu_qu8_ref"};
  const int i = static_cast<int>(k);
  const std::string t(type);
  return t == "f32" ? kF32[i] : t == "qs8" ? kQs8[i] : kQu8[i];
}

template <typename T>
std::unique_ptr<PreparedOp> bind_unary_kernel_plain(const char* name, void (*kernel)(const T*, T*, int64_t), int in,
                                                    int out, int64_t n) {
  return bind_kernel(name, [=](const RunContext& c) { kernel(c.in<T>(in), c.out<T>(out), n); });
}

template <typename T>
Result<std::unique_ptr<PreparedOp>> prepare_table8(UnaryMathKind kind, PrepareContext& ctx, int64_t n) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  UnaryTable8 t;
  if (!make_unary_table8<T>(kind, in.quant.scale0(), in.quant.zp0(), out.quant.scale0(), out.quant.zp0(), &t))
    return error("%s has no %s kernel in TFLite", op_name(kind), dtype_name(in.dtype));
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  return bind_kernel(kernel_name(kind, std::is_same_v<T, int8_t> ? "qs8" : "qu8"), [=](const RunContext& c) {
    unary_table8_ref(t, c.in<uint8_t>(ii), c.out<uint8_t>(io), n);
  });
}

Result<std::unique_ptr<PreparedOp>> prepare_unary_math(UnaryMathKind kind, PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  const DType dt = in.dtype;
  for (int32_t d : in.shape)
    if (d < 0) return error("input '%s' has unresolved shape %s", in.name.c_str(), shape_str(in.shape).c_str());
  Tensor& out = ctx.output(0);
  if (out.dtype != dt)
    return error("output '%s' has dtype %s; expected %s like the input", out.name.c_str(), dtype_name(out.dtype),
                 dtype_name(dt));
  out.shape = in.shape;
  const int64_t n = in.elements();
  const int ii = ctx.input_index(0), io = ctx.output_index(0);

  if (dt == DType::kFloat32) {
    std::unique_ptr<PreparedOp> fast = prepare_unary_math_f32_fast(ctx, kind);
    if (fast) return fast;
    return bind_kernel(kernel_name(kind, "f32"), [=](const RunContext& c) {
      unary_math_f32_ref(kind, c.in<float>(ii), c.out<float>(io), n);
    });
  }
  if (dt == DType::kInt32 && kind == UnaryMathKind::kAbs)
    return bind_unary_kernel_plain("abs_s32_ref", abs_s32_ref, ii, io, n);
  if (dt == DType::kInt32 && kind == UnaryMathKind::kNeg)
    return bind_unary_kernel_plain("neg_s32_ref", neg_s32_ref, ii, io, n);
  if (dt == DType::kInt64 && kind == UnaryMathKind::kNeg)
    return bind_unary_kernel_plain("neg_s64_ref", neg_s64_ref, ii, io, n);
  if (dt == DType::kInt8 || dt == DType::kUInt8) {
    if (dt == DType::kInt8) return prepare_table8<int8_t>(kind, ctx, n);
    return prepare_table8<uint8_t>(kind, ctx, n);
  }
  return error("input '%s' has dtype %s, which %s does not support", in.name.c_str(), dtype_name(dt), op_name(kind));
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_floor(PrepareContext& ctx) {
  if (ctx.num_inputs() >= 1 && ctx.has_input(0) && ctx.input(0).dtype != DType::kFloat32)
    return error("FLOOR supports float32 only, input has dtype %s", dtype_name(ctx.input(0).dtype));
  return prepare_unary_math(UnaryMathKind::kFloor, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_exp(PrepareContext& ctx) {
  return prepare_unary_math(UnaryMathKind::kExp, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_log(PrepareContext& ctx) {
  return prepare_unary_math(UnaryMathKind::kLog, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_sqrt(PrepareContext& ctx) {
  return prepare_unary_math(UnaryMathKind::kSqrt, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_rsqrt(PrepareContext& ctx) {
  return prepare_unary_math(UnaryMathKind::kRsqrt, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_square(PrepareContext& ctx) {
  return prepare_unary_math(UnaryMathKind::kSquare, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_abs(PrepareContext& ctx) {
  return prepare_unary_math(UnaryMathKind::kAbs, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_neg(PrepareContext& ctx) {
  return prepare_unary_math(UnaryMathKind::kNeg, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_elu(PrepareContext& ctx) {
  return prepare_unary_math(UnaryMathKind::kElu, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_gelu(PrepareContext& ctx) {
  return prepare_unary_math(ctx.options().approximate ? UnaryMathKind::kGeluApprox : UnaryMathKind::kGelu, ctx);
}

}  // namespace eb

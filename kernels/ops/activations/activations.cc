// prepare_relu, prepare_relu6, prepare_leaky_relu, prepare_tanh, prepare_logistic, prepare_hard_swish.
#include "kernels/ops/activations/activations.h"
#include "kernels/ops/lut/lut_x8.h"

#include <cmath>
#include <limits>
#include <memory>
#include <type_traits>

#include "kernels/common/quantization.h"
#include "kernels/ops/activations/vunary_f32.h"
#include "kernels/ops/elementwise/vbinary_f32.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

enum class ActKind { kRelu, kRelu6, kLeakyRelu, kTanh, kLogistic, kHardSwish };

float tanh_value(float x) { return std::tanh(x); }

std::unique_ptr<PreparedOp> bind_float_kernel(const char* name, void (*kernel)(const float*, float*, int64_t), int in,
                                              int out, int64_t n) {
  return bind_kernel(name, [=](const RunContext& c) { kernel(c.in<float>(in), c.out<float>(out), n); });
}

// The fast float32 kernel of an activation: RELU / RELU6 through the elementwise clamp, LOGISTIC / TANH /
// HARD_SWISH on their microkernels; nullptr on the reference path, for LEAKY_RELU, or when the ISA has none.
Result<std::unique_ptr<PreparedOp>> prepare_float_fast(ActKind kind, PrepareContext& ctx) {
  if (ctx.isa() == Isa::kReference) return std::unique_ptr<PreparedOp>();
  switch (kind) {
    case ActKind::kRelu:
      return prepare_clamp_float_fast(ctx, 0.0f, std::numeric_limits<float>::infinity());
    case ActKind::kRelu6:
      return prepare_clamp_float_fast(ctx, 0.0f, 6.0f);
    case ActKind::kTanh:
      return prepare_unary_float_fast(ctx, kVUnaryTanh);
    case ActKind::kLogistic:
      return prepare_unary_float_fast(ctx, kVUnarySigmoid);
    case ActKind::kHardSwish:
      return prepare_unary_float_fast(ctx, kVUnaryHardSwish);
    case ActKind::kLeakyRelu:
      break;
  }
  return std::unique_ptr<PreparedOp>();
}

template <typename T>
Result<std::unique_ptr<PreparedOp>> prepare_quantized(ActKind kind, PrepareContext& ctx, int64_t n) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  constexpr bool s8 = std::is_same_v<T, int8_t>;
  const float is = in.quant.scale0(), os = out.quant.scale0();
  const int32_t izp = in.quant.zp0(), ozp = out.quant.zp0();
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  constexpr int32_t qmin = qmin_of<T>(), qmax = qmax_of<T>();

  switch (kind) {
    case ActKind::kRelu:
    case ActKind::kRelu6: {
      ReluQuantParams p;
      p.in_zp = izp;
      p.out_zp = ozp;
      // TFLite: double real_multiplier = input scale / output scale (a float division).
      p.multiplier = quantize_multiplier(static_cast<double>(is / os));
      const QuantRange r = activation_range_quantized(kind == ActKind::kRelu ? Activation::kRelu : Activation::kRelu6,
                                                      os, ozp, qmin, qmax);
      p.lo = r.min;
      p.hi = r.max;
      if (s8) return bind_unary_kernel("relu_int8_ref", relu_int8_ref, p, ii, io, n);
      return bind_unary_kernel("relu_uint8_ref", relu_uint8_ref, p, ii, io, n);
    }
    case ActKind::kLeakyRelu: {
      const float alpha = ctx.options().alpha;
      if (!(alpha >= 0.0f) || !std::isfinite(alpha))
        return error("quantized LEAKY_RELU needs a finite alpha >= 0, got %g", static_cast<double>(alpha));
      LeakyReluQuantParams p;
      p.in_zp = izp;
      p.out_zp = ozp;
      // TFLite computes both ratios in float, then widens them to double.
      p.alpha = quantize_multiplier(static_cast<double>(is * alpha / os));
      p.identity = quantize_multiplier(static_cast<double>(is / os));
      if (s8) return bind_unary_kernel("leaky_relu_int8_ref", leaky_relu_int8_ref, p, ii, io, n);
      return bind_unary_kernel("leaky_relu_uint8_ref", leaky_relu_uint8_ref, p, ii, io, n);
    }
    case ActKind::kTanh:
    case ActKind::kLogistic:
    case ActKind::kHardSwish: {
      float (*f)(float) = kind == ActKind::kTanh       ? tanh_value
                          : kind == ActKind::kLogistic ? logistic_value
                                                       : hard_swish_value;
      const LookupTable8 t = make_lookup_table<T>(is, izp, os, ozp, f);
      const char* op = kind == ActKind::kTanh ? "tanh" : kind == ActKind::kLogistic ? "logistic" : "hard_swish";
      return bind_lut_x8(ctx.isa(), std::string(op) + (s8 ? "_qs8" : "_qu8"), t.table, ii, io, n);
    }
  }
  return error("unknown activation kind");
}

// int16 (16x8 mode): TFLite's Prepare checks (zero points 0; LOGISTIC / TANH output scale 1/32768) and
// the kernels its kGenericOptimized Eval calls (activations.h).
Result<std::unique_ptr<PreparedOp>> prepare_int16(ActKind kind, PrepareContext& ctx, int64_t n) {
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  const float is = in.quant.scale0(), os = out.quant.scale0();
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  if (in.quant.zp0() != 0)
    return error("input '%s' has zero point %d; int16 activations need zero point 0", in.name.c_str(), in.quant.zp0());
  if (out.quant.zp0() != 0)
    return error("output '%s' has zero point %d; int16 activations need zero point 0", out.name.c_str(),
                 out.quant.zp0());
  switch (kind) {
    case ActKind::kRelu:
    case ActKind::kRelu6: {
      ReluQuantParams p;
      p.multiplier = quantize_multiplier(static_cast<double>(is / os));
      const QuantRange r = activation_range_quantized(kind == ActKind::kRelu ? Activation::kRelu : Activation::kRelu6,
                                                      os, 0, qmin_of<int16_t>(), qmax_of<int16_t>());
      p.lo = r.min;
      p.hi = r.max;
      return bind_unary_kernel(kind == ActKind::kRelu ? "relu_qs16_ref" : "relu6_qs16_ref", relu_int16_ref, p, ii, io, n);
    }
    case ActKind::kLeakyRelu: {
      const float alpha = ctx.options().alpha;
      if (!(alpha >= 0.0f) || !std::isfinite(alpha))
        return error("quantized LEAKY_RELU needs a finite alpha >= 0, got %g", static_cast<double>(alpha));
      LeakyReluQuantParams p;
      p.alpha = quantize_multiplier(static_cast<double>(is * alpha / os));
      p.identity = quantize_multiplier(static_cast<double>(is / os));
      return bind_unary_kernel("leaky_relu_qs16_ref", leaky_relu_int16_ref, p, ii, io, n);
    }
    case ActKind::kTanh:
    case ActKind::kLogistic: {
      const bool tanh = kind == ActKind::kTanh;
      if (!sigmoid_int16_output_scale_ok(os, tanh))
        return error("output '%s' has scale %g; int16 %s needs scale 1/32768", out.name.c_str(),
                     static_cast<double>(os), tanh ? "TANH" : "LOGISTIC");
      SigmoidInt16Params p;
      const char* why = nullptr;
      if (!sigmoid_int16_params(is, tanh, &p, &why))
        return error("input '%s' has scale %g, which %s", in.name.c_str(), static_cast<double>(is), why);
      if (p.input_multiplier == 0)  // a power-of-two input scale: gemmlowp's fixed point on Q3.12
        return tanh ? bind_unary_kernel("tanh_qs16_q3_ref", tanh_int16_q3_ref, p, ii, io, n)
                    : bind_unary_kernel("logistic_qs16_q3_ref", logistic_int16_q3_ref, p, ii, io, n);
      return tanh ? bind_unary_kernel("tanh_qs16_lut_ref", tanh_int16_lut_ref, p, ii, io, n)
                  : bind_unary_kernel("logistic_qs16_lut_ref", logistic_int16_lut_ref, p, ii, io, n);
    }
    case ActKind::kHardSwish:
      break;
  }
  return error("input '%s' has dtype int16; HARD_SWISH supports float32, int8, uint8", in.name.c_str());
}

Result<std::unique_ptr<PreparedOp>> prepare_activation(ActKind kind, PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  const DType dt = in.dtype;
  if (dt != DType::kFloat32 && dt != DType::kInt8 && dt != DType::kUInt8 &&
      !(dt == DType::kInt16 && kind != ActKind::kHardSwish))
    return error("input '%s' has dtype %s; supported: float32, int8, uint8%s", in.name.c_str(), dtype_name(dt),
                 kind != ActKind::kHardSwish ? ", int16" : "");
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
    constexpr float kInf = std::numeric_limits<float>::infinity();
    auto fast = prepare_float_fast(kind, ctx);
    if (!fast.ok()) return fast.status();
    if (fast.value()) return std::move(fast.value());
    switch (kind) {
      case ActKind::kRelu:
        return bind_kernel("relu_float_ref", [=](const RunContext& c) {
          clamp_float_ref(c.in<float>(ii), c.out<float>(io), n, 0.0f, kInf);
        });
      case ActKind::kRelu6:
        return bind_kernel("relu6_float_ref", [=](const RunContext& c) {
          clamp_float_ref(c.in<float>(ii), c.out<float>(io), n, 0.0f, 6.0f);
        });
      case ActKind::kLeakyRelu: {
        const float alpha = ctx.options().alpha;
        return bind_kernel("leaky_relu_float_ref", [=](const RunContext& c) {
          leaky_relu_float_ref(c.in<float>(ii), c.out<float>(io), n, alpha);
        });
      }
      case ActKind::kTanh:
        return bind_float_kernel("tanh_float_ref", tanh_float_ref, ii, io, n);
      case ActKind::kLogistic:
        return bind_float_kernel("logistic_float_ref", logistic_float_ref, ii, io, n);
      case ActKind::kHardSwish:
        return bind_float_kernel("hard_swish_float_ref", hard_swish_float_ref, ii, io, n);
    }
  }
  if (dt == DType::kInt16) return prepare_int16(kind, ctx, n);
  if (dt == DType::kInt8) return prepare_quantized<int8_t>(kind, ctx, n);
  return prepare_quantized<uint8_t>(kind, ctx, n);
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_relu(PrepareContext& ctx) {
  return prepare_activation(ActKind::kRelu, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_relu6(PrepareContext& ctx) {
  return prepare_activation(ActKind::kRelu6, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_leaky_relu(PrepareContext& ctx) {
  return prepare_activation(ActKind::kLeakyRelu, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_tanh(PrepareContext& ctx) {
  return prepare_activation(ActKind::kTanh, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_logistic(PrepareContext& ctx) {
  return prepare_activation(ActKind::kLogistic, ctx);
}
Result<std::unique_ptr<PreparedOp>> prepare_hard_swish(PrepareContext& ctx) {
  return prepare_activation(ActKind::kHardSwish, ctx);
}

}  // namespace eb

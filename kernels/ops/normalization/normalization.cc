// prepare_l2_normalization / prepare_local_response_normalization: rows of the last dimension, the fixed
// quantized output TFLite demands, the options' ranges.
#include <cmath>
#include <cstdint>
#include <memory>

#include "kernels/ops/normalization/normalization.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

// Rows and depth of the last dimension; checks the output type.
Status last_dim_rows(PrepareContext& ctx, const char* op, int64_t& rows, int32_t& depth) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& out = ctx.output(0);
  if (in.rank() < 1) return error("input '%s' is a scalar; %s needs at least one dimension", in.name.c_str(), op);
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s; they must match", out.name.c_str(), dtype_name(out.dtype),
                 in.name.c_str(), dtype_name(in.dtype));
  depth = in.dim(in.rank() - 1);
  rows = 1;
  for (int d = 0; d + 1 < in.rank(); ++d) rows *= in.dim(d);
  return Status();
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_l2_normalization(PrepareContext& ctx) {
  L2NormParams p;
  EB_RETURN_IF_ERROR(last_dim_rows(ctx, "L2_NORMALIZATION", p.rows, p.depth));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.rank() > 4) return error("input '%s' has rank %d; TFLite's L2_NORMALIZATION takes at most 4",
                                  in.name.c_str(), in.rank());
  if (ctx.options().activation != Activation::kNone)
    return error("fused activation %d is not supported (TFLite refuses it too)",
                 static_cast<int>(ctx.options().activation));
  const int ii = ctx.input_index(0), oi = ctx.output_index(0);
  std::unique_ptr<PreparedOp> op;
  switch (in.dtype) {
    case DType::kFloat32:
      op = bind_kernel("l2_norm_f32_ref",
                       [p, ii, oi](const RunContext& c) { l2_norm_f32_ref(p, c.in<float>(ii), c.out<float>(oi)); });
      break;
    case DType::kInt8:
    case DType::kUInt8: {
      EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
      EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
      const bool s8 = in.dtype == DType::kInt8;
      const int32_t want_zp = s8 ? 0 : 128;
      if (out.quant.scale0() != 1.0f / 128.0f || out.quant.zp0() != want_zp)
        return error("output '%s' has scale %g and zero point %d; L2_NORMALIZATION %s needs scale 1/128 and zero "
                     "point %d", out.name.c_str(), static_cast<double>(out.quant.scale0()), out.quant.zp0(),
                     dtype_name(in.dtype), want_zp);
      // (x - zp)^2 <= 2^16 per element: the int32 sum holds 2^15 of them.
      if (p.depth > (1 << 15))
        return error("input '%s' rows hold %d values; at most 2^15 fit the int32 sum of squares", in.name.c_str(),
                     p.depth);
      p.input_zero_point = in.quant.zp0();
      if (s8)
        op = bind_kernel("l2_norm_qs8_ref",
                         [p, ii, oi](const RunContext& c) { l2_norm_qs8_ref(p, c.in<int8_t>(ii), c.out<int8_t>(oi)); });
      else
        op = bind_kernel("l2_norm_qu8_ref", [p, ii, oi](const RunContext& c) {
          l2_norm_qu8_ref(p, c.in<uint8_t>(ii), c.out<uint8_t>(oi));
        });
      break;
    }
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8", in.name.c_str(), dtype_name(in.dtype));
  }
  out.shape = in.shape;
  return op;
}

Result<std::unique_ptr<PreparedOp>> prepare_local_response_normalization(PrepareContext& ctx) {
  LrnParams p;
  EB_RETURN_IF_ERROR(last_dim_rows(ctx, "LOCAL_RESPONSE_NORMALIZATION", p.rows, p.depth));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.rank() != 4) return error("input '%s' has rank %d; LOCAL_RESPONSE_NORMALIZATION takes 4-D input",
                                   in.name.c_str(), in.rank());
  if (in.dtype != DType::kFloat32)
    return error("input '%s' is %s; LOCAL_RESPONSE_NORMALIZATION runs float32 only", in.name.c_str(),
                 dtype_name(in.dtype));
  const NodeOptions& o = ctx.options();
  if (o.lrn_radius < 0) return error("radius %d is negative", o.lrn_radius);
  if (!std::isfinite(o.lrn_bias) || !std::isfinite(o.lrn_alpha) || !std::isfinite(o.lrn_beta))
    return error("bias %g, alpha %g and beta %g must be finite", static_cast<double>(o.lrn_bias),
                 static_cast<double>(o.lrn_alpha), static_cast<double>(o.lrn_beta));
  p.radius = o.lrn_radius;
  p.bias = o.lrn_bias;
  p.alpha = o.lrn_alpha;
  p.beta = o.lrn_beta;
  const int ii = ctx.input_index(0), oi = ctx.output_index(0);
  out.shape = in.shape;
  return bind_kernel("lrn_f32_ref", [p, ii, oi](const RunContext& c) { lrn_f32_ref(p, c.in<float>(ii), c.out<float>(oi)); });
}

}  // namespace eb

// prepare_sqrt: float32 in and out, the input's shape.
#include <memory>

#include "kernels/ops/arith/arith.h"
#include "kernels/ops/ops.h"

namespace eb {

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

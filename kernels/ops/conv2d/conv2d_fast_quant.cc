// CONV_2D int8/uint8 on the fast kernels of the engine's ISA: the quantized indirect GEMM
// (kernels/ops/gemm/gemm_q8.h), bit-identical to conv2d_int8_ref / conv2d_uint8_ref.
#include "kernels/ops/conv2d/conv_q8_spec.h"

namespace eb {

Result<std::unique_ptr<PreparedOp>> prepare_conv2d_fast_quant(PrepareContext& ctx, ConvMode mode,
                                                              const Conv2DParams& p) {
  if (p.groups != 1) return std::unique_ptr<PreparedOp>();  // grouped convs keep the reference
  const std::optional<Q8ConvSpec> s = make_q8_conv_spec(ctx, mode, p.geom, p.requant);
  if (!s) return std::unique_ptr<PreparedOp>();
  auto op = make_q8_igemm_op(ctx.isa(), ctx.threads(), *s, /*fc=*/false, ctx.input_index(0), ctx.output_index(0));
  if (op.ok() && op.value()) ctx.weights_packed();
  return op;
}

}  // namespace eb

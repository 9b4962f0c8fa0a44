// DEPTHWISE_CONV_2D int8/uint8 on the fast kernels of the engine's ISA (dwconv_q8.h), bit-identical to
// depthwise_conv2d_int8_ref / depthwise_conv2d_uint8_ref. Depth multiplier 1 (every shipped model).
#include "kernels/ops/conv2d/conv_q8_spec.h"
#include "kernels/ops/depthwise_conv2d/depthwise_conv2d.h"
#include "kernels/ops/depthwise_conv2d/dwconv_q8.h"

namespace eb {

Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d_fast_quant(PrepareContext& ctx, ConvMode mode,
                                                                        const DepthwiseConv2DParams& p) {
  if (p.depth_multiplier != 1) return std::unique_ptr<PreparedOp>();
  const std::optional<Q8ConvSpec> s = make_q8_conv_spec(ctx, mode, p.geom, p.requant);
  if (!s) return std::unique_ptr<PreparedOp>();
  auto op = make_q8_dwconv_op(ctx.isa(), ctx.threads(), *s, ctx.input_index(0), ctx.output_index(0));
  if (op.ok() && op.value()) ctx.weights_packed();
  return op;
}

}  // namespace eb

// FULLY_CONNECTED int8/uint8 on the fast kernels of the engine's ISA: the quantized GEMM of
// kernels/ops/gemm/gemm_q8.h as a 1x1 convolution over `batch` pixels, bit-identical to the reference.
#include "kernels/ops/fully_connected/fully_connected.h"
#include "kernels/ops/gemm/gemm_q8.h"

namespace eb {

Result<std::unique_ptr<PreparedOp>> prepare_fully_connected_fast_quant(PrepareContext& ctx,
                                                                       const FullyConnectedQuantParams& p,
                                                                       const std::vector<float>& scale) {
  if (p.requant != FcRequant::kFp32) return std::unique_ptr<PreparedOp>();
  const Tensor& weights = ctx.input(1);
  if (!weights.is_constant()) return std::unique_ptr<PreparedOp>();
  const bool has_bias = ctx.has_input(2);
  if (has_bias && !ctx.input(2).is_constant()) return std::unique_ptr<PreparedOp>();

  Q8ConvSpec s;
  s.in_w = p.batch;  // one "pixel" per batch row
  s.out_w = p.batch;
  s.in_c = p.in;
  s.out_c = p.out;
  s.is_unsigned = ctx.input(0).dtype == DType::kUInt8;
  s.input_zp = p.input_zero_point;
  s.filter_zp = p.weights_zero_point;
  s.output_zp = p.output_zero_point;
  s.act_min = p.act_min;
  s.act_max = p.act_max;
  s.filter = weights.constant_as<uint8_t>();
  s.bias = has_bias ? ctx.input(2).constant_as<uint8_t>() : nullptr;
  s.scale = scale.data();  // read during prepare only: packed into the op's weight blocks
  auto op = make_q8_igemm_op(ctx.isa(), ctx.threads(), s, /*fc=*/true, ctx.input_index(0), ctx.output_index(0));
  if (op.ok() && op.value()) ctx.weights_packed();
  return op;
}

}  // namespace eb

// FULLY_CONNECTED float32 on the GEMM microkernels of the engine's ISA: output[batch, out] = input[batch,
// in] x weights^T, the weights [out, in] packed once at prepare (kernels/ops/gemm/gemm_f32.h).
#include <memory>
#include <utility>

#include "kernels/ops/fully_connected/fully_connected.h"
#include "kernels/ops/gemm/gemm_f32.h"

namespace eb {

Result<std::unique_ptr<PreparedOp>> prepare_fully_connected_fast_f32(PrepareContext& ctx,
                                                                     const FullyConnectedFloatParams& p) {
  // One row (batch 1) runs the single-row loop, which the narrow tile measured faster in (ad-toycar).
  const GemmF32Kernel* k = gemm_f32_kernel_for(ctx.isa(), p.batch > 1 ? static_cast<size_t>(p.out) : 0);
  const bool has_bias = ctx.has_input(2);
  if (k == nullptr || !ctx.input(1).is_constant() || (has_bias && !ctx.input(2).is_constant()))
    return std::unique_ptr<PreparedOp>();
  const size_t m = static_cast<size_t>(p.batch), kc = static_cast<size_t>(p.in), n = static_cast<size_t>(p.out);
  AlignedFloats packed = pack_gemm_f32_weights(ctx.input(1).constant_as<float>(),
                                               has_bias ? ctx.input(2).constant_as<float>() : nullptr, n, kc, k->nr);
  const GemmF32Params params{p.act_min, p.act_max};
  const int in = ctx.input_index(0), out = ctx.output_index(0);
  ctx.weights_packed();
  return bind_kernel(k->fc_name, [=, w = std::move(packed)](const RunContext& c) {
    run_gemm_f32(*k, w.data(), m, n, kc, c.in<float>(in), kc, c.out<float>(out), n, params, c.pool);
  });
}

}  // namespace eb

// DEPTHWISE_CONV_2D float32 on the depthwise microkernels of the engine's ISA (dwconv_f32.h): 3x3 and
// 5x5 filters get kernels with the tap loop unrolled, other sizes a generic one; any stride, dilation
// and padding (padding taps read a zero row). Depth multipliers > 1 keep the reference kernel.
#include <memory>
#include <utility>

#include "kernels/ops/depthwise_conv2d/depthwise_conv2d.h"
#include "kernels/ops/depthwise_conv2d/dwconv_f32.h"

namespace eb {

Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d_fast_f32(PrepareContext& ctx,
                                                                      const DepthwiseConv2DParams& p) {
  const ConvGeometry g = p.geom;
  const DwconvF32Kernel* k = dwconv_f32_kernel_for(ctx.isa(), g.filter_h, g.filter_w, g.stride_w, g.dilation_w);
  const bool has_bias = ctx.has_input(2);
  if (k == nullptr || p.depth_multiplier != 1 || !ctx.input(1).is_constant() ||
      (has_bias && !ctx.input(2).is_constant()))
    return std::unique_ptr<PreparedOp>();
  const size_t ks = static_cast<size_t>(g.filter_h) * static_cast<size_t>(g.filter_w);
  AlignedFloats packed =
      pack_dwconv_f32_weights(ctx.input(1).constant_as<float>(), has_bias ? ctx.input(2).constant_as<float>() : nullptr,
                              static_cast<size_t>(g.out_c), ks, k->tile);
  AlignedFloats zero(static_cast<size_t>(g.in_c));  // the row padding taps read
  const DwconvF32Params params{p.act_min, p.act_max};
  const int in = ctx.input_index(0), out = ctx.output_index(0);
  ctx.weights_packed();
  return bind_kernel(k->name, [=, w = std::move(packed), zero = std::move(zero)](const RunContext& c) {
    run_dwconv_f32(*k, w.data(), g, c.in<float>(in), zero.data(), c.out<float>(out), params, c.pool);
  });
}

}  // namespace eb

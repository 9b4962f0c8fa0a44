#include "kernels/ops/conv2d/conv_q8_spec.h"

namespace eb {

Q8ConvSpec q8_spec_geometry(const ConvGeometry& g) {
  Q8ConvSpec s;
  s.batches = g.batches;
  s.in_h = g.in_h;
  s.in_w = g.in_w;
  s.in_c = g.in_c;
  s.out_h = g.out_h;
  s.out_w = g.out_w;
  s.out_c = g.out_c;
  s.filter_h = g.filter_h;
  s.filter_w = g.filter_w;
  s.stride_h = g.stride_h;
  s.stride_w = g.stride_w;
  s.dilation_h = g.dilation_h;
  s.dilation_w = g.dilation_w;
  s.pad_top = g.pad_top;
  s.pad_left = g.pad_left;
  return s;
}

std::optional<Q8ConvSpec> make_q8_conv_spec(PrepareContext& ctx, ConvMode mode, const ConvGeometry& g,
                                            const ConvRequant& rq) {
  // The microkernels implement the fp32 requantization only.
  if (rq.scheme != RequantScheme::kXnnpackFp32) return std::nullopt;
  const Tensor& filter = ctx.input(1);
  if (!filter.is_constant()) return std::nullopt;
  const bool has_bias = ctx.has_input(2);
  if (has_bias && !ctx.input(2).is_constant()) return std::nullopt;

  Q8ConvSpec s = q8_spec_geometry(g);
  s.is_unsigned = mode == ConvMode::kUInt8;
  s.input_zp = rq.input_zp;
  s.filter_zp = rq.filter_zp;
  s.output_zp = rq.output_zp;
  s.act_min = rq.act_min;
  s.act_max = rq.act_max;
  s.filter = filter.constant_as<uint8_t>();
  s.bias = has_bias ? ctx.input(2).constant_as<uint8_t>() : nullptr;
  s.scale = rq.scale.data();
  return s;
}

}  // namespace eb

// DEPTHWISE_CONV_2D in TFLite's 16x8 mode (int16 activations, int8 weights per channel along dimension
// 3, int64 or int32 bias): prepare and the reference kernel.
//
// TFLite's depthwise_conv.cc has no optimized 16x8 kernel: EvalQuantizedPerChannel16x8 always calls
// reference_integer_ops::DepthwiseConvPerChannel for int16 (for every kernel type, so also the default
// kGenericOptimized / kNeonOptimized): an int64 accumulator over the valid taps (the input offset is 0),
// plus the bias (int64, or int32 widened), then the int64 MultiplyByQuantizedMultiplier (multiplier
// reduced to Q15, one rounding), clamped to the activation range. Output channel oc = ic * M + m reads
// input channel ic; the depth multiplier M follows from the shapes.
#include <cstdint>
#include <memory>
#include <utility>

#include "kernels/ops/depthwise_conv2d/depthwise_conv2d.h"

namespace eb {

namespace {

template <typename Bias>
void depthwise_int16(const DepthwiseConv2DParams& p, const int16_t* input, const int8_t* filter, const Bias* bias,
                     int16_t* output) {
  const ConvGeometry& g = p.geom;
  const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int32_t b = 0; b < g.batches; ++b) {
    const int16_t* in_b = input + b * batch_elems;
    for (int32_t oy = 0; oy < g.out_h; ++oy) {
      const int32_t iy0 = oy * g.stride_h - g.pad_top;
      for (int32_t ox = 0; ox < g.out_w; ++ox) {
        const int32_t ix0 = ox * g.stride_w - g.pad_left;
        int16_t* out = output + nhwc_offset(b, oy, ox, 0, g.out_h, g.out_w, g.out_c);
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          const int32_t ic = oc / p.depth_multiplier;
          int64_t acc = 0;
          for (int32_t ky = 0; ky < g.filter_h; ++ky) {
            const int32_t iy = iy0 + ky * g.dilation_h;
            if (iy < 0 || iy >= g.in_h) continue;
            for (int32_t kx = 0; kx < g.filter_w; ++kx) {
              const int32_t ix = ix0 + kx * g.dilation_w;
              if (ix < 0 || ix >= g.in_w) continue;
              const int32_t x = in_b[nhwc_offset(0, iy, ix, ic, g.in_h, g.in_w, g.in_c)];
              const int32_t w = filter[nhwc_offset(0, ky, kx, oc, g.filter_h, g.filter_w, g.out_c)];
              acc += x * w;
            }
          }
          if (bias) acc += bias[oc];
          out[oc] = conv_int16_output(p.requant, acc, oc);
        }
      }
    }
  }
}

}  // namespace

void depthwise_conv2d_int16_ref(const DepthwiseConv2DParams& p, const int16_t* input, const int8_t* filter,
                                const int64_t* bias, int16_t* output) {
  depthwise_int16(p, input, filter, bias, output);
}

void depthwise_conv2d_int16_bias32_ref(const DepthwiseConv2DParams& p, const int16_t* input, const int8_t* filter,
                                       const int32_t* bias, int16_t* output) {
  depthwise_int16(p, input, filter, bias, output);
}

Result<std::unique_ptr<PreparedOp>> prepare_depthwise_conv2d_int16(PrepareContext& ctx, DepthwiseConv2DParams p) {
  const Tensor& in = ctx.input(0);
  const Tensor& w = ctx.input(1);
  const Tensor* bias = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  Tensor& out = ctx.output(0);
  const ConvGeometry& g = p.geom;
  EB_RETURN_IF_ERROR(
      prepare_conv_requant_int16(in, w, bias, out, ctx.options().activation, /*channel_axis=*/3, g.out_c, p.requant));
  out.shape = {g.batches, g.out_h, g.out_w, g.out_c};
  const int xi = ctx.input_index(0), wi = ctx.input_index(1), bi = bias ? ctx.input_index(2) : -1;
  const int oi = ctx.output_index(0);
  if (bias && bias->dtype == DType::kInt32)
    return bind_kernel("depthwise_conv2d_qs16_bias32_ref", [=, p = std::move(p)](const RunContext& c) {
      depthwise_conv2d_int16_bias32_ref(p, c.in<int16_t>(xi), c.in<int8_t>(wi), c.in<int32_t>(bi),
                                        c.out<int16_t>(oi));
    });
  const char* name =
      w.quant.per_channel() ? "depthwise_conv2d_qs16_per_channel_ref" : "depthwise_conv2d_qs16_per_tensor_ref";
  return bind_kernel(name, [=, p = std::move(p)](const RunContext& c) {
    depthwise_conv2d_int16_ref(p, c.in<int16_t>(xi), c.in<int8_t>(wi), bi < 0 ? nullptr : c.in<int64_t>(bi),
                               c.out<int16_t>(oi));
  });
}

}  // namespace eb

// CONV_2D in TFLite's 16x8 mode (int16 activations, int8 weights, int64 or int32 bias): prepare and the
// reference kernels.
//
// Which TFLite code this matches. TFLite's default CONV_2D registration on x86 is kGenericOptimized (or
// kMultithreadOptimized, which treats quantized types the same way); XNNPACK takes no int16 operator, so
// conv.cc's EvalQuantizedPerChannel16x8 runs:
//  - int64 bias (what the converter writes by default, and onnx2tf / Ultralytics models have): always
//    reference_integer_ops::ConvPerChannel for int16 with an int64 bias ("there is no optimized kernel
//    for int64 bias yet"), whatever the kernel type: int64 accumulator, then the int64
//    MultiplyByQuantizedMultiplier (multiplier reduced to Q15, one rounding). Checked against LiteRT
//    2.x with a 3x3 conv (9600 outputs): bit exact; requantizing in double instead (a newer reference
//    variant) differs on 5% of them.
//  - int32 bias (converter option _experimental_full_integer_quantization_bias_type = int32): with all
//    zero points 0 and groups == 1 TFLite takes optimized_integer_ops::ConvPerChannel, im2col + ruy GEMM
//    (int8 x int16, int32 accumulator, ruy's own fixed-point multiplier). We run TFLite's reference for
//    an int32 accumulator instead (int32 sums, MultiplyByQuantizedMultiplier with two roundings): on
//    the same 3x3 conv LiteRT's outputs differ from it by one step on 11 of 9600 values (ties of ruy's
//    rounding), inside the one-step tolerance; int32-bias models are rare (not the converter default).
// Padding taps contribute nothing (the input offset is 0 for int16), as in TFLite's reference.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "kernels/ops/conv2d/conv2d.h"

namespace eb {

namespace {

// bias + sum(x * w) over the valid taps of output pixel (oy, ox), channel oc, in Acc (int64, or int32
// wrapping like the int32 reference).
template <typename Acc, typename Bias>
Acc conv_int16_acc(const Conv2DParams& p, const int16_t* in_b, const int8_t* filter, const Bias* bias, int32_t oy,
                   int32_t ox, int32_t oc) {
  const ConvGeometry& g = p.geom;
  const int32_t group = oc / (g.out_c / p.groups);
  const int32_t iy0 = oy * g.stride_h - g.pad_top;
  const int32_t ix0 = ox * g.stride_w - g.pad_left;
  int64_t acc = 0;
  for (int32_t ky = 0; ky < g.filter_h; ++ky) {
    const int32_t iy = iy0 + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) continue;
    for (int32_t kx = 0; kx < g.filter_w; ++kx) {
      const int32_t ix = ix0 + kx * g.dilation_w;
      if (ix < 0 || ix >= g.in_w) continue;
      const int16_t* x = in_b + nhwc_offset(0, iy, ix, group * p.filter_c, g.in_h, g.in_w, g.in_c);
      const int8_t* w = filter + nhwc_offset(oc, ky, kx, 0, g.filter_h, g.filter_w, p.filter_c);
      for (int32_t ic = 0; ic < p.filter_c; ++ic) acc += static_cast<int32_t>(x[ic]) * static_cast<int32_t>(w[ic]);
    }
  }
  // The int64 sum is exact; an int32 accumulator is the same sum modulo 2^32.
  if (bias) acc += bias[oc];
  if constexpr (sizeof(Acc) == 4)
    return static_cast<int32_t>(static_cast<uint32_t>(static_cast<uint64_t>(acc)));
  else
    return acc;
}

template <typename Bias>
void conv2d_int16(const Conv2DParams& p, const int16_t* input, const int8_t* filter, const Bias* bias,
                  int16_t* output) {
  const ConvGeometry& g = p.geom;
  const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int32_t b = 0; b < g.batches; ++b) {
    const int16_t* in_b = input + b * batch_elems;
    for (int32_t oy = 0; oy < g.out_h; ++oy) {
      for (int32_t ox = 0; ox < g.out_w; ++ox) {
        int16_t* out = output + nhwc_offset(b, oy, ox, 0, g.out_h, g.out_w, g.out_c);
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          if constexpr (sizeof(Bias) == 8)
            out[oc] = conv_int16_output(p.requant, conv_int16_acc<int64_t>(p, in_b, filter, bias, oy, ox, oc), oc);
          else
            out[oc] =
                conv_int16_output_acc32(p.requant, conv_int16_acc<int32_t>(p, in_b, filter, bias, oy, ox, oc), oc);
        }
      }
    }
  }
}

}  // namespace

void conv2d_int16_ref(const Conv2DParams& p, const int16_t* input, const int8_t* filter, const int64_t* bias,
                      int16_t* output) {
  conv2d_int16(p, input, filter, bias, output);
}

void conv2d_int16_bias32_ref(const Conv2DParams& p, const int16_t* input, const int8_t* filter, const int32_t* bias,
                             int16_t* output) {
  conv2d_int16(p, input, filter, bias, output);
}

Result<std::unique_ptr<PreparedOp>> prepare_conv2d_int16(PrepareContext& ctx, Conv2DParams p) {
  const Tensor& in = ctx.input(0);
  const Tensor& w = ctx.input(1);
  const Tensor* bias = ctx.has_input(2) ? &ctx.input(2) : nullptr;
  Tensor& out = ctx.output(0);
  ConvGeometry& g = p.geom;
  EB_RETURN_IF_ERROR(
      prepare_conv_requant_int16(in, w, bias, out, ctx.options().activation, /*channel_axis=*/0, g.out_c, p.requant));
  out.shape = {g.batches, g.out_h, g.out_w, g.out_c};
  const bool bias32 = bias && bias->dtype == DType::kInt32;
  if (ctx.isa() != Isa::kReference)
    if (auto fast = prepare_conv2d_fast_int16(ctx, p, bias32)) return fast;
  const int xi = ctx.input_index(0), wi = ctx.input_index(1), bi = bias ? ctx.input_index(2) : -1;
  const int oi = ctx.output_index(0);
  if (bias32)
    return bind_kernel("conv2d_qs16_bias32_ref", [=, p = std::move(p)](const RunContext& c) {
      conv2d_int16_bias32_ref(p, c.in<int16_t>(xi), c.in<int8_t>(wi), c.in<int32_t>(bi), c.out<int16_t>(oi));
    });
  const char* name = w.quant.per_channel() ? "conv2d_qs16_per_channel_ref" : "conv2d_qs16_per_tensor_ref";
  return bind_kernel(name, [=, p = std::move(p)](const RunContext& c) {
    conv2d_int16_ref(p, c.in<int16_t>(xi), c.in<int8_t>(wi), bi < 0 ? nullptr : c.in<int64_t>(bi),
                     c.out<int16_t>(oi));
  });
}

}  // namespace eb

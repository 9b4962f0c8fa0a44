// Reference DEPTHWISE_CONV_2D kernels: direct loops over output pixels, channels and valid filter taps.
#include <algorithm>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/depthwise_conv2d.h"

namespace eb {

namespace {

// Calls f(input_offset, filter_offset) for every valid tap of output pixel (oy, ox): the input offset
// addresses channel 0 of the tap's pixel within one batch item, the filter offset channel 0 of the tap.
template <typename F>
inline void for_each_tap(const ConvGeometry& g, int32_t oy, int32_t ox, F&& f) {
  const int32_t iy0 = oy * g.stride_h - g.pad_top;
  const int32_t ix0 = ox * g.stride_w - g.pad_left;
  for (int32_t ky = 0; ky < g.filter_h; ++ky) {
    const int32_t iy = iy0 + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) continue;
    for (int32_t kx = 0; kx < g.filter_w; ++kx) {
      const int32_t ix = ix0 + kx * g.dilation_w;
      if (ix < 0 || ix >= g.in_w) continue;
      f(nhwc_offset(0, iy, ix, 0, g.in_h, g.in_w, g.in_c), nhwc_offset(0, ky, kx, 0, g.filter_h, g.filter_w, g.out_c));
    }
  }
}

// bias + sum((x - x_zp) * (w - w_zp)) over valid taps, requantized; shared by int8 and uint8.
template <typename T>
void depthwise_quantized(const DepthwiseConv2DParams& p, const T* input, const T* filter, const int32_t* bias,
                         T* output) {
  const ConvGeometry& g = p.geom;
  const int32_t x_zp = p.requant.input_zp;
  const int32_t w_zp = p.requant.filter_zp;
  const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int32_t b = 0; b < g.batches; ++b) {
    const T* in_b = input + b * batch_elems;
    for (int32_t oy = 0; oy < g.out_h; ++oy) {
      for (int32_t ox = 0; ox < g.out_w; ++ox) {
        T* out = output + nhwc_offset(b, oy, ox, 0, g.out_h, g.out_w, g.out_c);
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          const int32_t ic = oc / p.depth_multiplier;
          int32_t acc = bias ? bias[oc] : 0;
          for_each_tap(g, oy, ox, [&](int64_t xi, int64_t wi) {
            acc = wrapping_add_i32(
                acc, (static_cast<int32_t>(in_b[xi + ic]) - x_zp) * (static_cast<int32_t>(filter[wi + oc]) - w_zp));
          });
          out[oc] = static_cast<T>(p.requant.apply(acc, oc));
        }
      }
    }
  }
}

}  // namespace

void depthwise_conv2d_float32_ref(const DepthwiseConv2DParams& p, const float* input, const float* filter,
                                  const float* bias, float* output) {
  const ConvGeometry& g = p.geom;
  const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int32_t b = 0; b < g.batches; ++b) {
    const float* in_b = input + b * batch_elems;
    for (int32_t oy = 0; oy < g.out_h; ++oy) {
      for (int32_t ox = 0; ox < g.out_w; ++ox) {
        float* out = output + nhwc_offset(b, oy, ox, 0, g.out_h, g.out_w, g.out_c);
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          const int32_t ic = oc / p.depth_multiplier;
          float acc = bias ? bias[oc] : 0.0f;
          for_each_tap(g, oy, ox, [&](int64_t xi, int64_t wi) { acc += in_b[xi + ic] * filter[wi + oc]; });
          out[oc] = std::min(std::max(acc, p.act_min), p.act_max);
        }
      }
    }
  }
}

void depthwise_conv2d_int8_ref(const DepthwiseConv2DParams& p, const int8_t* input, const int8_t* filter,
                               const int32_t* bias, int8_t* output) {
  depthwise_quantized(p, input, filter, bias, output);
}

void depthwise_conv2d_uint8_ref(const DepthwiseConv2DParams& p, const uint8_t* input, const uint8_t* filter,
                                const int32_t* bias, uint8_t* output) {
  depthwise_quantized(p, input, filter, bias, output);
}

// TFLite's DepthwiseConvHybridPerChannel: acc = sum over valid taps of w * (q - offset_b);
// out = ((float)acc * input_scale_b) * filter_scale[c] + bias, then clamped.
void depthwise_conv2d_hybrid_ref(const DepthwiseConv2DParams& p, const float* input, const int8_t* filter,
                                 const float* bias, float* output, int8_t* quantized_input) {
  const ConvGeometry& g = p.geom;
  const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int32_t b = 0; b < g.batches; ++b) {
    float input_scale = 1.0f;
    int32_t offset = 0;
    hybrid_quantize_asymmetric_ref(input + b * batch_elems, batch_elems, quantized_input, &input_scale, &offset);
    for (int32_t oy = 0; oy < g.out_h; ++oy) {
      for (int32_t ox = 0; ox < g.out_w; ++ox) {
        float* out = output + nhwc_offset(b, oy, ox, 0, g.out_h, g.out_w, g.out_c);
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          const int32_t ic = oc / p.depth_multiplier;
          int32_t acc = 0;
          for_each_tap(g, oy, ox, [&](int64_t xi, int64_t wi) {
            acc = wrapping_add_i32(
                acc, static_cast<int32_t>(filter[wi + oc]) * (static_cast<int32_t>(quantized_input[xi + ic]) - offset));
          });
          out[oc] = depthwise_conv2d_hybrid_output(p, acc, input_scale, bias, static_cast<size_t>(oc));
        }
      }
    }
  }
}

}  // namespace eb

// Reference CONV_2D kernels: direct loops over output pixels, output channels and valid filter taps.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernels/ops/conv2d/conv2d.h"
#include "kernels/ops/gemm/hybrid_quantize.h"

namespace eb {

void hybrid_quantize_symmetric_ref(const float* values, int64_t n, int8_t* quantized, float* scaling_factor) {
  hybrid_quantize_ref(/*symmetric=*/true, values, n > 0 ? static_cast<size_t>(n) : 0, quantized, scaling_factor, nullptr);
}

void hybrid_quantize_asymmetric_ref(const float* values, int64_t n, int8_t* quantized, float* scaling_factor,
                                    int32_t* offset) {
  hybrid_quantize_ref(/*symmetric=*/false, values, n > 0 ? static_cast<size_t>(n) : 0, quantized, scaling_factor,
                      offset);
}

namespace {

// Calls f(input_offset, filter_offset) for every valid tap of output pixel (oy, ox) and channel oc,
// where the offsets point at the first of p.filter_c consecutive channels; the input offset is within
// one batch item. Padding taps are skipped.
template <typename F>
inline void for_each_tap(const Conv2DParams& p, int32_t oy, int32_t ox, int32_t oc, F&& f) {
  const ConvGeometry& g = p.geom;
  const int32_t group = oc / (g.out_c / p.groups);
  const int32_t iy0 = oy * g.stride_h - g.pad_top;
  const int32_t ix0 = ox * g.stride_w - g.pad_left;
  for (int32_t ky = 0; ky < g.filter_h; ++ky) {
    const int32_t iy = iy0 + ky * g.dilation_h;
    if (iy < 0 || iy >= g.in_h) continue;
    for (int32_t kx = 0; kx < g.filter_w; ++kx) {
      const int32_t ix = ix0 + kx * g.dilation_w;
      if (ix < 0 || ix >= g.in_w) continue;
      f(nhwc_offset(0, iy, ix, group * p.filter_c, g.in_h, g.in_w, g.in_c),
        nhwc_offset(oc, ky, kx, 0, g.filter_h, g.filter_w, p.filter_c));
    }
  }
}

// Integer accumulation shared by int8 and uint8: bias + sum((x - x_zp) * (w - w_zp)), then requantized.
template <typename T>
void conv2d_quantized(const Conv2DParams& p, const T* input, const T* filter, const int32_t* bias, T* output) {
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
          int32_t acc = bias ? bias[oc] : 0;
          for_each_tap(p, oy, ox, oc, [&](int64_t xi, int64_t wi) {
            const T* x = in_b + xi;
            const T* w = filter + wi;
            for (int32_t ic = 0; ic < p.filter_c; ++ic)
              acc = wrapping_add_i32(acc, (static_cast<int32_t>(x[ic]) - x_zp) * (static_cast<int32_t>(w[ic]) - w_zp));
          });
          out[oc] = static_cast<T>(p.requant.apply(acc, oc));
        }
      }
    }
  }
}

}  // namespace

void conv2d_float32_ref(const Conv2DParams& p, const float* input, const float* filter, const float* bias,
                        float* output) {
  const ConvGeometry& g = p.geom;
  const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  for (int32_t b = 0; b < g.batches; ++b) {
    const float* in_b = input + b * batch_elems;
    for (int32_t oy = 0; oy < g.out_h; ++oy) {
      for (int32_t ox = 0; ox < g.out_w; ++ox) {
        float* out = output + nhwc_offset(b, oy, ox, 0, g.out_h, g.out_w, g.out_c);
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          float acc = bias ? bias[oc] : 0.0f;
          for_each_tap(p, oy, ox, oc, [&](int64_t xi, int64_t wi) {
            const float* x = in_b + xi;
            const float* w = filter + wi;
            for (int32_t ic = 0; ic < p.filter_c; ++ic) acc += x[ic] * w[ic];
          });
          out[oc] = std::min(std::max(acc, p.act_min), p.act_max);
        }
      }
    }
  }
}

void conv2d_int8_ref(const Conv2DParams& p, const int8_t* input, const int8_t* filter, const int32_t* bias,
                     int8_t* output) {
  conv2d_quantized(p, input, filter, bias, output);
}

void conv2d_uint8_ref(const Conv2DParams& p, const uint8_t* input, const uint8_t* filter, const int32_t* bias,
                      uint8_t* output) {
  conv2d_quantized(p, input, filter, bias, output);
}

// TFLite's hybrid conv, batch item by batch item:
//  - symmetric (EvalHybrid, per-tensor filter): scale_b = input_scale_b * filter_scale,
//    out = acc * scale_b + bias;
//  - asymmetric (EvalHybridPerChannel): acc counts valid taps only with (q - offset_b),
//    out = acc * (filter_scale[c] * input_scale_b) + bias.
// Both products are formed in float in exactly this order, then clamped.
void conv2d_hybrid_ref(const Conv2DParams& p, const float* input, const int8_t* filter, const float* bias,
                       float* output, int8_t* quantized_input) {
  const ConvGeometry& g = p.geom;
  const int64_t batch_elems = static_cast<int64_t>(g.in_h) * g.in_w * g.in_c;
  const bool symmetric = p.hybrid.input_quant == HybridInputQuant::kSymmetric;
  for (int32_t b = 0; b < g.batches; ++b) {
    float input_scale = 1.0f;
    int32_t offset = 0;
    if (symmetric) {
      hybrid_quantize_symmetric_ref(input + b * batch_elems, batch_elems, quantized_input, &input_scale);
    } else {
      hybrid_quantize_asymmetric_ref(input + b * batch_elems, batch_elems, quantized_input, &input_scale, &offset);
    }
    for (int32_t oy = 0; oy < g.out_h; ++oy) {
      for (int32_t ox = 0; ox < g.out_w; ++ox) {
        float* out = output + nhwc_offset(b, oy, ox, 0, g.out_h, g.out_w, g.out_c);
        for (int32_t oc = 0; oc < g.out_c; ++oc) {
          int32_t acc = 0;
          for_each_tap(p, oy, ox, oc, [&](int64_t xi, int64_t wi) {
            const int8_t* x = quantized_input + xi;  // holds batch item b only
            const int8_t* w = filter + wi;
            for (int32_t ic = 0; ic < p.filter_c; ++ic)
              acc = wrapping_add_i32(acc, static_cast<int32_t>(w[ic]) * (static_cast<int32_t>(x[ic]) - offset));
          });
          out[oc] = conv2d_hybrid_output(p, symmetric, acc, input_scale, bias, static_cast<size_t>(oc));
        }
      }
    }
  }
}

}  // namespace eb

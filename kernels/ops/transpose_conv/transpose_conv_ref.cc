// Reference TRANSPOSE_CONV: TFLite's scatter loop (input pixel -> filter taps -> output pixels).
#include <algorithm>
#include <cstdint>
#include <type_traits>

#include "kernels/ops/transpose_conv/transpose_conv.h"

namespace eb {
namespace {

// acc[out] += (x - in_zp) * (w - w_zp) for every tap; Acc is float or int32 (wrapping).
template <typename T, typename Acc>
void scatter(const ConvGeometry& g, const T* input, const T* filter, int32_t in_zp, int32_t w_zp, Acc* acc) {
  std::fill(acc, acc + static_cast<int64_t>(g.batches) * g.out_h * g.out_w * g.out_c, Acc{0});
  for (int32_t b = 0; b < g.batches; ++b)
    for (int32_t y = 0; y < g.in_h; ++y)
      for (int32_t x = 0; x < g.in_w; ++x) {
        const T* in = input + nhwc_offset(b, y, x, 0, g.in_h, g.in_w, g.in_c);
        for (int32_t fy = 0; fy < g.filter_h; ++fy) {
          const int64_t oy = int64_t{y} * g.stride_h - g.pad_top + fy;  // int64: hostile strides
          if (oy < 0 || oy >= g.out_h) continue;
          for (int32_t fx = 0; fx < g.filter_w; ++fx) {
            const int64_t ox = int64_t{x} * g.stride_w - g.pad_left + fx;
            if (ox < 0 || ox >= g.out_w) continue;
            Acc* out = acc + nhwc_offset(b, static_cast<int32_t>(oy), static_cast<int32_t>(ox), 0, g.out_h, g.out_w, g.out_c);
            for (int32_t oc = 0; oc < g.out_c; ++oc) {
              const T* w = filter + nhwc_offset(oc, fy, fx, 0, g.filter_h, g.filter_w, g.in_c);
              Acc sum = 0;
              for (int32_t ic = 0; ic < g.in_c; ++ic) {
                if constexpr (std::is_same_v<Acc, float>) {
                  sum += in[ic] * w[ic];
                } else {
                  sum = wrapping_add_i32(sum, (static_cast<int32_t>(in[ic]) - in_zp) * (static_cast<int32_t>(w[ic]) - w_zp));
                }
              }
              if constexpr (std::is_same_v<Acc, float>)
                out[oc] += sum;
              else
                out[oc] = wrapping_add_i32(out[oc], sum);
            }
          }
        }
      }
}

template <typename T>
void transpose_conv_quant(const TransposeConvParams& p, const T* input, const T* filter, const int32_t* bias,
                          int32_t* acc, T* output) {
  const ConvGeometry& g = p.geom;
  const ConvRequant& rq = p.requant;
  scatter(g, input, filter, rq.input_zp, rq.filter_zp, acc);
  const int64_t pixels = static_cast<int64_t>(g.batches) * g.out_h * g.out_w;
  for (int64_t i = 0; i < pixels; ++i)
    for (int32_t oc = 0; oc < g.out_c; ++oc) {
      const int64_t o = i * g.out_c + oc;
      const int32_t a = bias ? wrapping_add_i32(acc[o], bias[oc]) : acc[o];
      output[o] = static_cast<T>(rq.apply(a, oc));
    }
}

}  // namespace

void transpose_conv_f32_ref(const TransposeConvParams& p, const float* input, const float* filter, const float* bias,
                            float* output) {
  const ConvGeometry& g = p.geom;
  scatter(g, input, filter, 0, 0, output);
  const int64_t pixels = static_cast<int64_t>(g.batches) * g.out_h * g.out_w;
  for (int64_t i = 0; i < pixels; ++i)
    for (int32_t oc = 0; oc < g.out_c; ++oc) {
      float v = output[i * g.out_c + oc] + (bias ? bias[oc] : 0.0f);
      output[i * g.out_c + oc] = std::min(std::max(v, p.act_min), p.act_max);
    }
}

void transpose_conv_qs8_ref(const TransposeConvParams& p, const int8_t* input, const int8_t* filter,
                            const int32_t* bias, int32_t* acc, int8_t* output) {
  transpose_conv_quant(p, input, filter, bias, acc, output);
}

void transpose_conv_qu8_ref(const TransposeConvParams& p, const uint8_t* input, const uint8_t* filter,
                            const int32_t* bias, int32_t* acc, uint8_t* output) {
  transpose_conv_quant(p, input, filter, bias, acc, output);
}

void transpose_conv_hybrid_ref(const TransposeConvParams& p, const float* input, const int8_t* filter,
                               const float* bias, int8_t* quantized, int32_t* acc, float* output) {
  ConvGeometry one = p.geom;  // one batch item at a time: each has its own input quantization
  one.batches = 1;
  const int64_t in_elems = static_cast<int64_t>(one.in_h) * one.in_w * one.in_c;
  const int64_t out_elems = static_cast<int64_t>(one.out_h) * one.out_w * one.out_c;
  for (int32_t b = 0; b < p.geom.batches; ++b) {
    float scale = 1.0f;
    int32_t offset = 0;
    hybrid_quantize_asymmetric_ref(input + b * in_elems, in_elems, quantized, &scale, &offset);
    scatter(one, quantized, filter, offset, 0, acc);
    float* out = output + b * out_elems;
    for (int64_t i = 0; i < out_elems; i += one.out_c)
      for (int32_t oc = 0; oc < one.out_c; ++oc) {
        float v = static_cast<float>(acc[i + oc]) * scale * p.filter_scale[static_cast<size_t>(oc)];
        if (bias) v += bias[oc];
        out[i + oc] = std::min(std::max(v, p.act_min), p.act_max);
      }
  }
}

}  // namespace eb

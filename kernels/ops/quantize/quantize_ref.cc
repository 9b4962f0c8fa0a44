// Reference kernels of QUANTIZE and DEQUANTIZE.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/common/float16.h"
#include "kernels/common/quantization.h"
#include "kernels/ops/quantize/quantize.h"

namespace eb {
namespace {

template <typename T>
void quantize_xnnpack(const QuantizeFloatParams& p, const float* in, T* out, int64_t n) {
  const float lo = static_cast<float>(qmin_of<T>() - p.zero_point);
  const float hi = static_cast<float>(qmax_of<T>() - p.zero_point);
  for (int64_t i = 0; i < n; ++i) {
    float v = in[i] * p.inv_scale;
    v = std::min(std::max(v, lo), hi);  // NaN stays NaN here; it is mapped below
    if (std::isnan(v)) v = lo;
    out[i] = static_cast<T>(static_cast<int32_t>(std::nearbyint(v)) + p.zero_point);
  }
}

template <typename T>
void quantize_tflite(const QuantizeFloatParams& p, const float* in, T* out, int64_t n) {
  const double lo = static_cast<double>(qmin_of<T>());
  const double hi = static_cast<double>(qmax_of<T>());
  for (int64_t i = 0; i < n; ++i) {
    // Clamp in double so that huge values do not overflow the integer conversion.
    double v = std::round(static_cast<double>(in[i]) / p.scale) + p.zero_point;
    if (!(v >= lo)) v = lo;
    if (v > hi) v = hi;
    out[i] = static_cast<T>(static_cast<int32_t>(v));
  }
}

// TFLite's optimized_ops::AffineQuantize<int16_t>: the float widened to double, divided by the double
// scale, rounded half away from zero (TfLiteRound), converted to int32 and clamped. The conversion of an
// out-of-range quotient is undefined in C++; on x86 (cvttsd2si) it gives INT32_MIN, reproduced here.
int32_t tflite_round_to_int32(double q) {
  const double r = std::round(q);
  if (!(r >= -2147483648.0 && r < 2147483648.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(r);
}

template <typename In, typename Out>
void requantize(const RequantizeParams& p, const In* in, Out* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = p.out_zp + multiply_by_quantized_multiplier(static_cast<int32_t>(in[i]) - p.in_zp, p.multiplier);
    out[i] = static_cast<Out>(std::min(std::max(v, qmin_of<Out>()), qmax_of<Out>()));
  }
}

template <typename T>
void dequantize(const DequantizeParams& p, const T* in, float* out) {
  int64_t i = 0;
  for (int64_t o = 0; o < p.outer; ++o) {
    for (int64_t c = 0; c < p.channels; ++c) {
      const float scale = p.scales[c];
      const int32_t zp = p.zero_points[c];
      for (int64_t k = 0; k < p.inner; ++k, ++i) out[i] = static_cast<float>(static_cast<int32_t>(in[i]) - zp) * scale;
    }
  }
}

}  // namespace

void quantize_float_to_int8_ref(const QuantizeFloatParams& p, const float* in, int8_t* out, int64_t n) {
  quantize_xnnpack(p, in, out, n);
}
void quantize_float_to_uint8_ref(const QuantizeFloatParams& p, const float* in, uint8_t* out, int64_t n) {
  quantize_xnnpack(p, in, out, n);
}
void quantize_float_to_int8_tflite_ref(const QuantizeFloatParams& p, const float* in, int8_t* out, int64_t n) {
  quantize_tflite(p, in, out, n);
}
void quantize_float_to_uint8_tflite_ref(const QuantizeFloatParams& p, const float* in, uint8_t* out, int64_t n) {
  quantize_tflite(p, in, out, n);
}

// x86 cvtps2dq: round half to even; NaN and out-of-range give INT32_MIN.
inline int32_t cvtps2dq(float v) {
  if (!(v >= -2147483648.0f && v < 2147483648.0f)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(std::nearbyint(v));
}

void quantize_f32_qs16_ref(const QuantizeFloatParams& p, const float* in, int16_t* out, int64_t n) {
  // LiteRT's x86 build runs the NEON body (through NEON_2_SSE) on each 8 values: x * (1/scale) in float,
  // rounded half to even (vcvtnq_s32_f32 = cvtps2dq), + zero point, clamped; the rest takes the scalar
  // loop below. Found bit for bit against LiteRT 2.21 on crafted ties (sizes 7..40: body n - n % 8).
  const int64_t body = n - n % 8;
  for (int64_t i = 0; i < body; ++i) {
    const int32_t v = static_cast<int32_t>(static_cast<uint32_t>(cvtps2dq(in[i] * p.inv_scale)) +
                                           static_cast<uint32_t>(p.zero_point));
    out[i] = static_cast<int16_t>(std::min(std::max(v, qmin_of<int16_t>()), qmax_of<int16_t>()));
  }
  for (int64_t i = body; i < n; ++i) {
    // Wrapping add: INT32_MIN plus a negative zero point wraps in TFLite too (int16 zero points are 0 in
    // the converter's models).
    const int32_t v = static_cast<int32_t>(static_cast<uint32_t>(tflite_round_to_int32(static_cast<double>(in[i]) / p.scale)) +
                                           static_cast<uint32_t>(p.zero_point));
    out[i] = static_cast<int16_t>(std::min(std::max(v, qmin_of<int16_t>()), qmax_of<int16_t>()));
  }
}

void requantize_int8_to_int8_ref(const RequantizeParams& p, const int8_t* in, int8_t* out, int64_t n) {
  requantize(p, in, out, n);
}
void requantize_int8_to_uint8_ref(const RequantizeParams& p, const int8_t* in, uint8_t* out, int64_t n) {
  requantize(p, in, out, n);
}
void requantize_uint8_to_int8_ref(const RequantizeParams& p, const uint8_t* in, int8_t* out, int64_t n) {
  requantize(p, in, out, n);
}
void requantize_uint8_to_uint8_ref(const RequantizeParams& p, const uint8_t* in, uint8_t* out, int64_t n) {
  requantize(p, in, out, n);
}

void requantize_qs16_qs16_ref(const RequantizeParams& p, const int16_t* in, int16_t* out, int64_t n) {
  requantize(p, in, out, n);
}
void requantize_qs16_qs8_ref(const RequantizeParams& p, const int16_t* in, int8_t* out, int64_t n) {
  requantize(p, in, out, n);
}

bool requantize_xnnpack_applies(float in_scale, float out_scale) {
  const float ratio = in_scale / out_scale;
  return ratio >= 0x1.0p-8f && ratio <= 0x1.0p+7f;
}

RequantizeXnnpackParams make_requantize_xnnpack(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp) {
  RequantizeXnnpackParams p;
  p.multiplier = static_cast<int32_t>(std::lrintf(256.0f * (in_scale / out_scale)));
  p.bias = static_cast<int32_t>(static_cast<uint32_t>(out_zp) << 8) - p.multiplier * in_zp + 0x80;
  return p;
}

namespace {
template <typename T>
void requantize_xnnpack(const RequantizeXnnpackParams& p, const T* in, T* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = (p.bias + static_cast<int32_t>(in[i]) * p.multiplier) >> 8;
    out[i] = static_cast<T>(std::min(std::max(v, qmin_of<T>()), qmax_of<T>()));
  }
}
}  // namespace

void requantize_int8_xnnpack_ref(const RequantizeXnnpackParams& p, const int8_t* in, int8_t* out, int64_t n) {
  requantize_xnnpack(p, in, out, n);
}
void requantize_uint8_xnnpack_ref(const RequantizeXnnpackParams& p, const uint8_t* in, uint8_t* out, int64_t n) {
  requantize_xnnpack(p, in, out, n);
}

void dequantize_int8_ref(const DequantizeParams& p, const int8_t* in, float* out) { dequantize(p, in, out); }
void dequantize_uint8_ref(const DequantizeParams& p, const uint8_t* in, float* out) { dequantize(p, in, out); }
void dequantize_int16_ref(const DequantizeParams& p, const int16_t* in, float* out) { dequantize(p, in, out); }

void dequantize_float16_ref(const uint16_t* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = half_to_float(in[i]);
}

}  // namespace eb

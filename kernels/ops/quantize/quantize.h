// QUANTIZE and DEQUANTIZE.
//
// QUANTIZE
//  - float32 -> int8 / uint8 (per-tensor output parameters). Two roundings exist on TFLite's default path:
//      XNNPACK's f32->qs8/qu8 convert (the delegate takes QUANTIZE): x * (1/scale) in float, clamped to
//      [qmin - zp, qmax - zp], rounded half to even, + zp;
//      TFLite's AffineQuantize: round_half_away(x / scale) + zp, clamped.
//    They differ only when x/scale lies within a rounding error of a .5 tie; prepare uses the XNNPACK one.
//  - int8 / uint8 -> int8 / uint8 (requantize): TFLite's Requantize, out = clamp(out_zp +
//    MultiplyByQuantizedMultiplier(x - in_zp, multiplier of in_scale/out_scale)). With equal scales the
//    multiplier is exactly 1, so uint8 <-> int8 with zero points 128 apart is an exact shift.
//  - float32 -> int16 (the converter's 16x8 mode): TFLite's own kernel (XNNPACK takes no int16 QUANTIZE),
//    optimized_ops::AffineQuantize<int16_t> as LiteRT's x86 build runs it: on each 8 values its NEON
//    body (through NEON_2_SSE): x * (1/scale) in float, rounded half to even; on the last n % 8 its
//    scalar loop: round_half_away((double)x / (double)scale). Both + zp, clamped to [-32768, 32767]. A
//    value outside int32 (or NaN) converts as x86 does (INT32_MIN), so it lands on -32768 whatever its
//    sign, as in LiteRT.
//  - int16 -> int16 and int16 -> int8: TFLite's Requantize (as for 8-bit above: multiplier of
//    in_scale/out_scale, double rounding, zero points, clamp). int16 -> int16 needs zero points 0 (TFLite
//    refuses others). TFLite has no int8 / uint8 -> int16 QUANTIZE: refused.
//  Per-channel output quantization is refused.
//
// DEQUANTIZE
//  - int8 / uint8 / int16 -> float32: (q - zp) * scale in float (XNNPACK's convert; TFLite's reference
//    multiplies in double and can differ in the last bit), per-tensor or per-channel along the
//    quantized dimension.
//  - float16 -> float32, exactly. Constant fp16 DEQUANTIZE nodes are folded by the engine at load time;
//    this kernel serves the non-constant ones.
#pragma once

#include <cstdint>

#include "kernels/common/quantization.h"

namespace eb {

struct QuantizeFloatParams {
  float inv_scale = 1.0f;  // 1.0f / scale, computed in float (XNNPACK)
  double scale = 1.0;      // TFLite variant divides by the scale in double
  int32_t zero_point = 0;
};
void quantize_float_to_int8_ref(const QuantizeFloatParams& p, const float* in, int8_t* out, int64_t n);
void quantize_float_to_uint8_ref(const QuantizeFloatParams& p, const float* in, uint8_t* out, int64_t n);
// TFLite's AffineQuantize rounding (half away from zero of x / scale).
void quantize_float_to_int8_tflite_ref(const QuantizeFloatParams& p, const float* in, int8_t* out, int64_t n);
void quantize_float_to_uint8_tflite_ref(const QuantizeFloatParams& p, const float* in, uint8_t* out, int64_t n);
// float32 -> int16, TFLite's AffineQuantize (uses p.scale and p.zero_point).
void quantize_f32_qs16_ref(const QuantizeFloatParams& p, const float* in, int16_t* out, int64_t n);

struct RequantizeParams {
  int32_t in_zp = 0, out_zp = 0;
  QuantizedMultiplier multiplier;  // in_scale / out_scale
};
void requantize_int8_to_int8_ref(const RequantizeParams& p, const int8_t* in, int8_t* out, int64_t n);
void requantize_int8_to_uint8_ref(const RequantizeParams& p, const int8_t* in, uint8_t* out, int64_t n);
void requantize_uint8_to_int8_ref(const RequantizeParams& p, const uint8_t* in, int8_t* out, int64_t n);
void requantize_uint8_to_uint8_ref(const RequantizeParams& p, const uint8_t* in, uint8_t* out, int64_t n);
void requantize_qs16_qs16_ref(const RequantizeParams& p, const int16_t* in, int16_t* out, int64_t n);
void requantize_qs16_qs8_ref(const RequantizeParams& p, const int16_t* in, int8_t* out, int64_t n);

// int8 -> int8 and uint8 -> uint8 with in_scale / out_scale in [2^-8, 2^7]: TFLite's default path delegates
// these to XNNPACK's qs8/qu8 vcvt: multiplier = lrintf(256 * (float) in_scale / out_scale), out =
// (bias + x * multiplier) >> 8 (arithmetic) clamped, bias = (out_zp << 8) - multiplier * in_zp + 128.
struct RequantizeXnnpackParams {
  int32_t bias = 0, multiplier = 0;
};
bool requantize_xnnpack_applies(float in_scale, float out_scale);
RequantizeXnnpackParams make_requantize_xnnpack(float in_scale, int32_t in_zp, float out_scale, int32_t out_zp);
void requantize_int8_xnnpack_ref(const RequantizeXnnpackParams& p, const int8_t* in, int8_t* out, int64_t n);
void requantize_uint8_xnnpack_ref(const RequantizeXnnpackParams& p, const uint8_t* in, uint8_t* out, int64_t n);

// Per-channel dequantization walks the tensor as [outer, channels, inner]; per-tensor is channels == 1.
struct DequantizeParams {
  int64_t outer = 1, channels = 1, inner = 1;
  const float* scales = nullptr;         // channels entries
  const int32_t* zero_points = nullptr;  // channels entries
};
void dequantize_int8_ref(const DequantizeParams& p, const int8_t* in, float* out);
void dequantize_uint8_ref(const DequantizeParams& p, const uint8_t* in, float* out);
void dequantize_int16_ref(const DequantizeParams& p, const int16_t* in, float* out);
void dequantize_float16_ref(const uint16_t* in, float* out, int64_t n);

}  // namespace eb

// Contract of the QUANTIZE / DEQUANTIZE conversion microkernels (vcvt_<isa>.cc), per-tensor parameters.
//
// Included by ISA-specific files: plain structs and declarations only (no inline functions, templates
// or std:: types), so nothing compiled with AVX2 / NEON flags can leak into generic code.
//
//  f32 -> qs8 / qu8 (XNNPACK's rounding, as quantize_float_to_*_ref): v = x * inv_scale in float,
//    clamped to [qmin - zp, qmax - zp] with a NaN mapped to the lower bound, rounded half to even, + zp.
//  qs8 / qu8 -> f32 (as dequantize_*_ref, channels == 1): float(q - zp) * scale, one rounding, no FMA.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

struct VcvtQuantizeParams {
  float inv_scale;
  float min_less_zp, max_less_zp;  // float(qmin - zp), float(qmax - zp)
  int32_t zero_point;
};
struct VcvtDequantizeParams {
  float scale;
  int32_t zero_point;
};

void vcvt_f32_qs8_avx2(size_t n, const float* in, int8_t* out, const VcvtQuantizeParams* p);
void vcvt_f32_qu8_avx2(size_t n, const float* in, uint8_t* out, const VcvtQuantizeParams* p);
void vcvt_qs8_f32_avx2(size_t n, const int8_t* in, float* out, const VcvtDequantizeParams* p);
void vcvt_qu8_f32_avx2(size_t n, const uint8_t* in, float* out, const VcvtDequantizeParams* p);

void vcvt_f32_qs8_neon(size_t n, const float* in, int8_t* out, const VcvtQuantizeParams* p);
void vcvt_f32_qu8_neon(size_t n, const float* in, uint8_t* out, const VcvtQuantizeParams* p);
void vcvt_qs8_f32_neon(size_t n, const int8_t* in, float* out, const VcvtDequantizeParams* p);
void vcvt_qu8_f32_neon(size_t n, const uint8_t* in, float* out, const VcvtDequantizeParams* p);

}  // namespace eb

// Contract of the quantized MUL microkernels (vmul_q8_<isa>.cc): XNNPACK's qs8 / qu8 vmul "fp32" scheme,
// as the reference mul_int8_fp32_ref / mul_uint8_fp32_ref computes it (eb::requantize_fp32), bit for bit:
//   acc = (a - a_zp) * (b - b_zp)                           (int32, |acc| <= 255 * 255: exact in float)
//   out = clamp(round_half_even(float(acc) * scale) + out_zp, out_min, out_max)
// (the reference clamps in float before rounding; with integer bounds that is the same). For i in [0, n):
// a[i * a_inc], b[i * b_inc], a_inc / b_inc 1 (a full operand) or 0 (one broadcast value).
//
// Included by ISA-specific files: plain structs and declarations only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

struct VMulQ8Params {
  int32_t a_zp, b_zp;
  float scale;                       // a_scale * b_scale / out_scale, in float (xnnpack_requant_scale)
  int32_t out_zp, out_min, out_max;  // bounds inside the output type
};

using VMulQs8Ukernel = void (*)(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                                const VMulQ8Params* p);
using VMulQu8Ukernel = void (*)(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                                const VMulQ8Params* p);

void vmul_qs8_avx2(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                   const VMulQ8Params* p);
void vmul_qu8_avx2(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                   const VMulQ8Params* p);
void vmul_qs8_avx512(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                     const VMulQ8Params* p);
void vmul_qu8_avx512(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                     const VMulQ8Params* p);
void vmul_qs8_neon(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                   const VMulQ8Params* p);
void vmul_qu8_neon(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                   const VMulQ8Params* p);

}  // namespace eb

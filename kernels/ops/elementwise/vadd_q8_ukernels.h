// Contract of the quantized ADD / SUB microkernels (vadd_q8_<isa>.cc): XNNPACK's scheme, as the
// reference add_int8_xnnpack_ref / add_uint8_xnnpack_ref computes it, bit for bit:
//   acc = bias + a * a_multiplier + b * b_multiplier      (int32; |multipliers| < 2^21, so no overflow)
//   out = clamp((acc >> shift) + out_zp, out_min, out_max) (arithmetic shift; bias holds the rounding)
// SUB is ADD with b_multiplier negated (make_add_xnnpack_params). For i in [0, n): a[i * a_inc],
// b[i * b_inc], a_inc / b_inc 1 (a full operand) or 0 (one broadcast value).
//
// Included by ISA-specific files: plain structs and declarations only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

struct VAddQ8Params {
  int32_t a_multiplier, b_multiplier, bias;
  uint32_t shift;
  int32_t out_zp, out_min, out_max;  // bounds inside the output type
};

using VAddQs8Ukernel = void (*)(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                                const VAddQ8Params* p);
using VAddQu8Ukernel = void (*)(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                                const VAddQ8Params* p);

void vadd_qs8_avx2(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                   const VAddQ8Params* p);
void vadd_qu8_avx2(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                   const VAddQ8Params* p);
void vadd_qs8_avx512(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                     const VAddQ8Params* p);
void vadd_qu8_avx512(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                     const VAddQ8Params* p);
void vadd_qs8_neon(size_t n, const int8_t* a, size_t a_inc, const int8_t* b, size_t b_inc, int8_t* out,
                   const VAddQ8Params* p);
void vadd_qu8_neon(size_t n, const uint8_t* a, size_t a_inc, const uint8_t* b, size_t b_inc, uint8_t* out,
                   const VAddQ8Params* p);

}  // namespace eb

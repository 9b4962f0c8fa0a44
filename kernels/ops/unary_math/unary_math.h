// FLOOR, EXP, LOG, SQRT, RSQRT, SQUARE, ABS, NEG, GELU, ELU: one input, one output of the same shape and dtype.
//
// Float32 kernels apply the float function element by element as TFLite's reference kernels do.
// 8-bit quantized ops (EXP, LOG, SQRT, RSQRT, ABS, ELU on int8; GELU on int8 and uint8) run a 256-entry table built at
// prepare: every entry is computed with the exact per-element arithmetic of TFLite's own kernel for that
// input value, so the table is bit-exact whatever scheme TFLite uses per element (LUTPopulate for EXP,
// LOG, GELU, ELU; float-then-truncate for SQRT; fixed-point requantization for ABS).
#pragma once

#include <cstdint>

namespace eb {

enum class UnaryMathKind { kFloor, kExp, kLog, kSqrt, kRsqrt, kSquare, kAbs, kNeg, kGelu, kGeluApprox, kElu };

// y = f(x) on float32, n elements.
void unary_math_f32_ref(UnaryMathKind kind, const float* in, float* out, int64_t n);
void abs_s32_ref(const int32_t* in, int32_t* out, int64_t n);
void neg_s32_ref(const int32_t* in, int32_t* out, int64_t n);
void neg_s64_ref(const int64_t* in, int64_t* out, int64_t n);

// The float function of `kind` (GELU forms as in TFLite's gelu.h).
float unary_math_value(UnaryMathKind kind, float x);

struct UnaryTable8 {
  uint8_t table[256] = {};  // indexed by the raw input byte, holds the raw output byte
};
void unary_table8_ref(const UnaryTable8& t, const uint8_t* in, uint8_t* out, int64_t n);

// Builds the table of a quantized op for 8-bit T; false when TFLite has no 8-bit kernel of `kind` for T.
template <typename T>
bool make_unary_table8(UnaryMathKind kind, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                       UnaryTable8* t);

}  // namespace eb

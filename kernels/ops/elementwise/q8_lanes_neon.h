// Lane helpers shared by the ASIMD quantized elementwise microkernels (vadd_q8_neon.cc,
// vmul_q8_neon.cc): 16 int16 results narrowed to bytes (saturating) and clamped. In an anonymous
// namespace: each including file compiles its own copy (kernels/CMakeLists.txt).
#pragma once

#include <arm_neon.h>

#include <cstdint>

namespace eb {
namespace {

// Elements 0-7 in w0, 8-15 in w1. The bounds lie inside the type, so clamping after the saturating
// narrowing is the same as before it.
inline void store16_clamped(int16x8_t w0, int16x8_t w1, int32_t lo, int32_t hi, int8_t* out) {
  const int8x16_t v = vcombine_s8(vqmovn_s16(w0), vqmovn_s16(w1));
  vst1q_s8(out, vminq_s8(vmaxq_s8(v, vdupq_n_s8(static_cast<int8_t>(lo))), vdupq_n_s8(static_cast<int8_t>(hi))));
}
inline void store16_clamped(int16x8_t w0, int16x8_t w1, int32_t lo, int32_t hi, uint8_t* out) {
  const uint8x16_t v = vcombine_u8(vqmovun_s16(w0), vqmovun_s16(w1));
  vst1q_u8(out, vminq_u8(vmaxq_u8(v, vdupq_n_u8(static_cast<uint8_t>(lo))), vdupq_n_u8(static_cast<uint8_t>(hi))));
}

}  // namespace
}  // namespace eb

// IEEE 754 half precision to float, exactly (subnormals, infinities and NaN included).
#pragma once

#include <cstdint>
#include <cstring>

namespace eb {

// Without branches (float16 weights are folded to float32 at load, millions of values whose exponents a
// branch cannot predict) and without subnormal float arithmetic (a microcode assist of ~100 cycles on x86):
// the exponent and mantissa shifted into float32's positions and re-biased (+112) are the answer for
// normal halves; for zero and subnormals (exponent 0) the same bits re-biased by 113 read as 1.m * 2^-14,
// and subtracting 2^-14 leaves m * 2^-24 exactly; exponent 31 (infinities, NaN) takes float32's all-ones
// exponent with the same payload. Every candidate is computed, one is selected; the sign goes on last.
inline float half_to_float(uint16_t h) {
  const uint32_t shifted = static_cast<uint32_t>(h & 0x7fffu) << 13;
  const uint32_t exponent = h & 0x7c00u;
  const uint32_t normal = shifted + (112u << 23);
  const uint32_t biased = shifted + (113u << 23), two_to_minus_14 = 113u << 23;
  float a, b;
  std::memcpy(&a, &biased, sizeof a);
  std::memcpy(&b, &two_to_minus_14, sizeof b);
  const float small = a - b;
  uint32_t small_bits;
  std::memcpy(&small_bits, &small, sizeof small_bits);
  const uint32_t special = 0x7f800000u | (static_cast<uint32_t>(h & 0x3ffu) << 13);
  uint32_t bits = exponent == 0 ? small_bits : normal;
  bits = exponent == 0x7c00u ? special : bits;
  bits |= static_cast<uint32_t>(h & 0x8000u) << 16;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

}  // namespace eb

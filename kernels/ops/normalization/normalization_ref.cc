// Reference L2_NORMALIZATION and LOCAL_RESPONSE_NORMALIZATION kernels (see normalization.h).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/ops/normalization/normalization.h"

namespace eb {
namespace {

// gemmlowp's fixed-point primitives on raw int32 values, as the Newton-Raphson below needs them.
// A FixedPoint<int32, I> product of I1 and I2 integer bits has I1 + I2 integer bits.
int32_t fp_mul(int32_t a, int32_t b) { return saturating_rounding_doubling_high_mul(a, b); }

// SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0: a saturating left shift.
int32_t saturating_shift_left(int32_t x, int exponent) {
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - exponent)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(static_cast<uint32_t>(x) << exponent);
}

int count_leading_zeros(uint32_t v) {
  int n = 0;
  while (n < 32 && !(v & (uint32_t{1} << 31))) {
    v <<= 1;
    ++n;
  }
  return n;
}

}  // namespace

QuantizedMultiplier inv_sqrt_quantized_multiplier(int32_t input) {
  QuantizedMultiplier r;
  if (input <= 1) {
    r.multiplier = std::numeric_limits<int32_t>::max();
    r.shift = 0;
    return r;
  }
  int shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++shift;
  }
  const unsigned max_left_shift_bits = static_cast<unsigned>(count_leading_zeros(static_cast<uint32_t>(input)) - 1);
  const unsigned left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  shift -= static_cast<int>(left_shift_bit_pairs);
  input <<= 2 * left_shift_bit_pairs;
  // Values in Q3 (3 integer bits): input / 2 in [2^26, 2^28) stands for [0.25, 1).
  const int32_t fp_input = input >> 1;
  const int32_t fp_half_input = rounding_divide_by_pot(fp_input, 1);
  const int32_t fp_half_three = (1 << 28) + (1 << 27);  // 1.5
  int32_t x = 1 << 28;                                  // 1.0
  for (int i = 0; i < 5; ++i) {
    // x^3 is Q9 (3 + 3 + 3 integer bits): back to Q3 with a saturating shift by 6.
    const int32_t x3 = saturating_shift_left(fp_mul(fp_mul(x, x), x), 6);
    // Both products are Q6; their (wrapping) difference goes back to Q3.
    const uint32_t diff = static_cast<uint32_t>(fp_mul(fp_half_three, x)) - static_cast<uint32_t>(fp_mul(fp_half_input, x3));
    x = saturating_shift_left(static_cast<int32_t>(diff), 3);
  }
  x = fp_mul(x, 1518500250);  // times sqrt(2)/2 in Q0
  if (shift < 0) {
    x = static_cast<int32_t>(static_cast<uint32_t>(x) << -shift);
    shift = 0;
  }
  r.multiplier = x;
  r.shift = -shift;  // TFLite's reverse_shift of -1: a right shift expressed as a negative left shift
  return r;
}

void l2_norm_f32_ref(const L2NormParams& p, const float* input, float* output) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = input + r * p.depth;
    float sum = 0.0f;
    for (int32_t c = 0; c < p.depth; ++c) sum += x[c] * x[c];
    const float norm = std::max(std::sqrt(sum), 1e-6f);
    for (int32_t c = 0; c < p.depth; ++c) output[r * p.depth + c] = x[c] / norm;
  }
}

void l2_norm_qs8_ref(const L2NormParams& p, const int8_t* input, int8_t* output) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const int8_t* x = input + r * p.depth;
    int32_t acc = 0;
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t d = x[c] - p.input_zero_point;
      acc += d * d;
    }
    QuantizedMultiplier inv = inv_sqrt_quantized_multiplier(acc);
    inv.shift += 7;  // the output's 1/128 scale folded into the shift
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t v = multiply_by_quantized_multiplier(x[c] - p.input_zero_point, inv);
      output[r * p.depth + c] = static_cast<int8_t>(std::clamp(v, -128, 127));
    }
  }
}

void l2_norm_qu8_ref(const L2NormParams& p, const uint8_t* input, uint8_t* output) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const uint8_t* x = input + r * p.depth;
    int32_t acc = 0;
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t d = x[c] - p.input_zero_point;
      acc += d * d;
    }
    const QuantizedMultiplier inv = inv_sqrt_quantized_multiplier(acc);
    for (int32_t c = 0; c < p.depth; ++c) {
      const int32_t d = x[c] - p.input_zero_point;
      const int32_t v = 128 + rounding_divide_by_pot(saturating_rounding_doubling_high_mul(128 * d, inv.multiplier),
                                                     -inv.shift);
      output[r * p.depth + c] = static_cast<uint8_t>(std::clamp(v, 0, 255));
    }
  }
}

void lrn_f32_ref(const LrnParams& p, const float* input, float* output) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const float* x = input + r * p.depth;
    for (int32_t c = 0; c < p.depth; ++c) {
      // In int64: a hostile radius near INT32_MAX must not overflow.
      const int64_t begin = std::max<int64_t>(0, int64_t{c} - p.radius);
      const int64_t end = std::min<int64_t>(p.depth, int64_t{c} + p.radius + 1);
      float acc = 0.0f;
      for (int64_t k = begin; k < end; ++k) acc += x[k] * x[k];
      output[r * p.depth + c] = x[c] * std::pow(p.bias + p.alpha * acc, -p.beta);
    }
  }
}

}  // namespace eb

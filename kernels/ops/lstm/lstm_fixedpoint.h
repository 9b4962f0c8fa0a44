// gemmlowp's 16-bit fixed-point logistic and tanh, as TFLite's integer LSTM applies them to its int16
// gate pre-activations (tensor_utils::ApplySigmoid on Q3.12, ApplyTanh on Q<bits>.<15-bits>).
// Raw values are int16; every intermediate follows gemmlowp's int16 semantics: plain + and - wrap,
// products are saturating rounding doubling high multiplies, and gemmlowp's int32 constants are
// rounded down to 16 bits (RescaleConstantInitializer).
#pragma once

#include <cstdint>
#include <limits>

namespace eb::lstm_fx {

inline int16_t wrap16(int32_t v) { return static_cast<int16_t>(static_cast<uint16_t>(static_cast<uint32_t>(v))); }
inline int16_t add(int16_t a, int16_t b) { return wrap16(int32_t{a} + b); }
inline int16_t sub(int16_t a, int16_t b) { return wrap16(int32_t{a} - b); }
inline int16_t neg(int16_t a) { return wrap16(-int32_t{a}); }

inline int16_t saturating_add(int16_t a, int16_t b) {
  const int32_t s = int32_t{a} + b;
  return static_cast<int16_t>(s < -32768 ? -32768 : (s > 32767 ? 32767 : s));
}

inline int16_t mul(int16_t a, int16_t b) {  // SaturatingRoundingDoublingHighMul
  if (a == b && a == std::numeric_limits<int16_t>::min()) return std::numeric_limits<int16_t>::max();
  const int32_t ab = int32_t{a} * int32_t{b};
  const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));
  return static_cast<int16_t>((ab + nudge) / (1 << 15));
}

inline int32_t rounding_divide_by_pot32(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

inline int16_t rounding_divide_by_pot(int16_t x, int exponent) {
  return static_cast<int16_t>(rounding_divide_by_pot32(x, exponent));
}

// SaturatingRoundingMultiplyByPOT<exponent>.
inline int16_t multiply_by_pot(int16_t x, int exponent) {
  if (exponent == 0) return x;
  if (exponent < 0) return rounding_divide_by_pot(x, -exponent);
  const int32_t threshold = (1 << (15 - exponent)) - 1;
  if (x > threshold) return std::numeric_limits<int16_t>::max();
  if (x < -threshold) return std::numeric_limits<int16_t>::min();
  return wrap16(int32_t{x} * (1 << exponent));
}

// A gemmlowp constant written for int32, as the int16 instantiation stores it.
inline int16_t constant(int32_t int32_value) { return static_cast<int16_t>(rounding_divide_by_pot32(int32_value, 16)); }

// One() of a FixedPoint<int16_t, integer_bits>.
inline int16_t one(int integer_bits) {
  return integer_bits == 0 ? std::numeric_limits<int16_t>::max() : static_cast<int16_t>(1 << (15 - integer_bits));
}

// exp(a) for a in [-1/4, 0), a in Q0.15.
inline int16_t exp_on_interval_between_negative_one_quarter_and_0_excl(int16_t a) {
  const int16_t constant_term = constant(1895147668);
  const int16_t constant_1_over_3 = constant(715827883);
  const int16_t x = add(a, static_cast<int16_t>(1 << 12));  // a + 1/8
  const int16_t x2 = mul(x, x);
  const int16_t x3 = mul(x2, x);
  const int16_t x4 = mul(x2, x2);
  const int16_t x4_over_4 = multiply_by_pot(x4, -2);
  const int16_t poly = multiply_by_pot(add(mul(add(x4_over_4, x3), constant_1_over_3), x2), -1);
  return saturating_add(constant_term, mul(constant_term, add(x, poly)));
}

// exp(a) for a <= 0 given in Q(integer_bits); result in Q0.15.
inline int16_t exp_on_negative_values(int16_t a, int integer_bits) {
  const int fractional_bits = 15 - integer_bits;
  const int16_t one_quarter = static_cast<int16_t>(1 << (fractional_bits - 2));
  const int16_t mask = static_cast<int16_t>(one_quarter - 1);
  const int16_t a_mod_quarter_minus_one_quarter = sub(static_cast<int16_t>(a & mask), one_quarter);
  // Rescale<0> from Q(integer_bits).
  int16_t result =
      exp_on_interval_between_negative_one_quarter_and_0_excl(multiply_by_pot(a_mod_quarter_minus_one_quarter, integer_bits));
  const int16_t remainder = sub(a_mod_quarter_minus_one_quarter, a);
  struct Barrel {
    int exponent;
    int32_t multiplier;
  };
  static constexpr Barrel kBarrel[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                                       {2, 39332535},    {3, 720401},      {4, 242}};
  for (const Barrel& b : kBarrel) {
    if (integer_bits > b.exponent) {
      const int shift = fractional_bits + b.exponent;
      if (remainder & (1 << shift)) result = mul(result, constant(b.multiplier));
    }
  }
  if (integer_bits > 5) {
    const int16_t clamp = constant(-(1 << (36 - integer_bits)));
    if (a < clamp) result = 0;
  }
  if (a == 0) result = one(0);
  return result;
}

// Newton-Raphson reciprocal shared by 1/(1+x) and (1-x)/(1+x); returns x ~ 1/half_denominator in Q2.13.
inline int16_t half_denominator_reciprocal(int16_t half_denominator) {
  const int16_t constant_48_over_17 = constant(1515870810);
  const int16_t constant_neg_32_over_17 = constant(-1010580540);
  int16_t x = add(constant_48_over_17, mul(half_denominator, constant_neg_32_over_17));
  for (int i = 0; i < 3; ++i) {
    const int16_t half_denominator_times_x = mul(half_denominator, x);
    const int16_t one_minus = sub(one(2), half_denominator_times_x);
    x = add(x, multiply_by_pot(mul(x, one_minus), 2));
  }
  return x;
}

inline int16_t rounding_half_sum(int16_t a, int16_t b) {
  const int32_t sum = int32_t{a} + b;
  const int32_t sign = sum >= 0 ? 1 : -1;
  return static_cast<int16_t>((sum + sign) / 2);
}

inline int16_t one_over_one_plus_x_for_x_in_0_1(int16_t a) {
  const int16_t x = half_denominator_reciprocal(rounding_half_sum(a, one(0)));
  return multiply_by_pot(x, 1);  // ExactMulByPot<-1> to Q1.14, then Rescale<0>
}

inline int16_t one_minus_x_over_one_plus_x_for_x_in_0_1(int16_t a) {
  const int16_t x = half_denominator_reciprocal(rounding_half_sum(a, one(0)));
  return multiply_by_pot(sub(x, one(2)), 2);
}

// gemmlowp::logistic(FixedPoint<int16_t, integer_bits>) -> Q0.15.
inline int16_t logistic(int16_t a, int integer_bits) {
  if (a == 0) return constant(1 << 30);
  const int16_t abs_input = a > 0 ? a : neg(a);
  const int16_t result_if_positive = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(neg(abs_input), integer_bits));
  return a > 0 ? result_if_positive : sub(one(0), result_if_positive);
}

// gemmlowp::tanh(FixedPoint<int16_t, integer_bits>) -> Q0.15.
inline int16_t tanh(int16_t a, int integer_bits) {
  if (a == 0) return 0;
  const int16_t n = a < 0 ? a : neg(a);
  // ExactMulByPot<1>: the same raw value read with one more integer bit.
  const int16_t t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(n, integer_bits + 1));
  return a < 0 ? neg(t) : t;
}

}  // namespace eb::lstm_fx

// The body of the int16 fixed-point activation microkernels (lstm_step_ukernels.h), written once
// over an ISA's lane operations `O` and included by lstm_step_<isa>.cc after it defines them.
// Step for step the scalar functions of lstm_fixedpoint.h (gemmlowp's logistic / tanh on int16, its
// int32 constants rounded to 16 bits), with the integer bits a template parameter as in gemmlowp, so
// shifts are immediates and the barrel shifter's unused stages vanish.
//
// O provides, on V (lanes of int16) and M (lane masks):
//   dup(int16) load(p) store(p, v)          add sub (wrapping)  adds (saturating)  band
//   mul: SaturatingRoundingDoublingHighMul    rdivpot<e>: RoundingDivideByPOT (e >= 1)
//   shl_sat<e>: SaturatingRoundingMultiplyByPOT<e> (e >= 1)
//   half_sum_with_one(a): RoundingHalfSum(a, 32767) for a >= 0 (the only use: a is an exp result)
//   gt eq -> M   select(m, a, b): m ? a : b
//   load_n(p, m) / store_n(p, v, m): the first m < kLanes lanes (the others read as 0, left unwritten)
//
// Wholly in an anonymous namespace: each ISA file compiles its own copy (kernels/CMakeLists.txt).
#pragma once

#include <cstddef>
#include <cstdint>

namespace {

// gemmlowp's int32 constant as its int16 instantiation holds it (RoundingDivideByPOT by 16).
constexpr int16_t fx_constant(int32_t v) {
  const int32_t mask = 0xFFFF;
  const int32_t remainder = v & mask;
  const int32_t threshold = (mask >> 1) + (v < 0 ? 1 : 0);
  return static_cast<int16_t>((v >> 16) + (remainder > threshold ? 1 : 0));
}

template <class O, int kBits>
inline typename O::V fx_shl_sat(typename O::V x) {
  if constexpr (kBits == 0)
    return x;
  else
    return O::template shl_sat<kBits>(x);
}

// exp(a) for a in [-1/4, 0) in Q0.15.
template <class O>
inline typename O::V fx_exp_quarter(typename O::V a) {
  using V = typename O::V;
  const V constant_term = O::dup(fx_constant(1895147668));
  const V one_third = O::dup(fx_constant(715827883));
  const V x = O::add(a, O::dup(1 << 12));
  const V x2 = O::mul(x, x);
  const V x3 = O::mul(x2, x);
  const V x4 = O::mul(x2, x2);
  const V x4_over_4 = O::template rdivpot<2>(x4);
  const V poly = O::template rdivpot<1>(O::add(O::mul(O::add(x4_over_4, x3), one_third), x2));
  return O::adds(constant_term, O::mul(constant_term, O::add(x, poly)));
}

// exp(a) for a <= 0 in Q<kBits>; result in Q0.15.
template <class O, int kBits>
inline typename O::V fx_exp_negative(typename O::V a) {
  using V = typename O::V;
  constexpr int kFractional = 15 - kBits;
  constexpr int16_t kQuarter = static_cast<int16_t>(1 << (kFractional - 2));
  const V a_mod_quarter_minus_quarter = O::sub(O::band(a, O::dup(kQuarter - 1)), O::dup(kQuarter));
  V result = fx_exp_quarter<O>(fx_shl_sat<O, kBits>(a_mod_quarter_minus_quarter));
  const V remainder = O::sub(a_mod_quarter_minus_quarter, a);
  struct Barrel {
    int exponent;
    int32_t multiplier;
  };
  constexpr Barrel kBarrel[] = {{-2, 1672461947}, {-1, 1302514674}, {0, 790015084}, {1, 290630308},
                                {2, 39332535},    {3, 720401},      {4, 242}};
  for (const Barrel& b : kBarrel) {
    if (kBits > b.exponent) {
      const V bit = O::dup(static_cast<int16_t>(1 << (kFractional + b.exponent)));
      result = O::select(O::eq(O::band(remainder, bit), bit), O::mul(result, O::dup(fx_constant(b.multiplier))),
                         result);
    }
  }
  const V zero = O::dup(0);
  if constexpr (kBits > 5) {
    const V clamp = O::dup(fx_constant(-(1 << (36 - kBits))));
    result = O::select(O::gt(clamp, a), zero, result);
  }
  return O::select(O::eq(a, zero), O::dup(32767), result);
}

// Newton-Raphson 1 / half_denominator in Q2.13.
template <class O>
inline typename O::V fx_half_denominator_reciprocal(typename O::V half_denominator) {
  using V = typename O::V;
  const V one_q2 = O::dup(1 << 13);
  V x = O::add(O::dup(fx_constant(1515870810)), O::mul(half_denominator, O::dup(fx_constant(-1010580540))));
  for (int i = 0; i < 3; ++i) {
    const V one_minus = O::sub(one_q2, O::mul(half_denominator, x));
    x = O::add(x, O::template shl_sat<2>(O::mul(x, one_minus)));
  }
  return x;
}

template <class O, int kBits>
inline typename O::V fx_logistic(typename O::V a) {
  using V = typename O::V;
  const V zero = O::dup(0);
  const auto positive = O::gt(a, zero);
  const V abs_input = O::select(positive, a, O::sub(zero, a));
  const V e = fx_exp_negative<O, kBits>(O::sub(zero, abs_input));
  // 1 / (1 + e): the reciprocal in Q2.13 read as Q1.14 (ExactMulByPot<-1>), rescaled to Q0.15.
  const V if_positive = O::template shl_sat<1>(fx_half_denominator_reciprocal<O>(O::half_sum_with_one(e)));
  const V r = O::select(positive, if_positive, O::sub(O::dup(32767), if_positive));
  return O::select(O::eq(a, zero), O::dup(fx_constant(1 << 30)), r);
}

template <class O, int kBits>
inline typename O::V fx_tanh(typename O::V a) {
  using V = typename O::V;
  const V zero = O::dup(0);
  const auto negative = O::gt(zero, a);
  const V n = O::select(negative, a, O::sub(zero, a));
  // exp(2 n): the same raw value read with one more integer bit (ExactMulByPot<1>).
  const V e = fx_exp_negative<O, kBits + 1>(n);
  // (1 - e) / (1 + e).
  const V x = fx_half_denominator_reciprocal<O>(O::half_sum_with_one(e));
  const V t = O::template shl_sat<2>(O::sub(x, O::dup(1 << 13)));
  const V r = O::select(negative, O::sub(zero, t), t);
  return O::select(O::eq(a, zero), zero, r);
}

// Whole vectors, then the tail (O::load_n / store_n: m < kLanes lanes; the lanes are independent).
template <class O, typename O::V (*F)(typename O::V)>
inline void fx_apply(size_t n, const int16_t* x, int16_t* y) {
  size_t i = 0;
  for (; i + O::kLanes <= n; i += O::kLanes) O::store(y + i, F(O::load(x + i)));
  if (i < n) O::store_n(y + i, F(O::load_n(x + i, n - i)), n - i);
}

// The gates of one step activated together, in place: kSigmoid gates by the Q3.12 logistic and, with
// kTanh, one by the Q3.12 tanh, lane block by lane block, so that their independent dependency chains
// (each a long one: the exp barrel and the Newton-Raphson reciprocal) overlap in the core instead of
// running one call after another.
template <class O, int kSigmoid, bool kTanh>
inline void fx_gates(size_t n, int16_t* const* sigmoid_gates, int16_t* tanh_gate) {
  using V = typename O::V;
  for (size_t i = 0; i < n; i += O::kLanes) {
    const size_t m = n - i < O::kLanes ? n - i : O::kLanes;
    V v[kSigmoid > 0 ? kSigmoid : 1];
    V t = O::dup(0);
    for (int g = 0; g < kSigmoid; ++g) v[g] = O::load_n(sigmoid_gates[g] + i, m);
    if constexpr (kTanh) t = O::load_n(tanh_gate + i, m);
    for (int g = 0; g < kSigmoid; ++g) v[g] = fx_logistic<O, 3>(v[g]);
    if constexpr (kTanh) t = fx_tanh<O, 3>(t);
    for (int g = 0; g < kSigmoid; ++g) O::store_n(sigmoid_gates[g] + i, v[g], m);
    if constexpr (kTanh) O::store_n(tanh_gate + i, t, m);
  }
}

template <class O>
inline void fx_gates_all(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate) {
  const bool with_tanh = tanh_gate != nullptr;
  switch (n_sigmoid * 2 + (with_tanh ? 1 : 0)) {
    case 1: fx_gates<O, 0, true>(n, sigmoid_gates, tanh_gate); break;
    case 2: fx_gates<O, 1, false>(n, sigmoid_gates, tanh_gate); break;
    case 3: fx_gates<O, 1, true>(n, sigmoid_gates, tanh_gate); break;
    case 4: fx_gates<O, 2, false>(n, sigmoid_gates, tanh_gate); break;
    case 5: fx_gates<O, 2, true>(n, sigmoid_gates, tanh_gate); break;
    case 6: fx_gates<O, 3, false>(n, sigmoid_gates, tanh_gate); break;
    case 7: fx_gates<O, 3, true>(n, sigmoid_gates, tanh_gate); break;
    default: break;  // nothing to activate (n_sigmoid 0 without tanh), or more than 3 sigmoid gates
  }
}

template <class O>
inline void fx_sigmoid_all(size_t n, const int16_t* x, int16_t* y) {
  fx_apply<O, fx_logistic<O, 3>>(n, x, y);
}

template <class O>
inline void fx_tanh_all(int integer_bits, size_t n, const int16_t* x, int16_t* y) {
  switch (integer_bits) {
    case 0: fx_apply<O, fx_tanh<O, 0>>(n, x, y); break;
    case 1: fx_apply<O, fx_tanh<O, 1>>(n, x, y); break;
    case 2: fx_apply<O, fx_tanh<O, 2>>(n, x, y); break;
    case 3: fx_apply<O, fx_tanh<O, 3>>(n, x, y); break;
    case 4: fx_apply<O, fx_tanh<O, 4>>(n, x, y); break;
    case 5: fx_apply<O, fx_tanh<O, 5>>(n, x, y); break;
    case 6: fx_apply<O, fx_tanh<O, 6>>(n, x, y); break;
    default: break;  // prepare admits cell scales 2^-15..2^-9 only: integer bits 0..6
  }
}

}  // namespace

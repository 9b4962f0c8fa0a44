// Quantization arithmetic shared by every integer kernel.
//
// TFLite's default CPU path uses two requantization schemes, and matching TFLite bit for bit means using
// the one each operator really goes through:
//  - "fixed point" (TFLite's own kernels, gemmlowp heritage): a Q31 multiplier and a shift, rounded twice
//    (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT).
//  - "fp32" (XNNPACK, to which TFLite hands CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED...): the int32
//    accumulator times a float scale, clamped, rounded to nearest-even.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/graph/graph.h"

namespace eb {

struct QuantizedMultiplier {
  int32_t multiplier = 0;  // Q31
  int shift = 0;           // positive: left shift
};

// TFLite's QuantizeMultiplier: m = multiplier * 2^(shift - 31).
inline QuantizedMultiplier quantize_multiplier(double m) {
  QuantizedMultiplier r;
  if (m == 0.0) return r;
  int shift = 0;
  const double q = std::frexp(m, &shift);
  int64_t q_fixed = static_cast<int64_t>(std::round(q * static_cast<double>(int64_t{1} << 31)));
  if (q_fixed == (int64_t{1} << 31)) {
    q_fixed /= 2;
    ++shift;
  }
  if (shift < -31) {
    shift = 0;
    q_fixed = 0;
  }
  if (shift > 30) {
    shift = 30;
    q_fixed = (int64_t{1} << 31) - 1;
  }
  r.multiplier = static_cast<int32_t>(q_fixed);
  r.shift = shift;
  return r;
}

inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == b && a == std::numeric_limits<int32_t>::min()) return std::numeric_limits<int32_t>::max();
  const int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  const int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  return static_cast<int32_t>((ab + nudge) / (int64_t{1} << 31));
}

inline int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  const int32_t mask = static_cast<int32_t>((int64_t{1} << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// TFLite's MultiplyByQuantizedMultiplier (reference kernels).
inline int32_t multiply_by_quantized_multiplier(int32_t x, QuantizedMultiplier qm) {
  const int left_shift = qm.shift > 0 ? qm.shift : 0;
  const int right_shift = qm.shift > 0 ? 0 : -qm.shift;
  return rounding_divide_by_pot(
      saturating_rounding_doubling_high_mul(static_cast<int32_t>(static_cast<uint32_t>(x) << left_shift), qm.multiplier),
      right_shift);
}

// The multiplier shifts the int64 requantization below accepts: TFLite DCHECKs shift in [-31, 8)
// (larger left shifts would turn its right shift 15 - shift into a left one).
constexpr int kMinInt64RequantShift = -31;
constexpr int kMaxInt64RequantShift = 7;

// TFLite's MultiplyByQuantizedMultiplier(int64_t x, int32_t quantized_multiplier, int shift)
// (tensorflow/lite/kernels/internal/common.h), the requantization of the 16x8 kernels with an int64
// accumulator (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED with int64 bias): the Q31 multiplier is
// first rounded to 16 bits (Q15; 0x7FFF when rounding would overflow it), then one rounding right shift
// by 15 - shift, halves rounded up (towards +infinity): (x * m16 + 2^(s-1)) >> s. TFLite assumes
// |x| < 2^47 and shift in [kMinInt64RequantShift, kMaxInt64RequantShift] (prepare checks the shift);
// x is clamped into that range here so an absurd bias cannot overflow, and the result saturates to
// int32 (TFLite only DCHECKs it fits).
inline int32_t reduce_multiplier_to_q15(int32_t multiplier) {
  return multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
}

inline int32_t multiply_by_quantized_multiplier_int64(int64_t x, QuantizedMultiplier qm) {
  constexpr int64_t kLimit = int64_t{1} << 47;
  x = std::clamp(x, -kLimit, kLimit - 1);
  const int64_t m16 = reduce_multiplier_to_q15(qm.multiplier);
  const int total_shift = 15 - qm.shift;  // in [8, 46] for the shifts prepare accepts
  const int64_t round = int64_t{1} << (total_shift - 1);
  const int64_t result = (x * m16 + round) >> total_shift;  // arithmetic shift: floor, like TFLite's
  return static_cast<int32_t>(std::clamp<int64_t>(result, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

// XNNPACK's fp32 requantization: round-to-nearest-even of acc*scale, clamped to [qmin, qmax] after
// adding the output zero point.
inline int32_t requantize_fp32(int32_t acc, float scale, int32_t zero_point, int32_t qmin, int32_t qmax) {
  float v = static_cast<float>(acc) * scale;
  v = std::max(v, static_cast<float>(qmin - zero_point));
  v = std::min(v, static_cast<float>(qmax - zero_point));
  return static_cast<int32_t>(std::nearbyint(v)) + zero_point;
}

// The requantization scale XNNPACK computes for conv/fc: in float, in this order.
inline float xnnpack_requant_scale(float input_scale, float weight_scale, float output_scale) {
  return input_scale * weight_scale / output_scale;
}

template <typename T>
constexpr int32_t qmin_of() { return std::numeric_limits<T>::min(); }
template <typename T>
constexpr int32_t qmax_of() { return std::numeric_limits<T>::max(); }

struct QuantRange {
  int32_t min, max;
};

// The clamp range a fused activation gives a quantized output (TFLite's CalculateActivationRangeQuantized).
// The caller has checked that the activation is one of NONE, RELU, RELU_N1_TO_1, RELU6.
inline QuantRange activation_range_quantized(Activation act, float scale, int32_t zp, int32_t qmin, int32_t qmax) {
  auto q = [&](float f) { return zp + static_cast<int32_t>(std::round(f / scale)); };
  switch (act) {
    case Activation::kRelu: return {std::max(qmin, zp), qmax};
    case Activation::kRelu6: return {std::max(qmin, zp), std::min(qmax, q(6.0f))};
    case Activation::kReluN1To1: return {std::max(qmin, q(-1.0f)), std::min(qmax, q(1.0f))};
    default: return {qmin, qmax};
  }
}

struct FloatRange {
  float min, max;
};

inline FloatRange activation_range_float(Activation act) {
  constexpr float kInf = std::numeric_limits<float>::infinity();
  switch (act) {
    case Activation::kRelu: return {0.0f, kInf};
    case Activation::kRelu6: return {0.0f, 6.0f};
    case Activation::kReluN1To1: return {-1.0f, 1.0f};
    default: return {-kInf, kInf};
  }
}

// Fused activations a kernel can apply as a clamp; TANH and SIGN_BIT are refused at prepare time.
inline bool activation_is_clamp(Activation act) {
  return act == Activation::kNone || act == Activation::kRelu || act == Activation::kRelu6 ||
         act == Activation::kReluN1To1;
}

}  // namespace eb

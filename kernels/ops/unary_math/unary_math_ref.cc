// Reference kernels and quantized tables of the unary math ops.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <type_traits>

#include "kernels/common/quantization.h"
#include "kernels/ops/unary_math/unary_math.h"

namespace eb {

namespace {
constexpr float kSqrt1_2 = 0.70710678118654752440f;
// sqrt(2 / pi), TFLite's kSqrt2dPi.
constexpr float kSqrt2dPi = 0.79788456080286535588f;
}  // namespace

float unary_math_value(UnaryMathKind kind, float x) {
  switch (kind) {
    case UnaryMathKind::kFloor:
      return std::floor(x);
    case UnaryMathKind::kExp:
      return std::exp(x);
    case UnaryMathKind::kLog:
      return std::log(x);
    case UnaryMathKind::kSqrt:
      return std::sqrt(x);
    case UnaryMathKind::kRsqrt:
      return 1.0f / std::sqrt(x);
    case UnaryMathKind::kSquare:
      return x * x;
    case UnaryMathKind::kAbs:
      return std::abs(x);
    case UnaryMathKind::kNeg:
      return -x;
    case UnaryMathKind::kGelu:
      return 0.5f * x * (1.0f + std::erf(x * kSqrt1_2));
    case UnaryMathKind::kGeluApprox:
      return 0.5f * x * (1.0f + std::tanh(kSqrt2dPi * (x + 0.044715f * x * x * x)));
    case UnaryMathKind::kElu:
      return x < 0.0f ? std::expm1(x) : x;
  }
  return x;
}

void unary_math_f32_ref(UnaryMathKind kind, const float* in, float* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = unary_math_value(kind, in[i]);
}

// Wraps like TFLite's std::abs on int32 for INT32_MIN (two's complement), without the UB.
void abs_s32_ref(const int32_t* in, int32_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i)
    out[i] = in[i] < 0 ? static_cast<int32_t>(0u - static_cast<uint32_t>(in[i])) : in[i];
}
void neg_s32_ref(const int32_t* in, int32_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int32_t>(0u - static_cast<uint32_t>(in[i]));
}
void neg_s64_ref(const int64_t* in, int64_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = static_cast<int64_t>(uint64_t{0} - static_cast<uint64_t>(in[i]));
}

void unary_table8_ref(const UnaryTable8& t, const uint8_t* in, uint8_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = t.table[in[i]];
}

namespace {

// TFLite's LUTPopulate for 8-bit types: dequantize, transform, scale by the inverse output scale, round
// half away from zero, add the zero point, saturate. NaN saturates to the lowest value (TFLite's
// float-to-int conversion of NaN is undefined).
template <typename T, typename F>
int32_t lut_populate_entry(int32_t v, float in_scale, int32_t in_zp, float inverse_out_scale, int32_t out_zp, F f) {
  const float dequantized = in_scale * static_cast<float>(v - in_zp);
  float q = std::round(f(dequantized) * inverse_out_scale) + static_cast<float>(out_zp);
  if (!(q >= static_cast<float>(qmin_of<T>()))) q = static_cast<float>(qmin_of<T>());
  if (q > static_cast<float>(qmax_of<T>())) q = static_cast<float>(qmax_of<T>());
  return static_cast<int32_t>(q);
}

// gemmlowp fixed-point helpers on raw int32 values, as TFLite's GetInvSqrtQuantizedMultiplierExp uses them.
int32_t saturating_shift_left(int32_t x, int bits) {
  const int64_t v = static_cast<int64_t>(x) * (int64_t{1} << bits);
  return static_cast<int32_t>(std::min<int64_t>(std::max<int64_t>(v, std::numeric_limits<int32_t>::min()),
                                                std::numeric_limits<int32_t>::max()));
}

// TFLite's GetInvSqrtQuantizedMultiplierExp with reverse_shift -1: 1/sqrt(input) as a Q31 multiplier and a
// left shift, by five Newton-Raphson steps in Q3.28 starting from 1.
QuantizedMultiplier inv_sqrt_quantized_multiplier(int32_t input) {
  QuantizedMultiplier r;
  if (input <= 1) {
    r.multiplier = std::numeric_limits<int32_t>::max();
    return r;
  }
  int shift = 11;
  while (input >= (1 << 29)) {
    input /= 4;
    ++shift;
  }
  const int max_left_shift_bits = std::countl_zero(static_cast<uint32_t>(input)) - 1;
  const int left_shift_bit_pairs = max_left_shift_bits / 2 - 1;
  shift -= left_shift_bit_pairs;
  input <<= 2 * left_shift_bit_pairs;
  // Q3.28 values: a product of two is Q6.25 (raw = SRDHM), of three Q9.22; Rescale<3> shifts left.
  const int32_t fx_input = input >> 1;
  const int32_t half_input = rounding_divide_by_pot(fx_input, 1);
  const int32_t half_three = (1 << 28) + (1 << 27);
  int32_t x = 1 << 28;
  for (int i = 0; i < 5; ++i) {
    const int32_t x3 = saturating_shift_left(
        saturating_rounding_doubling_high_mul(saturating_rounding_doubling_high_mul(x, x), x), 6);
    const int32_t a = saturating_rounding_doubling_high_mul(half_three, x);
    const int32_t b = saturating_rounding_doubling_high_mul(half_input, x3);
    x = saturating_shift_left(a - b, 3);
  }
  constexpr int32_t kHalfSqrt2 = 1518500250;  // sqrt(2)/2 in Q0.31
  int32_t m = saturating_rounding_doubling_high_mul(x, kHalfSqrt2);
  if (shift < 0) {
    m <<= -shift;
    shift = 0;
  }
  r.multiplier = m;
  r.shift = -shift;
  return r;
}

}  // namespace

template <typename T>
bool make_unary_table8(UnaryMathKind kind, float in_scale, int32_t in_zp, float out_scale, int32_t out_zp,
                       UnaryTable8* t) {
  constexpr bool s8 = std::is_same_v<T, int8_t>;
  constexpr int32_t lo = qmin_of<T>(), hi = qmax_of<T>();
  const float inv = 1.0f / out_scale;
  // LOG: TFLite maps x <= 0 to the lowest representable output value.
  const float log_floor = static_cast<float>(lo - out_zp) * out_scale;
  // ABS: TFLite requantizes only when the scales differ (zero points are applied either way).
  const bool abs_rescale = in_scale != out_scale;
  const QuantizedMultiplier abs_m = quantize_multiplier(static_cast<double>(in_scale / out_scale));
  // RSQRT: TFLite's 1. / (sqrt(float in_scale) * out_scale), the product in float.
  const QuantizedMultiplier rsqrt_m = quantize_multiplier(1.0 / static_cast<double>(std::sqrt(in_scale) * out_scale));
  for (int32_t v = lo; v <= hi; ++v) {
    int32_t q = 0;
    switch (kind) {
      case UnaryMathKind::kExp:
        if (!s8) return false;
        q = lut_populate_entry<T>(v, in_scale, in_zp, inv, out_zp, [](float x) { return std::exp(x); });
        break;
      case UnaryMathKind::kLog:
        if (!s8) return false;
        q = lut_populate_entry<T>(v, in_scale, in_zp, inv, out_zp,
                                  [=](float x) { return x <= 0.0f ? log_floor : std::log(x); });
        break;
      case UnaryMathKind::kElu:
        if (!s8) return false;
        q = lut_populate_entry<T>(v, in_scale, in_zp, inv, out_zp,
                                  [](float x) { return x < 0.0f ? std::expm1(x) : x; });
        break;
      case UnaryMathKind::kGelu:
      case UnaryMathKind::kGeluApprox:
        q = lut_populate_entry<T>(v, in_scale, in_zp, inv, out_zp, [=](float x) { return unary_math_value(kind, x); });
        break;
      case UnaryMathKind::kSqrt: {
        if (!s8) return false;
        // TFLite: float sqrt, then truncation toward zero (not rounding). It fails the whole invocation
        // on a negative dequantized input; run() cannot fail, so such inputs give sqrt(0) instead.
        const float dq = in_scale * static_cast<float>(v - in_zp);
        const float s = dq >= 0.0f ? std::sqrt(dq) : 0.0f;
        const float scaled = s / out_scale;
        // Bounded first so the conversion is defined; the bound is far outside any 8-bit result.
        const int32_t truncated = static_cast<int32_t>(std::min(scaled, 1.0e6f));
        q = std::min(std::max(truncated + out_zp, lo), hi);
        break;
      }
      case UnaryMathKind::kAbs: {
        if (!s8) return false;
        const int32_t value = std::abs(v - in_zp);
        const int32_t r = abs_rescale ? multiply_by_quantized_multiplier(value, abs_m) : value;
        q = std::min(std::max(r + out_zp, lo), hi);
        break;
      }
      case UnaryMathKind::kRsqrt: {
        if (!s8) return false;
        // TFLite's integer path: 1/sqrt(x - in_zp) as a fixed-point multiplier applied to 1 << 20, then
        // requantized by 1/(sqrt(in_scale)*out_scale) and the shift back. x == in_zp gives the maximum;
        // TFLite fails the invocation for x < in_zp, run() cannot fail: those give the maximum too.
        constexpr int kShift = 20;
        const int32_t value = v - in_zp;
        if (value <= 0) {
          q = hi;
          break;
        }
        QuantizedMultiplier inv = inv_sqrt_quantized_multiplier(value);
        inv.shift += kShift;
        const int32_t data = multiply_by_quantized_multiplier(1, inv);
        QuantizedMultiplier m = rsqrt_m;
        m.shift -= kShift;
        q = std::min(std::max(multiply_by_quantized_multiplier(data, m) + out_zp, lo), hi);
        break;
      }
      default:
        return false;
    }
    t->table[static_cast<uint8_t>(static_cast<T>(v))] = static_cast<uint8_t>(static_cast<T>(q));
  }
  return true;
}

template bool make_unary_table8<int8_t>(UnaryMathKind, float, int32_t, float, int32_t, UnaryTable8*);
template bool make_unary_table8<uint8_t>(UnaryMathKind, float, int32_t, float, int32_t, UnaryTable8*);

}  // namespace eb

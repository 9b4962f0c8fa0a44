// Reference kernels of the binary math, comparison, logical and select operators.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/ops/binary_math/binary_math.h"

namespace eb {
namespace {

template <typename Op>
void float_binary(const BinaryFloatParams& p, const float* a, const float* b, float* out, Op op) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    out[io] = std::min(std::max(op(a[ia], b[ib]), p.act_min), p.act_max);
  });
}

template <typename T, typename Op>
void int_binary(const BinaryIntParams<T>& p, const T* a, const T* b, T* out, Op op) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    out[io] = std::min(std::max(op(a[ia], b[ib]), p.act_min), p.act_max);
  });
}

// double -> T as x86's truncating conversion does for what TFLite's implicit conversion leaves undefined:
// NaN and out-of-range values give the most negative value (0x80..0, "integer indefinite").
template <typename T>
T trunc_to_int(double v) {
  if (!(v >= -2147483648.0 && v < 2147483648.0)) return static_cast<T>(std::numeric_limits<int32_t>::min());
  return static_cast<T>(static_cast<int32_t>(v));
}

// TFLite's FloorDiv: floor of the quotient computed in double. A zero divisor is refused by TFLite's
// Eval; here it gives 0 (see binary_math.h).
template <typename T>
T floor_div_int(T x, T y) {
  if (y == 0) return 0;
  return trunc_to_int<T>(std::floor(static_cast<double>(x) / static_cast<double>(y)));
}

// gemmlowp's saturating multiply by 2^e (e > 0) of a raw fixed-point value.
int32_t saturating_shl(int32_t x, int e) {
  const int32_t threshold = static_cast<int32_t>((int64_t{1} << (31 - e)) - 1);
  if (x > threshold) return std::numeric_limits<int32_t>::max();
  if (x < -threshold) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(static_cast<uint32_t>(x) << e);
}

int32_t rounding_half_sum(int32_t a, int32_t b) {
  const int64_t sum = int64_t{a} + int64_t{b};
  return static_cast<int32_t>((sum + (sum >= 0 ? 1 : -1)) / 2);
}

// gemmlowp one_over_one_plus_x_for_x_in_0_1 on raw values: a in Q0.31, result 1/(1+a) in Q0.31, by three
// Newton-Raphson steps in Q2.29 from the 48/17 - 32/17 * d start.
int32_t one_over_one_plus_x(int32_t a) {
  const int32_t half_denominator = rounding_half_sum(a, std::numeric_limits<int32_t>::max());
  constexpr int32_t k48Over17 = 1515870810, kNeg32Over17 = -1010580540, kOneQ2 = 1 << 29;
  int32_t x = k48Over17 + saturating_rounding_doubling_high_mul(half_denominator, kNeg32Over17);
  for (int i = 0; i < 3; ++i) {
    const int32_t half_denominator_times_x = saturating_rounding_doubling_high_mul(half_denominator, x);
    const int32_t one_minus = kOneQ2 - half_denominator_times_x;
    x = x + saturating_shl(saturating_rounding_doubling_high_mul(x, one_minus), 2);
  }
  return saturating_shl(x, 1);  // x/2 in Q1.30 read back as Q0.31
}

int count_leading_zeros(uint32_t x) { return x == 0 ? 32 : __builtin_clz(x); }

// TFLite's GetReciprocal(x, 31, &num_bits_over_unit) for x > 0.
int32_t reciprocal(int32_t x, int* num_bits_over_unit) {
  const int headroom_plus_one = count_leading_zeros(static_cast<uint32_t>(x));
  *num_bits_over_unit = 31 - headroom_plus_one;
  const int32_t shifted_minus_one =
      static_cast<int32_t>((static_cast<uint32_t>(x) << headroom_plus_one) - (uint32_t{1} << 31));
  return one_over_one_plus_x(shifted_minus_one);
}

int count_leading_sign_bits(int32_t x) {
  if (x >= 0) return count_leading_zeros(static_cast<uint32_t>(x)) - 1;
  if (x == std::numeric_limits<int32_t>::min()) return 0;
  return count_leading_zeros(2u * static_cast<uint32_t>(-x));
}

bool compare(CompareKind k, auto x, auto y) {
  switch (k) {
    case CompareKind::kEqual:
      return x == y;
    case CompareKind::kNotEqual:
      return x != y;
    case CompareKind::kLess:
      return x < y;
    case CompareKind::kLessEqual:
      return x <= y;
    case CompareKind::kGreater:
      return x > y;
    case CompareKind::kGreaterEqual:
      return x >= y;
  }
  return false;
}

}  // namespace

void div_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out) {
  float_binary(p, a, b, out, [](float x, float y) { return x / y; });
}

void div_qu8_ref(const DivQuantParams& p, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    int32_t num = p.a_offset + a[ia];
    int32_t den = p.b_offset + b[ib];
    if (den == 0) {  // TFLite refuses a zero divisor in Eval; run() cannot fail, so the output is the zero point
      out[io] = static_cast<uint8_t>(std::min(std::max(p.out_zp, p.out_min), p.out_max));
      return;
    }
    if (den < 0) {  // the reciprocal must be positive to serve as a multiplier
      num = -num;
      den = -den;
    }
    int recip_shift = 0;
    const int32_t den_inv = reciprocal(den, &recip_shift);
    const int headroom = count_leading_sign_bits(num);
    const int32_t unscaled =
        saturating_rounding_doubling_high_mul(static_cast<int32_t>(static_cast<uint32_t>(num) << headroom), den_inv);
    const int total_shift = p.out_multiplier.shift - recip_shift - headroom;
    // A small numerator has a large headroom: past a right shift of 31, |unscaled * multiplier| < 2^62 is
    // below half a unit of 2^(31 - total_shift) >= 2^63, so the rounded quotient is 0 (TFLite's int64
    // single-rounding form gives 0 too; the 32-bit rounding divide cannot shift that far).
    const int32_t scaled =
        total_shift < -31 ? 0 : multiply_by_quantized_multiplier(unscaled, {p.out_multiplier.multiplier, total_shift});
    int32_t v = scaled + p.out_zp;
    v = std::min(std::max(v, p.out_min), p.out_max);
    out[io] = static_cast<uint8_t>(v);
  });
}

void div_s32_ref(const BinaryIntParams<int32_t>& p, const int32_t* a, const int32_t* b, int32_t* out) {
  int_binary(p, a, b, out, [](int32_t x, int32_t y) -> int32_t {
    if (y == 0) return 0;                                         // TFLite refuses it in Eval
    if (y == -1) return static_cast<int32_t>(0u - static_cast<uint32_t>(x));  // INT_MIN / -1 wraps
    return x / y;
  });
}

void floor_div_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out) {
  float_binary(p, a, b, out, [](float x, float y) {
    return static_cast<float>(std::floor(static_cast<double>(x) / static_cast<double>(y)));
  });
}
void floor_div_s32_ref(const BinaryIntParams<int32_t>& p, const int32_t* a, const int32_t* b, int32_t* out) {
  int_binary(p, a, b, out, floor_div_int<int32_t>);
}
void floor_div_s16_ref(const BinaryIntParams<int16_t>& p, const int16_t* a, const int16_t* b, int16_t* out) {
  int_binary(p, a, b, out, floor_div_int<int16_t>);
}
void floor_div_s8_ref(const BinaryIntParams<int8_t>& p, const int8_t* a, const int8_t* b, int8_t* out) {
  int_binary(p, a, b, out, floor_div_int<int8_t>);
}

void squared_difference_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out) {
  float_binary(p, a, b, out, [](float x, float y) {
    const float d = x - y;
    return d * d;
  });
}
void squared_difference_s32_ref(const BinaryIntParams<int32_t>& p, const int32_t* a, const int32_t* b, int32_t* out) {
  int_binary(p, a, b, out, [](int32_t x, int32_t y) {
    const uint32_t d = static_cast<uint32_t>(x) - static_cast<uint32_t>(y);  // wraps like TFLite in practice
    return static_cast<int32_t>(d * d);
  });
}
void squared_difference_qs8_ref(const SquaredDiffQuantParams& p, const int8_t* a, const int8_t* b, int8_t* out) {
  constexpr int kLeftShift = 7;
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t sa = (p.a_offset + a[ia]) * (1 << kLeftShift);
    const int32_t sb = (p.b_offset + b[ib]) * (1 << kLeftShift);
    const int32_t diff = multiply_by_quantized_multiplier(sa, p.a_multiplier) -
                         multiply_by_quantized_multiplier(sb, p.b_multiplier);
    // |diff| <= 255 * 2^7 / 2 * 2 < 2^15: the square fits int32.
    int32_t v = multiply_by_quantized_multiplier(diff * diff, p.out_multiplier) + p.out_zp;
    v = std::min(std::max(v, int32_t{-128}), int32_t{127});
    out[io] = static_cast<int8_t>(v);
  });
}

void pow_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out) {
  float_binary(p, a, b, out, [](float x, float y) { return std::pow(x, y); });
}
void pow_s32_ref(const BinaryIntParams<int32_t>& p, const int32_t* a, const int32_t* b, int32_t* out) {
  // TFLite: std::pow in double, converted to int32 (a negative exponent is refused in its Eval).
  int_binary(p, a, b, out, [](int32_t x, int32_t y) {
    return trunc_to_int<int32_t>(std::pow(static_cast<double>(x), static_cast<double>(y)));
  });
}

template <typename T>
void maximum_ref(const BroadcastGeometry& g, const T* a, const T* b, T* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = a[ia] > b[ib] ? a[ia] : b[ib]; });
}
template <typename T>
void minimum_ref(const BroadcastGeometry& g, const T* a, const T* b, T* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = a[ia] < b[ib] ? a[ia] : b[ib]; });
}

template <typename T>
void compare_ref(CompareKind kind, const BroadcastGeometry& g, const T* a, const T* b, uint8_t* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = compare(kind, a[ia], b[ib]) ? 1 : 0; });
}
void compare_bool_ref(CompareKind kind, const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) {
    out[io] = compare(kind, a[ia] != 0, b[ib] != 0) ? 1 : 0;
  });
}

template <typename T>
void compare_quant_ref(CompareKind kind, const CompareQuantParams& p, const T* a, const T* b, uint8_t* out) {
  constexpr int kLeftShift = 8;
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t sa = multiply_by_quantized_multiplier((p.a_offset + a[ia]) * (1 << kLeftShift), p.a_multiplier);
    const int32_t sb = multiply_by_quantized_multiplier((p.b_offset + b[ib]) * (1 << kLeftShift), p.b_multiplier);
    out[io] = compare(kind, sa, sb) ? 1 : 0;
  });
}

void logical_and_bool_ref(const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = (a[ia] != 0 && b[ib] != 0) ? 1 : 0; });
}
void logical_or_bool_ref(const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = (a[ia] != 0 || b[ib] != 0) ? 1 : 0; });
}
void logical_not_bool_ref(const uint8_t* in, uint8_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = in[i] == 0 ? 1 : 0;
}

template <typename T>
void select_ref(const SelectParams& p, const uint8_t* cond, const T* x, const T* y, T* out) {
  const auto& d = p.out_dims;
  std::array<int64_t, kMaxBroadcastRank> idx{};
  for (int64_t o = 0; o < p.out_elements; ++o) {
    int64_t ic = 0, ix = 0, iy = 0;
    for (int k = 0; k < kMaxBroadcastRank; ++k) {
      ic += idx[k] * p.c_strides[k];
      ix += idx[k] * p.x_strides[k];
      iy += idx[k] * p.y_strides[k];
    }
    out[o] = cond[ic] != 0 ? x[ix] : y[iy];
    for (int k = kMaxBroadcastRank - 1; k >= 0; --k) {
      if (++idx[k] < d[k]) break;
      idx[k] = 0;
    }
  }
}

template void maximum_ref<float>(const BroadcastGeometry&, const float*, const float*, float*);
template void maximum_ref<int8_t>(const BroadcastGeometry&, const int8_t*, const int8_t*, int8_t*);
template void maximum_ref<uint8_t>(const BroadcastGeometry&, const uint8_t*, const uint8_t*, uint8_t*);
template void maximum_ref<int16_t>(const BroadcastGeometry&, const int16_t*, const int16_t*, int16_t*);
template void maximum_ref<int32_t>(const BroadcastGeometry&, const int32_t*, const int32_t*, int32_t*);
template void maximum_ref<int64_t>(const BroadcastGeometry&, const int64_t*, const int64_t*, int64_t*);
template void minimum_ref<float>(const BroadcastGeometry&, const float*, const float*, float*);
template void minimum_ref<int8_t>(const BroadcastGeometry&, const int8_t*, const int8_t*, int8_t*);
template void minimum_ref<uint8_t>(const BroadcastGeometry&, const uint8_t*, const uint8_t*, uint8_t*);
template void minimum_ref<int16_t>(const BroadcastGeometry&, const int16_t*, const int16_t*, int16_t*);
template void minimum_ref<int32_t>(const BroadcastGeometry&, const int32_t*, const int32_t*, int32_t*);
template void minimum_ref<int64_t>(const BroadcastGeometry&, const int64_t*, const int64_t*, int64_t*);
template void compare_ref<float>(CompareKind, const BroadcastGeometry&, const float*, const float*, uint8_t*);
template void compare_ref<int8_t>(CompareKind, const BroadcastGeometry&, const int8_t*, const int8_t*, uint8_t*);
template void compare_ref<int16_t>(CompareKind, const BroadcastGeometry&, const int16_t*, const int16_t*, uint8_t*);
template void compare_ref<int32_t>(CompareKind, const BroadcastGeometry&, const int32_t*, const int32_t*, uint8_t*);
template void compare_ref<int64_t>(CompareKind, const BroadcastGeometry&, const int64_t*, const int64_t*, uint8_t*);
template void compare_quant_ref<int8_t>(CompareKind, const CompareQuantParams&, const int8_t*, const int8_t*,
                                        uint8_t*);
template void compare_quant_ref<uint8_t>(CompareKind, const CompareQuantParams&, const uint8_t*, const uint8_t*,
                                         uint8_t*);
template void select_ref<uint8_t>(const SelectParams&, const uint8_t*, const uint8_t*, const uint8_t*, uint8_t*);
template void select_ref<uint16_t>(const SelectParams&, const uint8_t*, const uint16_t*, const uint16_t*, uint16_t*);
template void select_ref<uint32_t>(const SelectParams&, const uint8_t*, const uint32_t*, const uint32_t*, uint32_t*);
template void select_ref<uint64_t>(const SelectParams&, const uint8_t*, const uint64_t*, const uint64_t*, uint64_t*);

}  // namespace eb

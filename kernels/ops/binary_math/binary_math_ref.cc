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
  walk_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    out[io] = std::min(std::max(op(a[ia], b[ib]), p.act_min), p.act_max);
  });
}

template <typename T, typename Op>
void int_binary(const BinaryIntParams<T>& p, const T* a, const T* b, T* out, Op op) {
  walk_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
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
  walk_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
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
  walk_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = a[ia] > b[ib] ? a[ia] : b[ib]; });
}
template <typename T>
void minimum_ref(const BroadcastGeometry& g, const T* a, const T* b, T* out) {
  walk_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = a[ia] < b[ib] ? a[ia] : b[ib]; });
}

template <typename T>
void compare_ref(CompareKind kind, const BroadcastGeometry& g, const T* a, const T* b, uint8_t* out) {
  walk_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = compare(kind, a[ia], b[ib]) ? 1 : 0; });
}
void compare_bool_ref(CompareKind kind, const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  walk_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) {
    out[io] = compare(kind, a[ia] != 0, b[ib] != 0) ? 1 : 0;
  });
}

template <typename T>
void compare_quant_ref(CompareKind kind, const CompareQuantParams& p, const T* a, const T* b, uint8_t* out) {
  constexpr int kLeftShift = 8;
  walk_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t sa = multiply_by_quantized_multiplier((p.a_offset + a[ia]) * (1 << kLeftShift), p.a_multiplier);
    const int32_t sb = multiply_by_quantized_multiplier((p.b_offset + b[ib]) * (1 << kLeftShift), p.b_multiplier);
    out[io] = compare(kind, sa, sb) ? 1 : 0;
  });
}

void logical_and_bool_ref(const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  walk_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = (a[ia] != 0 && b[ib] != 0) ? 1 : 0; });
}
void logical_or_bool_ref(const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out) {
  walk_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) { out[io] = (a[ia] != 0 || b[ib] != 0) ? 1 : 0; });
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

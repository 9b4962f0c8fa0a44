// Reference reductions: one row-major walk of the input that folds each element into its output slot.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "kernels/common/quantization.h"
#include "kernels/ops/reduce/reduce.h"

namespace eb {
namespace {

// Wrapping integer arithmetic as TFLite's int32/int64/int8 loops produce it, without signed overflow.
template <typename T>
T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = std::make_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
  } else {
    return a + b;
  }
}

template <typename T>
T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    // Promote to at least unsigned int so uint16/uint8 products do not go through signed int.
    using U = std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<T>>;
    return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
  } else {
    return a * b;
  }
}

// Calls fold(output_index, input_index) for every input element in row-major order.
template <typename Fold>
void walk(const ReduceShape& s, Fold fold) {
  if (s.in_elements == 0) return;
  int32_t idx[kReduceMaxRank] = {};
  int64_t out = 0;
  for (int64_t i = 0; i < s.in_elements; ++i) {
    fold(out, i);
    for (int d = s.rank - 1; d >= 0; --d) {
      out += s.out_step[d];
      if (++idx[d] < s.in_dims[d]) break;
      out -= s.out_step[d] * idx[d];
      idx[d] = 0;
    }
  }
}

}  // namespace

template <typename T>
void reduce_ref(ReduceKind kind, const ReduceShape& s, const T* input, T* output) {
  switch (kind) {
    case ReduceKind::kSum:
      std::fill(output, output + s.out_elements, T{0});
      walk(s, [&](int64_t o, int64_t i) { output[o] = wrap_add(output[o], input[i]); });
      break;
    case ReduceKind::kProd:
      std::fill(output, output + s.out_elements, T{1});
      walk(s, [&](int64_t o, int64_t i) { output[o] = wrap_mul(output[o], input[i]); });
      break;
    case ReduceKind::kMax:
      std::fill(output, output + s.out_elements, std::numeric_limits<T>::lowest());
      walk(s, [&](int64_t o, int64_t i) { output[o] = input[i] > output[o] ? input[i] : output[o]; });
      break;
    case ReduceKind::kMin:
      std::fill(output, output + s.out_elements, std::numeric_limits<T>::max());
      walk(s, [&](int64_t o, int64_t i) { output[o] = input[i] < output[o] ? input[i] : output[o]; });
      break;
  }
}

template <typename T>
void reduce_sum_requant_ref(const ReduceSumQuantParams& p, const T* input, int32_t* acc, T* output) {
  const ReduceShape& s = p.shape;
  std::fill(acc, acc + s.out_elements, 0);
  walk(s, [&](int64_t o, int64_t i) { acc[o] += input[i]; });
  constexpr int32_t kLo = std::numeric_limits<T>::min(), kHi = std::numeric_limits<T>::max();
  // count * in_zp fits int32: prepare bounds count so the raw sum does.
  const int32_t offset = static_cast<int32_t>(s.count) * p.input_zero_point;
  for (int64_t o = 0; o < s.out_elements; ++o)
    output[o] = static_cast<T>(requantize_fp32(acc[o] - offset, p.scale, p.output_zero_point, kLo, kHi));
}

namespace {

// TFLite's MultiplyByQuantizedMultiplier for an int64 x (|x| < 2^47, shift < 8).
int32_t multiply_by_quantized_multiplier_64(int64_t x, QuantizedMultiplier qm) {
  const int32_t reduced = qm.multiplier < 0x7FFF0000 ? (qm.multiplier + (1 << 15)) >> 16 : 0x7FFF;
  const int total_shift = 15 - qm.shift;
  return static_cast<int32_t>((x * reduced + (int64_t{1} << (total_shift - 1))) >> total_shift);
}

}  // namespace

void reduce_prod_qs8_ref(const ReduceProdQuantParams& p, const int8_t* input, int32_t* acc, int8_t* output) {
  const ReduceShape& s = p.shape;
  if (s.in_elements == 0) return;  // TFLite leaves the output as it is
  int32_t idx[kReduceMaxRank] = {};
  int64_t out = 0;
  for (int64_t i = 0; i < s.in_elements; ++i) {
    bool first = true;  // every reduced index (out_step 0) at 0
    for (int d = 0; d < s.rank; ++d)
      if (s.out_step[d] == 0 && idx[d] != 0) first = false;
    const int32_t x = input[i] - p.input_zero_point;
    acc[out] = first ? x : multiply_by_quantized_multiplier_64(static_cast<int64_t>(acc[out]) * x, p.multiplier);
    for (int d = s.rank - 1; d >= 0; --d) {
      out += s.out_step[d];
      if (++idx[d] < s.in_dims[d]) break;
      out -= s.out_step[d] * idx[d];
      idx[d] = 0;
    }
  }
  for (int64_t o = 0; o < s.out_elements; ++o) {
    const int32_t q = multiply_by_quantized_multiplier_64(acc[o], p.multiplier) + p.output_zero_point;
    output[o] = static_cast<int8_t>(std::clamp(q, -128, 127));
  }
}

template void reduce_ref<float>(ReduceKind, const ReduceShape&, const float*, float*);
template void reduce_ref<int8_t>(ReduceKind, const ReduceShape&, const int8_t*, int8_t*);
template void reduce_ref<uint8_t>(ReduceKind, const ReduceShape&, const uint8_t*, uint8_t*);
template void reduce_ref<int32_t>(ReduceKind, const ReduceShape&, const int32_t*, int32_t*);
template void reduce_ref<int64_t>(ReduceKind, const ReduceShape&, const int64_t*, int64_t*);
template void reduce_sum_requant_ref<int8_t>(const ReduceSumQuantParams&, const int8_t*, int32_t*, int8_t*);
template void reduce_sum_requant_ref<uint8_t>(const ReduceSumQuantParams&, const uint8_t*, int32_t*, uint8_t*);

}  // namespace eb

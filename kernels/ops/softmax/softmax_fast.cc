// Quantized SOFTMAX on the fast paths: the reference arithmetic (softmax.h) laid out for the CPU, so the
// results are the reference's byte for byte.
//
// The reference spends its time in three places: std::round (a libm call on baseline x86-64), the one
// serial chain of float additions per row, and the scalar requantization. Here:
//  - the row sums stay serial within each row (float addition is not associative; the reference adds
//    in j order) but kRows rows are summed together, so kRows independent chains fill the adder
//    instead of one waiting on its latency (YOLOv8's DFL head: 33,600 rows of 16);
//  - the requantization runs on chunks of 16 values whose table lookups were gathered first, a
//    fixed-count loop the compiler vectorizes on every target (SSE2, AVX, NEON) with no libm call:
//    round-half-away-from-zero of v >= 0 is trunc(v) + (v - trunc(v) >= 0.5), exact for v < 2^23.
// Prepare binds this only when every table value lies in [0, 1] (beta >= 0): then every sum is in
// [1, depth], every rescaled value in [0, 256], and no NaN or infinity can reach a conversion.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "kernels/ops/softmax/softmax.h"

namespace eb {
namespace {

constexpr int kRows = 16;   // rows whose sums run side by side
constexpr int kChunk = 16;  // values requantized per vectorized step

// y = clamp(q(e * inv)) for kChunk values, q as the reference's quantize_probability.
template <typename T>
inline void requantize_chunk(const float* e, float inv, int32_t zero_point, T* y) {
  constexpr int32_t kLo = std::numeric_limits<T>::min(), kHi = std::numeric_limits<T>::max();
  int32_t q[kChunk];
  for (int k = 0; k < kChunk; ++k) {
    const float v = e[k] * inv;
    int32_t t;
    if constexpr (std::is_same_v<T, int8_t>) {
      t = static_cast<int32_t>(v);  // trunc: v >= 0
      t += (v - static_cast<float>(t)) >= 0.5f ? 1 : 0;
      t += zero_point;
    } else {
      t = static_cast<int32_t>(v + 0.5f);  // TFLite's uint8 rounding, no zero point
    }
    q[k] = std::min(std::max(t, kLo), kHi);
  }
  for (int k = 0; k < kChunk; ++k) y[k] = static_cast<T>(q[k]);
}

template <typename T>
void softmax_q8_rows(const SoftmaxParams& p, const T* input, T* output, int64_t row_begin, int64_t row_end) {
  const int64_t depth = p.depth;
  for (int64_t r0 = row_begin; r0 < row_end; r0 += kRows) {
    const int rows = static_cast<int>(std::min<int64_t>(kRows, row_end - r0));
    const T* x0 = input + r0 * depth;
    // table[255 - (max - x)]: each row's table starts at 255 - max (see the reference).
    const float* base[kRows];
    for (int r = 0; r < rows; ++r) {
      const T* x = x0 + r * depth;
      int32_t m = std::numeric_limits<T>::min();
      for (int64_t j = 0; j < depth; ++j) m = std::max(m, static_cast<int32_t>(x[j]));
      base[r] = p.table + (255 - m);
    }
    float sum[kRows] = {};
    if (rows == kRows) {
      for (int64_t j = 0; j < depth; ++j)
        for (int r = 0; r < kRows; ++r) sum[r] += base[r][x0[r * depth + j]];
    } else {
      for (int r = 0; r < rows; ++r)
        for (int64_t j = 0; j < depth; ++j) sum[r] += base[r][x0[r * depth + j]];
    }
    for (int r = 0; r < rows; ++r) {
      const float inv = 1.0f / (sum[r] * p.output_scale);
      const T* x = x0 + r * depth;
      T* y = output + (r0 + r) * depth;
      float e[kChunk];
      int64_t j = 0;
      for (; j + kChunk <= depth; j += kChunk) {
        for (int k = 0; k < kChunk; ++k) e[k] = base[r][x[j + k]];
        requantize_chunk(e, inv, p.output_zero_point, y + j);
      }
      if (j < depth) {
        const int n = static_cast<int>(depth - j);
        T tail[kChunk];
        std::fill(e, e + kChunk, 0.0f);
        for (int k = 0; k < n; ++k) e[k] = base[r][x[j + k]];
        requantize_chunk(e, inv, p.output_zero_point, tail);
        std::memcpy(y + j, tail, static_cast<size_t>(n) * sizeof(T));
      }
    }
  }
}

}  // namespace

void softmax_int8_fast(const SoftmaxParams& p, const int8_t* input, int8_t* output, int64_t row_begin,
                       int64_t row_end) {
  softmax_q8_rows(p, input, output, row_begin, row_end);
}

void softmax_uint8_fast(const SoftmaxParams& p, const uint8_t* input, uint8_t* output, int64_t row_begin,
                        int64_t row_end) {
  softmax_q8_rows(p, input, output, row_begin, row_end);
}

}  // namespace eb

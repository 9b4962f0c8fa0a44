#include <algorithm>
#include <cstdint>

#include "kernels/ops/batch_matmul/batch_matmul.h"
#include "kernels/ops/conv2d/conv2d.h"

namespace eb {
namespace {

// Calls fn(batch, row, col, lhs_at, rhs_at) where lhs_at(kk) / rhs_at(kk) give the operands' flat offsets.
template <typename T, typename Acc, typename Finish>
void batch_matmul(const BatchMatMulParams& p, const T* lhs, const T* rhs, int32_t lhs_zp, int32_t rhs_zp,
                  Finish finish) {
  const int64_t m = p.m, n = p.n, k = p.k;
  // Strides of (row/col, depth) in each operand.
  const int64_t l_row = p.adj_x ? 1 : k, l_k = p.adj_x ? m : 1;
  const int64_t r_col = p.adj_y ? k : 1, r_k = p.adj_y ? 1 : n;
  for (size_t b = 0; b < p.lhs_offset.size(); ++b) {
    const T* lb = lhs + p.lhs_offset[b];
    const T* rb = rhs + p.rhs_offset[b];
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        Acc acc = 0;
        for (int64_t d = 0; d < k; ++d)
          acc += static_cast<Acc>(static_cast<Acc>(lb[i * l_row + d * l_k]) - static_cast<Acc>(lhs_zp)) *
                 static_cast<Acc>(static_cast<Acc>(rb[j * r_col + d * r_k]) - static_cast<Acc>(rhs_zp));
        finish(static_cast<int64_t>(b) * m * n + i * n + j, acc);
      }
  }
}

}  // namespace

void batch_matmul_f32_ref(const BatchMatMulParams& p, const float* lhs, const float* rhs, float* out) {
  batch_matmul<float, float>(p, lhs, rhs, 0, 0, [out](int64_t o, float acc) { out[o] = acc; });
}

void batch_matmul_qs8_ref(const BatchMatMulParams& p, const int8_t* lhs, const int8_t* rhs, int8_t* out) {
  batch_matmul<int8_t, int32_t>(p, lhs, rhs, p.lhs_zero_point, p.rhs_zero_point, [&p, out](int64_t o, int32_t acc) {
    const int32_t q = multiply_by_quantized_multiplier(acc, p.multiplier) + p.output_zero_point;
    out[o] = static_cast<int8_t>(std::clamp(q, -128, 127));
  });
}

void batch_matmul_hybrid_ref(const BatchMatMulParams& p, const float* lhs, const int8_t* rhs, float* out, float* row,
                             int8_t* quantized) {
  const int64_t m = p.m, n = p.n, k = p.k;
  const int64_t l_row = p.adj_x ? 1 : k, l_k = p.adj_x ? m : 1;
  const int64_t r_col = p.adj_y ? k : 1, r_k = p.adj_y ? 1 : n;
  for (size_t b = 0; b < p.lhs_offset.size(); ++b) {
    const float* lb = lhs + p.lhs_offset[b];
    const int8_t* rb = rhs + p.rhs_offset[b];
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t d = 0; d < k; ++d) row[d] = lb[i * l_row + d * l_k];
      float scale = 1.0f;
      int32_t offset = 0;
      if (p.asymmetric)
        hybrid_quantize_asymmetric_ref(row, k, quantized, &scale, &offset);
      else
        hybrid_quantize_symmetric_ref(row, k, quantized, &scale);
      scale *= p.rhs_scale;
      for (int64_t j = 0; j < n; ++j) {
        int32_t total = 0, wsum = 0;
        for (int64_t d = 0; d < k; ++d) {
          const int32_t w = rb[j * r_col + d * r_k];
          total += static_cast<int32_t>(quantized[d]) * w;
          wsum += w;
        }
        // TFLite's `total -= row_sum * batch_offset` (an int32 less a float product, truncated).
        total = static_cast<int32_t>(static_cast<float>(total) - static_cast<float>(wsum) * static_cast<float>(offset));
        out[static_cast<int64_t>(b) * m * n + i * n + j] = scale * static_cast<float>(total);
      }
    }
  }
}

}  // namespace eb

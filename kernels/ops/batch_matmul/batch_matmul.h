// BATCH_MATMUL: out[b] = op(lhs[b]) x op(rhs[b]) over broadcast batch dimensions, where op transposes
// the last two dimensions when adj_x (lhs) or adj_y (rhs) is set. lhs is [.., M, K] (adj_x: [.., K, M]),
// rhs [.., K, N] (adj_y: [.., N, K]), out [batch.., M, N].
//  - float32: dot products in k order.
//  - int8 (per-tensor): acc = sum (lhs - lhs_zp) * (rhs - rhs_zp) in int32, then TFLite's fixed-point
//    requantization with a multiplier for lhs_scale * rhs_scale / out_scale (float product, as TFLite's
//    GetQuantizedConvolutionMultipler), plus out_zp, clamped to int8.
//  - hybrid (float32 lhs, constant int8 rhs with one scale: dynamic-range models), TFLite's EvalHybrid:
//    each lhs row of K values is quantized on its own (symmetric, or asymmetric with an offset when
//    asymmetric_quantize_inputs), total = sum q * w in int32, then in float total - wsum * offset
//    truncated to int32 (wsum = the column's weight sum), times row_scale * rhs_scale.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/common/quantization.h"

namespace eb {

struct BatchMatMulParams {
  int32_t m = 0, n = 0, k = 0;
  bool adj_x = false, adj_y = false;
  // Element offsets of each output batch's lhs and rhs matrices (broadcasting repeats offsets).
  std::vector<int64_t> lhs_offset, rhs_offset;

  // int8.
  int32_t lhs_zero_point = 0, rhs_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier multiplier;

  // hybrid.
  float rhs_scale = 1.0f;
  bool asymmetric = false;
};

void batch_matmul_f32_ref(const BatchMatMulParams& p, const float* lhs, const float* rhs, float* out);
void batch_matmul_qs8_ref(const BatchMatMulParams& p, const int8_t* lhs, const int8_t* rhs, int8_t* out);
// `row` is scratch of p.k floats, `quantized` of p.k int8.
void batch_matmul_hybrid_ref(const BatchMatMulParams& p, const float* lhs, const int8_t* rhs, float* out, float* row,
                             int8_t* quantized);

}  // namespace eb

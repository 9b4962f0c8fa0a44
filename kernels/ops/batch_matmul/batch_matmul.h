// BATCH_MATMUL: out[b] = op(lhs[b]) x op(rhs[b]) over broadcast batch dimensions, where op transposes
// the last two dimensions when adj_x (lhs) or adj_y (rhs) is set. lhs is [.., M, K] (adj_x: [.., K, M]),
// rhs [.., K, N] (adj_y: [.., N, K]), out [batch.., M, N].
//  - float32: dot products in k order.
//  - int8 (per-tensor): acc = sum (lhs - lhs_zp) * (rhs - rhs_zp) in int32, then TFLite's fixed-point
//    requantization with a multiplier for lhs_scale * rhs_scale / out_scale (float product, as TFLite's
//    GetQuantizedConvolutionMultipler), plus out_zp, clamped to int8.
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
};

void batch_matmul_f32_ref(const BatchMatMulParams& p, const float* lhs, const float* rhs, float* out);
void batch_matmul_qs8_ref(const BatchMatMulParams& p, const int8_t* lhs, const int8_t* rhs, int8_t* out);

}  // namespace eb

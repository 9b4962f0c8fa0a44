// SUM, REDUCE_MAX, REDUCE_MIN, REDUCE_PROD: fold the axes listed in a constant int32 tensor (negative
// axes count from the end, a repeated axis is reduced once, an empty list copies the input), keeping
// the reduced dimensions as 1 when keep_dims is set.
//
// Each output element starts at the reduction's neutral element (0, 1, lowest, highest: what TFLite
// writes when a reduced dimension is empty) and takes the input in row-major order, as TFLite's
// reference walk does (a float SUM may differ from TFLite's optimized loop in the last bits only).
//  - Integer SUM/PROD wrap around like TFLite's int32/int64 arithmetic (computed unsigned: no UB).
//  - int8/uint8 MAX/MIN compare raw values: TFLite requires the output quantization to equal the input's.
//  - int8/uint8 SUM (quantized) runs as LiteRT computes it (XNNPACK's static sum; TFLite's own
//    QuantizedMeanOrSum would wrap instead of clamping, and its generic loop would add raw values when
//    the quantizations are equal): the int32 sum minus count * in_zp, requantized with XNNPACK's fp32
//    scheme (scale in_scale / out_scale in float, round to nearest even, + out_zp, clamped), equal input
//    and output quantization included (checked on a model edited to have them).
//  - int8/uint8 without quantization parameters: raw values, as TFLite's generic loop (SUM wraps).
#pragma once

#include <cstdint>

#include "kernels/common/quantization.h"

namespace eb {

constexpr int kReduceMaxRank = 8;

// Where each input element lands: the input dims and, per input dimension, the output step (0 for
// a reduced dimension).
struct ReduceShape {
  int rank = 0;
  int32_t in_dims[kReduceMaxRank] = {};
  int64_t out_step[kReduceMaxRank] = {};
  int64_t in_elements = 1;
  int64_t out_elements = 1;
  int64_t count = 1;  // input elements folded into each output element
};

struct ReduceSumQuantParams {
  ReduceShape shape;
  float scale = 1.0f;  // in_scale / out_scale
  int32_t input_zero_point = 0, output_zero_point = 0;
};

// int8 REDUCE_PROD (TFLite's QuantizedReduceProd): per output, the first element (all reduced indices 0,
// the row-major walk's first) gives acc = x - in_zp; every next one acc = MBQM64(acc * (x - in_zp)), the
// multiplier being in_scale / out_scale^(1 / count) (double); finally MBQM64(acc) + out_zp, clamped.
// MBQM64 is TFLite's int64 MultiplyByQuantizedMultiplier (a 16-bit rounded multiplier, one rounding).
struct ReduceProdQuantParams {
  ReduceShape shape;
  int32_t input_zero_point = 0, output_zero_point = 0;
  QuantizedMultiplier multiplier;  // shift within [-31, 7]
};

enum class ReduceKind : uint8_t { kSum, kMax, kMin, kProd };

// Plain reductions (output type = input type); int8/uint8 here are MAX/MIN and unquantized data.
template <typename T>
void reduce_ref(ReduceKind kind, const ReduceShape& s, const T* input, T* output);

// int8/uint8 SUM with requantization; `acc` is scratch of s.out_elements int32.
template <typename T>
void reduce_sum_requant_ref(const ReduceSumQuantParams& p, const T* input, int32_t* acc, T* output);

// `acc` is scratch of s.out_elements int32.
void reduce_prod_qs8_ref(const ReduceProdQuantParams& p, const int8_t* input, int32_t* acc, int8_t* output);

}  // namespace eb

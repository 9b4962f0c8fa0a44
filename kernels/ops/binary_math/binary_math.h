// DIV, FLOOR_DIV, SQUARED_DIFFERENCE, POW, MAXIMUM, MINIMUM, the comparisons (EQUAL ... GREATER_EQUAL),
// LOGICAL_AND / OR / NOT, SELECT and SELECT_V2: TFLite's reference arithmetic on the broadcast walk of
// kernels/ops/elementwise (BroadcastGeometry, rank <= 6).
//
// Integer division follows TFLite's kernels, which refuse (Eval error) a zero divisor: prepare refuses a
// constant divisor holding a zero; a zero that only shows up at run time yields 0 (run() cannot fail).
// INT_MIN / -1 (which traps on x86) yields INT_MIN, the two's complement wrap.
#pragma once

#include <cstdint>
#include <initializer_list>

#include "kernels/common/status.h"

#include "kernels/common/quantization.h"
#include "kernels/ops/elementwise/broadcast_walk.h"
#include "kernels/ops/elementwise/elementwise.h"

namespace eb {

// Integer ops: the clamp of the fused activation (DIV int32) or the full range.
template <typename T>
struct BinaryIntParams {
  BroadcastGeometry geom;
  T act_min = 0, act_max = 0;
};

// TFLite's uint8 DIV: (a - a_zp) / (b - b_zp) through a fixed-point reciprocal of the divisor, times
// a_scale / (b_scale * out_scale).
struct DivQuantParams {
  BroadcastGeometry geom;
  int32_t a_offset = 0, b_offset = 0;  // minus the zero points
  QuantizedMultiplier out_multiplier;
  int32_t out_zp = 0, out_min = 0, out_max = 0;
};

// TFLite's SQUARED_DIFFERENCE int8: both sides rescaled (left shift 7) to twice the larger input scale,
// the difference squared, then requantized to the output.
struct SquaredDiffQuantParams {
  BroadcastGeometry geom;
  int32_t a_offset = 0, b_offset = 0;  // minus the zero points
  QuantizedMultiplier a_multiplier, b_multiplier, out_multiplier;
  int32_t out_zp = 0;
};

// TFLite's quantized comparison: (q - zp) << 8, times the fixed-point form of each input's own scale.
struct CompareQuantParams {
  BroadcastGeometry geom;
  int32_t a_offset = 0, b_offset = 0;
  QuantizedMultiplier a_multiplier, b_multiplier;
};

enum class CompareKind : uint8_t { kEqual, kNotEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

// SELECT / SELECT_V2: out = cond ? x : y on the three-way broadcast (strides 0 on repeated dimensions).
struct SelectParams {
  std::array<int64_t, kMaxBroadcastRank> out_dims{};
  std::array<int64_t, kMaxBroadcastRank> c_strides{}, x_strides{}, y_strides{};
  int64_t out_elements = 0;
};

void div_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out);
void div_qu8_ref(const DivQuantParams& p, const uint8_t* a, const uint8_t* b, uint8_t* out);
void div_s32_ref(const BinaryIntParams<int32_t>& p, const int32_t* a, const int32_t* b, int32_t* out);

void floor_div_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out);
void floor_div_s32_ref(const BinaryIntParams<int32_t>& p, const int32_t* a, const int32_t* b, int32_t* out);
void floor_div_s16_ref(const BinaryIntParams<int16_t>& p, const int16_t* a, const int16_t* b, int16_t* out);
void floor_div_s8_ref(const BinaryIntParams<int8_t>& p, const int8_t* a, const int8_t* b, int8_t* out);

void squared_difference_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out);
void squared_difference_s32_ref(const BinaryIntParams<int32_t>& p, const int32_t* a, const int32_t* b, int32_t* out);
void squared_difference_qs8_ref(const SquaredDiffQuantParams& p, const int8_t* a, const int8_t* b, int8_t* out);

void pow_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out);
void pow_s32_ref(const BinaryIntParams<int32_t>& p, const int32_t* a, const int32_t* b, int32_t* out);

// MAXIMUM / MINIMUM compare raw values (quantized ones too: TFLite does not rescale).
template <typename T>
void maximum_ref(const BroadcastGeometry& g, const T* a, const T* b, T* out);
template <typename T>
void minimum_ref(const BroadcastGeometry& g, const T* a, const T* b, T* out);

// Bool tensors are bytes: read as "non-zero", written as 0 or 1 (a hostile byte of 2 is never UB).
template <typename T>
void compare_ref(CompareKind kind, const BroadcastGeometry& g, const T* a, const T* b, uint8_t* out);
void compare_bool_ref(CompareKind kind, const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out);
template <typename T>
void compare_quant_ref(CompareKind kind, const CompareQuantParams& p, const T* a, const T* b, uint8_t* out);

void logical_and_bool_ref(const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out);
void logical_or_bool_ref(const BroadcastGeometry& g, const uint8_t* a, const uint8_t* b, uint8_t* out);
void logical_not_bool_ref(const uint8_t* in, uint8_t* out, int64_t n);

// Element-size copies (T = uint8_t, uint16_t, uint32_t, uint64_t).
template <typename T>
void select_ref(const SelectParams& p, const uint8_t* cond, const T* x, const T* y, T* out);


// ---- Prepare helpers shared by binary_math.cc and compare_select.cc ----
class PrepareContext;
// Checks two inputs of one dtype among `allowed` (rank <= 6, resolved, broadcastable), one output of
// dtype `out_dtype` (kUnsupported: the input dtype), sets the output shape, returns the walk.
Result<BroadcastGeometry> prepare_broadcast_binary(PrepareContext& ctx, std::initializer_list<DType> allowed,
                                                   DType out_dtype);

}  // namespace eb

// ARG_MAX / ARG_MIN: index of the largest (smallest) value along one axis. Seen as [outer, axis, inner], each (outer, inner)
// pair scans the axis and keeps the first index of the maximum (a later equal value does not replace it,
// as in TFLite, which compares with a strict greater-than, or less-than for ARG_MIN). Quantized inputs compare their raw values:
// dequantization is monotonic (scale > 0), so the index is the same.
#pragma once

#include <cstdint>

namespace eb {

struct ArgMaxParams {
  int64_t outer = 1;
  int32_t axis_size = 1;  // > 0
  int64_t inner = 1;
  bool find_min = false;  // ARG_MIN
};

void arg_max_float32_ref(const float* input, const ArgMaxParams& p, int32_t* output);
void arg_max_float32_ref(const float* input, const ArgMaxParams& p, int64_t* output);
void arg_max_int8_ref(const int8_t* input, const ArgMaxParams& p, int32_t* output);
void arg_max_int8_ref(const int8_t* input, const ArgMaxParams& p, int64_t* output);
void arg_max_uint8_ref(const uint8_t* input, const ArgMaxParams& p, int32_t* output);
void arg_max_uint8_ref(const uint8_t* input, const ArgMaxParams& p, int64_t* output);
void arg_max_int32_ref(const int32_t* input, const ArgMaxParams& p, int32_t* output);
void arg_max_int32_ref(const int32_t* input, const ArgMaxParams& p, int64_t* output);

}  // namespace eb

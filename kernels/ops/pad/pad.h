// PAD: surrounds the input with a constant: 0.0 for float, the zero point for quantized tensors (so the
// padding reads as real 0), 0 for int32. Shapes of rank < 5 are extended with leading size-1 dimensions,
// so one 5-D kernel serves every rank.
#pragma once

#include <cstdint>

namespace eb {

constexpr int kPadMaxRank = 5;

struct PadParams {
  int32_t in_dims[kPadMaxRank] = {1, 1, 1, 1, 1};
  int32_t out_dims[kPadMaxRank] = {1, 1, 1, 1, 1};
  int32_t before[kPadMaxRank] = {0, 0, 0, 0, 0};  // elements added before the input along each dimension
};

void pad_float32_ref(const float* input, const PadParams& p, float pad_value, float* output);
void pad_int8_ref(const int8_t* input, const PadParams& p, int8_t pad_value, int8_t* output);
void pad_uint8_ref(const uint8_t* input, const PadParams& p, uint8_t pad_value, uint8_t* output);
void pad_int16_ref(const int16_t* input, const PadParams& p, int16_t pad_value, int16_t* output);
void pad_int32_ref(const int32_t* input, const PadParams& p, int32_t pad_value, int32_t* output);

// Fast paths (pad_fast.cc). pad_coalesce() rewrites `p` (once, at prepare) so that no trailing dimension
// is left without padding: the same output, in fewer and longer rows. pad_*_rows() then write output
// rows [row_begin, row_end) of the pad_rows_count(p) rows (all dimensions but the last), by element
// size: int8/uint8 as bytes, int16 as 16-bit and float32/int32 as 32-bit patterns.
void pad_coalesce(PadParams& p);
int64_t pad_rows_count(const PadParams& p);
void pad_x8_rows(const uint8_t* input, const PadParams& p, uint8_t pad_value, uint8_t* output, int64_t row_begin,
                 int64_t row_end);
void pad_x16_rows(const uint16_t* input, const PadParams& p, uint16_t pad_value, uint16_t* output, int64_t row_begin,
                  int64_t row_end);
void pad_x32_rows(const uint32_t* input, const PadParams& p, uint32_t pad_value, uint32_t* output, int64_t row_begin,
                  int64_t row_end);

}  // namespace eb

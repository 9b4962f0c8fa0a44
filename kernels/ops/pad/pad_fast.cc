// PAD on the fast paths: the reference's row walk ([before fill] [input row copy] [after fill]) over
// fewer, longer rows, split over threads. Byte for byte the reference: every output element is written
// once with the same value.
//
// NHWC padding of H and W leaves C unpadded, so the reference copies one C-element row per pixel
// (YOLOv8n's first PAD: 409,600 memcpy calls of 3 bytes). pad_coalesce() folds every trailing
// dimension without padding into the one before it, once at prepare, so the same PAD copies 640 rows
// of 1,920 bytes.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>

#include "kernels/ops/pad/pad.h"

namespace eb {
namespace {

template <typename T>
void pad_rows(const T* input, const PadParams& p, T pad_value, T* output, int64_t row_begin, int64_t row_end) {
  const int32_t* I = p.in_dims;
  const int32_t* O = p.out_dims;
  const int32_t* B = p.before;
  const size_t row = static_cast<size_t>(O[4]);
  const size_t in_row = static_cast<size_t>(I[4]);
  const size_t before = static_cast<size_t>(B[4]);
  // The output row's coordinates in dimensions 0..3, advanced like an odometer.
  int64_t rest = row_begin;
  int32_t o[4];
  for (int d = 3; d >= 0; --d) {
    o[d] = static_cast<int32_t>(rest % O[d]);
    rest /= O[d];
  }
  T* dst = output + static_cast<size_t>(row_begin) * row;
  for (int64_t r = row_begin; r < row_end; ++r, dst += row) {
    const int32_t i0 = o[0] - B[0], i1 = o[1] - B[1], i2 = o[2] - B[2], i3 = o[3] - B[3];
    const bool inside = i0 >= 0 && i0 < I[0] && i1 >= 0 && i1 < I[1] && i2 >= 0 && i2 < I[2] && i3 >= 0 && i3 < I[3];
    if (!inside) {
      std::fill(dst, dst + row, pad_value);
    } else {
      size_t offset = static_cast<size_t>(i0);
      offset = offset * static_cast<size_t>(I[1]) + static_cast<size_t>(i1);
      offset = offset * static_cast<size_t>(I[2]) + static_cast<size_t>(i2);
      offset = offset * static_cast<size_t>(I[3]) + static_cast<size_t>(i3);
      std::fill(dst, dst + before, pad_value);
      if (in_row != 0) std::memcpy(dst + before, input + offset * in_row, in_row * sizeof(T));
      std::fill(dst + before + in_row, dst + row, pad_value);
    }
    for (int d = 3; d >= 0; --d) {
      if (++o[d] < O[d]) break;
      o[d] = 0;
    }
  }
}

}  // namespace

void pad_coalesce(PadParams& p) {
  // Fold the last dimension into the one before while it has no padding; the freed leading slot is 1.
  for (int folds = 0; folds < kPadMaxRank - 1 && p.in_dims[4] == p.out_dims[4]; ++folds) {
    bool all_ones = true;
    for (int d = 0; d < 4; ++d) all_ones = all_ones && p.out_dims[d] == 1;
    if (all_ones) break;  // already one row
    const int64_t n = p.in_dims[4];
    if (int64_t{p.out_dims[3]} * n > std::numeric_limits<int32_t>::max()) break;  // rows stay int32
    const auto in3 = static_cast<int32_t>(p.in_dims[3] * n), out3 = static_cast<int32_t>(p.out_dims[3] * n),
               before3 = static_cast<int32_t>(p.before[3] * n);
    for (int d = 4; d >= 1; --d) {
      p.in_dims[d] = p.in_dims[d - 1];
      p.out_dims[d] = p.out_dims[d - 1];
      p.before[d] = p.before[d - 1];
    }
    p.in_dims[4] = in3;
    p.out_dims[4] = out3;
    p.before[4] = before3;
    p.in_dims[0] = p.out_dims[0] = 1;
    p.before[0] = 0;
  }
}

int64_t pad_rows_count(const PadParams& p) {
  return int64_t{p.out_dims[0]} * p.out_dims[1] * p.out_dims[2] * p.out_dims[3];
}

void pad_x8_rows(const uint8_t* input, const PadParams& p, uint8_t pad_value, uint8_t* output, int64_t row_begin,
                 int64_t row_end) {
  pad_rows(input, p, pad_value, output, row_begin, row_end);
}

void pad_x16_rows(const uint16_t* input, const PadParams& p, uint16_t pad_value, uint16_t* output, int64_t row_begin,
                  int64_t row_end) {
  pad_rows(input, p, pad_value, output, row_begin, row_end);
}

void pad_x32_rows(const uint32_t* input, const PadParams& p, uint32_t pad_value, uint32_t* output, int64_t row_begin,
                  int64_t row_end) {
  pad_rows(input, p, pad_value, output, row_begin, row_end);
}

}  // namespace eb

#include "kernels/ops/pad/pad.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace eb {
namespace {

// Walks the output rows (all dimensions but the last): a row outside the input in any outer dimension is
// all padding; otherwise it is [before pad] [input row] [after pad].
template <typename T>
void pad_impl(const T* input, const PadParams& p, T pad_value, T* output) {
  const int32_t* I = p.in_dims;
  const int32_t* O = p.out_dims;
  const int32_t* B = p.before;
  const size_t row = static_cast<size_t>(O[4]);
  const size_t in_row = static_cast<size_t>(I[4]);
  const size_t after = row - in_row - static_cast<size_t>(B[4]);
  T* dst = output;
  for (int32_t o0 = 0; o0 < O[0]; ++o0) {
    const int32_t i0 = o0 - B[0];
    for (int32_t o1 = 0; o1 < O[1]; ++o1) {
      const int32_t i1 = o1 - B[1];
      for (int32_t o2 = 0; o2 < O[2]; ++o2) {
        const int32_t i2 = o2 - B[2];
        for (int32_t o3 = 0; o3 < O[3]; ++o3, dst += row) {
          const int32_t i3 = o3 - B[3];
          const bool inside = i0 >= 0 && i0 < I[0] && i1 >= 0 && i1 < I[1] && i2 >= 0 && i2 < I[2] && i3 >= 0 && i3 < I[3];
          if (!inside) {
            std::fill(dst, dst + row, pad_value);
            continue;
          }
          size_t offset = static_cast<size_t>(i0);
          offset = offset * static_cast<size_t>(I[1]) + static_cast<size_t>(i1);
          offset = offset * static_cast<size_t>(I[2]) + static_cast<size_t>(i2);
          offset = offset * static_cast<size_t>(I[3]) + static_cast<size_t>(i3);
          offset *= in_row;
          std::fill(dst, dst + B[4], pad_value);
          if (in_row != 0) std::memcpy(dst + B[4], input + offset, in_row * sizeof(T));
          std::fill(dst + B[4] + in_row, dst + B[4] + in_row + after, pad_value);
        }
      }
    }
  }
}

}  // namespace

void pad_float32_ref(const float* input, const PadParams& p, float pad_value, float* output) {
  pad_impl(input, p, pad_value, output);
}
void pad_int8_ref(const int8_t* input, const PadParams& p, int8_t pad_value, int8_t* output) {
  pad_impl(input, p, pad_value, output);
}
void pad_uint8_ref(const uint8_t* input, const PadParams& p, uint8_t pad_value, uint8_t* output) {
  pad_impl(input, p, pad_value, output);
}
void pad_int16_ref(const int16_t* input, const PadParams& p, int16_t pad_value, int16_t* output) {
  pad_impl(input, p, pad_value, output);
}
void pad_int32_ref(const int32_t* input, const PadParams& p, int32_t pad_value, int32_t* output) {
  pad_impl(input, p, pad_value, output);
}

}  // namespace eb

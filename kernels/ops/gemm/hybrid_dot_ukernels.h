// Contract of the int8 dot-product microkernels of the hybrid (dynamic-range) fast path
// (hybrid_dot_<isa>.cc): out[r] = sum_i x[i] * w[r * w_stride + i] for r in [0, rows), i in [0, n), in
// int32 with wrapping adds, as the reference's int32 accumulation. Integer sums are exact in any order,
// so every kernel gives the reference's bits.
//
// Included by ISA-specific files: plain declarations only (no inline functions, templates or std::
// types), so nothing compiled with AVX2 / NEON flags can leak into generic code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

using HybridDotUkernel = void (*)(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows,
                                  int32_t* out);

void hybrid_dot_s8_avx512vnni(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows,
                              int32_t* out);
void hybrid_dot_s8_avx2(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows, int32_t* out);
void hybrid_dot_s8_neon(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows, int32_t* out);

}  // namespace eb

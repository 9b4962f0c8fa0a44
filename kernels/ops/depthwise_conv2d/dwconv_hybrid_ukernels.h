// Contract of the hybrid (dynamic-range) depthwise microkernels (dwconv_hybrid_<isa>.cc): int8 input,
// int8 weights widened to int16 at prepare, int32 sums, no epilogue (the op applies the reference's
// float epilogue in generic code, so no ISA flag can change its floating-point operations).
//
//   acc[px * channels + c] = sum over t < taps of input[px * taps + t][c] * w[t * cstride + c]
//
// in int32 with wrapping adds (products of int8 fit int16, sums are exact modulo 2^32 in any order).
// `input` holds taps pointers per output pixel, each at `channels` int8 values (the op points padding
// taps at a row holding the input's zero offset and corrects the sum). `w` is [taps][cstride] int16,
// cstride = channels rounded up to 16, zero past `channels`. Kernels never read input channels >= channels.
//
// Plain declarations only (ISA files must not share inline code: see kernels/CMakeLists.txt).
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

using DwconvHybridUkernel = void (*)(size_t pixels, size_t channels, size_t taps, const int8_t* const* input,
                                     const int16_t* w, size_t cstride, int32_t* acc);

void dwconv_hybrid_s8_avx2(size_t pixels, size_t channels, size_t taps, const int8_t* const* input, const int16_t* w,
                           size_t cstride, int32_t* acc);
void dwconv_hybrid_s8_neon(size_t pixels, size_t channels, size_t taps, const int8_t* const* input, const int16_t* w,
                           size_t cstride, int32_t* acc);

}  // namespace eb

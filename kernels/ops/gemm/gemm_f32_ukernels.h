// Contract of the float32 GEMM microkernels (one per ISA, in gemm_f32_<isa>.cc).
//
// This header is included by ISA-specific files: it holds plain structs and function declarations
// only (no inline functions, no templates, no std:: types), so nothing compiled with AVX-512 or NEON
// flags can be picked by the linker for generic code.
//
// One microkernel shape serves GEMM (1x1 convolution, fully connected) and indirect GEMM (any
// convolution): C[mr x nc] = clamp(bias + sum over ks taps, kc channels of A * B).
//  - `a` holds ks * MR row pointers, tap-major: a[t * MR + m] points at kc consecutive floats of row m
//    for tap t (a zero buffer for padding taps). Rows m >= mr must still point at readable memory
//    (the driver repeats the last valid row); their results are computed and discarded.
//  - `w` is the packed weights (gemm_f32_pack): for each block of NR output channels, NR biases then
//    ks * kc rows of NR weights (tap-major, then input channel), zero-padded past the last channel.
//  - Row m of C starts at c + m * c_stride (in floats); nc (<= any value) output channels are written,
//    block by block.
#pragma once

#include <cstddef>

namespace eb {

struct GemmF32Params {
  float min;  // fused activation clamp
  float max;
};

using IgemmF32Ukernel = void (*)(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w,
                                 float* c, size_t c_stride, const GemmF32Params* params);

// x86-64
void igemm_f32_6x16_avx2(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w, float* c,
                         size_t c_stride, const GemmF32Params* params);
void igemm_f32_7x16_avx512(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w,
                           float* c, size_t c_stride, const GemmF32Params* params);
void igemm_f32_7x32_avx512(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w,
                           float* c, size_t c_stride, const GemmF32Params* params);
// aarch64
void igemm_f32_6x8_neon(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w, float* c,
                        size_t c_stride, const GemmF32Params* params);

}  // namespace eb

// Contract of the float32 transcendental activation microkernels (vunary_f32_<isa>.cc): y[i] = f(x[i]) for
// i in [0, n), in place allowed (y == x).
//  - sigmoid (LOGISTIC) and tanh (TANH): within a few ULP of the reference (logistic_float_ref /
//    tanh_float_ref, std::exp / std::tanh), NaN in -> NaN out. Each ISA file computes exp the same way:
//    t = n ln2 + r (n = round(t / ln2), ln2 split in a high and a low part, |r| <= ln2 / 2), e^r by its
//    degree-7 Taylor polynomial (truncation error below 1e-8 relative on that interval), 2^n built in
//    the exponent bits. sigmoid(x) = e / (1 + e) or 1 - that with e = exp(-|x|) (never overflows; 0
//    past |x| = 87.33, where it would leave the normal floats: off by less than 1.2e-38);
//    tanh(|x|) = -m / (2 + m) with m = expm1(-2|x|) formed as 2^n (p(r) - 1) + (2^n - 1), so small
//    inputs keep their relative precision; the sign is copied from x.
//  - hard swish (HARD_SWISH): x * min(6, max(0, x + 3)) / 6 in the reference's order: bit for bit.
//
// Included by ISA-specific files: plain declarations only.
#pragma once

#include <cstddef>

namespace eb {

typedef void (*VUnaryF32Ukernel)(size_t n, const float* x, float* y);

void vsigmoid_f32_avx2(size_t n, const float* x, float* y);
void vtanh_f32_avx2(size_t n, const float* x, float* y);
void vhswish_f32_avx2(size_t n, const float* x, float* y);
void vsigmoid_f32_avx512(size_t n, const float* x, float* y);
void vtanh_f32_avx512(size_t n, const float* x, float* y);
void vhswish_f32_avx512(size_t n, const float* x, float* y);
void vsigmoid_f32_neon(size_t n, const float* x, float* y);
void vtanh_f32_neon(size_t n, const float* x, float* y);
void vhswish_f32_neon(size_t n, const float* x, float* y);

}  // namespace eb

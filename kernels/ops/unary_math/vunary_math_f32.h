// Float32 ABS, NEG, SQUARE and SQRT on SIMD microkernels (vunary_math_f32_<isa>.cc), split over threads by
// elements. Each is one exactly rounded IEEE operation per element (sign-bit clear, sign-bit flip, one
// multiply, the square-root instruction), so the fast kernels equal the reference bit for bit.
#pragma once

#include <cstddef>
#include <memory>

#include "kernels/common/isa.h"
#include "kernels/ops/op.h"
#include "kernels/ops/unary_math/unary_math.h"

namespace eb {

typedef void (*VUnaryMathF32Ukernel)(size_t n, const float* x, float* y);

void vabs_f32_avx2(size_t n, const float* x, float* y);
void vneg_f32_avx2(size_t n, const float* x, float* y);
void vsqr_f32_avx2(size_t n, const float* x, float* y);
void vsqrt_f32_avx2(size_t n, const float* x, float* y);
void vabs_f32_avx512(size_t n, const float* x, float* y);
void vneg_f32_avx512(size_t n, const float* x, float* y);
void vsqr_f32_avx512(size_t n, const float* x, float* y);
void vsqrt_f32_avx512(size_t n, const float* x, float* y);
void vabs_f32_neon(size_t n, const float* x, float* y);
void vneg_f32_neon(size_t n, const float* x, float* y);
void vsqr_f32_neon(size_t n, const float* x, float* y);
void vsqrt_f32_neon(size_t n, const float* x, float* y);

// The fast kernel of a float32 unary math op for the engine's ISA; nullptr when there is none (reference
// path, an op without a microkernel, an ISA without them). The output shape is already set.
std::unique_ptr<PreparedOp> prepare_unary_math_f32_fast(PrepareContext& ctx, UnaryMathKind kind);

}  // namespace eb

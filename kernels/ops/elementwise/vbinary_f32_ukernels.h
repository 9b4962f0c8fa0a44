// Contract of the float32 elementwise ADD / SUB / MUL / DIV / MAXIMUM / MINIMUM microkernels (vbinary_f32_<isa>.cc).
//
// Included by ISA-specific files: plain structs and declarations only (no inline functions, templates
// or std:: types), so nothing compiled with AVX-512 / NEON flags can leak into generic code.
//
// out[i] = clamp(a[i * a_inc] OP b[i * b_inc], min, max) for i in [0, n); a_inc / b_inc are 1 (a full
// operand) or 0 (a single broadcast value).
#pragma once

#include <cstddef>

namespace eb {

// DIV, MAXIMUM and MINIMUM (kernels/ops/binary_math) share the kernels: max/min are a > b ? a : b and
// a < b ? a : b, as TFLite's reference (and x86 maxps/minps with the operands in this order).
enum VBinaryF32Op : int {
  kVBinaryAdd = 0,
  kVBinarySub = 1,
  kVBinaryMul = 2,
  kVBinaryDiv = 3,
  kVBinaryMax = 4,
  kVBinaryMin = 5,
  kVBinaryOpCount = 6
};

struct VBinaryF32Params {
  int op;     // VBinaryF32Op
  float min;  // fused activation clamp
  float max;
};

using VBinaryF32Ukernel = void (*)(size_t n, const float* a, size_t a_inc, const float* b, size_t b_inc, float* out,
                                   const VBinaryF32Params* params);

void vbinary_f32_avx2(size_t n, const float* a, size_t a_inc, const float* b, size_t b_inc, float* out,
                      const VBinaryF32Params* params);
void vbinary_f32_avx512(size_t n, const float* a, size_t a_inc, const float* b, size_t b_inc, float* out,
                        const VBinaryF32Params* params);
void vbinary_f32_neon(size_t n, const float* a, size_t a_inc, const float* b, size_t b_inc, float* out,
                      const VBinaryF32Params* params);

}  // namespace eb

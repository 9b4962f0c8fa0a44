// DIV, FLOOR_DIV (binary, NumPy broadcasting up to rank 6) and SQRT, as TFLite's default CPU path computes
// them:
//  - DIV float32: x / y in float, then the fused activation's clamp. The XNNPACK delegate runs it, so a
//    division by zero gives +-inf (or NaN for 0/0), clamped only by a fused activation.
//  - DIV int32: C++ truncating division (TFLite's reference Div<int32>), then the activation clamp.
//    TFLite checks the divisor for zeros but ignores its own check and divides (undefined behaviour, a
//    SIGFPE on x86); here x / 0 gives 0 and INT32_MIN / -1 wraps to INT32_MIN, so a hostile model can
//    neither crash the process nor make the result depend on the compiler.
//  - FLOOR_DIV: floor(double(x) / double(y)) converted back to the type (TFLite's FloorDiv), for float32,
//    int32, int16 and int8 (plain integers, not quantized). An integer divisor of zero (TFLite refuses
//    the invocation) gives 0 here, as does any quotient outside the type.
//  - SQRT float32: std::sqrt (NaN for negative inputs, as TFLite).
#pragma once

#include <cstdint>

#include "kernels/ops/elementwise/elementwise.h"

namespace eb {

void div_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out);
void div_s32_ref(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out);

template <typename T>
void floor_div_ref(const BroadcastGeometry& g, const T* a, const T* b, T* out);

void sqrt_f32_ref(const float* x, float* y, int64_t n);

}  // namespace eb

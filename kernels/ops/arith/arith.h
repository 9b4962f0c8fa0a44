// SQRT float32: std::sqrt (NaN for negative inputs), as TFLite's elementwise kernel.
#pragma once

#include <cstdint>

namespace eb {

void sqrt_f32_ref(const float* x, float* y, int64_t n);

}  // namespace eb

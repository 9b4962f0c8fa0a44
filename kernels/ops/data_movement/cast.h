// CAST kernels: value conversions between float32, int64, int32, int16, int8, uint8 and bool (and
// float16 to float32), as TFLite's static_cast does them.
#pragma once

#include <cstdint>

#include "kernels/graph/tensor.h"

namespace eb {

using CastKernel = void (*)(const void* in, void* out, int64_t n);

// The kernel for one (from, to) pair and its name ("cast_f32_s32_ref"); null when TFLite has no such cast.
CastKernel find_cast_kernel(DType from, DType to, const char** name);

}  // namespace eb

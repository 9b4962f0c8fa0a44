// TRANSPOSE_CONV's fast paths, bound by prepare_transpose_conv when the engine's ISA has a kernel.
#pragma once

#include <memory>

#include "kernels/ops/op.h"
#include "kernels/ops/transpose_conv/transpose_conv.h"

namespace eb {

// Float32 on the GEMM microkernels (transpose_conv_fast_f32.cc); nullptr when the ISA has no GEMM or
// the filter is not constant. Arguments are tensor indices (bias -1 when absent).
std::unique_ptr<PreparedOp> prepare_transpose_conv_fast_f32(PrepareContext& ctx, const TransposeConvParams& p,
                                                            int filter, int input, int bias, int output);

}  // namespace eb

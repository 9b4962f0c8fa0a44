// TRANSPOSE_CONV's fast paths, bound by prepare_transpose_conv when the engine's ISA has a kernel.
#pragma once

#include <memory>

#include "kernels/common/status.h"
#include "kernels/ops/op.h"
#include "kernels/ops/transpose_conv/transpose_conv.h"

namespace eb {

// Float32 on the GEMM microkernels (transpose_conv_fast_f32.cc); nullptr when the ISA has no GEMM or
// the filter is not constant. Arguments are tensor indices (bias -1 when absent).
std::unique_ptr<PreparedOp> prepare_transpose_conv_fast_f32(PrepareContext& ctx, const TransposeConvParams& p,
                                                            int filter, int input, int bias, int output);

// int8 on the raw-int8 4-channel GEMM (transpose_conv_fast_qs8.cc), bit-identical to the reference;
// nullptr when the ISA has no such kernel, in_c % 4 != 0, the filter is not constant or the layer's
// int32 GEMM output exceeds 64 MiB.
Result<std::unique_ptr<PreparedOp>> prepare_transpose_conv_fast_qs8(PrepareContext& ctx, const TransposeConvParams& p,
                                                                    int filter, int input, int bias, int output);

}  // namespace eb

// MAX_POOL_2D and AVERAGE_POOL_2D on the ISA microkernels (pool_ukernels.h): float32, int8 and uint8,
// every window, stride and padding the reference takes; bit-identical to it (max is exact and a float
// NaN tap is skipped as in the reference; averages sum in the reference's order and divide the same
// way). Output rows are split over the thread pool when there is enough work.
//
// Hook (kernels/ops/pooling/pooling.cc, prepare_pool, after the checks and PoolParams):
//   if (ctx.isa() != Isa::kReference)
//     if (auto fast = prepare_pool2d_fast(ctx, p, dtype, average)) return fast;
#pragma once

#include <memory>

#include "kernels/common/isa.h"
#include "kernels/ops/op.h"
#include "kernels/ops/pooling/pooling.h"

namespace eb {

// nullptr when this ISA has no pooling microkernel for `dtype` (the reference runs).
std::unique_ptr<PreparedOp> prepare_pool2d_fast(PrepareContext& ctx, const PoolParams& p, DType dtype, bool average);

}  // namespace eb

// QUANTIZE (float32 -> int8 / uint8) and per-tensor DEQUANTIZE (int8 / uint8 -> float32) on the ISA
// conversion microkernels (vcvt_ukernels.h); bit-identical to quantize_float_to_*_ref and
// dequantize_*_ref. Large tensors are split over the thread pool.
//
// Hooks (kernels/ops/quantize/quantize.cc, after the checks, where the reference kernel is bound):
//   if (auto fast = prepare_quantize_fast(ctx, p, out.dtype, n)) return fast;
//   if (auto fast = prepare_dequantize_fast(ctx, scale, zero_point, in.dtype, n)) return fast;
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/ops/op.h"
#include "kernels/ops/quantize/quantize.h"

namespace eb {

// nullptr when the ISA has no kernel for the types (the reference runs).
std::unique_ptr<PreparedOp> prepare_quantize_fast(PrepareContext& ctx, const QuantizeFloatParams& p, DType out_dtype,
                                                  int64_t n);
std::unique_ptr<PreparedOp> prepare_dequantize_fast(PrepareContext& ctx, float scale, int32_t zero_point,
                                                    DType in_dtype, int64_t n);

}  // namespace eb

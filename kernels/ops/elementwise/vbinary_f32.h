// Float32 ADD / SUB / MUL (and DIV / MAXIMUM / MINIMUM for kernels/ops/binary_math) on the ISA microkernels (vbinary_f32_ukernels.h), for every broadcast: the walk
// runs as rows of the microkernel (broadcast_rows.h). Results are bit-identical to the reference (one rounding per op, no FMA),
// NaN included: the x86 min/max operands are ordered so a NaN passes through like std::min/std::max.
//
// Hook (kernels/ops/elementwise/elementwise.cc, prepare_binary, float32 branch, after the checks):
//   if (ctx.isa() != Isa::kReference) {
//     auto fast = prepare_binary_float_fast(ctx, op, p);   // op: kVBinaryAdd / kVBinarySub / kVBinaryMul
//     if (!fast.ok()) return fast.status();
//     if (fast.value()) return std::move(fast.value());
//   }
#pragma once

#include <memory>

#include "kernels/common/isa.h"
#include "kernels/ops/elementwise/elementwise.h"
#include "kernels/ops/elementwise/vbinary_f32_ukernels.h"
#include "kernels/ops/op.h"

namespace eb {

struct VBinaryF32Kernel {
  VBinaryF32Ukernel ukernel;
  const char* names[kVBinaryOpCount];  // kernel_name() per VBinaryF32Op, e.g. "add_f32_vbinary_avx512"
  const char* clamp_name;  // RELU / RELU6 / RELU_N1_TO_1 as x * 1 clamped: "clamp_f32_vbinary_avx512"
};

// The microkernel for `isa`, or nullptr (reference runs).
const VBinaryF32Kernel* vbinary_f32_kernel_for(Isa isa);

// Output shape already set by prepare; nullptr when no fast kernel fits.
Result<std::unique_ptr<PreparedOp>> prepare_binary_float_fast(PrepareContext& ctx, VBinaryF32Op op,
                                                               const BinaryFloatParams& p);

// RELU-style activations, out = clamp(in, lo, hi), through the same microkernel (x * 1.0 is exact).
// Hook (kernels/ops/activations/activations.cc, float32 RELU / RELU6 / RELU_N1_TO_1, before binding
// clamp_float_ref): same pattern as above with prepare_clamp_float_fast(ctx, lo, hi).
Result<std::unique_ptr<PreparedOp>> prepare_clamp_float_fast(PrepareContext& ctx, float lo, float hi);

}  // namespace eb

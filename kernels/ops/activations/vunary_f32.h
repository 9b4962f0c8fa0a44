// Float32 LOGISTIC, TANH and HARD_SWISH on the ISA microkernels (vunary_f32_ukernels.h), split over
// threads by elements. LOGISTIC and TANH are within a few ULP of the reference kernels (std::exp,
// std::tanh: far inside the conformance tolerance), HARD_SWISH bit for bit.
//
// Called from prepare_float_fast (kernels/ops/activations/activations.cc), which picks the fast kernel
// of each float32 activation; a nullptr result there means the reference kernel runs.
#pragma once

#include <memory>

#include "kernels/common/isa.h"
#include "kernels/ops/activations/vunary_f32_ukernels.h"
#include "kernels/ops/op.h"

namespace eb {

enum VUnaryF32Op : int { kVUnarySigmoid = 0, kVUnaryTanh = 1, kVUnaryHardSwish = 2 };

struct VUnaryF32Kernels {
  VUnaryF32Ukernel ukernel[3];  // per VUnaryF32Op
  const char* names[3];         // kernel_name(), e.g. "logistic_f32_vsigmoid_avx512"
};

// The microkernels for `isa`, or nullptr (reference runs).
const VUnaryF32Kernels* vunary_f32_kernels_for(Isa isa);

// Output shape already set by prepare (the input's); nullptr when no fast kernel fits.
Result<std::unique_ptr<PreparedOp>> prepare_unary_float_fast(PrepareContext& ctx, VUnaryF32Op op);

}  // namespace eb

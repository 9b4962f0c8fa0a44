// Quantized (int8 / uint8) ADD / SUB on the ISA microkernels (vadd_q8_ukernels.h), XNNPACK's scheme, for
// every broadcast: the walk runs as rows of the microkernel (broadcast_rows.h). Bit-identical to
// add_int8_xnnpack_ref / add_uint8_xnnpack_ref.
#pragma once

#include <memory>

#include "kernels/common/isa.h"
#include "kernels/ops/elementwise/elementwise.h"
#include "kernels/ops/elementwise/vadd_q8_ukernels.h"
#include "kernels/ops/op.h"

namespace eb {

struct VAddQ8Kernel {
  VAddQs8Ukernel qs8;
  VAddQu8Ukernel qu8;
  const char* names[2][2];  // [uint8][sub]: "add_qs8_vadd_avx2", ...
};

// The microkernels for `isa`, or nullptr (reference runs).
const VAddQ8Kernel* vadd_q8_kernel_for(Isa isa);

// Output shape already set by prepare; nullptr when no fast kernel fits.
Result<std::unique_ptr<PreparedOp>> prepare_add_quant_fast(PrepareContext& ctx, const BroadcastGeometry& g,
                                                            const AddQuantXnnpackParams& p, bool is_unsigned,
                                                            bool subtract);

}  // namespace eb

// Quantized (int8 / uint8) MUL on the ISA microkernels (vmul_q8_ukernels.h), XNNPACK's fp32 scheme, for
// every broadcast: the walk runs as rows of the microkernel (broadcast_rows.h). Bit-identical to
// mul_int8_fp32_ref / mul_uint8_fp32_ref. MULs whose scales fall outside XNNPACK's limits take TFLite's
// fixed-point scheme, which stays on the reference kernel.
#pragma once

#include <memory>

#include "kernels/common/isa.h"
#include "kernels/ops/elementwise/elementwise.h"
#include "kernels/ops/elementwise/vmul_q8_ukernels.h"
#include "kernels/ops/op.h"

namespace eb {

struct VMulQ8Kernel {
  VMulQs8Ukernel qs8;
  VMulQu8Ukernel qu8;
  const char* names[2];  // [uint8]: "mul_qs8_vmul_avx512", "mul_qu8_vmul_avx512"
};

// The microkernels for `isa`, or nullptr (reference runs).
const VMulQ8Kernel* vmul_q8_kernel_for(Isa isa);

// For the fp32 scheme (p.fp32_scale, p.out_min / out_max as XNNPACK bounds them). Output shape already
// set by prepare; nullptr when no fast kernel fits.
Result<std::unique_ptr<PreparedOp>> prepare_mul_quant_fast(PrepareContext& ctx, const MulQuantParams& p,
                                                           bool is_unsigned);

}  // namespace eb

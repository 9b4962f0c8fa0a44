// The int8 dot-product microkernel of the hybrid (dynamic-range) fast paths (FULLY_CONNECTED, CONV_2D)
// for an ISA, and the name its ops report. Contract: hybrid_dot_ukernels.h.
#pragma once

#include "kernels/common/isa.h"
#include "kernels/ops/gemm/hybrid_dot_ukernels.h"

namespace eb {

// FULLY_CONNECTED rows are long (the layer's whole input); CONV_2D calls the kernel once per tap with
// rows of the input channels only (often 64 or fewer), where a wide kernel's horizontal sums cost more
// than they save: each op gets the kernel that suits its rows.
struct HybridDotKernel {
  HybridDotUkernel fc_fn;
  HybridDotUkernel conv_fn;
  const char* fc_name;    // "fully_connected_hybrid_dot_avx512vnni"
  const char* conv_name;  // "conv2d_hybrid_dot_avx2"
  // The input quantization's passes (hybrid_quantize.h).
  HybridScanUkernel scan;
  HybridQuantizeUkernel quantize;
  HybridOutputUkernel output;  // the conv epilogue
};

// nullptr when the ISA has none (the reference runs).
const HybridDotKernel* hybrid_dot_kernel_for(Isa isa);

}  // namespace eb

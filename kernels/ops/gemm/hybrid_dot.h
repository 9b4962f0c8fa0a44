// The int8 dot-product microkernel of the hybrid (dynamic-range) fast paths (FULLY_CONNECTED, CONV_2D)
// for an ISA, and the name its ops report. Contract: hybrid_dot_ukernels.h.
#pragma once

#include "kernels/common/isa.h"
#include "kernels/ops/gemm/hybrid_dot_ukernels.h"

namespace eb {

struct HybridDotKernel {
  HybridDotUkernel fn;
  const char* fc_name;    // "fully_connected_hybrid_dot_avx2"
  const char* conv_name;  // "conv2d_hybrid_dot_avx2"
};

// nullptr when the ISA has none (the reference runs).
const HybridDotKernel* hybrid_dot_kernel_for(Isa isa);

}  // namespace eb

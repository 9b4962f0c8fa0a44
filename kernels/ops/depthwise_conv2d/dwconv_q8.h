// Quantized (int8 / uint8) depthwise convolution on ISA microkernels: per output pixel, taps read the
// raw input through an indirection table of offsets (padding taps read a row of the input zero point),
// weights packed once per channel block with the zero-point-folded bias and the requantization scale.
// Any filter size, stride, dilation and padding; depth multiplier 1. Numerics: dwconv_q8_ukernel.h.
#pragma once

#include <memory>

#include "kernels/common/isa.h"
#include "kernels/common/status.h"
#include "kernels/ops/depthwise_conv2d/dwconv_q8_ukernel.h"
#include "kernels/ops/gemm/gemm_q8.h"
#include "kernels/ops/op.h"

namespace eb {

struct Q8DwKernelInfo {
  Q8DwUkernel fn;
  size_t cb;            // channels per block
  size_t weight_bytes;  // 4: int32 lanes (x86 PMADDWD), 2: int16 (NEON)
  const char* qs8;
  const char* qu8;
};
// The kernel for `isa`, or nullptr when it has none.
const Q8DwKernelInfo* q8_dw_kernel_for(Isa isa);

// Q8ConvSpec with in_c == out_c and filter [1][filter_h][filter_w][channels].
Result<std::unique_ptr<PreparedOp>> make_q8_dwconv_op(Isa isa, int threads, const Q8ConvSpec& spec, int input_tensor,
                                                      int output_tensor);

}  // namespace eb

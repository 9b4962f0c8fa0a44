// Float32 depthwise convolution on the ISA microkernels (dwconv_f32_ukernels.h): the kernel table per
// ISA, weight packing and the threaded driver used by DEPTHWISE_CONV_2D (depth multiplier 1).
//
// Threading: tasks are ranges of whole output rows; each output element is computed by exactly one
// task with the microkernel's fixed arithmetic, so results are identical for any thread count. Input
// pointers (one per tap per pixel) are built per row chunk in a fixed stack array: no run-time allocation.
#pragma once

#include <cstddef>

#include "kernels/common/isa.h"
#include "kernels/common/thread_pool.h"
#include "kernels/ops/conv2d/conv2d.h"
#include "kernels/ops/depthwise_conv2d/dwconv_f32_ukernels.h"
#include "kernels/ops/gemm/gemm_f32.h"

namespace eb {

struct DwconvF32Kernel {
  DwconvF32Ukernel ukernel;
  size_t tile;       // channel tile of the packed weights
  const char* name;  // kernel_name() of the op, e.g. "depthwise_conv2d_f32_dwconv_3x3_avx512"
};

// The microkernel for `isa` and a filter of kh x kw taps with that horizontal stride and dilation, or
// nullptr (reference runs). run_dwconv_f32 calls kernels one output row (or part of one) at a time.
const DwconvF32Kernel* dwconv_f32_kernel_for(Isa isa, int kh, int kw, int stride_w, int dilation_w);

// Most taps a filter may have: the driver's pointer array holds at least one pixel's taps.
constexpr size_t kMaxDwconvPointers = 1024;

// Packs filter [1, KH, KW, C] (ks = KH*KW taps) and bias [C] (nullable) per tile of `tile` channels.
AlignedFloats pack_dwconv_f32_weights(const float* filter, const float* bias, size_t channels, size_t ks,
                                      size_t tile);

// output = clamp(depthwise(input) + bias) for geometry g (depth multiplier 1). `zero` holds g.in_c zeros.
void run_dwconv_f32(const DwconvF32Kernel& k, const float* packed, const ConvGeometry& g, const float* input,
                    const float* zero, float* output, const DwconvF32Params& params, ThreadPool* pool);

}  // namespace eb

// Quantized (int8 / uint8) convolution and fully connected on ISA microkernels: an indirect GEMM over
// an int16 "centered" copy of the input (x - x_zp), weights packed once at prepare (w - w_zp as int16,
// bias and requantization scale folded into each column block). Numerics: gemm_q8_ukernel.h.
//
// CONV_2D (any filter size, stride, dilation, padding; groups == 1) and FULLY_CONNECTED (a 1x1 conv
// over `batch` pixels) share the op; DEPTHWISE_CONV_2D (dwconv_q8.h) shares the input centering.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/common/isa.h"
#include "kernels/common/status.h"
#include "kernels/ops/gemm/gemm_q8_ukernel.h"
#include "kernels/ops/op.h"

namespace eb {

// A 64-byte aligned, zero-filled byte buffer owned by a prepared op (its address never changes, so
// indirection pointers into it can be built at prepare).
class Q8Buffer {
 public:
  Q8Buffer() = default;
  Status allocate(size_t bytes);
  uint8_t* data() const { return data_.get(); }
  template <typename T>
  T* as() const {
    return reinterpret_cast<T*>(data_.get());
  }

 private:
  struct Free {
    void operator()(uint8_t* p) const;
  };
  std::unique_ptr<uint8_t, Free> data_;
};

// Writes rows x channels int8/uint8 values as int16 (x - zp) with `stride` int16 per row, the channels
// past `channels` zeroed, with the ISA's centering kernel.
void q8_center_rows(Q8CenterUkernel center, const uint8_t* src, bool is_unsigned, int32_t zero_point, size_t rows,
                    size_t channels, size_t stride, int16_t* dst);

// The requantization constants of the microkernels.
Q8Requant make_q8_requant(int32_t output_zp, int32_t act_min, int32_t act_max, bool is_unsigned);

// One GEMM microkernel of an ISA and the names its ops report.
struct Q8GemmKernelInfo {
  Q8GemmUkernel fn;
  Q8CenterUkernel center;
  size_t mr, nr;
  bool k_major;  // weights [ks][kc][NR] (NEON) instead of [ks][kc/2][NR][2] (x86 PMADDWD pairs)
  const char* conv_qs8;
  const char* conv_qu8;
  const char* fc_qs8;
  const char* fc_qu8;
};
// The kernel for `isa` (gemm_q8_dispatch.cc), or nullptr when it has none.
const Q8GemmKernelInfo* q8_gemm_kernel_for(Isa isa);

// The int8 GEMM on 4-channel groups (raw int8 input, weights [ks][kc / 4][NR][4]: VNNI, SDOT, ARMv8.0
// 8-bit multiplies) of an ISA, or nullptr when it has none.
struct Qs8C4KernelInfo {
  Qs8GemmC4Ukernel fn;
  size_t mr, nr;
  const char* conv;
  const char* fc;
  // The hybrid (dynamic-range) CONV_2D op on this kernel's int32 sums (Qs8GemmC4Args::rq == nullptr), or
  // nullptr (the single-row kernels serve FULLY_CONNECTED only).
  const char* hybrid_conv;
  const char* hybrid_conv_im2col;  // the same over the im2col matrix (in_c % 4 != 0)
  // What the kernel adds to every input byte before multiplying, folded into the packed bias:
  // 128 where VPDPBUSD reads x with its sign bit flipped (x + 128, unsigned), 0 for SDOT (signed x).
  int32_t input_bias;
  // The kernel sums two int8 x int8 products in int16 (ARMv8.0 SMULL/SMLAL .8b): it takes only filters
  // whose weights are pair-safe (q8_weights_pair_safe); a filter holding -128 takes the 16-bit kernel.
  bool needs_pair_safe_weights = false;
  // The hybrid FULLY_CONNECTED op on this kernel's int32 sums (fully_connected_fast_hybrid.cc), or nullptr.
  const char* hybrid_fc = nullptr;
};
const Qs8C4KernelInfo* qs8_c4_kernel_for(Isa isa);
// The same family's single-row kernel (MR = 1) for GEMMs with one output row, or nullptr.
const Qs8C4KernelInfo* qs8_c4_gemv_kernel_for(Isa isa);

// Everything a quantized conv-like GEMM needs; FULLY_CONNECTED is in_h = 1, in_w = batch, 1x1 filter.
struct Q8ConvSpec {
  int32_t batches = 1, in_h = 1, in_w = 1, in_c = 0, out_h = 1, out_w = 1, out_c = 0;
  int32_t filter_h = 1, filter_w = 1, stride_h = 1, stride_w = 1, dilation_h = 1, dilation_w = 1;
  int32_t pad_top = 0, pad_left = 0;
  bool is_unsigned = false;  // uint8 tensors (else int8)
  int32_t input_zp = 0, filter_zp = 0, output_zp = 0, act_min = 0, act_max = 0;
  const uint8_t* filter = nullptr;  // [out_c][filter_h][filter_w][in_c] int8 or uint8
  const uint8_t* bias = nullptr;    // int32 [out_c] (unaligned bytes), or null
  const float* scale = nullptr;     // fp32 requantization scale per output channel
};

// Whether quantized weights are "pair-safe": int8 and every weight less its zero point in [-127, 127].
// Then two int8 x int8 products sum exactly in int16 (|x * w| <= 128 * 127 = 16256, two <= 32512), which
// ARMv8.0's 8-bit-multiply kernels (SMULL/SMLAL .8b, pair sums widened afterwards) rely on. TFLite's int8
// weights are symmetric ([-127, 127]) by specification, so real models are; -128 is possible in a file
// and takes the 16-bit kernels. `count` weights from `filter`; uint8 weights are never pair-safe.
bool q8_weights_pair_safe(const uint8_t* filter, size_t count, int32_t filter_zp, bool is_unsigned);

// The op over `isa`'s microkernel, or nullptr when the ISA has none. `fc` picks the reported name.
// int8 with input channels a multiple of 4 takes the ISA's Qs8C4 kernel when it has one.
Result<std::unique_ptr<PreparedOp>> make_q8_igemm_op(Isa isa, int threads, const Q8ConvSpec& spec, bool fc,
                                                     int input_tensor, int output_tensor);

// The Qs8C4 op alone (gemm_qs8_c4.cc); nullptr when `isa` has no such kernel or the spec does not fit.
Result<std::unique_ptr<PreparedOp>> make_qs8_c4_igemm_op(Isa isa, int threads, const Q8ConvSpec& spec, bool fc,
                                                         int input_tensor, int output_tensor);

}  // namespace eb

// The contract between the quantized (int8 / uint8) conv / fully-connected driver (gemm_q8.cc) and its
// ISA microkernels (gemm_q8_<isa>.cc). Plain structs and function declarations only: ISA files include
// this header and nothing else of the project (see kernels/CMakeLists.txt for why).
//
// Numerics, shared by every microkernel and bit-identical to the reference kernels:
//  - The driver writes the input "centered" as int16: x - x_zp, in [-255, 255], each pixel's channels
//    padded with zeros to an even count (kc). Padding taps point at a zero row. So int8 and uint8,
//    with or without zero points, are one kernel, and no zero-point compensation term is needed.
//  - Weights are packed once as int16 w - w_zp (also [-255, 255]). Products pairs summed by
//    PMADDWD / SMLAL cannot overflow (2 * 255 * 255 < 2^31), so weights of -128 need no special case.
//  - acc = bias + sum(x * w) in int32 (wrapping like the reference), then XNNPACK's fp32
//    requantization: float(acc) * scale[n], clamped to [min - zp, max - zp], rounded to nearest even,
//    + zp, stored as a byte (the clamp keeps it inside the output type's range).
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

// Output requantization shared by every column of a call.
struct Q8Requant {
  float min_less_zp;  // float(act_min - output_zp)
  float max_less_zp;  // float(act_max - output_zp)
  int32_t zero_point;
  int32_t out_unsigned;  // 1: uint8 output, 0: int8 output (how the byte is packed on some ISAs)
};

// One MR x NR output tile of an indirect GEMM.
//   Packed weights of one NR-column block (`w`): int32 bias[NR], float scale[NR], then the int16
//   weights of ks taps x kc channels, in the layout of the kernel family:
//     kc2 ("c2", x86 PMADDWD): [ks][kc / 2][NR][2]     k-major (NEON SMLAL): [ks][kc][NR]
//   `a` holds ks * MR row pointers, [tap][row]; rows past `mr` repeat a valid row (read, never stored).
//   A pointer other than `zero` (the padding row) is read at its address plus `a_offset` bytes: a
//   table cached at prepare relative to an input row serves every output row inside the input.
struct Q8GemmArgs {
  size_t mr;  // rows to store, 1..MR
  size_t nc;  // columns to store, 1..NR
  size_t kc;  // int16 channels per tap, even
  size_t ks;  // taps
  const int16_t* const* a;
  const int16_t* zero;
  size_t a_offset;
  const void* w;
  uint8_t* c;       // output of row 0, column 0 of the tile
  size_t c_stride;  // bytes between output rows
  const Q8Requant* rq;
};

typedef void (*Q8GemmUkernel)(const Q8GemmArgs* args);

// Writes n int16 values src[i] - zero_point (src int8, or uint8 when is_unsigned): the centering pass.
typedef void (*Q8CenterUkernel)(const uint8_t* src, size_t n, int32_t zero_point, int32_t is_unsigned, int16_t* dst);
void q8_center_avx2(const uint8_t* src, size_t n, int32_t zero_point, int32_t is_unsigned, int16_t* dst);
void q8_center_avx512(const uint8_t* src, size_t n, int32_t zero_point, int32_t is_unsigned, int16_t* dst);
void q8_center_neon(const uint8_t* src, size_t n, int32_t zero_point, int32_t is_unsigned, int16_t* dst);

// The int8 (QS8) VNNI tile: 4 raw int8 inputs x 4 int8 weights per VPDPBUSD lane. The input is made
// unsigned by flipping its sign bit (x + 128) and read raw through byte offsets, so no centering pass:
// the packed bias is bias - (128 + x_zp) * sum(w) per column and padding taps read a row of x_zp.
//   Packed block: int32 bias[NR], float scale[NR], then int8 weights [ks][kc / 4][NR][4].
//   `offsets`: ks * MR byte offsets into `input`, [tap][row], -1 for a padding tap (reads `pad`).
// The ARMv8.2 SDOT tile has the same contract but multiplies signed by signed: it reads the input
// without the flip, so its packed bias is bias - x_zp * sum(w) (Qs8C4KernelInfo::input_bias = 0).
struct Qs8GemmC4Args {
  size_t mr;
  size_t nc;
  size_t kc;  // input channels, a multiple of 4
  size_t ks;
  const int64_t* offsets;
  const uint8_t* input;
  const uint8_t* pad;
  const void* w;
  uint8_t* c;
  size_t c_stride;  // bytes between output rows
  // The requantization to int8 output; nullptr: the int32 sums themselves (bias included) are stored,
  // int32_t at c, for the hybrid (dynamic-range) CONV_2D and FULLY_CONNECTED, whose float epilogues are
  // their own.
  const Q8Requant* rq;
};

typedef void (*Qs8GemmC4Ukernel)(const Qs8GemmC4Args* args);

// x86-64
void gemm_qs8_8x32c4_avx512vnni(const Qs8GemmC4Args* args);  // MR = 8, NR = 32
void gemv_qs8_1x64c4_avx512vnni(const Qs8GemmC4Args* args);  // MR = 1, NR = 64
void gemm_q8_4x8c2_avx2(const Q8GemmArgs* args);
void gemm_q8_4x16c2_avx512(const Q8GemmArgs* args);
void gemm_q8_8x32c2_avx512vnni(const Q8GemmArgs* args);  // MR = 8, NR = 32
// aarch64
void gemm_q8_4x8_neon(const Q8GemmArgs* args);
void gemm_qs8_4x16c4_neondot(const Qs8GemmC4Args* args);
// ARMv8.0: 8-bit multiplies, two products summed in int16 (weights of -128 excluded, see the .cc)
void gemm_qs8_4x8c4_neon(const Qs8GemmC4Args* args);

}  // namespace eb

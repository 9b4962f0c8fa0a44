// The contract between the quantized depthwise driver (dwconv_q8.cc) and its ISA microkernels
// (dwconv_q8_<isa>.cc). Plain structs and declarations only (see kernels/CMakeLists.txt for why).
//
// The kernels read the raw int8/uint8 input: the input zero point's share is folded into the packed
// bias (bias - x_zp * sum(w - w_zp)), and padding taps read a row filled with x_zp, so
// acc = bias + sum over taps of (x - x_zp) * (w - w_zp) exactly as the reference, in wrapping int32;
// then XNNPACK's fp32 requantization (Q8Requant). Depth multiplier 1 (output channel c reads input c).
// A partial last channel block never reads past `channels` bytes of a pixel.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/gemm_q8_ukernel.h"

namespace eb {

// `pixels` output pixels, all channels.
//   Packed weights, per block of CB channels: int32 bias[CB], float scale[CB], then [taps][CB] weights:
//   x86: int32 lanes holding the int16 weight in the low half and 0 in the high half (PMADDWD of an
//   input widened to int32 then yields the exact product); NEON: int16.
//   `offsets` holds pixels * taps byte offsets into `input` ([pixel][tap]) of the tap's pixel, or -1
//   for a padding tap (reads `pad`, at least `channels` rounded up to 16 bytes of x_zp).
// All `pixels` of one call are consecutive output pixels of one output row. When tap_shift > 0,
// pixel px + 1's tap (ky, kx - tap_shift) reads the same input pixel (or the padding row) as pixel
// px's tap (ky, kx) for every kx >= tap_shift (stride_w == tap_shift * dilation_w): kernels may load
// such a pixel once for neighbouring outputs. 0: no such relation.
struct Q8DwArgs {
  size_t channels;
  size_t taps;      // filter_h * filter_w, tap t = ky * filter_w + kx
  size_t filter_w;
  size_t tap_shift;
  size_t pixels;
  const int64_t* offsets;
  const uint8_t* input;
  const uint8_t* pad;
  int32_t in_unsigned;  // uint8 input (else int8)
  const void* w;
  uint8_t* c;       // output of the first pixel, channel 0
  size_t c_stride;  // bytes between output pixels
  const Q8Requant* rq;
  // 1: int8 input and pair-safe weights (q8_weights_pair_safe: every packed weight in [-127, 127]), so
  // two int8 x int8 products sum exactly in int16: NEON may multiply 8-bit operands (SMULL/SMLAL .8b).
  // 0: no such promise.
  int32_t pair_safe;
};

typedef void (*Q8DwUkernel)(const Q8DwArgs* args);

// x86-64
void dwconv_q8_8c_avx2(const Q8DwArgs* args);
void dwconv_q8_16c_avx512(const Q8DwArgs* args);
void dwconv_q8_16c_avx512vnni(const Q8DwArgs* args);
// aarch64
void dwconv_q8_8c_neon(const Q8DwArgs* args);
// dwconv_q8_8c_neon's stride-1 3x3 steps (dwconv_q8_s1_neon.cc): full 8-channel blocks of the first
// pixels / 4 * 4 pixels; returns that pixel count.
size_t dwconv_q8_3x3s1_steps_neon(const Q8DwArgs* args);
// The same steps on 8-bit multiplies, for args->pair_safe == 1 (dwconv_q8_3x3s1_steps_neon takes them
// then); also a function of its own so a test can run it directly.
size_t dwconv_q8_3x3s1_steps_int8_neon(const Q8DwArgs* args);

}  // namespace eb

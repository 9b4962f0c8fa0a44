// NEON block transposes: ZIP1/ZIP2 are SSE2's unpack low/high, so the ladder of
// transpose_blocks_avx2.cc carries over rung for rung. See transpose_blocks.h.
#include <arm_neon.h>

#include "kernels/ops/data_movement/transpose_blocks.h"

namespace eb {
namespace {

// One rung: register j interleaved with j + B/2 rotates the (register, lane) address left by one bit.
template <typename Lo, typename Hi>
inline void rung(uint8x16_t* x, int b, Lo lo, Hi hi) {
  uint8x16_t t[16];
  for (int j = 0; j < b / 2; ++j) {
    t[2 * j] = lo(x[j], x[j + b / 2]);
    t[2 * j + 1] = hi(x[j], x[j + b / 2]);
  }
  for (int j = 0; j < b; ++j) x[j] = t[j];
}

template <int B, int Rungs, typename Lo, typename Hi>
inline void blocks(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0, int64_t n1,
                   Lo lo, Hi hi) {
  constexpr int64_t kElem = 16 / B;
  for (int64_t b = 0; b + B <= n1; b += B)
    for (int64_t a = 0; a + B <= n0; a += B) {
      uint8x16_t x[B];
      for (int r = 0; r < B; ++r) x[r] = vld1q_u8(in + (b + r) * in_step1 + a * kElem);
      for (int k = 0; k < Rungs; ++k) rung(x, B, lo, hi);
      for (int c = 0; c < B; ++c) vst1q_u8(out + (a + c) * out_step0 + b * kElem, x[c]);
    }
}

}  // namespace

void transpose_blocks_x8_neon(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0,
                              int64_t n1) {
  blocks<16, 4>(in, in_step1, out, out_step0, n0, n1, [](uint8x16_t a, uint8x16_t b) { return vzip1q_u8(a, b); },
                [](uint8x16_t a, uint8x16_t b) { return vzip2q_u8(a, b); });
}

void transpose_blocks_x16_neon(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0,
                               int64_t n1) {
  blocks<8, 3>(in, in_step1, out, out_step0, n0, n1,
               [](uint8x16_t a, uint8x16_t b) {
                 return vreinterpretq_u8_u16(vzip1q_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b)));
               },
               [](uint8x16_t a, uint8x16_t b) {
                 return vreinterpretq_u8_u16(vzip2q_u16(vreinterpretq_u16_u8(a), vreinterpretq_u16_u8(b)));
               });
}

void transpose_blocks_x32_neon(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0,
                               int64_t n1) {
  blocks<4, 2>(in, in_step1, out, out_step0, n0, n1,
               [](uint8x16_t a, uint8x16_t b) {
                 return vreinterpretq_u8_u32(vzip1q_u32(vreinterpretq_u32_u8(a), vreinterpretq_u32_u8(b)));
               },
               [](uint8x16_t a, uint8x16_t b) {
                 return vreinterpretq_u8_u32(vzip2q_u32(vreinterpretq_u32_u8(a), vreinterpretq_u32_u8(b)));
               });
}

}  // namespace eb

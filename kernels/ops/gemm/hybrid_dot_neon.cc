// int8 x int8 dot products for aarch64 ASIMD, four weight rows against one input row at a time: SMULL
// / SMULL2 (int8 products fit int16 exactly) then SADALP into int32 lanes. Contract:
// hybrid_dot_ukernels.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/hybrid_dot_ukernels.h"

namespace eb {
namespace {

static inline int32x4_t dot16(int32x4_t acc, int8x16_t x, const int8_t* w) {
  const int8x16_t wv = vld1q_s8(w);
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(x), vget_low_s8(wv)));
  return vpadalq_s16(acc, vmull_high_s8(x, wv));
}

static inline int32_t wrap_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}

}  // namespace

void hybrid_dot_s8_neon(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows, int32_t* out) {
  const size_t n16 = n / 16 * 16;
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int8_t* w0 = w + r * w_stride;
    const int8_t* w1 = w0 + w_stride;
    const int8_t* w2 = w1 + w_stride;
    const int8_t* w3 = w2 + w_stride;
    int32x4_t a0 = vdupq_n_s32(0), a1 = a0, a2 = a0, a3 = a0;
    for (size_t i = 0; i < n16; i += 16) {
      const int8x16_t xv = vld1q_s8(x + i);
      a0 = dot16(a0, xv, w0 + i);
      a1 = dot16(a1, xv, w1 + i);
      a2 = dot16(a2, xv, w2 + i);
      a3 = dot16(a3, xv, w3 + i);
    }
    int32_t s0 = vaddvq_s32(a0), s1 = vaddvq_s32(a1), s2 = vaddvq_s32(a2), s3 = vaddvq_s32(a3);
    for (size_t i = n16; i < n; ++i) {
      const int32_t xi = x[i];
      s0 = wrap_add(s0, xi * w0[i]);
      s1 = wrap_add(s1, xi * w1[i]);
      s2 = wrap_add(s2, xi * w2[i]);
      s3 = wrap_add(s3, xi * w3[i]);
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < rows; ++r) {
    const int8_t* wr = w + r * w_stride;
    int32x4_t a = vdupq_n_s32(0);
    for (size_t i = 0; i < n16; i += 16) a = dot16(a, vld1q_s8(x + i), wr + i);
    int32_t s = vaddvq_s32(a);
    for (size_t i = n16; i < n; ++i) s = wrap_add(s, static_cast<int32_t>(x[i]) * wr[i]);
    out[r] = s;
  }
}

}  // namespace eb

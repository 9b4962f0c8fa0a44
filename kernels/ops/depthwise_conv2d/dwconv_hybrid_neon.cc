// Hybrid depthwise microkernel, NEON: 8 channels per step; per tap the input bytes are sign-extended to
// int16 and multiply-accumulated into int32 against the int16 weights (SMLAL / SMLAL2). Contract:
// dwconv_hybrid_ukernels.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/depthwise_conv2d/dwconv_hybrid_ukernels.h"

namespace eb {

void dwconv_hybrid_s8_neon(size_t pixels, size_t channels, size_t taps, const int8_t* const* input, const int16_t* w,
                           size_t cstride, int32_t* acc) {
  const size_t c8 = channels / 8 * 8;
  for (size_t px = 0; px < pixels; ++px, input += taps, acc += channels) {
    size_t c = 0;
    for (; c < c8; c += 8) {
      int32x4_t lo = vdupq_n_s32(0), hi = lo;
      for (size_t t = 0; t < taps; ++t) {
        const int16x8_t x = vmovl_s8(vld1_s8(input[t] + c));
        const int16x8_t wv = vld1q_s16(w + t * cstride + c);
        lo = vmlal_s16(lo, vget_low_s16(x), vget_low_s16(wv));
        hi = vmlal_high_s16(hi, x, wv);
      }
      vst1q_s32(acc + c, lo);
      vst1q_s32(acc + c + 4, hi);
    }
    for (; c < channels; ++c) {  // tail channels: the same integer sums, one at a time
      uint32_t s = 0;
      for (size_t t = 0; t < taps; ++t)
        s += static_cast<uint32_t>(static_cast<int32_t>(input[t][c]) * static_cast<int32_t>(w[t * cstride + c]));
      acc[c] = static_cast<int32_t>(s);
    }
  }
}

}  // namespace eb

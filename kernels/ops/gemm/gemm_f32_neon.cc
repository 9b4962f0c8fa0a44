// igemm_f32_6x8_neon: 6 rows x 8 output channels (12 q-register accumulators). Four k steps at a time:
// one 128-bit load per A row, then FMA by lane (XNNPACK's "ld128" scheme); leftover k one at a time.
// Contract: gemm_f32_ukernels.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/gemm/gemm_f32_ukernels.h"

namespace eb {

void igemm_f32_6x8_neon(size_t mr, size_t nc, size_t kc, size_t ks, const float* const* a, const float* w, float* c,
                        size_t c_stride, const GemmF32Params* params) {
  constexpr size_t kMr = 6;
  const float32x4_t vmin = vdupq_n_f32(params->min);
  const float32x4_t vmax = vdupq_n_f32(params->max);
  while (nc != 0) {
    float32x4_t acc0l = vld1q_f32(w), acc0h = vld1q_f32(w + 4);
    float32x4_t acc1l = acc0l, acc1h = acc0h, acc2l = acc0l, acc2h = acc0h;
    float32x4_t acc3l = acc0l, acc3h = acc0h, acc4l = acc0l, acc4h = acc0h, acc5l = acc0l, acc5h = acc0h;
    w += 8;
    for (size_t t = 0; t < ks; ++t) {
      const float* a0 = a[t * kMr + 0];
      const float* a1 = a[t * kMr + 1];
      const float* a2 = a[t * kMr + 2];
      const float* a3 = a[t * kMr + 3];
      const float* a4 = a[t * kMr + 4];
      const float* a5 = a[t * kMr + 5];
      size_t k = 0;
      for (; k + 4 <= kc; k += 4) {
        const float32x4_t x0 = vld1q_f32(a0 + k), x1 = vld1q_f32(a1 + k), x2 = vld1q_f32(a2 + k);
        const float32x4_t x3 = vld1q_f32(a3 + k), x4 = vld1q_f32(a4 + k), x5 = vld1q_f32(a5 + k);
#define EB_NEON_F32_STEP(LANE)                      \
  {                                                 \
    const float32x4_t bl = vld1q_f32(w);            \
    const float32x4_t bh = vld1q_f32(w + 4);        \
    w += 8;                                         \
    acc0l = vfmaq_laneq_f32(acc0l, bl, x0, LANE);   \
    acc0h = vfmaq_laneq_f32(acc0h, bh, x0, LANE);   \
    acc1l = vfmaq_laneq_f32(acc1l, bl, x1, LANE);   \
    acc1h = vfmaq_laneq_f32(acc1h, bh, x1, LANE);   \
    acc2l = vfmaq_laneq_f32(acc2l, bl, x2, LANE);   \
    acc2h = vfmaq_laneq_f32(acc2h, bh, x2, LANE);   \
    acc3l = vfmaq_laneq_f32(acc3l, bl, x3, LANE);   \
    acc3h = vfmaq_laneq_f32(acc3h, bh, x3, LANE);   \
    acc4l = vfmaq_laneq_f32(acc4l, bl, x4, LANE);   \
    acc4h = vfmaq_laneq_f32(acc4h, bh, x4, LANE);   \
    acc5l = vfmaq_laneq_f32(acc5l, bl, x5, LANE);   \
    acc5h = vfmaq_laneq_f32(acc5h, bh, x5, LANE);   \
  }
        EB_NEON_F32_STEP(0)
        EB_NEON_F32_STEP(1)
        EB_NEON_F32_STEP(2)
        EB_NEON_F32_STEP(3)
#undef EB_NEON_F32_STEP
      }
      for (; k < kc; ++k) {
        const float32x4_t bl = vld1q_f32(w);
        const float32x4_t bh = vld1q_f32(w + 4);
        w += 8;
        acc0l = vfmaq_n_f32(acc0l, bl, a0[k]);
        acc0h = vfmaq_n_f32(acc0h, bh, a0[k]);
        acc1l = vfmaq_n_f32(acc1l, bl, a1[k]);
        acc1h = vfmaq_n_f32(acc1h, bh, a1[k]);
        acc2l = vfmaq_n_f32(acc2l, bl, a2[k]);
        acc2h = vfmaq_n_f32(acc2h, bh, a2[k]);
        acc3l = vfmaq_n_f32(acc3l, bl, a3[k]);
        acc3h = vfmaq_n_f32(acc3h, bh, a3[k]);
        acc4l = vfmaq_n_f32(acc4l, bl, a4[k]);
        acc4h = vfmaq_n_f32(acc4h, bh, a4[k]);
        acc5l = vfmaq_n_f32(acc5l, bl, a5[k]);
        acc5h = vfmaq_n_f32(acc5h, bh, a5[k]);
      }
    }
    const float32x4_t lo[kMr] = {acc0l, acc1l, acc2l, acc3l, acc4l, acc5l};
    const float32x4_t hi[kMr] = {acc0h, acc1h, acc2h, acc3h, acc4h, acc5h};
    for (size_t m = 0; m < mr; ++m) {
      const float32x4_t vl = vminq_f32(vmaxq_f32(lo[m], vmin), vmax);
      const float32x4_t vh = vminq_f32(vmaxq_f32(hi[m], vmin), vmax);
      float* row = c + m * c_stride;
      if (nc >= 8) {
        vst1q_f32(row, vl);
        vst1q_f32(row + 4, vh);
      } else {
        // Tail block: only nc channels exist in the output row.
        float tmp[8];
        vst1q_f32(tmp, vl);
        vst1q_f32(tmp + 4, vh);
        std::memcpy(row, tmp, nc * sizeof(float));
      }
    }
    if (nc <= 8) break;
    nc -= 8;
    c += 8;
  }
}

}  // namespace eb

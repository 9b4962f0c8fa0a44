// Quantized indirect GEMM microkernel, NEON (ARMv8.0): 4 rows x 8 columns, widening multiply-accumulate
// of int16 by lane (SMLAL). Weights k-major: [ks][kc][8]. Contract and numerics: gemm_q8_ukernel.h.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/gemm/gemm_q8_ukernel.h"

namespace eb {

namespace {

constexpr size_t kMr = 4;
constexpr size_t kNr = 8;

}  // namespace

void gemm_q8_4x8_neon(const Q8GemmArgs* p) {
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + kNr);
  const int16_t* w = reinterpret_cast<const int16_t*>(scale + kNr);
  int32x4_t lo[kMr], hi[kMr];
  lo[0] = vld1q_s32(bias);
  hi[0] = vld1q_s32(bias + 4);
  for (size_t r = 1; r < kMr; ++r) {
    lo[r] = lo[0];
    hi[r] = hi[0];
  }
  const int16_t* const* a = p->a;
  for (size_t t = 0; t < p->ks; ++t, a += kMr) {
    const int16_t* ar[kMr] = {a[0], a[1], a[2], a[3]};
    for (size_t k = 0; k < p->kc; k += 2, w += 2 * kNr) {
      const int16x8_t w0 = vld1q_s16(w);
      const int16x8_t w1 = vld1q_s16(w + kNr);
      for (size_t r = 0; r < kMr; ++r) {
        int32_t pair;
        std::memcpy(&pair, ar[r] + k, sizeof(pair));
        const int16x4_t x = vreinterpret_s16_s32(vdup_n_s32(pair));  // lanes: x[k], x[k+1], x[k], x[k+1]
        lo[r] = vmlal_lane_s16(lo[r], vget_low_s16(w0), x, 0);
        hi[r] = vmlal_high_lane_s16(hi[r], w0, x, 0);
        lo[r] = vmlal_lane_s16(lo[r], vget_low_s16(w1), x, 1);
        hi[r] = vmlal_high_lane_s16(hi[r], w1, x, 1);
      }
    }
  }
  const float32x4_t s_lo = vld1q_f32(scale), s_hi = vld1q_f32(scale + 4);
  const float32x4_t vmin = vdupq_n_f32(p->rq->min_less_zp);
  const float32x4_t vmax = vdupq_n_f32(p->rq->max_less_zp);
  const int32x4_t vzp = vdupq_n_s32(p->rq->zero_point);
  const bool out_unsigned = p->rq->out_unsigned != 0;
  uint8_t* c = p->c;
  for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
    float32x4_t v0 = vmulq_f32(vcvtq_f32_s32(lo[r]), s_lo);
    float32x4_t v1 = vmulq_f32(vcvtq_f32_s32(hi[r]), s_hi);
    v0 = vminq_f32(vmaxq_f32(v0, vmin), vmax);
    v1 = vminq_f32(vmaxq_f32(v1, vmin), vmax);
    const int32x4_t q0 = vaddq_s32(vcvtnq_s32_f32(v0), vzp);
    const int32x4_t q1 = vaddq_s32(vcvtnq_s32_f32(v1), vzp);
    const int16x8_t q16 = vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1));
    const uint8x8_t q8 = out_unsigned ? vqmovun_s16(q16) : vreinterpret_u8_s8(vqmovn_s16(q16));
    if (p->nc == kNr) {
      vst1_u8(c, q8);
    } else {
      uint8_t tmp[8];
      vst1_u8(tmp, q8);
      std::memcpy(c, tmp, p->nc);
    }
  }
}

}  // namespace eb

namespace eb {

void q8_center_neon(const uint8_t* src, size_t n, int32_t zero_point, int32_t is_unsigned, int16_t* dst) {
  const int16x8_t vzp = vdupq_n_s16(static_cast<int16_t>(zero_point));
  size_t i = 0;
  if (is_unsigned) {
    for (; i + 16 <= n; i += 16) {
      const uint8x16_t x = vld1q_u8(src + i);
      vst1q_s16(dst + i, vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(x))), vzp));
      vst1q_s16(dst + i + 8, vsubq_s16(vreinterpretq_s16_u16(vmovl_high_u8(x)), vzp));
    }
    for (; i < n; ++i) dst[i] = static_cast<int16_t>(static_cast<int32_t>(src[i]) - zero_point);
  } else {
    for (; i + 16 <= n; i += 16) {
      const int8x16_t x = vld1q_s8(reinterpret_cast<const int8_t*>(src + i));
      vst1q_s16(dst + i, vsubq_s16(vmovl_s8(vget_low_s8(x)), vzp));
      vst1q_s16(dst + i + 8, vsubq_s16(vmovl_high_s8(x), vzp));
    }
    for (; i < n; ++i) dst[i] = static_cast<int16_t>(static_cast<int32_t>(static_cast<int8_t>(src[i])) - zero_point);
  }
}

}  // namespace eb

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

// A row pointer of the indirection table, moved by a_offset unless it is the padding row.
static inline const int16_t* row_ptr(const int16_t* a, const Q8GemmArgs* p) {
  return a == p->zero ? a : reinterpret_cast<const int16_t*>(reinterpret_cast<uintptr_t>(a) + p->a_offset);
}

}  // namespace

// One k step of all four rows: the 8 weights of channel k (wv) times lane L of each row's inputs.
#define EB_Q8_NEON_STEP(wv, L)                         \
  lo0 = vmlal_laneq_s16(lo0, vget_low_s16(wv), x0, L); \
  hi0 = vmlal_high_laneq_s16(hi0, wv, x0, L);          \
  lo1 = vmlal_laneq_s16(lo1, vget_low_s16(wv), x1, L); \
  hi1 = vmlal_high_laneq_s16(hi1, wv, x1, L);          \
  lo2 = vmlal_laneq_s16(lo2, vget_low_s16(wv), x2, L); \
  hi2 = vmlal_high_laneq_s16(hi2, wv, x2, L);          \
  lo3 = vmlal_laneq_s16(lo3, vget_low_s16(wv), x3, L); \
  hi3 = vmlal_high_laneq_s16(hi3, wv, x3, L);

// The accumulators are named variables, not arrays indexed in loops: GCC -O2 does not unroll such
// loops and kept them on the stack (a load and store per SMLAL pair; llvm-mca: 33% of the A72's
// SMLAL rate). Main loop: 8 channels, one 128-bit load per row, SMLAL by lane (64 per step).
void gemm_q8_4x8_neon(const Q8GemmArgs* p) {
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + kNr);
  const int16_t* w = reinterpret_cast<const int16_t*>(scale + kNr);
  int32x4_t lo0 = vld1q_s32(bias), hi0 = vld1q_s32(bias + 4);
  int32x4_t lo1 = lo0, hi1 = hi0, lo2 = lo0, hi2 = hi0, lo3 = lo0, hi3 = hi0;
  const int16_t* const* a = p->a;
  const size_t kc = p->kc;
  for (size_t t = 0; t < p->ks; ++t, a += kMr) {
    const int16_t *a0 = row_ptr(a[0], p), *a1 = row_ptr(a[1], p), *a2 = row_ptr(a[2], p), *a3 = row_ptr(a[3], p);
    size_t k = kc;
    for (; k >= 8; k -= 8, w += 8 * kNr) {
      const int16x8_t x0 = vld1q_s16(a0), x1 = vld1q_s16(a1), x2 = vld1q_s16(a2), x3 = vld1q_s16(a3);
      a0 += 8, a1 += 8, a2 += 8, a3 += 8;
      const int16x8_t w0 = vld1q_s16(w), w1 = vld1q_s16(w + 8), w2 = vld1q_s16(w + 16), w3 = vld1q_s16(w + 24);
      EB_Q8_NEON_STEP(w0, 0)
      EB_Q8_NEON_STEP(w1, 1)
      EB_Q8_NEON_STEP(w2, 2)
      EB_Q8_NEON_STEP(w3, 3)
      const int16x8_t w4 = vld1q_s16(w + 32), w5 = vld1q_s16(w + 40), w6 = vld1q_s16(w + 48), w7 = vld1q_s16(w + 56);
      EB_Q8_NEON_STEP(w4, 4)
      EB_Q8_NEON_STEP(w5, 5)
      EB_Q8_NEON_STEP(w6, 6)
      EB_Q8_NEON_STEP(w7, 7)
    }
    // kc is even: the last 2, 4 or 6 channels two at a time (lanes 0 and 1 of a 32-bit load).
    for (; k != 0; k -= 2, w += 2 * kNr, a0 += 2, a1 += 2, a2 += 2, a3 += 2) {
      int32_t pair0, pair1, pair2, pair3;
      std::memcpy(&pair0, a0, sizeof(pair0));
      std::memcpy(&pair1, a1, sizeof(pair1));
      std::memcpy(&pair2, a2, sizeof(pair2));
      std::memcpy(&pair3, a3, sizeof(pair3));
      const int16x8_t x0 = vreinterpretq_s16_s32(vdupq_n_s32(pair0)), x1 = vreinterpretq_s16_s32(vdupq_n_s32(pair1));
      const int16x8_t x2 = vreinterpretq_s16_s32(vdupq_n_s32(pair2)), x3 = vreinterpretq_s16_s32(vdupq_n_s32(pair3));
      const int16x8_t w0 = vld1q_s16(w), w1 = vld1q_s16(w + kNr);
      EB_Q8_NEON_STEP(w0, 0)
      EB_Q8_NEON_STEP(w1, 1)
    }
  }
#undef EB_Q8_NEON_STEP
  const int32x4_t lo[kMr] = {lo0, lo1, lo2, lo3};
  const int32x4_t hi[kMr] = {hi0, hi1, hi2, hi3};
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

// QS8 indirect GEMM microkernel, ARMv8.2 dot product (SDOT, e.g. Cortex-A76 of the Pi 5): 4 rows x 16
// columns, 4 int8 per int32 lane. SDOT multiplies signed by signed, so the input is read raw (no sign
// flip, unlike VPDPBUSD): the driver packs this kernel's bias as bias - x_zp * sum(w) (input_bias 0 in
// Qs8C4KernelInfo). Contract and numerics: gemm_q8_ukernel.h (Qs8GemmC4Args); bit-identical to the
// reference because int32 adds wrap the same way in any order.
//
// Register budget: 16 accumulators (4 rows x 4 column quads) + 4 input vectors + 8 weight vectors = 28
// of the 32 NEON registers, so the main loop (8 channels: two SDOTs by lane per accumulator) runs
// without spills (bench/mca.sh checks the compiled loop with llvm-mca).
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/gemm/gemm_q8_ukernel.h"

namespace eb {

namespace {

constexpr size_t kMr = 4;
constexpr size_t kNr = 16;

// The requantized int8 bytes of one row (four int32 column quads), as in the other QS8 kernels.
static inline int8x16_t requantize_row(int32x4_t a0, int32x4_t a1, int32x4_t a2, int32x4_t a3, const float* scale,
                                       float32x4_t vmin, float32x4_t vmax, int32x4_t vzp) {
  const int32x4_t acc[4] = {a0, a1, a2, a3};
  int32x4_t q[4];
  for (int j = 0; j < 4; ++j) {
    float32x4_t v = vmulq_f32(vcvtq_f32_s32(acc[j]), vld1q_f32(scale + 4 * j));
    v = vminq_f32(vmaxq_f32(v, vmin), vmax);
    q[j] = vaddq_s32(vcvtnq_s32_f32(v), vzp);
  }
  const int16x8_t lo = vcombine_s16(vqmovn_s32(q[0]), vqmovn_s32(q[1]));
  const int16x8_t hi = vcombine_s16(vqmovn_s32(q[2]), vqmovn_s32(q[3]));
  return vcombine_s8(vqmovn_s16(lo), vqmovn_s16(hi));
}

// Four int8 channels of a row in both 32-bit lanes (the 4-channel tail).
static inline int8x8_t load_quad(const int8_t* a) {
  int32_t v;
  std::memcpy(&v, a, sizeof(v));
  return vreinterpret_s8_s32(vdup_n_s32(v));
}

}  // namespace

void gemm_qs8_4x16c4_neondot(const Qs8GemmC4Args* p) {
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + kNr);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + kNr);
  int32x4_t c00 = vld1q_s32(bias), c01 = vld1q_s32(bias + 4), c02 = vld1q_s32(bias + 8), c03 = vld1q_s32(bias + 12);
  int32x4_t c10 = c00, c11 = c01, c12 = c02, c13 = c03;
  int32x4_t c20 = c00, c21 = c01, c22 = c02, c23 = c03;
  int32x4_t c30 = c00, c31 = c01, c32 = c02, c33 = c03;
  const int64_t* off = p->offsets;
  const int8_t* pad = reinterpret_cast<const int8_t*>(p->pad);
  const int8_t* in = reinterpret_cast<const int8_t*>(p->input);
  const size_t kc = p->kc;
  for (size_t t = 0; t < p->ks; ++t, off += kMr) {
    const int8_t* a0 = off[0] < 0 ? pad : in + off[0];
    const int8_t* a1 = off[1] < 0 ? pad : in + off[1];
    const int8_t* a2 = off[2] < 0 ? pad : in + off[2];
    const int8_t* a3 = off[3] < 0 ? pad : in + off[3];
    size_t k = kc;
    // 8 channels per step: each row's 8 bytes are two 4-byte groups, lane 0 and lane 1 of the SDOTs.
    for (; k >= 8; k -= 8, w += 8 * kNr) {
      const int8x8_t x0 = vld1_s8(a0), x1 = vld1_s8(a1), x2 = vld1_s8(a2), x3 = vld1_s8(a3);
      a0 += 8, a1 += 8, a2 += 8, a3 += 8;
      const int8x16_t wa0 = vld1q_s8(w), wa1 = vld1q_s8(w + 16), wa2 = vld1q_s8(w + 32), wa3 = vld1q_s8(w + 48);
      const int8x16_t wb0 = vld1q_s8(w + 64), wb1 = vld1q_s8(w + 80), wb2 = vld1q_s8(w + 96);
      const int8x16_t wb3 = vld1q_s8(w + 112);
      c00 = vdotq_lane_s32(c00, wa0, x0, 0), c01 = vdotq_lane_s32(c01, wa1, x0, 0);
      c02 = vdotq_lane_s32(c02, wa2, x0, 0), c03 = vdotq_lane_s32(c03, wa3, x0, 0);
      c10 = vdotq_lane_s32(c10, wa0, x1, 0), c11 = vdotq_lane_s32(c11, wa1, x1, 0);
      c12 = vdotq_lane_s32(c12, wa2, x1, 0), c13 = vdotq_lane_s32(c13, wa3, x1, 0);
      c20 = vdotq_lane_s32(c20, wa0, x2, 0), c21 = vdotq_lane_s32(c21, wa1, x2, 0);
      c22 = vdotq_lane_s32(c22, wa2, x2, 0), c23 = vdotq_lane_s32(c23, wa3, x2, 0);
      c30 = vdotq_lane_s32(c30, wa0, x3, 0), c31 = vdotq_lane_s32(c31, wa1, x3, 0);
      c32 = vdotq_lane_s32(c32, wa2, x3, 0), c33 = vdotq_lane_s32(c33, wa3, x3, 0);
      c00 = vdotq_lane_s32(c00, wb0, x0, 1), c01 = vdotq_lane_s32(c01, wb1, x0, 1);
      c02 = vdotq_lane_s32(c02, wb2, x0, 1), c03 = vdotq_lane_s32(c03, wb3, x0, 1);
      c10 = vdotq_lane_s32(c10, wb0, x1, 1), c11 = vdotq_lane_s32(c11, wb1, x1, 1);
      c12 = vdotq_lane_s32(c12, wb2, x1, 1), c13 = vdotq_lane_s32(c13, wb3, x1, 1);
      c20 = vdotq_lane_s32(c20, wb0, x2, 1), c21 = vdotq_lane_s32(c21, wb1, x2, 1);
      c22 = vdotq_lane_s32(c22, wb2, x2, 1), c23 = vdotq_lane_s32(c23, wb3, x2, 1);
      c30 = vdotq_lane_s32(c30, wb0, x3, 1), c31 = vdotq_lane_s32(c31, wb1, x3, 1);
      c32 = vdotq_lane_s32(c32, wb2, x3, 1), c33 = vdotq_lane_s32(c33, wb3, x3, 1);
    }
    if (k != 0) {  // kc is a multiple of 4: one group of 4 channels is left
      const int8x8_t x0 = load_quad(a0), x1 = load_quad(a1), x2 = load_quad(a2), x3 = load_quad(a3);
      const int8x16_t w0 = vld1q_s8(w), w1 = vld1q_s8(w + 16), w2 = vld1q_s8(w + 32), w3 = vld1q_s8(w + 48);
      w += 4 * kNr;
      c00 = vdotq_lane_s32(c00, w0, x0, 0), c01 = vdotq_lane_s32(c01, w1, x0, 0);
      c02 = vdotq_lane_s32(c02, w2, x0, 0), c03 = vdotq_lane_s32(c03, w3, x0, 0);
      c10 = vdotq_lane_s32(c10, w0, x1, 0), c11 = vdotq_lane_s32(c11, w1, x1, 0);
      c12 = vdotq_lane_s32(c12, w2, x1, 0), c13 = vdotq_lane_s32(c13, w3, x1, 0);
      c20 = vdotq_lane_s32(c20, w0, x2, 0), c21 = vdotq_lane_s32(c21, w1, x2, 0);
      c22 = vdotq_lane_s32(c22, w2, x2, 0), c23 = vdotq_lane_s32(c23, w3, x2, 0);
      c30 = vdotq_lane_s32(c30, w0, x3, 0), c31 = vdotq_lane_s32(c31, w1, x3, 0);
      c32 = vdotq_lane_s32(c32, w2, x3, 0), c33 = vdotq_lane_s32(c33, w3, x3, 0);
    }
  }
  if (p->rq == nullptr) {  // the int32 sums (hybrid conv)
    const int32x4_t sums[kMr][4] = {
        {c00, c01, c02, c03}, {c10, c11, c12, c13}, {c20, c21, c22, c23}, {c30, c31, c32, c33}};
    uint8_t* c = p->c;
    for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
      int32_t tmp[kNr];
      for (size_t q = 0; q < 4; ++q) vst1q_s32(tmp + 4 * q, sums[r][q]);
      std::memcpy(c, tmp, p->nc * sizeof(int32_t));
    }
    return;
  }
  const float32x4_t vmin = vdupq_n_f32(p->rq->min_less_zp);
  const float32x4_t vmax = vdupq_n_f32(p->rq->max_less_zp);
  const int32x4_t vzp = vdupq_n_s32(p->rq->zero_point);
  int8x16_t rows[kMr];
  rows[0] = requantize_row(c00, c01, c02, c03, scale, vmin, vmax, vzp);
  rows[1] = requantize_row(c10, c11, c12, c13, scale, vmin, vmax, vzp);
  rows[2] = requantize_row(c20, c21, c22, c23, scale, vmin, vmax, vzp);
  rows[3] = requantize_row(c30, c31, c32, c33, scale, vmin, vmax, vzp);
  uint8_t* c = p->c;
  for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
    if (p->nc == kNr) {
      vst1q_s8(reinterpret_cast<int8_t*>(c), rows[r]);
    } else {
      int8_t tmp[kNr];
      vst1q_s8(tmp, rows[r]);
      std::memcpy(c, tmp, p->nc);
    }
  }
}

}  // namespace eb

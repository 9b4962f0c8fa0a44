// QS8 indirect GEMM microkernel for ARMv8.0 NEON (Cortex-A72 of the Pi 4, no dot product): 4 rows x 8
// columns, int8 x int8 products in 8-bit multiplies (SMULL / SMLAL .8b -> .8h), two products summed in
// int16, then added pairwise into int32 (SADALP).
//
// Why: the 16-bit kernel (gemm_q8_neon.cc) widens the input to int16 and issues SMLAL .4h -> .4s, 4
// multiply-adds per instruction on the A72's one integer-multiply pipe (F0). SMULL/SMLAL .8b do 8, and
// the adds they need (one SADALP per 16 products) run on the other pipe (F1): up to twice the rate
// (bench/mca.sh). The same scheme as XNNPACK's and ruy's "mlal" int8 kernels for ARMv8.0.
//
// Overflow: x in [-128, 127] and w in [-127, 127] give |x * w| <= 16256, so the sum of two products
// fits int16 (<= 32512). A weight of -128 could reach 32768: the driver (gemm_qs8_c4.cc) does not take
// this kernel for a filter holding -128 (Qs8C4KernelInfo::needs_pair_safe_weights), TFLite's int8 weights are
// symmetric ([-127, 127]) by specification, so in practice it always runs.
//
// Layout (the C4 family's, gemm_q8_ukernel.h Qs8GemmC4Args): weights [ks][kc / 4][NR][4] int8, input raw
// int8 read through byte offsets; the bias is packed as bias - x_zp * sum(w) (input_bias 0). A 16-byte
// weight vector holds 4 columns x 4 channels; the row's 4 channels, loaded replicated 4 times (LD1R),
// meet them lane for lane: SMULL covers columns 0-1 of the vector, SMULL2 columns 2-3. The int32
// accumulators hold two partial sums per column (channels 0+1 and 2+3 of each group), added pairwise
// (ADDP) at the end. Integer sums are exact and wrap alike in any order: bit-identical to the reference.
//
// Registers: 16 accumulators + 4 weight vectors + 2 replicated input vectors + 2 product vectors.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/gemm/gemm_q8_ukernel.h"

namespace eb {

namespace {

constexpr size_t kMr = 4;
constexpr size_t kNr = 8;

// A 4-channel group of a row, replicated into all four 32-bit lanes (LD1R: a load, no ALU op). The
// pointer is a byte address: LD1R needs no alignment on AArch64.
static inline int8x16_t load_group(const int8_t* a) {
  return vreinterpretq_s8_s32(vld1q_dup_s32(reinterpret_cast<const int32_t*>(static_cast<const void*>(a))));
}

// The 8 requantized bytes of a row (two int32 column quads), as in the other QS8 kernels.
static inline int8x8_t requantize_row(int32x4_t a0, int32x4_t a1, const float* scale, float32x4_t vmin,
                                      float32x4_t vmax, int32x4_t vzp) {
  float32x4_t v0 = vmulq_f32(vcvtq_f32_s32(a0), vld1q_f32(scale));
  float32x4_t v1 = vmulq_f32(vcvtq_f32_s32(a1), vld1q_f32(scale + 4));
  v0 = vminq_f32(vmaxq_f32(v0, vmin), vmax);
  v1 = vminq_f32(vmaxq_f32(v1, vmin), vmax);
  const int32x4_t q0 = vaddq_s32(vcvtnq_s32_f32(v0), vzp);
  const int32x4_t q1 = vaddq_s32(vcvtnq_s32_f32(v1), vzp);
  return vqmovn_s16(vcombine_s16(vqmovn_s32(q0), vqmovn_s32(q1)));
}

}  // namespace

// Accumulator cRH: row R, H = column pair (0: columns 0-1, 1: 2-3, 2: 4-5, 3: 6-7).
// One row's 8 channels: groups X (channels 0-3) and Y (4-7) against weight vectors wx0/wx1 (group X,
// columns 0-3 / 4-7) and wy0/wy1.
#define EB_ROW8(C0, C1, C2, C3, A)                                                                  \
  {                                                                                                 \
    const int8x16_t x = load_group(A), y = load_group((A) + 4);                                     \
    C0 = vpadalq_s16(C0, vmlal_s8(vmull_s8(vget_low_s8(x), vget_low_s8(wx0)), vget_low_s8(y), vget_low_s8(wy0))); \
    C1 = vpadalq_s16(C1, vmlal_high_s8(vmull_high_s8(x, wx0), y, wy0));                             \
    C2 = vpadalq_s16(C2, vmlal_s8(vmull_s8(vget_low_s8(x), vget_low_s8(wx1)), vget_low_s8(y), vget_low_s8(wy1))); \
    C3 = vpadalq_s16(C3, vmlal_high_s8(vmull_high_s8(x, wx1), y, wy1));                             \
  }
// The 4-channel tail: group X only.
#define EB_ROW4(C0, C1, C2, C3, A)                                   \
  {                                                                  \
    const int8x16_t x = load_group(A);                               \
    C0 = vpadalq_s16(C0, vmull_s8(vget_low_s8(x), vget_low_s8(wx0))); \
    C1 = vpadalq_s16(C1, vmull_high_s8(x, wx0));                     \
    C2 = vpadalq_s16(C2, vmull_s8(vget_low_s8(x), vget_low_s8(wx1))); \
    C3 = vpadalq_s16(C3, vmull_high_s8(x, wx1));                     \
  }

void gemm_qs8_4x8c4_neon(const Qs8GemmC4Args* p) {
  const int32_t* bias = static_cast<const int32_t*>(p->w);
  const float* scale = reinterpret_cast<const float*>(bias + kNr);
  const int8_t* w = reinterpret_cast<const int8_t*>(scale + kNr);
  int32x4_t c00 = vdupq_n_s32(0), c01 = c00, c02 = c00, c03 = c00;
  int32x4_t c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  int32x4_t c20 = c00, c21 = c00, c22 = c00, c23 = c00;
  int32x4_t c30 = c00, c31 = c00, c32 = c00, c33 = c00;
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
    for (; k >= 8; k -= 8, w += 8 * kNr, a0 += 8, a1 += 8, a2 += 8, a3 += 8) {
      const int8x16_t wx0 = vld1q_s8(w), wx1 = vld1q_s8(w + 16), wy0 = vld1q_s8(w + 32), wy1 = vld1q_s8(w + 48);
      EB_ROW8(c00, c01, c02, c03, a0)
      EB_ROW8(c10, c11, c12, c13, a1)
      EB_ROW8(c20, c21, c22, c23, a2)
      EB_ROW8(c30, c31, c32, c33, a3)
    }
    if (k != 0) {  // kc is a multiple of 4: one group of 4 channels is left
      const int8x16_t wx0 = vld1q_s8(w), wx1 = vld1q_s8(w + 16);
      w += 4 * kNr;
      EB_ROW4(c00, c01, c02, c03, a0)
      EB_ROW4(c10, c11, c12, c13, a1)
      EB_ROW4(c20, c21, c22, c23, a2)
      EB_ROW4(c30, c31, c32, c33, a3)
    }
  }
  // Columns: pairwise sums of the two partials of each column, plus the bias.
  const int32x4_t b0 = vld1q_s32(bias), b1 = vld1q_s32(bias + 4);
  if (p->rq == nullptr) {  // the int32 sums (hybrid conv)
    const int32x4_t sums[kMr][2] = {{vaddq_s32(b0, vpaddq_s32(c00, c01)), vaddq_s32(b1, vpaddq_s32(c02, c03))},
                                    {vaddq_s32(b0, vpaddq_s32(c10, c11)), vaddq_s32(b1, vpaddq_s32(c12, c13))},
                                    {vaddq_s32(b0, vpaddq_s32(c20, c21)), vaddq_s32(b1, vpaddq_s32(c22, c23))},
                                    {vaddq_s32(b0, vpaddq_s32(c30, c31)), vaddq_s32(b1, vpaddq_s32(c32, c33))}};
    uint8_t* c = p->c;
    for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
      int32_t tmp[kNr];
      vst1q_s32(tmp, sums[r][0]);
      vst1q_s32(tmp + 4, sums[r][1]);
      std::memcpy(c, tmp, p->nc * sizeof(int32_t));
    }
    return;
  }
  const float32x4_t vmin = vdupq_n_f32(p->rq->min_less_zp);
  const float32x4_t vmax = vdupq_n_f32(p->rq->max_less_zp);
  const int32x4_t vzp = vdupq_n_s32(p->rq->zero_point);
  int8x8_t rows[kMr];
  rows[0] = requantize_row(vaddq_s32(b0, vpaddq_s32(c00, c01)), vaddq_s32(b1, vpaddq_s32(c02, c03)), scale, vmin,
                           vmax, vzp);
  rows[1] = requantize_row(vaddq_s32(b0, vpaddq_s32(c10, c11)), vaddq_s32(b1, vpaddq_s32(c12, c13)), scale, vmin,
                           vmax, vzp);
  rows[2] = requantize_row(vaddq_s32(b0, vpaddq_s32(c20, c21)), vaddq_s32(b1, vpaddq_s32(c22, c23)), scale, vmin,
                           vmax, vzp);
  rows[3] = requantize_row(vaddq_s32(b0, vpaddq_s32(c30, c31)), vaddq_s32(b1, vpaddq_s32(c32, c33)), scale, vmin,
                           vmax, vzp);
  uint8_t* c = p->c;
  for (size_t r = 0; r < p->mr; ++r, c += p->c_stride) {
    if (p->nc == kNr) {
      vst1_s8(reinterpret_cast<int8_t*>(c), rows[r]);
    } else {
      int8_t tmp[kNr];
      vst1_s8(tmp, rows[r]);
      std::memcpy(c, tmp, p->nc);
    }
  }
}
#undef EB_ROW8
#undef EB_ROW4

}  // namespace eb

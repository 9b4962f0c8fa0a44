// Float32 depthwise microkernels for NEON at horizontal stride 2 (dilation 1): 3x3 and 5x5 filters,
// 4 pixels of one output row x 8 channels (two tiles of 4) per step. Pixel px + 1's tap (ky, kx) is
// pixel px's tap (ky, kx + 2), so each input column of a filter row is loaded once for every output of
// the step that reads it: 4 * 2 + K - 2 columns per filter row instead of 4 * K (the stride-1 kernels,
// dwconv_f32_s1_neon.cc, do the same with K + 7 columns for 8 pixels).
// llvm-mca -mcpu=cortex-a72 (bench/mca.sh), share of the FMLA rate: 3x3 60% -> 82%, 5x5 57% -> 93%
// (before: the per-pixel kernels of dwconv_f32_neon.cc, which load once per FMLA). Why this shape:
//  - Two tiles per step, not one as at stride 1: a step reads about two columns per pixel and filter
//    row, each behind a tap pointer that is a load itself. With one tile, a pointer load and a
//    register-offset vector load (2 micro-ops on the A57/A72 model, which dispatches 3 per cycle) feed
//    one vector: 3x3 got 57-63% for 4 to 8 pixels. With two tiles one pointer, one ADD and two
//    immediate-offset loads feed 2 vectors (the ADD is forced by an empty asm: GCC's register-offset
//    form for the first tile costs a micro-op more, 69%).
//  - The two tap pointers a pixel adds (taps K - 2 and K - 1, adjacent in `input`) come in one LDP,
//    written in inline asm: GCC does not pair them (offsets up to 792 bytes; it pairs only loads its
//    scheduler left adjacent). Separate loads: 3x3 75%, 5x5 89%.
//  - asm volatile("") between the two tiles' loads of a column or weight (5x5, and the 3x3 single tile):
//    without it GCC fuses them into LDP Q (3 micro-ops for 2 vectors where two LDRs are 2) and
//    schedules loads far ahead of their use, which spills: 3x3 65%, 5x5 89%.
//  - 3x3 is held by three resources at once: the FP pipes (9 FMLAs and 2 clamp ops per output vector:
//    82% at best, as at stride 1), the single load pipe (tap pointers, inputs, weights, biases: 83
//    cycles per step) and dispatch (FMAX / FMIN / LDP take 2 micro-ops, STR Q 3, and an instruction
//    does not straddle two dispatch cycles): all three near 88 cycles for the step's 72 FMLAs. Two
//    weight rows of both tiles stay in registers across steps (12 of the 32), 12 loads fewer per step
//    (75% -> 78%); 8 accumulators, 18 weights and the inputs do not fit. 5 or 6 pixels: 76%. The pairs
//    of tiles take a step written out for dispatch (steps_3x3 below): 78% -> 82%.
//  - 5x5: 25 FMLAs per output vector leave room on every resource; weights are loaded per filter row.
//  - Registers are named and the steps written out (GCC -O2 keeps arrays indexed in loops on the
//    stack); accumulators start from bias loads at addresses the compiler cannot prove equal (copies of
//    one load would cost a vector MOV each), as at stride 1.
// Each pixel's sum runs as in the per-pixel kernels: bias, then taps 0..K*K-1, each a fused multiply-add
// (columns are visited in order, and pixel p takes column j with tap j - 2p), so the results are the
// same bits. A last tile of 4 channels (channels % 8 >= 4) takes the same steps one tile wide; channels
// past the last multiple of 4 go lane by lane (dwconv_f32_channel_tail_neon), pixels past the last full
// step to dwconv_f32_3x3_neon / _5x5_neon.
// Contract: dwconv_f32_ukernels.h (the call's pixels are consecutive pixels of one output row).
#include <arm_neon.h>

#include <cstddef>

#include "kernels/ops/depthwise_conv2d/dwconv_f32_ukernels.h"

namespace eb {
namespace {

constexpr size_t kTile = 4;
constexpr size_t kPx = 4;  // pixels per step

// Building blocks, one tile (suffix 1) or two (suffix 2) wide; c is the step's first channel, w its
// packed tile (the second tile's data is 4 * (1 + kTaps) floats further).
//   EB_W(K, T): weights of tap T as u##K (v##K)        EB_COL(N, PTR): column N from tap pointer PTR
//   EB_FM(P, N, K): pixel P += column N * weight K     EB_ACC / EB_OUT(P): bias in / clamp and store
#define EB_W1(K, T) const float32x4_t u##K = vld1q_f32(w + kTile * (1 + (T)));
#define EB_W2(K, T)                                                  \
  const float32x4_t u##K = vld1q_f32(w + kTile * (1 + (T)));         \
  asm volatile("");                                                  \
  const float32x4_t v##K = vld1q_f32(w + kTile * (kTaps + 2 + (T))); \
  asm volatile("");
#define EB_COL1(N, PTR) const float32x4_t x##N = vld1q_f32((PTR) + c);
#define EB_COL2(N, PTR)                     \
  const float* p##N = (PTR) + c;            \
  asm("" : "+r"(p##N));                     \
  const float32x4_t x##N = vld1q_f32(p##N); \
  asm volatile("");                         \
  const float32x4_t y##N = vld1q_f32(p##N + kTile);
#define EB_FM1(P, N, K) a##P = vfmaq_f32(a##P, x##N, u##K);
#define EB_FM2(P, N, K)               \
  a##P = vfmaq_f32(a##P, x##N, u##K); \
  e##P = vfmaq_f32(e##P, y##N, v##K);
#define EB_ACC1(P) float32x4_t a##P = vld1q_f32(b##P);
#define EB_ACC2(P) float32x4_t a##P = vld1q_f32(b##P), e##P = vld1q_f32(b##P + kTile * (1 + kTaps));
#define EB_OUT1(P) vst1q_f32(out + (P) * channels, vminq_f32(vmaxq_f32(a##P, vmin), vmax));
#define EB_OUT2(P) \
  EB_OUT1(P) vst1q_f32(out + (P) * channels + kTile, vminq_f32(vmaxq_f32(e##P, vmin), vmax));
// Columns N and M from the adjacent tap pointers in[IDX], in[IDX + 1], fetched with one LDP.
#define EB_COLS(T, N, M, IDX)                                                         \
  const float *q##N, *q##M;                                                           \
  asm("ldp %0, %1, %2"                                                                \
      : "=r"(q##N), "=r"(q##M)                                                        \
      : "Ump"(*reinterpret_cast<const float* const(*)[2]>(in + (IDX))));             \
  EB_COL##T(N, q##N) EB_COL##T(M, q##M)

// Filter row KY of a step, T tiles wide. Column j is input column 2 * px0 + j of the row: the first
// K - 2 come from pixel 0's taps, then pixel p's taps K - 2 and K - 1 give columns 2p + K - 2 and
// 2p + K - 1 (one LDP). Column j feeds pixel p with tap j - 2p, in increasing tap order per pixel.
#define EB_ROW3(T, KY, WEIGHTS)                                                                       \
  {                                                                                                   \
    WEIGHTS                                                                                           \
    EB_COL##T(0, in[3 * (KY)]) EB_FM##T(0, 0, 0)                                                      \
    EB_COLS(T, 1, 2, 3 * (KY) + 1) EB_FM##T(0, 1, 1) EB_FM##T(0, 2, 2) EB_FM##T(1, 2, 0)            \
    EB_COLS(T, 3, 4, 10 + 3 * (KY)) EB_FM##T(1, 3, 1) EB_FM##T(1, 4, 2) EB_FM##T(2, 4, 0)           \
    EB_COLS(T, 5, 6, 19 + 3 * (KY)) EB_FM##T(2, 5, 1) EB_FM##T(2, 6, 2) EB_FM##T(3, 6, 0)           \
    EB_COLS(T, 7, 8, 28 + 3 * (KY)) EB_FM##T(3, 7, 1) EB_FM##T(3, 8, 2)                             \
  }
// Weights of a 3x3 filter row KY: loaded each step (row 2), or copies of the vectors that EB_HOLD1 loads
// once per channel group (rows 0 and 1: h<row><tap>; EB_G: g<row><tap> for a second tile).
#define EB_W3(T, KY) EB_W##T(0, 3 * (KY)) EB_W##T(1, 3 * (KY) + 1) EB_W##T(2, 3 * (KY) + 2)
#define EB_HELD1(KY) const float32x4_t u0 = h##KY##0, u1 = h##KY##1, u2 = h##KY##2;
#define EB_H(KY, K) const float32x4_t h##KY##K = vld1q_f32(w + kTile * (1 + 3 * KY + K));
#define EB_G(KY, K) const float32x4_t g##KY##K = vld1q_f32(w + kTile * (kTaps + 2 + 3 * KY + K));
#define EB_HOLD1 EB_H(0, 0) EB_H(0, 1) EB_H(0, 2) EB_H(1, 0) EB_H(1, 1) EB_H(1, 2)
#define EB_ROW5(T, KY)                                                                                 \
  {                                                                                                    \
    EB_W##T(0, 5 * (KY)) EB_W##T(1, 5 * (KY) + 1) EB_W##T(2, 5 * (KY) + 2)                           \
    EB_W##T(3, 5 * (KY) + 3) EB_W##T(4, 5 * (KY) + 4)                                                \
    EB_COL##T(0, in[5 * (KY)]) EB_FM##T(0, 0, 0)                                                       \
    EB_COLS(T, 1, 2, 5 * (KY) + 1) EB_FM##T(0, 1, 1) EB_FM##T(0, 2, 2) EB_FM##T(1, 2, 0)             \
    EB_COLS(T, 3, 4, 5 * (KY) + 3) EB_FM##T(0, 3, 3) EB_FM##T(1, 3, 1)                                \
    EB_FM##T(0, 4, 4) EB_FM##T(1, 4, 2) EB_FM##T(2, 4, 0)                                             \
    EB_COLS(T, 5, 6, 28 + 5 * (KY)) EB_FM##T(1, 5, 3) EB_FM##T(2, 5, 1)                               \
    EB_FM##T(1, 6, 4) EB_FM##T(2, 6, 2) EB_FM##T(3, 6, 0)                                             \
    EB_COLS(T, 7, 8, 53 + 5 * (KY)) EB_FM##T(2, 7, 3) EB_FM##T(3, 7, 1)                               \
    EB_FM##T(2, 8, 4) EB_FM##T(3, 8, 2)                                                               \
    EB_COLS(T, 9, 10, 78 + 5 * (KY)) EB_FM##T(3, 9, 3) EB_FM##T(3, 10, 4)                             \
  }

#define EB_PX4(M) M(0) M(1) M(2) M(3)
// Steps of 4 pixels over the channels [c, end) in groups of T tiles (c advances past them); HOLD runs
// once per group. The bias pointers b0..b3 are copies of w the compiler cannot prove equal.
#define EB_STEPS(T, HOLD, ROWS)                                                                      \
  for (; c + (T) * kTile <= end; c += (T) * kTile) {                                                 \
    const float* const w = packed + c * (1 + kTaps);                                                 \
    HOLD                                                                                             \
    const float *b0 = w, *b1 = w, *b2 = w, *b3 = w;                                                  \
    asm("" : "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3));                                                \
    const float* const* in = input;                                                                  \
    float* out = output + c;                                                                         \
    for (size_t s = 0; s < steps; ++s, in += kPx * kTaps, out += kPx * channels) {                  \
      EB_PX4(EB_ACC##T) ROWS EB_PX4(EB_OUT##T)                                                      \
    }                                                                                                \
  }

// The 3x3 step over a pair of tiles, written out for the dispatch of the A57/A72 model that llvm-mca
// uses: 3 micro-ops per cycle, an instruction does not straddle two cycles, and LDP X, FMAX, FMIN and
// STUR Q take 2 micro-ops (STR Q and LDP Q 3, the others here 1). The step has 249 micro-ops for 88
// cycles of the FP pipes (72 FMLAs, 16 clamp ops), so 15 dispatch slots may go unused; the generic
// EB_ROW3 steps had 258 and ran 92.2 cycles. The order below is held by EB_BAR, an empty asm volatile,
// which GCC's schedulers do not move instructions across:
//  - Rows are streamed as in EB_ROW3; weight rows 1 and 2 stay in registers, row 0 and the biases are
//    loaded in the first column groups. (Holding rows 0 and 1 leaves row 2, where the clamps need
//    registers too, at the 32-register limit: GCC adds a vector MOV, 89.2 cycles.)
//  - Each pixel is clamped and stored during the column group after its last FMLA, each of the six
//    2-micro-op instructions in a dispatch group with one FMLA (EB_TAIL); the last pixel's share theirs
//    with the pointer increments. All four pixels clamped at the end of the step: 91.2 cycles.
//  - Stores are STUR (2 micro-ops) at a pixel pointer that an empty asm keeps GCC from recomputing after
//    `out` moves; loads are asm (EB_LDQ), as GCC fuses adjacent vld1q_f32 into LDP Q (3 micro-ops).
// llvm-mca: 88.2 cycles per step, 82% of the FMLA rate. Each pixel's sum keeps its order (bias, then
// taps 0..8 of its tile), so the results are the same bits as the generic steps'.
#define EB_BAR asm volatile("");
// V = the 4 floats at PTR + OFF.
#define EB_LDQ(V, PTR, OFF) \
  asm("ldr %q0, [%1, %2]"   \
      : "=w"(V)             \
      : "r"(PTR), "i"(4 * (OFF)), "m"(*reinterpret_cast<const float(*)[4]>((PTR) + (OFF))));
// The 4 floats at PTR + OFF = V.
#define EB_STQ(PTR, OFF, V)                                 \
  asm("stur %q1, [%2, %3]"                                  \
      : "=m"(*reinterpret_cast<float(*)[4]>((PTR) + (OFF))) \
      : "w"(V), "r"(PTR), "i"(4 * (OFF)));
// Tap pointers in[IDX], in[IDX + 1] as q##N, q##M, in one LDP. Two 8-byte operands, not one of 16
// bytes as in EB_COLS: for that one GCC adds a base register when `in` sits 8 bytes off (1 micro-op).
#define EB_PTRS(N, M, IDX)  \
  const float *q##N, *q##M; \
  asm("ldp %0, %1, %2" : "=r"(q##N), "=r"(q##M) : "Ump"(in[IDX]), "m"(in[(IDX) + 1]));
// Column N of both tiles, x##N and y##N, from tap pointer Q.
#define EB_X(N, Q)                            \
  float32x4_t x##N, y##N;                     \
  {                                           \
    const float* const p = (Q) + c;           \
    EB_LDQ(x##N, p, 0) EB_LDQ(y##N, p, kTile) \
  }
// Pixel P += column N * weights of tap RK (filter row R, tap K): first tile (FA), second (FE), both (F).
#define EB_FA(P, N, RK) a##P = vfmaq_f32(a##P, x##N, h##RK);
#define EB_FE(P, N, RK) e##P = vfmaq_f32(e##P, y##N, g##RK);
#define EB_F(P, N, RK) EB_FA(P, N, RK) EB_FE(P, N, RK)
// Filter row R in five column groups (as in EB_ROW3), E0..E3 after the loads of groups 0..3.
#define EB_ROW(R, E0, E1, E2, E3)                                                              \
  { EB_X(0, in[3 * (R)]) E0 EB_F(0, 0, R##0) } EB_BAR                                          \
  {                                                                                            \
    EB_PTRS(1, 2, 3 * (R) + 1) EB_X(1, q1) EB_X(2, q2) E1                                      \
    EB_F(0, 1, R##1) EB_F(0, 2, R##2) EB_F(1, 2, R##0)                                         \
  } EB_BAR                                                                                     \
  {                                                                                            \
    EB_PTRS(3, 4, 10 + 3 * (R)) EB_X(3, q3) EB_X(4, q4) E2                                     \
    EB_F(1, 3, R##1) EB_F(1, 4, R##2) EB_F(2, 4, R##0)                                         \
  } EB_BAR                                                                                     \
  {                                                                                            \
    EB_PTRS(5, 6, 19 + 3 * (R)) EB_X(5, q5) EB_X(6, q6) E3                                     \
    EB_F(2, 5, R##1) EB_F(2, 6, R##2) EB_F(3, 6, R##0)                                         \
  } EB_BAR                                                                                     \
  { EB_PTRS(7, 8, 28 + 3 * (R)) EB_X(7, q7) EB_X(8, q8) EB_F(3, 7, R##1) EB_F(3, 8, R##2) } EB_BAR
// Pixel P clamped and stored at O; each of its six instructions shares a dispatch group with I1..I6.
#define EB_TAIL(P, O, I1, I2, I3, I4, I5, I6)         \
  {                                                   \
    float32x4_t ta = vmaxq_f32(a##P, vmin); I1 EB_BAR \
    float32x4_t te = vmaxq_f32(e##P, vmin); I2 EB_BAR \
    ta = vminq_f32(ta, vmax); I3 EB_BAR               \
    te = vminq_f32(te, vmax); I4 EB_BAR               \
    EB_STQ(O, 0, ta) I5 EB_BAR                        \
    EB_STQ(O, kTile, te) I6 EB_BAR                    \
  }
#define EB_BIAS(P) a##P = vld1q_f32(b##P); e##P = vld1q_f32(b##P + kTile * (1 + kTaps));
#define EB_W0(K) EB_LDQ(h0##K, w, kTile * (1 + (K))) EB_LDQ(g0##K, w, kTile * (kTaps + 2 + (K)))

// Steps over the full channel tiles: pairs of tiles (written out above), then the last tile if it is alone.
void steps_3x3(size_t steps, size_t channels, const float* const* input, const float* packed, float* output,
               const DwconvF32Params* params) {
  constexpr size_t kTaps = 9;
  const float32x4_t vmin = vdupq_n_f32(params->min);
  const float32x4_t vmax = vdupq_n_f32(params->max);
  const size_t end = channels / kTile * kTile;
  size_t c = 0;
  for (; c + 2 * kTile <= end; c += 2 * kTile) {
    const float* const w = packed + c * (1 + kTaps);
    EB_H(1, 0) EB_H(1, 1) EB_H(1, 2) EB_H(2, 0) EB_H(2, 1) EB_H(2, 2)
    EB_G(1, 0) EB_G(1, 1) EB_G(1, 2) EB_G(2, 0) EB_G(2, 1) EB_G(2, 2)
    const float *b0 = w, *b1 = w, *b2 = w, *b3 = w;
    asm("" : "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3));
    const float* const* in = input;
    float* out = output + c;
    for (size_t s = steps; s != 0; --s) {  // `in` and `out` move in the last pixel's EB_TAIL
      float32x4_t a0, e0, a1, e1, a2, e2, a3, e3, h00, g00, h01, g01, h02, g02;
      EB_ROW(0, EB_W0(0) EB_BIAS(0), EB_W0(1) EB_W0(2) EB_BIAS(1), EB_BIAS(2), EB_BIAS(3))
      EB_ROW(1, , , , )
      // Row 2: groups 2, 3 and 4 clamp and store pixels 0, 1 and 2.
      { EB_X(0, in[6]) EB_F(0, 0, 20) } EB_BAR
      { EB_PTRS(1, 2, 7) EB_X(1, q1) EB_X(2, q2) EB_F(0, 1, 21) EB_F(0, 2, 22) EB_F(1, 2, 20) } EB_BAR
      {
        EB_PTRS(3, 4, 16) EB_X(3, q3)
        EB_TAIL(0, out, EB_FA(1, 3, 21), EB_FE(1, 3, 21), EB_X(4, q4) EB_FA(1, 4, 22), EB_FE(1, 4, 22),
                EB_FA(2, 4, 20), EB_FE(2, 4, 20))
      }
      {
        EB_PTRS(5, 6, 25) EB_X(5, q5)
        float* o = out + channels;
        asm("" : "+r"(o));
        EB_TAIL(1, o, EB_FA(2, 5, 21), EB_FE(2, 5, 21), EB_X(6, q6) EB_FA(2, 6, 22), EB_FE(2, 6, 22),
                EB_FA(3, 6, 20), EB_FE(3, 6, 20))
      }
      {
        EB_PTRS(7, 8, 34) EB_X(7, q7)
        float* o = out + 2 * channels;
        asm("" : "+r"(o));
        EB_TAIL(2, o, EB_FA(3, 7, 21), EB_FE(3, 7, 21), EB_X(8, q8) EB_FA(3, 8, 22), EB_FE(3, 8, 22), , )
      }
      float* o = out + 3 * channels;
      asm("" : "+r"(o));
      EB_TAIL(3, o, in += kPx * kTaps;, out += kPx * channels;, , , , )
    }
  }
  EB_STEPS(1, EB_HOLD1, EB_ROW3(1, 0, EB_HELD1(0)) EB_ROW3(1, 1, EB_HELD1(1)) EB_ROW3(1, 2, EB_W3(1, 2)))
}

// Likewise, all weights loaded per filter row (25 FMLAs per output vector leave the loads room).
void steps_5x5(size_t steps, size_t channels, const float* const* input, const float* packed, float* output,
               const DwconvF32Params* params) {
  constexpr size_t kTaps = 25;
  const float32x4_t vmin = vdupq_n_f32(params->min);
  const float32x4_t vmax = vdupq_n_f32(params->max);
  const size_t end = channels / kTile * kTile;
  size_t c = 0;
  EB_STEPS(2, , EB_ROW5(2, 0) EB_ROW5(2, 1) EB_ROW5(2, 2) EB_ROW5(2, 3) EB_ROW5(2, 4))
  EB_STEPS(1, , EB_ROW5(1, 0) EB_ROW5(1, 1) EB_ROW5(1, 2) EB_ROW5(1, 3) EB_ROW5(1, 4))
}

#undef EB_W1
#undef EB_W2
#undef EB_COL1
#undef EB_COL2
#undef EB_FM1
#undef EB_FM2
#undef EB_ACC1
#undef EB_ACC2
#undef EB_OUT1
#undef EB_OUT2
#undef EB_COLS
#undef EB_ROW3
#undef EB_ROW5
#undef EB_PX4
#undef EB_W3
#undef EB_HELD1
#undef EB_H
#undef EB_G
#undef EB_HOLD1
#undef EB_STEPS
#undef EB_BAR
#undef EB_LDQ
#undef EB_STQ
#undef EB_PTRS
#undef EB_X
#undef EB_FA
#undef EB_FE
#undef EB_F
#undef EB_ROW
#undef EB_TAIL
#undef EB_BIAS
#undef EB_W0

}  // namespace

void dwconv_f32_3x3s2_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params) {
  const size_t steps = pixels / kPx, done = steps * kPx, full4 = channels / kTile * kTile;
  if (steps != 0) {
    if (full4 != 0) steps_3x3(steps, channels, input, w, output, params);
    if (full4 != channels) dwconv_f32_channel_tail_neon(done, channels, full4, 9, input, w, output, params);
  }
  if (done < pixels)
    dwconv_f32_3x3_neon(pixels - done, channels, ks, input + done * 9, w, output + done * channels, params);
}

void dwconv_f32_5x5s2_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params) {
  const size_t steps = pixels / kPx, done = steps * kPx, full4 = channels / kTile * kTile;
  if (steps != 0) {
    if (full4 != 0) steps_5x5(steps, channels, input, w, output, params);
    if (full4 != channels) dwconv_f32_channel_tail_neon(done, channels, full4, 25, input, w, output, params);
  }
  if (done < pixels)
    dwconv_f32_5x5_neon(pixels - done, channels, ks, input + done * 25, w, output + done * channels, params);
}

}  // namespace eb

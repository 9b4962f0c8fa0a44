// Float32 depthwise microkernels for NEON at horizontal stride 1 (dilation 1): 3x3 and 5x5 filters,
// one channel tile of 4 at a time, 8 pixels of one output row per step. Pixel px + 1's tap (ky, kx) is
// pixel px's tap (ky, kx + 1), so each input vector of a filter row is loaded once and used by every
// output of the step that reads it: 8 + KW - 1 loads for 8 * KW FMLAs per filter row, instead of one
// load per FMLA, which took the per-pixel kernels (dwconv_f32_neon.cc) off the A72's single load pipe
// (llvm-mca, bench/mca.sh: 3x3 60% -> 78%, 5x5 57% -> 92% of the FMLA rate; RESULTS.md), and 3x3 to 82%
// with its step written out for dispatch (steps_3x3).
//  - What bounds 3x3 at 82%: each output vector costs 9 FMLAs and 2 clamp ops on the same two pipes,
//    and its 9 FMLAs are one dependent chain (the order of the per-pixel kernels, so the same bits).
//    Ten pixels made GCC shuffle registers (77%), holding the 9 weight vectors made it spill (76%; both
//    with the former tap-major step).
//  - Registers are named and the steps written out: GCC -O2 keeps arrays indexed in loops on the stack.
//    Weight vectors are loaded per filter row (loads have room; registers do not).
//  - Accumulators start from bias loads at eight addresses the compiler cannot prove equal (copies of
//    one load would cost a vector MOV each).
// Pixels past the last multiple of 8 go to dwconv_f32_3x3_neon / _5x5_neon; channels past the last
// multiple of 4 are done lane by lane here, in the per-pixel kernels' order.
// Contract: dwconv_f32_ukernels.h (the call's pixels are consecutive pixels of one output row).
#include <arm_neon.h>

#include <cstddef>

#include "kernels/ops/depthwise_conv2d/dwconv_f32_ukernels.h"

namespace eb {
namespace {

constexpr size_t kTile = 4, kPx = 8;

#define EB_FMA8(WV, X0, X1, X2, X3, X4, X5, X6, X7) \
  {                                                 \
    const float32x4_t wv = WV;                      \
    a0 = vfmaq_f32(a0, X0, wv);                     \
    a1 = vfmaq_f32(a1, X1, wv);                     \
    a2 = vfmaq_f32(a2, X2, wv);                     \
    a3 = vfmaq_f32(a3, X3, wv);                     \
    a4 = vfmaq_f32(a4, X4, wv);                     \
    a5 = vfmaq_f32(a5, X5, wv);                     \
    a6 = vfmaq_f32(a6, X6, wv);                     \
    a7 = vfmaq_f32(a7, X7, wv);                     \
  }
#define EB_S1_BEGIN(TAPS)                                                                          \
  const float32x4_t vmin = vdupq_n_f32(params->min);                                               \
  const float32x4_t vmax = vdupq_n_f32(params->max);                                               \
  const size_t steps = pixels / kPx;                                                               \
  for (size_t c = 0; c + kTile <= channels; c += kTile, w += kTile * (1 + (TAPS))) {               \
    const float *b0 = w, *b1 = w, *b2 = w, *b3 = w, *b4 = w, *b5 = w, *b6 = w, *b7 = w;            \
    asm("" : "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3), "+r"(b4), "+r"(b5), "+r"(b6), "+r"(b7));      \
    const float* const* in = input;                                                                \
    float* out = output + c;                                                                       \
    for (size_t s = 0; s < steps; ++s, in += kPx * (TAPS), out += kPx * channels) {                \
      float32x4_t a0 = vld1q_f32(b0), a1 = vld1q_f32(b1), a2 = vld1q_f32(b2), a3 = vld1q_f32(b3); \
      float32x4_t a4 = vld1q_f32(b4), a5 = vld1q_f32(b5), a6 = vld1q_f32(b6), a7 = vld1q_f32(b7);
#define EB_S1_END                                                      \
  vst1q_f32(out, vminq_f32(vmaxq_f32(a0, vmin), vmax));                \
  vst1q_f32(out + channels, vminq_f32(vmaxq_f32(a1, vmin), vmax));     \
  vst1q_f32(out + 2 * channels, vminq_f32(vmaxq_f32(a2, vmin), vmax)); \
  vst1q_f32(out + 3 * channels, vminq_f32(vmaxq_f32(a3, vmin), vmax)); \
  vst1q_f32(out + 4 * channels, vminq_f32(vmaxq_f32(a4, vmin), vmax)); \
  vst1q_f32(out + 5 * channels, vminq_f32(vmaxq_f32(a5, vmin), vmax)); \
  vst1q_f32(out + 6 * channels, vminq_f32(vmaxq_f32(a6, vmin), vmax)); \
  vst1q_f32(out + 7 * channels, vminq_f32(vmaxq_f32(a7, vmin), vmax)); \
  }                                                                    \
  }

// Steps of 8 pixels over the full channel tiles, 3x3. A filter row is streamed column by column:
// column j (one vector) feeds pixels j, j - 1, j - 2 with taps 0, 1, 2 of the row, then dies. Column j
// of filter row ky comes from tap pointer in[3 * ky + j] (pixel 0's taps) for j < 3, from
// in[9 * (j - 2) + 3 * ky + 2] (pixel j - 2's last tap of the row) after. Each column is a region
// between EB_BARs (empty asm volatile, which GCC's schedulers do not move instructions across), so the
// step reaches llvm-mca's dispatch in this order:
//  - pixel p's first FMLA needs only its bias and column p, so FMLAs start 3 loads into a step, and the
//    load pipe (77 loads per step: 30 tap pointers, 30 columns, 9 weights, 8 biases) streams along;
//  - pixel p is clamped and stored with column p + 3 of row 2 (one column after its last FMLA), so the
//    step ends with one pixel's clamp and store instead of eight, and the next step's loads are not
//    held back behind them. Tap-major order (all 8 pixels' tap 0, then tap 1, ...) with the clamps at
//    the end ran 91.2 cycles per step (90.2 with the weights loaded as here): dispatch (3 micro-ops per
//    cycle; LDR Q register-offset, FMAX, FMIN take 2, STR Q 3) and the load pipe idle at the turn of
//    the step. Without the EB_BARs GCC regroups the loads: 98.7.
// Weights are loaded by asm (EB_W3): GCC fuses adjacent vld1q_f32 into LDP Q (3 micro-ops for 2). Its
// memory operand names the whole packed tile at w: naming the 4 floats at w + OFF made GCC keep one
// address register per weight, and spill.
// llvm-mca: 91.2 -> 88.2 cycles per step (79% -> 82% of the FMLA rate). Each pixel's sum keeps its
// order (bias, then taps 0..8), so the bits do not change.
#define EB_BAR asm volatile("");
#define EB_LDQ(V, OFF)    \
  asm("ldr %q0, [%1, %2]" \
      : "=w"(V)           \
      : "r"(w), "i"(4 * (OFF)), "m"(*reinterpret_cast<const float(*)[4 * 10]>(w)));
#define EB_W3(R)              \
  float32x4_t w0, w1, w2;     \
  EB_LDQ(w0, 4 + 12 * (R))    \
  EB_LDQ(w1, 8 + 12 * (R))    \
  EB_LDQ(w2, 12 + 12 * (R))
// Column IDX (in[IDX]: the tap pointer it comes from) as x, until EB_END.
#define EB_X(IDX) { const float32x4_t x = vld1q_f32(in[IDX] + c);
#define EB_END EB_BAR }
#define EB_B(P) a##P = vld1q_f32(b##P);
#define EB_F(P, K) a##P = vfmaq_f32(a##P, x, w##K);
#define EB_OUT(P) vst1q_f32(out + (P) * channels, vminq_f32(vmaxq_f32(a##P, vmin), vmax));
void steps_3x3(size_t pixels, size_t channels, const float* const* input, const float* w, float* output,
               const DwconvF32Params* params) {
  const float32x4_t vmin = vdupq_n_f32(params->min);
  const float32x4_t vmax = vdupq_n_f32(params->max);
  const size_t steps = pixels / kPx;
  for (size_t c = 0; c + kTile <= channels; c += kTile, w += kTile * 10) {
    const float *b0 = w, *b1 = w, *b2 = w, *b3 = w, *b4 = w, *b5 = w, *b6 = w, *b7 = w;
    asm("" : "+r"(b0), "+r"(b1), "+r"(b2), "+r"(b3), "+r"(b4), "+r"(b5), "+r"(b6), "+r"(b7));
    const float* const* in = input;
    float* out = output + c;
    for (size_t s = 0; s < steps; ++s, in += kPx * 9, out += kPx * channels) {
      float32x4_t a0, a1, a2, a3, a4, a5, a6, a7;
      {  // filter row 0, with the biases
        EB_W3(0)
        EB_X(0) EB_B(0) EB_F(0, 0) EB_END
        EB_X(1) EB_B(1) EB_F(1, 0) EB_F(0, 1) EB_END
        EB_X(2) EB_B(2) EB_F(2, 0) EB_F(1, 1) EB_F(0, 2) EB_END
        EB_X(11) EB_B(3) EB_F(3, 0) EB_F(2, 1) EB_F(1, 2) EB_END
        EB_X(20) EB_B(4) EB_F(4, 0) EB_F(3, 1) EB_F(2, 2) EB_END
        EB_X(29) EB_B(5) EB_F(5, 0) EB_F(4, 1) EB_F(3, 2) EB_END
        EB_X(38) EB_B(6) EB_F(6, 0) EB_F(5, 1) EB_F(4, 2) EB_END
        EB_X(47) EB_B(7) EB_F(7, 0) EB_F(6, 1) EB_F(5, 2) EB_END
        EB_X(56) EB_F(7, 1) EB_F(6, 2) EB_END
        EB_X(65) EB_F(7, 2) EB_END
      }
      {  // filter row 1
        EB_W3(1)
        EB_X(3) EB_F(0, 0) EB_END
        EB_X(4) EB_F(1, 0) EB_F(0, 1) EB_END
        EB_X(5) EB_F(2, 0) EB_F(1, 1) EB_F(0, 2) EB_END
        EB_X(14) EB_F(3, 0) EB_F(2, 1) EB_F(1, 2) EB_END
        EB_X(23) EB_F(4, 0) EB_F(3, 1) EB_F(2, 2) EB_END
        EB_X(32) EB_F(5, 0) EB_F(4, 1) EB_F(3, 2) EB_END
        EB_X(41) EB_F(6, 0) EB_F(5, 1) EB_F(4, 2) EB_END
        EB_X(50) EB_F(7, 0) EB_F(6, 1) EB_F(5, 2) EB_END
        EB_X(59) EB_F(7, 1) EB_F(6, 2) EB_END
        EB_X(68) EB_F(7, 2) EB_END
      }
      {  // filter row 2, with the clamps and stores
        EB_W3(2)
        EB_X(6) EB_F(0, 0) EB_END
        EB_X(7) EB_F(1, 0) EB_F(0, 1) EB_END
        EB_X(8) EB_F(2, 0) EB_F(1, 1) EB_F(0, 2) EB_END
        EB_X(17) EB_F(3, 0) EB_F(2, 1) EB_F(1, 2) EB_OUT(0) EB_END
        EB_X(26) EB_F(4, 0) EB_F(3, 1) EB_F(2, 2) EB_OUT(1) EB_END
        EB_X(35) EB_F(5, 0) EB_F(4, 1) EB_F(3, 2) EB_OUT(2) EB_END
        EB_X(44) EB_F(6, 0) EB_F(5, 1) EB_F(4, 2) EB_OUT(3) EB_END
        EB_X(53) EB_F(7, 0) EB_F(6, 1) EB_F(5, 2) EB_OUT(4) EB_END
        EB_X(62) EB_F(7, 1) EB_F(6, 2) EB_OUT(5) EB_END
        EB_X(71) EB_F(7, 2) EB_OUT(6) EB_OUT(7) EB_END
      }
    }
  }
}
#undef EB_BAR
#undef EB_LDQ
#undef EB_W3
#undef EB_X
#undef EB_END
#undef EB_B
#undef EB_F
#undef EB_OUT

void steps_5x5(size_t pixels, size_t channels, const float* const* input, const float* w, float* output,
               const DwconvF32Params* params) {
  EB_S1_BEGIN(25)
      {
        const float32x4_t x0 = vld1q_f32(in[0] + c), x1 = vld1q_f32(in[1] + c), x2 = vld1q_f32(in[2] + c);
        const float32x4_t x3 = vld1q_f32(in[3] + c), x4 = vld1q_f32(in[4] + c), x5 = vld1q_f32(in[29] + c);
        const float32x4_t x6 = vld1q_f32(in[54] + c), x7 = vld1q_f32(in[79] + c), x8 = vld1q_f32(in[104] + c);
        const float32x4_t x9 = vld1q_f32(in[129] + c), x10 = vld1q_f32(in[154] + c), x11 = vld1q_f32(in[179] + c);
        EB_FMA8(vld1q_f32(w + 4), x0, x1, x2, x3, x4, x5, x6, x7)
        EB_FMA8(vld1q_f32(w + 8), x1, x2, x3, x4, x5, x6, x7, x8)
        EB_FMA8(vld1q_f32(w + 12), x2, x3, x4, x5, x6, x7, x8, x9)
        EB_FMA8(vld1q_f32(w + 16), x3, x4, x5, x6, x7, x8, x9, x10)
        EB_FMA8(vld1q_f32(w + 20), x4, x5, x6, x7, x8, x9, x10, x11)
      }
      {
        const float32x4_t x0 = vld1q_f32(in[5] + c), x1 = vld1q_f32(in[6] + c), x2 = vld1q_f32(in[7] + c);
        const float32x4_t x3 = vld1q_f32(in[8] + c), x4 = vld1q_f32(in[9] + c), x5 = vld1q_f32(in[34] + c);
        const float32x4_t x6 = vld1q_f32(in[59] + c), x7 = vld1q_f32(in[84] + c), x8 = vld1q_f32(in[109] + c);
        const float32x4_t x9 = vld1q_f32(in[134] + c), x10 = vld1q_f32(in[159] + c), x11 = vld1q_f32(in[184] + c);
        EB_FMA8(vld1q_f32(w + 24), x0, x1, x2, x3, x4, x5, x6, x7)
        EB_FMA8(vld1q_f32(w + 28), x1, x2, x3, x4, x5, x6, x7, x8)
        EB_FMA8(vld1q_f32(w + 32), x2, x3, x4, x5, x6, x7, x8, x9)
        EB_FMA8(vld1q_f32(w + 36), x3, x4, x5, x6, x7, x8, x9, x10)
        EB_FMA8(vld1q_f32(w + 40), x4, x5, x6, x7, x8, x9, x10, x11)
      }
      {
        const float32x4_t x0 = vld1q_f32(in[10] + c), x1 = vld1q_f32(in[11] + c), x2 = vld1q_f32(in[12] + c);
        const float32x4_t x3 = vld1q_f32(in[13] + c), x4 = vld1q_f32(in[14] + c), x5 = vld1q_f32(in[39] + c);
        const float32x4_t x6 = vld1q_f32(in[64] + c), x7 = vld1q_f32(in[89] + c), x8 = vld1q_f32(in[114] + c);
        const float32x4_t x9 = vld1q_f32(in[139] + c), x10 = vld1q_f32(in[164] + c), x11 = vld1q_f32(in[189] + c);
        EB_FMA8(vld1q_f32(w + 44), x0, x1, x2, x3, x4, x5, x6, x7)
        EB_FMA8(vld1q_f32(w + 48), x1, x2, x3, x4, x5, x6, x7, x8)
        EB_FMA8(vld1q_f32(w + 52), x2, x3, x4, x5, x6, x7, x8, x9)
        EB_FMA8(vld1q_f32(w + 56), x3, x4, x5, x6, x7, x8, x9, x10)
        EB_FMA8(vld1q_f32(w + 60), x4, x5, x6, x7, x8, x9, x10, x11)
      }
      {
        const float32x4_t x0 = vld1q_f32(in[15] + c), x1 = vld1q_f32(in[16] + c), x2 = vld1q_f32(in[17] + c);
        const float32x4_t x3 = vld1q_f32(in[18] + c), x4 = vld1q_f32(in[19] + c), x5 = vld1q_f32(in[44] + c);
        const float32x4_t x6 = vld1q_f32(in[69] + c), x7 = vld1q_f32(in[94] + c), x8 = vld1q_f32(in[119] + c);
        const float32x4_t x9 = vld1q_f32(in[144] + c), x10 = vld1q_f32(in[169] + c), x11 = vld1q_f32(in[194] + c);
        EB_FMA8(vld1q_f32(w + 64), x0, x1, x2, x3, x4, x5, x6, x7)
        EB_FMA8(vld1q_f32(w + 68), x1, x2, x3, x4, x5, x6, x7, x8)
        EB_FMA8(vld1q_f32(w + 72), x2, x3, x4, x5, x6, x7, x8, x9)
        EB_FMA8(vld1q_f32(w + 76), x3, x4, x5, x6, x7, x8, x9, x10)
        EB_FMA8(vld1q_f32(w + 80), x4, x5, x6, x7, x8, x9, x10, x11)
      }
      {
        const float32x4_t x0 = vld1q_f32(in[20] + c), x1 = vld1q_f32(in[21] + c), x2 = vld1q_f32(in[22] + c);
        const float32x4_t x3 = vld1q_f32(in[23] + c), x4 = vld1q_f32(in[24] + c), x5 = vld1q_f32(in[49] + c);
        const float32x4_t x6 = vld1q_f32(in[74] + c), x7 = vld1q_f32(in[99] + c), x8 = vld1q_f32(in[124] + c);
        const float32x4_t x9 = vld1q_f32(in[149] + c), x10 = vld1q_f32(in[174] + c), x11 = vld1q_f32(in[199] + c);
        EB_FMA8(vld1q_f32(w + 84), x0, x1, x2, x3, x4, x5, x6, x7)
        EB_FMA8(vld1q_f32(w + 88), x1, x2, x3, x4, x5, x6, x7, x8)
        EB_FMA8(vld1q_f32(w + 92), x2, x3, x4, x5, x6, x7, x8, x9)
        EB_FMA8(vld1q_f32(w + 96), x3, x4, x5, x6, x7, x8, x9, x10)
        EB_FMA8(vld1q_f32(w + 100), x4, x5, x6, x7, x8, x9, x10, x11)
      }
  EB_S1_END
}
#undef EB_FMA8
#undef EB_S1_BEGIN
#undef EB_S1_END

}  // namespace

// Channels [from, channels) of `pixels` pixels, lane by lane: bias, then the taps in order (fused), as
// the per-pixel kernels' scalar tail. Shared with the stride-2 kernels (dwconv_f32_s2_neon.cc).
void dwconv_f32_channel_tail_neon(size_t pixels, size_t channels, size_t from, size_t ks, const float* const* input,
                                  const float* w, float* output, const DwconvF32Params* params) {
  const float* wt = w + from * (1 + ks);  // the partial tile
  for (size_t px = 0; px < pixels; ++px, input += ks, output += channels)
    for (size_t j = 0; from + j < channels; ++j) {
      float acc = wt[j];
      for (size_t t = 0; t < ks; ++t) acc = __builtin_fmaf(input[t][from + j], wt[kTile * (t + 1) + j], acc);
      acc = acc < params->min ? params->min : acc;
      output[from + j] = acc > params->max ? params->max : acc;
    }
}

void dwconv_f32_3x3s1_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params) {
  const size_t done = pixels / kPx * kPx, full4 = channels / kTile * kTile;
  if (full4 != 0) steps_3x3(pixels, channels, input, w, output, params);
  if (full4 != channels) dwconv_f32_channel_tail_neon(done, channels, full4, 9, input, w, output, params);
  if (done < pixels) dwconv_f32_3x3_neon(pixels - done, channels, ks, input + done * 9, w, output + done * channels, params);
}

void dwconv_f32_5x5s1_neon(size_t pixels, size_t channels, size_t ks, const float* const* input, const float* w,
                           float* output, const DwconvF32Params* params) {
  const size_t done = pixels / kPx * kPx, full4 = channels / kTile * kTile;
  if (full4 != 0) steps_5x5(pixels, channels, input, w, output, params);
  if (full4 != channels) dwconv_f32_channel_tail_neon(done, channels, full4, 25, input, w, output, params);
  if (done < pixels) dwconv_f32_5x5_neon(pixels - done, channels, ks, input + done * 25, w, output + done * channels, params);
}

}  // namespace eb

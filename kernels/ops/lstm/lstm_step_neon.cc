// NEON integer LSTM step microkernels: the int16 fixed-point activations on 8 lanes (lstm_step_simd.h's
// body) and the gate accumulation on 4 int32 lanes.
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/lstm/lstm_step_ukernels.h"

namespace {

struct NeonLanes {
  using V = int16x8_t;
  using M = uint16x8_t;
  static constexpr size_t kLanes = 8;
  static V dup(int16_t v) { return vdupq_n_s16(v); }
  static V load(const int16_t* p) { return vld1q_s16(p); }
  static void store(int16_t* p, V v) { vst1q_s16(p, v); }
  static V load_n(const int16_t* p, size_t m) {
    int16_t buf[kLanes] = {};
    for (size_t j = 0; j < m; ++j) buf[j] = p[j];
    return load(buf);
  }
  static void store_n(int16_t* p, V v, size_t m) {
    int16_t buf[kLanes];
    store(buf, v);
    for (size_t j = 0; j < m; ++j) p[j] = buf[j];
  }
  static V add(V a, V b) { return vaddq_s16(a, b); }
  static V sub(V a, V b) { return vsubq_s16(a, b); }
  static V adds(V a, V b) { return vqaddq_s16(a, b); }
  static V band(V a, V b) { return vandq_s16(a, b); }
  static M gt(V a, V b) { return vcgtq_s16(a, b); }
  static M eq(V a, V b) { return vceqq_s16(a, b); }
  static V select(M m, V a, V b) { return vbslq_s16(m, a, b); }
  // SQRDMULH is gemmlowp's SaturatingRoundingDoublingHighMul, saturation included.
  static V mul(V a, V b) { return vqrdmulhq_s16(a, b); }
  // Not SRSHR: that rounds ties up, gemmlowp away from zero.
  template <int e>
  static V rdivpot(V x) {
    constexpr int16_t kMask = static_cast<int16_t>((1 << e) - 1);
    const V remainder = vandq_s16(x, vdupq_n_s16(kMask));
    const V threshold =
        vaddq_s16(vdupq_n_s16(kMask >> 1), vreinterpretq_s16_u16(vshrq_n_u16(vreinterpretq_u16_s16(x), 15)));
    return vsubq_s16(vshrq_n_s16(x, e), vreinterpretq_s16_u16(vcgtq_s16(remainder, threshold)));
  }
  template <int e>
  static V shl_sat(V x) {
    return vqshlq_n_s16(x, e);
  }
  // (a + 32767 + 1) >> 1 without overflow.
  static V half_sum_with_one(V a) { return vrhaddq_s16(a, vdupq_n_s16(32767)); }
};

}  // namespace

#include "kernels/ops/lstm/lstm_step_simd.h"

namespace eb {

void lstm_sigmoid_neon(size_t n, const int16_t* x, int16_t* y) { fx_sigmoid_all<NeonLanes>(n, x, y); }
void lstm_tanh_neon(int integer_bits, size_t n, const int16_t* x, int16_t* y) {
  fx_tanh_all<NeonLanes>(integer_bits, n, x, y);
}
void lstm_activate_gates_neon(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate) {
  fx_gates_all<NeonLanes>(n, sigmoid_gates, n_sigmoid, tanh_gate);
}

// SQADD, SHL, SQRDMULH (gemmlowp's SaturatingRoundingDoublingHighMul exactly), RoundingDivideByPOT as
// (r >> right) + (remainder > (mask >> 1) + (r < 0)), then SQXTN after the int16 add.
void lstm_gate_accumulate_neon(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                               int16_t* gate) {
  const int32x4_t left = vdupq_n_s32(shift > 0 ? shift : 0);
  const int right = shift > 0 ? 0 : -shift;
  const int32x4_t neg_right = vdupq_n_s32(-right);
  const int32x4_t mask = vdupq_n_s32(static_cast<int32_t>((int64_t{1} << right) - 1));
  const int32x4_t half_mask = vshrq_n_s32(mask, 1);
  auto four = [&](const int32_t* d, const int32_t* b, int16_t* g) {
    int32x4_t x = vqaddq_s32(vld1q_s32(b), vld1q_s32(d));
    x = vshlq_s32(x, left);
    int32x4_t r = vqrdmulhq_n_s32(x, multiplier);
    const int32x4_t remainder = vandq_s32(r, mask);
    const int32x4_t threshold =
        vaddq_s32(half_mask, vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(r), 31)));
    r = vsubq_s32(vshlq_s32(r, neg_right), vreinterpretq_s32_u32(vcgtq_s32(remainder, threshold)));
    const int32x4_t acc = vaddq_s32(r, vmovl_s16(vld1_s16(g)));
    vst1_s16(g, vqmovn_s32(acc));
  };
  size_t i = 0;
  for (; i + 4 <= n; i += 4) four(dots + i, bias + i, gate + i);
  if (i < n) {
    int32_t d[4] = {}, b[4] = {};
    int16_t g[4] = {};
    for (size_t j = i; j < n; ++j) {
      d[j - i] = dots[j];
      b[j - i] = bias[j];
      g[j - i] = gate[j];
    }
    four(d, b, g);
    for (size_t j = i; j < n; ++j) gate[j] = g[j - i];
  }
}

}  // namespace eb

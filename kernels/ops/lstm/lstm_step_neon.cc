// NEON integer LSTM step microkernels: the int16 fixed-point activations on 8 lanes (lstm_step_simd.h's
// body); the gate accumulation, cell update and hidden values on 4 int32 lanes.
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

// gemmlowp's RoundingDivideByPOT by a run-time exponent: (x >> e) + (remainder > (mask >> 1) + (x < 0)).
// Not SRSHL: that rounds ties up, gemmlowp away from zero.
struct RoundingShift4 {
  int32x4_t neg_e, mask, half_mask;
  explicit RoundingShift4(int e)
      : neg_e(vdupq_n_s32(-e)),
        mask(vdupq_n_s32(static_cast<int32_t>((int64_t{1} << e) - 1))),
        half_mask(vshrq_n_s32(mask, 1)) {}
  int32x4_t operator()(int32x4_t x) const {
    const int32x4_t remainder = vandq_s32(x, mask);
    const int32x4_t threshold =
        vaddq_s32(half_mask, vreinterpretq_s32_u32(vshrq_n_u32(vreinterpretq_u32_s32(x), 31)));
    return vsubq_s32(vshlq_s32(x, neg_e), vreinterpretq_s32_u32(vcgtq_s32(remainder, threshold)));
  }
};

// TFLite's MultiplyByQuantizedMultiplier: SHL (wrapping), SQRDMULH, the rounding right shift.
struct Requantize4 {
  int32x4_t left;
  int32_t m;
  RoundingShift4 right;
  Requantize4(int32_t multiplier, int shift)
      : left(vdupq_n_s32(shift > 0 ? shift : 0)), m(multiplier), right(shift > 0 ? 0 : -shift) {}
  int32x4_t operator()(int32x4_t x) const { return right(vqrdmulhq_n_s32(vshlq_s32(x, left), m)); }
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

// SQADD, SHL, SQRDMULH (gemmlowp's SaturatingRoundingDoublingHighMul exactly), the rounding right
// shift, then SQXTN after the int16 add.
void lstm_gate_accumulate_neon(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                               int16_t* gate) {
  const Requantize4 q(multiplier, shift);
  auto four = [&](const int32_t* d, const int32_t* b, int16_t* g) {
    const int32x4_t acc = vaddq_s32(q(vqaddq_s32(vld1q_s32(b), vld1q_s32(d))), vmovl_s16(vld1_s16(g)));
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

// Products widened (SMULL), rounded back (static_cast<int16_t>: XTN), summed with saturation (SQXTN).
void lstm_cell_update_neon(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g, int cell_shift,
                           int16_t clip) {
  const RoundingShift4 by15(15), by_cell(cell_shift);
  const int16x4_t hi = vdup_n_s16(clip > 0 ? clip : 32767), lo = vdup_n_s16(clip > 0 ? static_cast<int16_t>(-clip) : -32768);
  const int16x4_t one = vdup_n_s16(32767);
  auto four = [&](int16_t* cp, const int16_t* fp, const int16_t* ip, const int16_t* gp) {
    const int16x4_t fv = vld1_s16(fp);
    const int16x4_t kept = vmovn_s32(by15(vmull_s16(fv, vld1_s16(cp))));
    const int16x4_t iv = ip != nullptr ? vld1_s16(ip) : vsub_s16(one, fv);  // CIFG: 1 - f, wrapping
    const int16x4_t update = vmovn_s32(by_cell(vmull_s16(iv, vld1_s16(gp))));
    const int16x4_t v = vqmovn_s32(vaddl_s16(kept, update));
    vst1_s16(cp, vmin_s16(hi, vmax_s16(lo, v)));
  };
  size_t i = 0;
  for (; i + 4 <= n; i += 4) four(c + i, f + i, in != nullptr ? in + i : nullptr, g + i);
  if (i < n) {
    int16_t cb[4] = {}, fb[4] = {}, ib[4] = {}, gb[4] = {};
    for (size_t j = i; j < n; ++j) {
      cb[j - i] = c[j];
      fb[j - i] = f[j];
      ib[j - i] = in != nullptr ? in[j] : 0;
      gb[j - i] = g[j];
    }
    four(cb, fb, in != nullptr ? ib : nullptr, gb);
    for (size_t j = i; j < n; ++j) c[j] = cb[j - i];
  }
}

void lstm_hidden_neon(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift, int32_t zero_point,
                      int8_t* hidden) {
  const Requantize4 q(multiplier, shift);
  const int32x4_t zp = vdupq_n_s32(zero_point);
  auto four = [&](const int16_t* op, const int16_t* tp, int8_t* hp) {
    const int32x4_t v = vaddq_s32(q(vmull_s16(vld1_s16(op), vld1_s16(tp))), zp);
    const int16x4_t v16 = vqmovn_s32(v);
    int8_t bytes[8];
    vst1_s8(bytes, vqmovn_s16(vcombine_s16(v16, v16)));
    for (int j = 0; j < 4; ++j) hp[j] = bytes[j];
  };
  size_t i = 0;
  for (; i + 4 <= n; i += 4) four(o + i, t + i, hidden + i);
  if (i < n) {
    int16_t ob[4] = {}, tb[4] = {};
    int8_t hb[4];
    for (size_t j = i; j < n; ++j) {
      ob[j - i] = o[j];
      tb[j - i] = t[j];
    }
    four(ob, tb, hb);
    for (size_t j = i; j < n; ++j) hidden[j] = hb[j - i];
  }
}

}  // namespace eb

// NEON int16 fixed-point LSTM activations: 8 lanes (lstm_activation_simd.h's body).
#include <arm_neon.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/lstm/lstm_activation_ukernels.h"

namespace {

struct NeonLanes {
  using V = int16x8_t;
  using M = uint16x8_t;
  static constexpr size_t kLanes = 8;
  static V dup(int16_t v) { return vdupq_n_s16(v); }
  static V load(const int16_t* p) { return vld1q_s16(p); }
  static void store(int16_t* p, V v) { vst1q_s16(p, v); }
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

#include "kernels/ops/lstm/lstm_activation_simd.h"

namespace eb {

void lstm_sigmoid_neon(size_t n, const int16_t* x, int16_t* y) { fx_sigmoid_all<NeonLanes>(n, x, y); }
void lstm_tanh_neon(int integer_bits, size_t n, const int16_t* x, int16_t* y) {
  fx_tanh_all<NeonLanes>(integer_bits, n, x, y);
}

}  // namespace eb

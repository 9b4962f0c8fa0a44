// AVX2 integer LSTM step microkernels: the int16 fixed-point activations on 16 lanes (lstm_step_simd.h's
// body); the gate accumulation, cell update and hidden values on 8 int32 lanes.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/lstm/lstm_step_ukernels.h"

namespace {

struct Avx2Lanes {
  using V = __m256i;
  using M = __m256i;  // all-ones lanes
  static constexpr size_t kLanes = 16;
  static V dup(int16_t v) { return _mm256_set1_epi16(v); }
  static V load(const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(int16_t* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
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
  static V add(V a, V b) { return _mm256_add_epi16(a, b); }
  static V sub(V a, V b) { return _mm256_sub_epi16(a, b); }
  static V adds(V a, V b) { return _mm256_adds_epi16(a, b); }
  static V band(V a, V b) { return _mm256_and_si256(a, b); }
  static M gt(V a, V b) { return _mm256_cmpgt_epi16(a, b); }
  static M eq(V a, V b) { return _mm256_cmpeq_epi16(a, b); }
  static V select(M m, V a, V b) { return _mm256_blendv_epi8(b, a, m); }
  // PMULHRSW is floor((a b + 2^14) / 2^15), which equals gemmlowp's nudged truncation for every
  // product; only -32768 x -32768 differs (it wraps to -32768 where gemmlowp saturates to 32767), and
  // no other product gives -32768: flip exactly those lanes.
  static V mul(V a, V b) {
    const V r = _mm256_mulhrs_epi16(a, b);
    return _mm256_xor_si256(r, _mm256_cmpeq_epi16(r, _mm256_set1_epi16(-32768)));
  }
  // (x >> e) + (remainder > (mask >> 1) + (x < 0)): the compare's all-ones lanes are -1.
  template <int e>
  static V rdivpot(V x) {
    constexpr int16_t kMask = static_cast<int16_t>((1 << e) - 1);
    const V remainder = _mm256_and_si256(x, _mm256_set1_epi16(kMask));
    const V threshold = _mm256_add_epi16(_mm256_set1_epi16(kMask >> 1), _mm256_srli_epi16(x, 15));
    return _mm256_sub_epi16(_mm256_srai_epi16(x, e), _mm256_cmpgt_epi16(remainder, threshold));
  }
  // Doubling with saturation e times: saturates exactly when x * 2^e leaves int16, as gemmlowp's
  // thresholds do, and is exact otherwise.
  template <int e>
  static V shl_sat(V x) {
    for (int i = 0; i < e; ++i) x = _mm256_adds_epi16(x, x);
    return x;
  }
  // (a + 32767 + 1) >> 1 for a in [0, 32767]: PAVGW on the biased values.
  static V half_sum_with_one(V a) {
    const V bias = _mm256_set1_epi16(-32768);
    return _mm256_xor_si256(_mm256_avg_epu16(_mm256_xor_si256(a, bias), _mm256_set1_epi16(-1)), bias);
  }
};

// 8 int16 to int32 lanes, and back with int16 saturation (PACKSSDW's lane order fixed by VPERMQ).
__m256i load8_s16(const int16_t* p) { return _mm256_cvtepi16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
__m128i narrow8_saturated(__m256i v) {
  return _mm256_castsi256_si128(_mm256_permute4x64_epi64(_mm256_packs_epi32(v, v), 0x08));
}
void store8_s16_saturated(int16_t* p, __m256i v) { _mm_storeu_si128(reinterpret_cast<__m128i*>(p), narrow8_saturated(v)); }
// static_cast<int16_t> of each lane, sign-extended back.
__m256i sext16(__m256i v) { return _mm256_srai_epi32(_mm256_slli_epi32(v, 16), 16); }

// gemmlowp's RoundingDivideByPOT by a run-time exponent: (x >> e) + (remainder > (mask >> 1) + (x < 0)),
// the compare's all-ones lanes being -1.
struct RoundingShift8 {
  __m128i count;
  __m256i mask, half_mask;
  explicit RoundingShift8(int e)
      : count(_mm_cvtsi32_si128(e)),
        mask(_mm256_set1_epi32(static_cast<int32_t>((int64_t{1} << e) - 1))),
        half_mask(_mm256_srli_epi32(mask, 1)) {}
  __m256i operator()(__m256i x) const {
    const __m256i remainder = _mm256_and_si256(x, mask);
    const __m256i threshold = _mm256_add_epi32(half_mask, _mm256_srli_epi32(x, 31));
    return _mm256_sub_epi32(_mm256_sra_epi32(x, count), _mm256_cmpgt_epi32(remainder, threshold));
  }
};

// TFLite's MultiplyByQuantizedMultiplier on 8 int32 lanes, multiplier >= 0: the left shift (wrapping),
// SaturatingRoundingDoublingHighMul, whose nudged truncation of x m / 2^31 is floor((x m + 2^30) / 2^31)
// for every product (bits 31..62 of the sum; no saturation: m >= 0 > INT32_MIN), then the rounding right
// shift.
struct Requantize8 {
  __m128i left;
  __m256i m, nudge;
  RoundingShift8 right;
  Requantize8(int32_t multiplier, int shift)
      : left(_mm_cvtsi32_si128(shift > 0 ? shift : 0)),
        m(_mm256_set1_epi32(multiplier)),
        nudge(_mm256_set1_epi64x(int64_t{1} << 30)),
        right(shift > 0 ? 0 : -shift) {}
  __m256i operator()(__m256i x) const {
    x = _mm256_sll_epi32(x, left);
    const __m256i even = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(x, m), nudge), 31);
    const __m256i odd = _mm256_srli_epi64(_mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(x, 32), m), nudge), 31);
    return right(_mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA));
  }
};

}  // namespace

#include "kernels/ops/lstm/lstm_step_simd.h"

namespace eb {

void lstm_sigmoid_avx2(size_t n, const int16_t* x, int16_t* y) { fx_sigmoid_all<Avx2Lanes>(n, x, y); }
void lstm_tanh_avx2(int integer_bits, size_t n, const int16_t* x, int16_t* y) {
  fx_tanh_all<Avx2Lanes>(integer_bits, n, x, y);
}
void lstm_activate_gates_avx2(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate) {
  fx_gates_all<Avx2Lanes>(n, sigmoid_gates, n_sigmoid, tanh_gate);
}

void lstm_gate_accumulate_avx2(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                               int16_t* gate) {
  const Requantize8 q(multiplier, shift);
  const __m256i int32_max = _mm256_set1_epi32(0x7FFFFFFF);
  auto eight = [&](const int32_t* d, const int32_t* b, int16_t* g) {
    const __m256i dv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(d));
    const __m256i bv = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b));
    // Saturating add: on overflow (both operands' signs differ from the sum's) the limit of b's sign.
    __m256i x = _mm256_add_epi32(bv, dv);
    const __m256i overflow = _mm256_and_si256(_mm256_xor_si256(bv, x), _mm256_xor_si256(dv, x));
    const __m256i limit = _mm256_xor_si256(_mm256_srai_epi32(bv, 31), int32_max);
    x = _mm256_castps_si256(
        _mm256_blendv_ps(_mm256_castsi256_ps(x), _mm256_castsi256_ps(limit), _mm256_castsi256_ps(overflow)));
    const __m256i acc = _mm256_add_epi32(q(x), load8_s16(g));
    store8_s16_saturated(g, acc);
  };
  size_t i = 0;
  for (; i + 8 <= n; i += 8) eight(dots + i, bias + i, gate + i);
  if (i < n) {
    int32_t d[8] = {}, b[8] = {};
    int16_t g[8] = {};
    for (size_t j = i; j < n; ++j) {
      d[j - i] = dots[j];
      b[j - i] = bias[j];
      g[j - i] = gate[j];
    }
    eight(d, b, g);
    for (size_t j = i; j < n; ++j) gate[j] = g[j - i];
  }
}

void lstm_cell_update_avx2(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g, int cell_shift,
                           int16_t clip) {
  const RoundingShift8 by15(15), by_cell(cell_shift);
  const __m256i one = _mm256_set1_epi32(32767);
  const __m128i hi = _mm_set1_epi16(clip > 0 ? clip : 32767), lo = _mm_set1_epi16(clip > 0 ? -clip : -32768);
  auto eight = [&](int16_t* cp, const int16_t* fp, const int16_t* ip, const int16_t* gp) {
    const __m256i fv = load8_s16(fp);
    const __m256i kept = sext16(by15(_mm256_mullo_epi32(fv, load8_s16(cp))));
    // CIFG: the input gate is 1 - f (int16 wrapping, as gemmlowp's Sub1Vector).
    const __m256i iv = ip != nullptr ? load8_s16(ip) : sext16(_mm256_sub_epi32(one, fv));
    const __m256i update = sext16(by_cell(_mm256_mullo_epi32(iv, load8_s16(gp))));
    const __m128i v = narrow8_saturated(_mm256_add_epi32(kept, update));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(cp), _mm_min_epi16(hi, _mm_max_epi16(lo, v)));
  };
  size_t i = 0;
  for (; i + 8 <= n; i += 8) eight(c + i, f + i, in != nullptr ? in + i : nullptr, g + i);
  if (i < n) {
    int16_t cb[8] = {}, fb[8] = {}, ib[8] = {}, gb[8] = {};
    for (size_t j = i; j < n; ++j) {
      cb[j - i] = c[j];
      fb[j - i] = f[j];
      ib[j - i] = in != nullptr ? in[j] : 0;
      gb[j - i] = g[j];
    }
    eight(cb, fb, in != nullptr ? ib : nullptr, gb);
    for (size_t j = i; j < n; ++j) c[j] = cb[j - i];
  }
}

void lstm_hidden_avx2(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift, int32_t zero_point,
                      int8_t* hidden) {
  const Requantize8 q(multiplier, shift);
  const __m256i zp = _mm256_set1_epi32(zero_point);
  auto eight = [&](const int16_t* op, const int16_t* tp, int8_t* hp) {
    const __m256i v = _mm256_add_epi32(q(_mm256_mullo_epi32(load8_s16(op), load8_s16(tp))), zp);
    const __m128i v16 = narrow8_saturated(v);
    _mm_storel_epi64(reinterpret_cast<__m128i*>(hp), _mm_packs_epi16(v16, v16));
  };
  size_t i = 0;
  for (; i + 8 <= n; i += 8) eight(o + i, t + i, hidden + i);
  if (i < n) {
    int16_t ob[8] = {}, tb[8] = {};
    int8_t hb[8];
    for (size_t j = i; j < n; ++j) {
      ob[j - i] = o[j];
      tb[j - i] = t[j];
    }
    eight(ob, tb, hb);
    for (size_t j = i; j < n; ++j) hidden[j] = hb[j - i];
  }
}

}  // namespace eb

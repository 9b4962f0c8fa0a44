// AVX-512BW integer LSTM step microkernels: the int16 fixed-point activations on 32 lanes (lstm_step_simd.h's
// body); the gate accumulation, cell update and hidden values on 16 int32 lanes; tails masked.
// GCC 12's AVX-512 shift intrinsics start from _mm512_undefined_*(), which -Wuninitialized reports from
// inside the header: a known false positive.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/lstm/lstm_step_ukernels.h"

namespace {

struct Avx512Lanes {
  using V = __m512i;
  using M = __mmask32;
  static constexpr size_t kLanes = 32;
  static V dup(int16_t v) { return _mm512_set1_epi16(v); }
  static V load(const int16_t* p) { return _mm512_loadu_si512(p); }
  static void store(int16_t* p, V v) { _mm512_storeu_si512(p, v); }
  static __mmask32 first(size_t m) { return static_cast<__mmask32>((uint64_t{1} << m) - 1); }
  static V load_n(const int16_t* p, size_t m) { return _mm512_maskz_loadu_epi16(first(m), p); }
  static void store_n(int16_t* p, V v, size_t m) { _mm512_mask_storeu_epi16(p, first(m), v); }
  static V add(V a, V b) { return _mm512_add_epi16(a, b); }
  static V sub(V a, V b) { return _mm512_sub_epi16(a, b); }
  static V adds(V a, V b) { return _mm512_adds_epi16(a, b); }
  static V band(V a, V b) { return _mm512_and_si512(a, b); }
  static M gt(V a, V b) { return _mm512_cmpgt_epi16_mask(a, b); }
  static M eq(V a, V b) { return _mm512_cmpeq_epi16_mask(a, b); }
  static V select(M m, V a, V b) { return _mm512_mask_blend_epi16(m, b, a); }
  // As the AVX2 lanes: PMULHRSW, with the one wrapped product (-32768 x -32768) saturated.
  static V mul(V a, V b) {
    const V r = _mm512_mulhrs_epi16(a, b);
    return _mm512_mask_mov_epi16(r, _mm512_cmpeq_epi16_mask(r, _mm512_set1_epi16(-32768)), _mm512_set1_epi16(32767));
  }
  template <int e>
  static V rdivpot(V x) {
    constexpr int16_t kMask = static_cast<int16_t>((1 << e) - 1);
    const V remainder = _mm512_and_si512(x, _mm512_set1_epi16(kMask));
    const V threshold = _mm512_add_epi16(_mm512_set1_epi16(kMask >> 1), _mm512_srli_epi16(x, 15));
    const V shifted = _mm512_srai_epi16(x, e);
    return _mm512_mask_add_epi16(shifted, _mm512_cmpgt_epi16_mask(remainder, threshold), shifted, _mm512_set1_epi16(1));
  }
  template <int e>
  static V shl_sat(V x) {
    for (int i = 0; i < e; ++i) x = _mm512_adds_epi16(x, x);
    return x;
  }
  static V half_sum_with_one(V a) {
    const V bias = _mm512_set1_epi16(-32768);
    return _mm512_xor_si512(_mm512_avg_epu16(_mm512_xor_si512(a, bias), _mm512_set1_epi16(-1)), bias);
  }
};

__mmask16 first16(size_t m) { return m >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << m) - 1); }
// static_cast<int16_t> of each lane, sign-extended back.
__m512i sext16(__m512i v) { return _mm512_srai_epi32(_mm512_slli_epi32(v, 16), 16); }

struct RoundingShift16 {
  __m128i count;
  __m512i mask, half_mask;
  explicit RoundingShift16(int e)
      : count(_mm_cvtsi32_si128(e)),
        mask(_mm512_set1_epi32(static_cast<int32_t>((int64_t{1} << e) - 1))),
        half_mask(_mm512_srli_epi32(mask, 1)) {}
  __m512i operator()(__m512i x) const {
    const __m512i remainder = _mm512_and_si512(x, mask);
    const __m512i threshold = _mm512_add_epi32(half_mask, _mm512_srli_epi32(x, 31));
    const __m512i shifted = _mm512_sra_epi32(x, count);
    return _mm512_mask_add_epi32(shifted, _mm512_cmpgt_epi32_mask(remainder, threshold), shifted, _mm512_set1_epi32(1));
  }
};

struct Requantize16 {
  __m128i left;
  __m512i m, nudge;
  RoundingShift16 right;
  Requantize16(int32_t multiplier, int shift)
      : left(_mm_cvtsi32_si128(shift > 0 ? shift : 0)),
        m(_mm512_set1_epi32(multiplier)),
        nudge(_mm512_set1_epi64(int64_t{1} << 30)),
        right(shift > 0 ? 0 : -shift) {}
  __m512i operator()(__m512i x) const {
    x = _mm512_sll_epi32(x, left);
    const __m512i even = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(x, m), nudge), 31);
    const __m512i odd = _mm512_srli_epi64(_mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), m), nudge), 31);
    return right(_mm512_mask_mov_epi32(even, static_cast<__mmask16>(0xAAAA), _mm512_slli_epi64(odd, 32)));
  }
};

}  // namespace

#include "kernels/ops/lstm/lstm_step_simd.h"

namespace eb {

void lstm_sigmoid_avx512(size_t n, const int16_t* x, int16_t* y) { fx_sigmoid_all<Avx512Lanes>(n, x, y); }
void lstm_tanh_avx512(int integer_bits, size_t n, const int16_t* x, int16_t* y) {
  fx_tanh_all<Avx512Lanes>(integer_bits, n, x, y);
}
void lstm_activate_gates_avx512(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate) {
  fx_gates_all<Avx512Lanes>(n, sigmoid_gates, n_sigmoid, tanh_gate);
}

// As the AVX2 kernels (lstm_step_avx2.cc, which explains each step), 16 lanes, the tails masked.
void lstm_gate_accumulate_avx512(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                                 int16_t* gate) {
  const Requantize16 q(multiplier, shift);
  const __m512i int32_max = _mm512_set1_epi32(0x7FFFFFFF);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 k = first16(n - i);
    const __m512i dv = _mm512_maskz_loadu_epi32(k, dots + i);
    const __m512i bv = _mm512_maskz_loadu_epi32(k, bias + i);
    __m512i x = _mm512_add_epi32(bv, dv);
    const __mmask16 overflow = _mm512_movepi32_mask(_mm512_and_si512(_mm512_xor_si512(bv, x), _mm512_xor_si512(dv, x)));
    x = _mm512_mask_mov_epi32(x, overflow, _mm512_xor_si512(_mm512_srai_epi32(bv, 31), int32_max));
    const __m512i acc = _mm512_add_epi32(q(x), _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, gate + i)));
    _mm256_mask_storeu_epi16(gate + i, k, _mm512_cvtsepi32_epi16(acc));
  }
}

void lstm_cell_update_avx512(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g,
                             int cell_shift, int16_t clip) {
  const RoundingShift16 by15(15), by_cell(cell_shift);
  const __m512i one = _mm512_set1_epi32(32767);
  const __m256i hi = _mm256_set1_epi16(clip > 0 ? clip : 32767), lo = _mm256_set1_epi16(clip > 0 ? -clip : -32768);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 k = first16(n - i);
    const __m512i fv = _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, f + i));
    const __m512i cv = _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, c + i));
    const __m512i kept = sext16(by15(_mm512_mullo_epi32(fv, cv)));
    const __m512i iv =
        in != nullptr ? _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, in + i)) : sext16(_mm512_sub_epi32(one, fv));
    const __m512i gv = _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, g + i));
    const __m512i update = sext16(by_cell(_mm512_mullo_epi32(iv, gv)));
    const __m256i v = _mm512_cvtsepi32_epi16(_mm512_add_epi32(kept, update));
    _mm256_mask_storeu_epi16(c + i, k, _mm256_min_epi16(hi, _mm256_max_epi16(lo, v)));
  }
}

void lstm_hidden_avx512(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift,
                        int32_t zero_point, int8_t* hidden) {
  const Requantize16 q(multiplier, shift);
  const __m512i zp = _mm512_set1_epi32(zero_point);
  for (size_t i = 0; i < n; i += 16) {
    const __mmask16 k = first16(n - i);
    const __m512i ov = _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, o + i));
    const __m512i tv = _mm512_cvtepi16_epi32(_mm256_maskz_loadu_epi16(k, t + i));
    const __m512i v = _mm512_add_epi32(q(_mm512_mullo_epi32(ov, tv)), zp);
    _mm_mask_storeu_epi8(hidden + i, k, _mm512_cvtsepi32_epi8(v));
  }
}

}  // namespace eb

// AVX-512BW int16 fixed-point LSTM activations: 32 lanes (lstm_activation_simd.h's body).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/lstm/lstm_activation_ukernels.h"

namespace {

struct Avx512Lanes {
  using V = __m512i;
  using M = __mmask32;
  static constexpr size_t kLanes = 32;
  static V dup(int16_t v) { return _mm512_set1_epi16(v); }
  static V load(const int16_t* p) { return _mm512_loadu_si512(p); }
  static void store(int16_t* p, V v) { _mm512_storeu_si512(p, v); }
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

}  // namespace

#include "kernels/ops/lstm/lstm_activation_simd.h"

namespace eb {

void lstm_sigmoid_avx512(size_t n, const int16_t* x, int16_t* y) { fx_sigmoid_all<Avx512Lanes>(n, x, y); }
void lstm_tanh_avx512(int integer_bits, size_t n, const int16_t* x, int16_t* y) {
  fx_tanh_all<Avx512Lanes>(integer_bits, n, x, y);
}

}  // namespace eb

// AVX2 int16 fixed-point LSTM activations: 16 lanes (lstm_activation_simd.h's body).
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/lstm/lstm_activation_ukernels.h"

namespace {

struct Avx2Lanes {
  using V = __m256i;
  using M = __m256i;  // all-ones lanes
  static constexpr size_t kLanes = 16;
  static V dup(int16_t v) { return _mm256_set1_epi16(v); }
  static V load(const int16_t* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); }
  static void store(int16_t* p, V v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); }
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

}  // namespace

#include "kernels/ops/lstm/lstm_activation_simd.h"

namespace eb {

void lstm_sigmoid_avx2(size_t n, const int16_t* x, int16_t* y) { fx_sigmoid_all<Avx2Lanes>(n, x, y); }
void lstm_tanh_avx2(int integer_bits, size_t n, const int16_t* x, int16_t* y) {
  fx_tanh_all<Avx2Lanes>(integer_bits, n, x, y);
}

}  // namespace eb

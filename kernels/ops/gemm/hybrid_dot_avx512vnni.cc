// int8 x int8 dot products for AVX-512 VNNI, four weight rows against one input row at a time, 64
// values per step. VPDPBUSD multiplies unsigned by signed bytes, so the input is biased to unsigned
// (x + 128, an XOR of the sign bit) and 128 * sum(w) is taken off at the end; sum(w) comes from a second
// VPDPBUSD of a row of ones. Both sums wrap modulo 2^32 like the reference's int32 accumulator, and
// (sum (x + 128) w) - 128 sum w = sum x w exactly modulo 2^32: the reference's bits for any int8 values,
// -128 included. Tails: masked loads (zeros add nothing to either sum). Contract: hybrid_dot_ukernels.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/hybrid_dot_ukernels.h"

namespace eb {
namespace {

static inline __m512i load_masked(const int8_t* p, __mmask64 m) { return _mm512_maskz_loadu_epi8(m, p); }

// The row's int32: lanes of sum((x + 128) * w) minus 128 * lanes of sum(w), reduced, all wrapping.
static inline int32_t finish(__m512i dot, __m512i wsum) {
  const __m512i v = _mm512_sub_epi32(dot, _mm512_slli_epi32(wsum, 7));
  return _mm512_reduce_add_epi32(v);  // integer adds: wrapping
}

}  // namespace

void hybrid_dot_s8_avx512vnni(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows,
                              int32_t* out) {
  const __m512i bias = _mm512_set1_epi8(static_cast<char>(0x80));
  const __m512i ones = _mm512_set1_epi8(1);
  const size_t n64 = n / 64 * 64;
  const __mmask64 tail = n == n64 ? 0 : (~__mmask64{0}) >> (64 - (n - n64));
  size_t r = 0;
  for (; r + 4 <= rows; r += 4) {
    const int8_t* w0 = w + r * w_stride;
    const int8_t* w1 = w0 + w_stride;
    const int8_t* w2 = w1 + w_stride;
    const int8_t* w3 = w2 + w_stride;
    __m512i d0 = _mm512_setzero_si512(), d1 = d0, d2 = d0, d3 = d0, s0 = d0, s1 = d0, s2 = d0, s3 = d0;
    // One step of 64 values (a full load, or the masked tail).
    const auto step = [&](size_t i, __mmask64 m) {
      const __m512i u = _mm512_xor_si512(load_masked(x + i, m), bias);
      const __m512i v0 = load_masked(w0 + i, m), v1 = load_masked(w1 + i, m);
      const __m512i v2 = load_masked(w2 + i, m), v3 = load_masked(w3 + i, m);
      d0 = _mm512_dpbusd_epi32(d0, u, v0);
      d1 = _mm512_dpbusd_epi32(d1, u, v1);
      d2 = _mm512_dpbusd_epi32(d2, u, v2);
      d3 = _mm512_dpbusd_epi32(d3, u, v3);
      s0 = _mm512_dpbusd_epi32(s0, ones, v0);
      s1 = _mm512_dpbusd_epi32(s1, ones, v1);
      s2 = _mm512_dpbusd_epi32(s2, ones, v2);
      s3 = _mm512_dpbusd_epi32(s3, ones, v3);
    };
    size_t i = 0;
    for (; i < n64; i += 64) step(i, ~__mmask64{0});
    if (tail) step(i, tail);
    out[r] = finish(d0, s0);
    out[r + 1] = finish(d1, s1);
    out[r + 2] = finish(d2, s2);
    out[r + 3] = finish(d3, s3);
  }
  for (; r < rows; ++r) {
    const int8_t* wr = w + r * w_stride;
    __m512i d = _mm512_setzero_si512(), s = d;
    size_t i = 0;
    for (; i < n64; i += 64) {
      const __m512i v = _mm512_loadu_si512(wr + i);
      d = _mm512_dpbusd_epi32(d, _mm512_xor_si512(_mm512_loadu_si512(x + i), bias), v);
      s = _mm512_dpbusd_epi32(s, ones, v);
    }
    if (tail) {
      const __m512i v = load_masked(wr + i, tail);
      d = _mm512_dpbusd_epi32(d, _mm512_xor_si512(load_masked(x + i, tail), bias), v);
      s = _mm512_dpbusd_epi32(s, ones, v);
    }
    out[r] = finish(d, s);
  }
}

}  // namespace eb

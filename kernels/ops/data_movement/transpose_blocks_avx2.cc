// SSE2 block transposes in the AVX2 file: x86-64 always has SSE2, but edgebench's x86 fast paths start
// at AVX2, and one file per path keeps the ISA-linkage rule simple. See transpose_blocks.h.
#include <immintrin.h>

#include <cstring>

#include "kernels/ops/data_movement/transpose_blocks.h"

namespace eb {
namespace {

// One rung of the unpack ladder. Number a block element by its register r and lane l (B = 2^k
// registers of B lanes); interleaving register j with register j + B/2, low halves into register 2j
// and high halves into 2j + 1, rotates the 2k-bit address (r, l) left by one bit. k rungs rotate it by
// k bits: register l then holds lane r of every input row, the transpose.
template <typename Lo, typename Hi>
inline void rung(__m128i* x, int b, Lo lo, Hi hi) {
  __m128i t[16];
  for (int j = 0; j < b / 2; ++j) {
    t[2 * j] = lo(x[j], x[j + b / 2]);
    t[2 * j + 1] = hi(x[j], x[j + b / 2]);
  }
  for (int j = 0; j < b; ++j) x[j] = t[j];
}

template <int B, int Rungs, typename Lo, typename Hi>
inline void blocks(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0, int64_t n1,
                   Lo lo, Hi hi) {
  constexpr int64_t kElem = 16 / B;
  for (int64_t b = 0; b + B <= n1; b += B)
    for (int64_t a = 0; a + B <= n0; a += B) {
      __m128i x[B];
      for (int r = 0; r < B; ++r)
        x[r] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + (b + r) * in_step1 + a * kElem));
      for (int k = 0; k < Rungs; ++k) rung(x, B, lo, hi);
      for (int c = 0; c < B; ++c)
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (a + c) * out_step0 + b * kElem), x[c]);
    }
}

}  // namespace

void transpose_blocks_x8_avx2(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0,
                              int64_t n1) {
  blocks<16, 4>(in, in_step1, out, out_step0, n0, n1, [](__m128i a, __m128i b) { return _mm_unpacklo_epi8(a, b); },
                [](__m128i a, __m128i b) { return _mm_unpackhi_epi8(a, b); });
}

void transpose_blocks_x16_avx2(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0,
                               int64_t n1) {
  blocks<8, 3>(in, in_step1, out, out_step0, n0, n1, [](__m128i a, __m128i b) { return _mm_unpacklo_epi16(a, b); },
               [](__m128i a, __m128i b) { return _mm_unpackhi_epi16(a, b); });
}

void transpose_blocks_x32_avx2(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0,
                               int64_t n1) {
  blocks<4, 2>(in, in_step1, out, out_step0, n0, n1, [](__m128i a, __m128i b) { return _mm_unpacklo_epi32(a, b); },
               [](__m128i a, __m128i b) { return _mm_unpackhi_epi32(a, b); });
}

}  // namespace eb

// y = table[x] on AVX-512BW: 64 bytes per step, the AVX2 scheme on 512-bit PSHUFB (lut_x8_ukernels.h);
// the tail runs the same step under a byte mask.
#include <immintrin.h>

#include <cstring>

#include "kernels/ops/lut/lut_x8_fold.h"
#include "kernels/ops/lut/lut_x8_ukernels.h"

namespace eb {
namespace {

inline __m512i lookup64(__m512i x, const __m512i* u) {
  const __m512i step = _mm512_set1_epi8(16);
  __m512i y = _mm512_shuffle_epi8(u[0], x);
  for (int k = 1; k <= 8; ++k) {
    x = _mm512_sub_epi8(x, step);
    y = _mm512_xor_si512(y, _mm512_shuffle_epi8(u[k], x));
  }
  for (int k = 9; k < 16; ++k) {
    x = _mm512_subs_epi8(x, step);
    y = _mm512_xor_si512(y, _mm512_shuffle_epi8(u[k], x));
  }
  return y;
}

}  // namespace

void lut_x8_avx512(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table) {
  alignas(64) uint8_t folded[256];
  lut_x8_fold_rows(table, folded);
  // Each row repeated in the four 128-bit lanes (PSHUFB looks up within a lane). Written out through
  // memory rather than _mm512_broadcast_i32x4, whose GCC 12 header trips -Wuninitialized.
  alignas(64) uint8_t lanes[64];
  __m512i u[16];
  for (int k = 0; k < 16; ++k) {
    for (int l = 0; l < 4; ++l) std::memcpy(lanes + 16 * l, folded + 16 * k, 16);
    u[k] = _mm512_load_si512(lanes);
  }
  for (; n >= 64; n -= 64, x += 64, y += 64)
    _mm512_storeu_si512(y, lookup64(_mm512_loadu_si512(x), u));
  if (n > 0) {
    const __mmask64 m = (__mmask64{1} << n) - 1;
    _mm512_mask_storeu_epi8(y, m, lookup64(_mm512_maskz_loadu_epi8(m, x), u));
  }
}

}  // namespace eb

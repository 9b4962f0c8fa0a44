// y = table[x] on AVX2: 32 bytes per step, sixteen PSHUFB lookups of folded rows (lut_x8_ukernels.h).
#include <immintrin.h>

#include <cstring>

#include "kernels/ops/lut/lut_x8_fold.h"
#include "kernels/ops/lut/lut_x8_ukernels.h"

namespace eb {
namespace {

inline __m256i lookup32(__m256i x, const __m256i* u) {
  const __m256i step = _mm256_set1_epi8(16);
  __m256i y = _mm256_shuffle_epi8(u[0], x);
  for (int k = 1; k <= 8; ++k) {
    x = _mm256_sub_epi8(x, step);
    y = _mm256_xor_si256(y, _mm256_shuffle_epi8(u[k], x));
  }
  for (int k = 9; k < 16; ++k) {
    x = _mm256_subs_epi8(x, step);
    y = _mm256_xor_si256(y, _mm256_shuffle_epi8(u[k], x));
  }
  return y;
}

}  // namespace

void lut_x8_avx2(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table) {
  alignas(32) uint8_t folded[256];
  lut_x8_fold_rows(table, folded);
  __m256i u[16];
  for (int k = 0; k < 16; ++k)
    u[k] = _mm256_broadcastsi128_si256(_mm_load_si128(reinterpret_cast<const __m128i*>(folded + 16 * k)));
  for (; n >= 32; n -= 32, x += 32, y += 32)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(y), lookup32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(x)), u));
  if (n > 0) {  // the tail through a zero-padded copy: no read or write past the ends
    alignas(32) uint8_t buf[32] = {};
    std::memcpy(buf, x, n);
    _mm256_store_si256(reinterpret_cast<__m256i*>(buf), lookup32(_mm256_load_si256(reinterpret_cast<const __m256i*>(buf)), u));
    std::memcpy(y, buf, n);
  }
}

}  // namespace eb

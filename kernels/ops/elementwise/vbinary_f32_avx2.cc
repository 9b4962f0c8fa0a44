// Float32 elementwise ADD / SUB / MUL / DIV / MAXIMUM / MINIMUM for AVX2, 8 lanes, masked tail; min/max take the value
// second so a NaN passes through as in std::max(x, lo). Contract: vbinary_f32_ukernels.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/vbinary_f32_ukernels.h"

namespace eb {

namespace {

__m256 load(const float* p, size_t inc) { return inc ? _mm256_loadu_ps(p) : _mm256_set1_ps(*p); }

__m256 load_masked(const float* p, size_t inc, __m256i mask) {
  return inc ? _mm256_maskload_ps(p, mask) : _mm256_set1_ps(*p);
}

__m256 apply(int op, __m256 x, __m256 y) {
  if (op == kVBinaryAdd) return _mm256_add_ps(x, y);
  if (op == kVBinarySub) return _mm256_sub_ps(x, y);
  if (op == kVBinaryDiv) return _mm256_div_ps(x, y);
  if (op == kVBinaryMax) return _mm256_max_ps(x, y);  // x > y ? x : y
  if (op == kVBinaryMin) return _mm256_min_ps(x, y);  // x < y ? x : y
  return _mm256_mul_ps(x, y);
}

}  // namespace

void vbinary_f32_avx2(size_t n, const float* a, size_t a_inc, const float* b, size_t b_inc, float* out,
                      const VBinaryF32Params* params) {
  const __m256 vmin = _mm256_set1_ps(params->min), vmax = _mm256_set1_ps(params->max);
  const int op = params->op;
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = apply(op, load(a + i * a_inc, a_inc), load(b + i * b_inc, b_inc));
    _mm256_storeu_ps(out + i, _mm256_min_ps(vmax, _mm256_max_ps(vmin, v)));
  }
  if (i < n) {
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n - i)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    const __m256 v = apply(op, load_masked(a + i * a_inc, a_inc, mask), load_masked(b + i * b_inc, b_inc, mask));
    _mm256_maskstore_ps(out + i, mask, _mm256_min_ps(vmax, _mm256_max_ps(vmin, v)));
  }
}

}  // namespace eb

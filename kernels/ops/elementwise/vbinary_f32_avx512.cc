// Float32 elementwise ADD / SUB / MUL / DIV / MAXIMUM / MINIMUM for AVX-512, 16 lanes, masked tail; min/max take the
// value second so a NaN passes through as in std::max(x, lo). Contract: vbinary_f32_ukernels.h.
// GCC 12's AVX-512 min/max intrinsics pass _mm512_undefined_ps() (a self-initialised variable) as the
// merge source, which -Wmaybe-uninitialized reports from inside the header: a known false positive.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "kernels/ops/elementwise/vbinary_f32_ukernels.h"

namespace eb {

namespace {

__m512 load(const float* p, size_t inc, __mmask16 mask) {
  return inc ? _mm512_maskz_loadu_ps(mask, p) : _mm512_set1_ps(*p);
}

__m512 apply(int op, __m512 x, __m512 y) {
  if (op == kVBinaryAdd) return _mm512_add_ps(x, y);
  if (op == kVBinarySub) return _mm512_sub_ps(x, y);
  if (op == kVBinaryDiv) return _mm512_div_ps(x, y);
  if (op == kVBinaryMax) return _mm512_max_ps(x, y);  // x > y ? x : y
  if (op == kVBinaryMin) return _mm512_min_ps(x, y);  // x < y ? x : y
  return _mm512_mul_ps(x, y);
}

}  // namespace

void vbinary_f32_avx512(size_t n, const float* a, size_t a_inc, const float* b, size_t b_inc, float* out,
                        const VBinaryF32Params* params) {
  const __m512 vmin = _mm512_set1_ps(params->min), vmax = _mm512_set1_ps(params->max);
  const int op = params->op;
  const __mmask16 full = static_cast<__mmask16>(0xFFFF);
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 v = apply(op, load(a + i * a_inc, a_inc, full), load(b + i * b_inc, b_inc, full));
    _mm512_storeu_ps(out + i, _mm512_min_ps(vmax, _mm512_max_ps(vmin, v)));
  }
  if (i < n) {
    const __mmask16 mask = static_cast<__mmask16>((1u << (n - i)) - 1u);
    const __m512 v = apply(op, load(a + i * a_inc, a_inc, mask), load(b + i * b_inc, b_inc, mask));
    _mm512_mask_storeu_ps(out + i, mask, _mm512_min_ps(vmax, _mm512_max_ps(vmin, v)));
  }
}

}  // namespace eb

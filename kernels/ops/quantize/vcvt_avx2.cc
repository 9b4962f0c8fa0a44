// QUANTIZE / DEQUANTIZE conversions for AVX2, 8 floats per step; tails go through a small stack
// buffer so they use the very same instructions. Contract: vcvt_ukernels.h.
#include <immintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels/ops/quantize/vcvt_ukernels.h"

namespace eb {
namespace {

// 8 floats -> 8 int32 codes (x * inv_scale, clamped, NaN to the lower bound, rounded to even, + zp).
// max_ps(v, lo) returns lo when v is NaN (the second operand): the reference's NaN mapping.
static inline __m256i quantize8(__m256 x, __m256 inv, __m256 lo, __m256 hi, __m256i zp) {
  const __m256 v = _mm256_min_ps(_mm256_max_ps(_mm256_mul_ps(x, inv), lo), hi);
  return _mm256_add_epi32(_mm256_cvtps_epi32(v), zp);
}

// 8 int32 codes, all inside the byte type's range, to 8 bytes (in order).
static inline uint64_t pack8(__m256i q, bool is_unsigned) {
  const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
  const __m128i w = _mm_packs_epi32(lo, hi);  // exact: the codes fit int16
  const __m128i b = is_unsigned ? _mm_packus_epi16(w, w) : _mm_packs_epi16(w, w);
  return static_cast<uint64_t>(_mm_cvtsi128_si64(b));
}

static inline void quantize(size_t n, const float* in, uint8_t* out, const VcvtQuantizeParams* p, bool is_unsigned) {
  const __m256 inv = _mm256_set1_ps(p->inv_scale), lo = _mm256_set1_ps(p->min_less_zp),
               hi = _mm256_set1_ps(p->max_less_zp);
  const __m256i zp = _mm256_set1_epi32(p->zero_point);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const uint64_t b = pack8(quantize8(_mm256_loadu_ps(in + i), inv, lo, hi, zp), is_unsigned);
    std::memcpy(out + i, &b, 8);
  }
  if (i < n) {
    float tail[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::memcpy(tail, in + i, (n - i) * sizeof(float));
    const uint64_t b = pack8(quantize8(_mm256_loadu_ps(tail), inv, lo, hi, zp), is_unsigned);
    std::memcpy(out + i, &b, n - i);
  }
}

static inline __m256 dequantize8(__m256i q, __m256i zp, __m256 scale) {
  return _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_sub_epi32(q, zp)), scale);
}

static inline void dequantize(size_t n, const uint8_t* in, float* out, const VcvtDequantizeParams* p, bool is_unsigned) {
  const __m256i zp = _mm256_set1_epi32(p->zero_point);
  const __m256 scale = _mm256_set1_ps(p->scale);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(in + i));
    const __m256i q = is_unsigned ? _mm256_cvtepu8_epi32(b) : _mm256_cvtepi8_epi32(b);
    _mm256_storeu_ps(out + i, dequantize8(q, zp, scale));
  }
  if (i < n) {
    uint8_t bytes[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    std::memcpy(bytes, in + i, n - i);
    const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes));
    const __m256i q = is_unsigned ? _mm256_cvtepu8_epi32(b) : _mm256_cvtepi8_epi32(b);
    float tail[8];
    _mm256_storeu_ps(tail, dequantize8(q, zp, scale));
    std::memcpy(out + i, tail, (n - i) * sizeof(float));
  }
}

}  // namespace

void vcvt_f32_qs8_avx2(size_t n, const float* in, int8_t* out, const VcvtQuantizeParams* p) {
  quantize(n, in, reinterpret_cast<uint8_t*>(out), p, false);
}
void vcvt_f32_qu8_avx2(size_t n, const float* in, uint8_t* out, const VcvtQuantizeParams* p) {
  quantize(n, in, out, p, true);
}
void vcvt_qs8_f32_avx2(size_t n, const int8_t* in, float* out, const VcvtDequantizeParams* p) {
  dequantize(n, reinterpret_cast<const uint8_t*>(in), out, p, false);
}
void vcvt_qu8_f32_avx2(size_t n, const uint8_t* in, float* out, const VcvtDequantizeParams* p) {
  dequantize(n, in, out, p, true);
}

}  // namespace eb

// MAX_POOL_2D and AVERAGE_POOL_2D microkernels for AVX2 (also run on the AVX-512 paths: pooling is
// bound by loads, and 256-bit lanes are as fast per byte there). Contract: pool_ukernels.h.
#include <immintrin.h>

#include <cfloat>
#include <cstddef>
#include <cstdint>

#include "kernels/ops/pooling/pool_ukernels.h"

namespace eb {

void maxpool_f32_avx2(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                      size_t channels, float* out, const PoolF32Params* params) {
  const __m256 vlo = _mm256_set1_ps(params->min), vhi = _mm256_set1_ps(params->max);
  const __m256 lowest = _mm256_set1_ps(-FLT_MAX);
  size_t c = 0;
  // max_ps(x, m) returns m when x is NaN or equal: the reference's m = m < x ? x : m.
  for (; c + 8 <= channels; c += 8) {
    __m256 m = lowest;
    for (size_t y = 0; y < rows; ++y) {
      const float* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) m = _mm256_max_ps(_mm256_loadu_ps(p), m);
    }
    _mm256_storeu_ps(out + c, _mm256_min_ps(vhi, _mm256_max_ps(vlo, m)));
  }
  if (c < channels) {
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(channels - c)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 m = lowest;
    for (size_t y = 0; y < rows; ++y) {
      const float* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) m = _mm256_max_ps(_mm256_maskload_ps(p, mask), m);
    }
    _mm256_maskstore_ps(out + c, mask, _mm256_min_ps(vhi, _mm256_max_ps(vlo, m)));
  }
}

namespace {

// Integer max is exact in any order; the two types differ only in the compare instructions.
struct S8 {
  using T = int8_t;
  static __m256i max256(__m256i a, __m256i b) { return _mm256_max_epi8(a, b); }
  static __m256i min256(__m256i a, __m256i b) { return _mm256_min_epi8(a, b); }
  static __m128i max128(__m128i a, __m128i b) { return _mm_max_epi8(a, b); }
  static __m128i min128(__m128i a, __m128i b) { return _mm_min_epi8(a, b); }
  static constexpr int kLowest = -128;
};
struct U8 {
  using T = uint8_t;
  static __m256i max256(__m256i a, __m256i b) { return _mm256_max_epu8(a, b); }
  static __m256i min256(__m256i a, __m256i b) { return _mm256_min_epu8(a, b); }
  static __m128i max128(__m128i a, __m128i b) { return _mm_max_epu8(a, b); }
  static __m128i min128(__m128i a, __m128i b) { return _mm_min_epu8(a, b); }
  static constexpr int kLowest = 0;
};

template <typename K>
void maxpool_q8(const typename K::T* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                size_t channels, typename K::T* out, const PoolQ8Params* params) {
  using T = typename K::T;
  const __m256i lo = _mm256_set1_epi8(static_cast<char>(params->min));
  const __m256i hi = _mm256_set1_epi8(static_cast<char>(params->max));
  const __m256i lowest = _mm256_set1_epi8(static_cast<char>(K::kLowest));
  size_t c = 0;
  for (; c + 32 <= channels; c += 32) {
    __m256i m = lowest;
    for (size_t y = 0; y < rows; ++y) {
      const T* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride)
        m = K::max256(m, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
    }
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + c), K::min256(hi, K::max256(lo, m)));
  }
  for (; c + 16 <= channels; c += 16) {
    __m128i m = _mm256_castsi256_si128(lowest);
    for (size_t y = 0; y < rows; ++y) {
      const T* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride)
        m = K::max128(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
    }
    m = K::min128(_mm256_castsi256_si128(hi), K::max128(_mm256_castsi256_si128(lo), m));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + c), m);
  }
  // Fewer than 16 channels left: byte loads past them could cross the end of the tensor.
  for (; c < channels; ++c) {
    int m = K::kLowest;
    for (size_t y = 0; y < rows; ++y) {
      const T* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) m = *p > m ? *p : m;
    }
    m = m < params->min ? params->min : m;
    out[c] = static_cast<T>(m > params->max ? params->max : m);
  }
}

// Integer average of one window: 8 channels per int32 vector sum, then the reference's rounding
// division per channel (a division per output value; the sums are where the time goes).
template <bool kUnsigned, typename T>
void avgpool_q8(const T* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride, size_t channels,
                T* out, const PoolQ8Params* params) {
  const int32_t count = rows * cols > 0 ? static_cast<int32_t>(rows * cols) : 1;
  auto finish = [&](int32_t sum) {
    int32_t v = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    v = v < params->min ? params->min : v;
    return static_cast<T>(v > params->max ? params->max : v);
  };
  size_t c = 0;
  for (; c + 8 <= channels; c += 8) {
    __m256i s = _mm256_setzero_si256();
    for (size_t y = 0; y < rows; ++y) {
      const T* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) {
        const __m128i b = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p));
        s = _mm256_add_epi32(s, kUnsigned ? _mm256_cvtepu8_epi32(b) : _mm256_cvtepi8_epi32(b));
      }
    }
    alignas(32) int32_t sums[8];
    _mm256_store_si256(reinterpret_cast<__m256i*>(sums), s);
    for (size_t j = 0; j < 8; ++j) out[c + j] = finish(sums[j]);
  }
  for (; c < channels; ++c) {
    int32_t sum = 0;
    for (size_t y = 0; y < rows; ++y) {
      const T* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) sum += *p;
    }
    out[c] = finish(sum);
  }
}

}  // namespace

void avgpool_f32_avx2(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                      size_t channels, float* out, const PoolF32Params* params) {
  const __m256 vlo = _mm256_set1_ps(params->min), vhi = _mm256_set1_ps(params->max);
  const __m256 count = _mm256_set1_ps(static_cast<float>(rows * cols > 0 ? rows * cols : 1));
  size_t c = 0;
  // Sums in the reference's order (0, then row by row), one IEEE division, then the clamp with the
  // value second so a NaN passes through as in std::max(v, lo).
  for (; c + 8 <= channels; c += 8) {
    __m256 s = _mm256_setzero_ps();
    for (size_t y = 0; y < rows; ++y) {
      const float* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) s = _mm256_add_ps(s, _mm256_loadu_ps(p));
    }
    _mm256_storeu_ps(out + c, _mm256_min_ps(vhi, _mm256_max_ps(vlo, _mm256_div_ps(s, count))));
  }
  if (c < channels) {
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(channels - c)),
                                            _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    __m256 s = _mm256_setzero_ps();
    for (size_t y = 0; y < rows; ++y) {
      const float* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) s = _mm256_add_ps(s, _mm256_maskload_ps(p, mask));
    }
    _mm256_maskstore_ps(out + c, mask, _mm256_min_ps(vhi, _mm256_max_ps(vlo, _mm256_div_ps(s, count))));
  }
}

void avgpool_s8_avx2(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, int8_t* out, const PoolQ8Params* params) {
  avgpool_q8<false>(in, rows, cols, row_stride, pixel_stride, channels, out, params);
}

void avgpool_u8_avx2(const uint8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, uint8_t* out, const PoolQ8Params* params) {
  avgpool_q8<true>(in, rows, cols, row_stride, pixel_stride, channels, out, params);
}

void maxpool_s8_avx2(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, int8_t* out, const PoolQ8Params* params) {
  maxpool_q8<S8>(in, rows, cols, row_stride, pixel_stride, channels, out, params);
}

void maxpool_u8_avx2(const uint8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, uint8_t* out, const PoolQ8Params* params) {
  maxpool_q8<U8>(in, rows, cols, row_stride, pixel_stride, channels, out, params);
}

}  // namespace eb

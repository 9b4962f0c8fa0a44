// Contract of the MAX_POOL_2D and AVERAGE_POOL_2D microkernels (pool_<isa>.cc).
//
// Included by ISA-specific files: plain structs and declarations only (no inline functions, templates
// or std:: types), so nothing compiled with AVX2 / NEON flags can leak into generic code.
//
// One output pixel: the window's taps that lie inside the input form a rectangle of `rows` x `cols`
// pixels starting at `in`; consecutive pixels of a row are `pixel_stride` elements apart, rows are
// `row_stride` elements apart, and each pixel holds `channels` values. For every channel c:
//   out[c] = clamp(max(lowest, taps...), min, max)
// with the reference's order of comparisons (m = m < x ? x : m), so a float NaN tap is skipped exactly
// as in max_pool2d_float32_ref. rows or cols of 0 give clamp(lowest).
//
// Average pool, same window description, per channel (as average_pool2d_*_ref):
//   float: s = 0 + taps in row-major order, out = clamp(s / count) (NaN propagates);
//   int8 / uint8: s = int32 sum of the raw taps, out = clamp((s +- count / 2) / count), rounding half
//   away from zero with C++'s truncating division, count = max(rows * cols, 1).
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

struct PoolF32Params {
  float min, max;  // fused activation clamp
};
struct PoolQ8Params {
  int32_t min, max;  // the type's range narrowed by the activation
};

using PoolF32Ukernel = void (*)(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                                   size_t channels, float* out, const PoolF32Params* params);
using PoolS8Ukernel = void (*)(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                                  size_t channels, int8_t* out, const PoolQ8Params* params);
using PoolU8Ukernel = void (*)(const uint8_t* in, size_t rows, size_t cols, size_t row_stride,
                                  size_t pixel_stride, size_t channels, uint8_t* out, const PoolQ8Params* params);

void maxpool_f32_avx2(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                      size_t channels, float* out, const PoolF32Params* params);
void maxpool_s8_avx2(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, int8_t* out, const PoolQ8Params* params);
void maxpool_u8_avx2(const uint8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, uint8_t* out, const PoolQ8Params* params);

void maxpool_f32_neon(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                      size_t channels, float* out, const PoolF32Params* params);
void maxpool_s8_neon(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, int8_t* out, const PoolQ8Params* params);
void maxpool_u8_neon(const uint8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, uint8_t* out, const PoolQ8Params* params);

void avgpool_f32_avx2(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                      size_t channels, float* out, const PoolF32Params* params);
void avgpool_s8_avx2(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, int8_t* out, const PoolQ8Params* params);
void avgpool_u8_avx2(const uint8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, uint8_t* out, const PoolQ8Params* params);

void avgpool_f32_neon(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                      size_t channels, float* out, const PoolF32Params* params);
void avgpool_s8_neon(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, int8_t* out, const PoolQ8Params* params);
void avgpool_u8_neon(const uint8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, uint8_t* out, const PoolQ8Params* params);

}  // namespace eb

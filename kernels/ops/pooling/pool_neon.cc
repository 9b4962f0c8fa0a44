// MAX_POOL_2D and AVERAGE_POOL_2D microkernels for aarch64 ASIMD. Contract: pool_ukernels.h.
#include <arm_neon.h>

#include <cfloat>
#include <cstddef>
#include <cstdint>

#include "kernels/ops/pooling/pool_ukernels.h"

namespace eb {
namespace {

// Integer average of one window: 8 channels per pair of int32 vector sums, then the reference's
// rounding division per channel.
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
    int32x4_t lo = vdupq_n_s32(0), hi = vdupq_n_s32(0);
    for (size_t y = 0; y < rows; ++y) {
      const T* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) {
        int16x8_t w;
        if constexpr (kUnsigned) w = vreinterpretq_s16_u16(vmovl_u8(vld1_u8(reinterpret_cast<const uint8_t*>(p))));
        else w = vmovl_s8(vld1_s8(reinterpret_cast<const int8_t*>(p)));
        lo = vaddw_s16(lo, vget_low_s16(w));
        hi = vaddw_s16(hi, vget_high_s16(w));
      }
    }
    int32_t sums[8];
    vst1q_s32(sums, lo);
    vst1q_s32(sums + 4, hi);
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

void avgpool_f32_neon(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                      size_t channels, float* out, const PoolF32Params* params) {
  const float32x4_t vlo = vdupq_n_f32(params->min), vhi = vdupq_n_f32(params->max);
  const float countf = static_cast<float>(rows * cols > 0 ? rows * cols : 1);
  const float32x4_t count = vdupq_n_f32(countf);
  size_t c = 0;
  // Sums in the reference's order, one IEEE division; the clamp selects so that a NaN passes through.
  for (; c + 4 <= channels; c += 4) {
    float32x4_t s = vdupq_n_f32(0.0f);
    for (size_t y = 0; y < rows; ++y) {
      const float* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) s = vaddq_f32(s, vld1q_f32(p));
    }
    float32x4_t v = vdivq_f32(s, count);
    v = vbslq_f32(vcltq_f32(v, vlo), vlo, v);
    vst1q_f32(out + c, vbslq_f32(vcltq_f32(vhi, v), vhi, v));
  }
  for (; c < channels; ++c) {
    float s = 0.0f;
    for (size_t y = 0; y < rows; ++y) {
      const float* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) s += *p;
    }
    float v = s / countf;
    v = v < params->min ? params->min : v;
    out[c] = params->max < v ? params->max : v;
  }
}

void avgpool_s8_neon(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, int8_t* out, const PoolQ8Params* params) {
  avgpool_q8<false>(in, rows, cols, row_stride, pixel_stride, channels, out, params);
}

void avgpool_u8_neon(const uint8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, uint8_t* out, const PoolQ8Params* params) {
  avgpool_q8<true>(in, rows, cols, row_stride, pixel_stride, channels, out, params);
}

void maxpool_f32_neon(const float* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                      size_t channels, float* out, const PoolF32Params* params) {
  const float32x4_t vlo = vdupq_n_f32(params->min), vhi = vdupq_n_f32(params->max);
  size_t c = 0;
  // FMAX would propagate a NaN tap; the reference skips it (m = m < x ? x : m): compare and select.
  for (; c + 4 <= channels; c += 4) {
    float32x4_t m = vdupq_n_f32(-FLT_MAX);
    for (size_t y = 0; y < rows; ++y) {
      const float* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) {
        const float32x4_t v = vld1q_f32(p);
        m = vbslq_f32(vcgtq_f32(v, m), v, m);
      }
    }
    m = vbslq_f32(vcltq_f32(m, vlo), vlo, m);
    vst1q_f32(out + c, vbslq_f32(vcltq_f32(vhi, m), vhi, m));
  }
  for (; c < channels; ++c) {
    float m = -FLT_MAX;
    for (size_t y = 0; y < rows; ++y) {
      const float* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) m = m < *p ? *p : m;
    }
    m = m < params->min ? params->min : m;
    out[c] = params->max < m ? params->max : m;
  }
}

void maxpool_s8_neon(const int8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, int8_t* out, const PoolQ8Params* params) {
  const int8x16_t lo = vdupq_n_s8(static_cast<int8_t>(params->min)), hi = vdupq_n_s8(static_cast<int8_t>(params->max));
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    int8x16_t m = vdupq_n_s8(INT8_MIN);
    for (size_t y = 0; y < rows; ++y) {
      const int8_t* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) m = vmaxq_s8(m, vld1q_s8(p));
    }
    vst1q_s8(out + c, vminq_s8(hi, vmaxq_s8(lo, m)));
  }
  for (; c < channels; ++c) {
    int m = INT8_MIN;
    for (size_t y = 0; y < rows; ++y) {
      const int8_t* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) m = *p > m ? *p : m;
    }
    m = m < params->min ? params->min : m;
    out[c] = static_cast<int8_t>(m > params->max ? params->max : m);
  }
}

void maxpool_u8_neon(const uint8_t* in, size_t rows, size_t cols, size_t row_stride, size_t pixel_stride,
                     size_t channels, uint8_t* out, const PoolQ8Params* params) {
  const uint8x16_t lo = vdupq_n_u8(static_cast<uint8_t>(params->min)), hi = vdupq_n_u8(static_cast<uint8_t>(params->max));
  size_t c = 0;
  for (; c + 16 <= channels; c += 16) {
    uint8x16_t m = vdupq_n_u8(0);
    for (size_t y = 0; y < rows; ++y) {
      const uint8_t* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) m = vmaxq_u8(m, vld1q_u8(p));
    }
    vst1q_u8(out + c, vminq_u8(hi, vmaxq_u8(lo, m)));
  }
  for (; c < channels; ++c) {
    int m = 0;
    for (size_t y = 0; y < rows; ++y) {
      const uint8_t* p = in + y * row_stride + c;
      for (size_t x = 0; x < cols; ++x, p += pixel_stride) m = *p > m ? *p : m;
    }
    m = m < params->min ? params->min : m;
    out[c] = static_cast<uint8_t>(m > params->max ? params->max : m);
  }
}

}  // namespace eb

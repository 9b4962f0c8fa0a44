#include <algorithm>
#include <cmath>
#include <cstring>

#include "kernels/ops/resize/resize.h"

namespace eb {
namespace {

float bilinear_scale(int32_t in, int32_t out, bool align_corners) {
  if (align_corners && out > 1) return static_cast<float>(in - 1) / static_cast<float>(out - 1);
  return static_cast<float>(in) / static_cast<float>(out);
}

// TFLite's ComputeInterpolationValues (float).
void source_coordinate(int32_t v, float scale, bool half_pixel_centers, int32_t in, float* src, int32_t* lo,
                       int32_t* hi) {
  const float value = static_cast<float>(v);
  *src = half_pixel_centers ? (value + 0.5f) * scale - 0.5f : value * scale;
  *lo = std::max(static_cast<int32_t>(std::floor(*src)), int32_t{0});
  *hi = std::min(static_cast<int32_t>(std::ceil(*src)), in - 1);
}

int32_t scale_10(int32_t in, int32_t out, bool align_corners) {
  if (align_corners && out > 1) return ((1 << 10) * (in - 1) + (out - 1) / 2) / (out - 1);
  return ((1 << 10) * in + out / 2) / out;
}

// TFLite's ComputeInterpolationValuesInteger: 10-bit fixed point, truncating C division.
void source_coordinate_10(int32_t v, int32_t scale, bool half_pixel_centers, int32_t in, int32_t* src, int32_t* lo,
                          int32_t* hi) {
  *src = half_pixel_centers ? v * scale + scale / 2 - (1 << 9) : v * scale;
  *lo = std::max(*src / (1 << 10), int32_t{0});
  *hi = std::min((*src + (1 << 10) - 1) / (1 << 10), in - 1);
  // The rounded scale can put the last source row one past the input when out^2 > ~2048 * in (e.g. 1 -> 1025):
  // TFLite then reads past the row; here the row is clamped, all the weight lands on the last row.
  *lo = std::min(*lo, in - 1);
}

template <typename T>
void resize_bilinear_integer(const T* input, const ResizeParams& p, T* output) {
  const int32_t sh = scale_10(p.in_h, p.out_h, p.align_corners);
  const int32_t sw = scale_10(p.in_w, p.out_w, p.align_corners);
  const size_t C = static_cast<size_t>(p.channels);
  const size_t row = static_cast<size_t>(p.in_w) * C;
  T* dst = output;
  for (int32_t b = 0; b < p.batches; ++b) {
    const T* image = input + static_cast<size_t>(b) * static_cast<size_t>(p.in_h) * row;
    for (int32_t y = 0; y < p.out_h; ++y) {
      int32_t iy, y0, y1;
      source_coordinate_10(y, sh, p.half_pixel_centers, p.in_h, &iy, &y0, &y1);
      const int64_t wy1 = iy - (1 << 10) * y0;  // weight of row y1, in 1/1024
      const int64_t wy0 = (1 << 10) - wy1;
      for (int32_t x = 0; x < p.out_w; ++x) {
        int32_t ix, x0, x1;
        source_coordinate_10(x, sw, p.half_pixel_centers, p.in_w, &ix, &x0, &x1);
        const int64_t wx1 = ix - (1 << 10) * x0;
        const int64_t wx0 = (1 << 10) - wx1;
        const T* p00 = image + static_cast<size_t>(y0) * row + static_cast<size_t>(x0) * C;
        const T* p10 = image + static_cast<size_t>(y1) * row + static_cast<size_t>(x0) * C;
        const T* p01 = image + static_cast<size_t>(y0) * row + static_cast<size_t>(x1) * C;
        const T* p11 = image + static_cast<size_t>(y1) * row + static_cast<size_t>(x1) * C;
        for (size_t c = 0; c < C; ++c) {
          const int64_t sum = static_cast<int64_t>(p00[c]) * wy0 * wx0 + static_cast<int64_t>(p10[c]) * wy1 * wx0 +
                              static_cast<int64_t>(p01[c]) * wy0 * wx1 + static_cast<int64_t>(p11[c]) * wy1 * wx1;
          const int64_t round = sum > 0 ? (int64_t{1} << 19) : -(int64_t{1} << 19);
          *dst++ = static_cast<T>((sum + round) / (int64_t{1} << 20));
        }
      }
    }
  }
}

// XNNPACK's source coordinate of output index v (xnn_indirection_init_resize_bilinear2d_hwc_q11): the
// neighbours lo/hi and the weight of hi in Q11, lrintf(alpha * 2048).
void xnnpack_source_q11(int32_t v, int32_t in, int32_t out, const ResizeParams& p, int32_t* lo, int32_t* hi, int32_t* w) {
  const int32_t adjust = (p.align_corners && out != 1) ? 1 : 0;
  const float scale = static_cast<float>(in - adjust) / static_cast<float>(out - adjust);
  float src = static_cast<float>(v) * scale;
  if (!p.align_corners && p.half_pixel_centers) {
    src += 0.5f * scale - 0.5f;
    src = std::min(std::max(src, 0.0f), static_cast<float>(in - 1));
  }
  *lo = std::min(static_cast<int32_t>(src), in - 1);
  *hi = std::min(*lo + 1, in - 1);
  *w = static_cast<int32_t>(static_cast<int16_t>(std::lrintf((src - static_cast<float>(*lo)) * 2048.0f)));
}

// XNNPACK's s8/u8 ibilinear microkernel arithmetic: horizontal then vertical blend in Q11 (22 fraction
// bits after both), rounded half up by adding 2^21 before the arithmetic shift. The zero point never
// enters: input and output share their parameters.
template <typename T>
void resize_bilinear_xnnpack(const T* input, const ResizeParams& p, T* output) {
  const size_t C = static_cast<size_t>(p.channels);
  const size_t row = static_cast<size_t>(p.in_w) * C;
  T* dst = output;
  for (int32_t b = 0; b < p.batches; ++b) {
    const T* image = input + static_cast<size_t>(b) * static_cast<size_t>(p.in_h) * row;
    for (int32_t y = 0; y < p.out_h; ++y) {
      int32_t y0, y1, wy;
      xnnpack_source_q11(y, p.in_h, p.out_h, p, &y0, &y1, &wy);
      for (int32_t x = 0; x < p.out_w; ++x) {
        int32_t x0, x1, wx;
        xnnpack_source_q11(x, p.in_w, p.out_w, p, &x0, &x1, &wx);
        const T* tl = image + static_cast<size_t>(y0) * row + static_cast<size_t>(x0) * C;
        const T* tr = image + static_cast<size_t>(y0) * row + static_cast<size_t>(x1) * C;
        const T* bl = image + static_cast<size_t>(y1) * row + static_cast<size_t>(x0) * C;
        const T* br = image + static_cast<size_t>(y1) * row + static_cast<size_t>(x1) * C;
        for (size_t c = 0; c < C; ++c) {
          const int32_t t = static_cast<int32_t>(static_cast<uint32_t>(tl[c]) << 11) + (tr[c] - tl[c]) * wx;
          const int32_t bo = static_cast<int32_t>(static_cast<uint32_t>(bl[c]) << 11) + (br[c] - bl[c]) * wx;
          const int32_t acc = static_cast<int32_t>(static_cast<uint32_t>(t) << 11) + (bo - t) * wy;
          *dst++ = static_cast<T>((acc + (1 << 21)) >> 22);
        }
      }
    }
  }
}

// TFLite's GetNearestNeighbor.
int32_t nearest_source(int32_t v, int32_t in, int32_t out, bool align_corners, bool half_pixel_centers) {
  const float scale = (align_corners && out > 1) ? static_cast<float>(in - 1) / static_cast<float>(out - 1)
                                                 : static_cast<float>(in) / static_cast<float>(out);
  const float offset = half_pixel_centers ? 0.5f : 0.0f;
  const float src = (static_cast<float>(v) + offset) * scale;
  int32_t r = std::min(static_cast<int32_t>(align_corners ? std::round(src) : std::floor(src)), in - 1);
  if (half_pixel_centers) r = std::max(r, int32_t{0});
  return r;
}

}  // namespace

void resize_bilinear_float32_ref(const float* input, const ResizeParams& p, float* output) {
  const float sh = bilinear_scale(p.in_h, p.out_h, p.align_corners);
  const float sw = bilinear_scale(p.in_w, p.out_w, p.align_corners);
  const size_t C = static_cast<size_t>(p.channels);
  const size_t row = static_cast<size_t>(p.in_w) * C;
  float* dst = output;
  for (int32_t b = 0; b < p.batches; ++b) {
    const float* image = input + static_cast<size_t>(b) * static_cast<size_t>(p.in_h) * row;
    for (int32_t y = 0; y < p.out_h; ++y) {
      float iy;
      int32_t y0, y1;
      source_coordinate(y, sh, p.half_pixel_centers, p.in_h, &iy, &y0, &y1);
      const float dy = iy - static_cast<float>(y0);
      for (int32_t x = 0; x < p.out_w; ++x) {
        float ix;
        int32_t x0, x1;
        source_coordinate(x, sw, p.half_pixel_centers, p.in_w, &ix, &x0, &x1);
        const float dx = ix - static_cast<float>(x0);
        const float* p00 = image + static_cast<size_t>(y0) * row + static_cast<size_t>(x0) * C;
        const float* p10 = image + static_cast<size_t>(y1) * row + static_cast<size_t>(x0) * C;
        const float* p01 = image + static_cast<size_t>(y0) * row + static_cast<size_t>(x1) * C;
        const float* p11 = image + static_cast<size_t>(y1) * row + static_cast<size_t>(x1) * C;
        for (size_t c = 0; c < C; ++c) {
          // TFLite's order of operations: value * y-weight * x-weight, summed left to right.
          const float a = p00[c] * (1 - dy) * (1 - dx);
          const float b2 = p10[c] * dy * (1 - dx);
          const float c2 = p01[c] * (1 - dy) * dx;
          const float d = p11[c] * dy * dx;
          *dst++ = ((a + b2) + c2) + d;
        }
      }
    }
  }
}

void resize_bilinear_int8_xnnpack_ref(const int8_t* input, const ResizeParams& p, int8_t* output) {
  resize_bilinear_xnnpack(input, p, output);
}

void resize_bilinear_uint8_xnnpack_ref(const uint8_t* input, const ResizeParams& p, uint8_t* output) {
  resize_bilinear_xnnpack(input, p, output);
}

void resize_bilinear_int8_ref(const int8_t* input, const ResizeParams& p, int8_t* output) {
  resize_bilinear_integer(input, p, output);
}

void resize_bilinear_uint8_ref(const uint8_t* input, const ResizeParams& p, uint8_t* output) {
  resize_bilinear_integer(input, p, output);
}

void resize_bilinear_int16_ref(const int16_t* input, const ResizeParams& p, int16_t* output) {
  resize_bilinear_integer(input, p, output);
}

void resize_nearest_neighbor_ref(const void* input, const ResizeParams& p, size_t elem_bytes, void* output) {
  const size_t pixel = static_cast<size_t>(p.channels) * elem_bytes;
  const size_t row = static_cast<size_t>(p.in_w) * pixel;
  const size_t image = static_cast<size_t>(p.in_h) * row;
  const uint8_t* in = static_cast<const uint8_t*>(input);
  uint8_t* dst = static_cast<uint8_t*>(output);
  for (int32_t b = 0; b < p.batches; ++b) {
    const uint8_t* src_image = in + static_cast<size_t>(b) * image;
    for (int32_t y = 0; y < p.out_h; ++y) {
      const int32_t sy = nearest_source(y, p.in_h, p.out_h, p.align_corners, p.half_pixel_centers);
      for (int32_t x = 0; x < p.out_w; ++x, dst += pixel) {
        const int32_t sx = nearest_source(x, p.in_w, p.out_w, p.align_corners, p.half_pixel_centers);
        if (pixel != 0) std::memcpy(dst, src_image + static_cast<size_t>(sy) * row + static_cast<size_t>(sx) * pixel, pixel);
      }
    }
  }
}

}  // namespace eb

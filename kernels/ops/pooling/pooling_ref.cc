// Reference pooling kernels: for each output pixel, walk the taps of the window that fall inside the input.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "kernels/ops/pooling/pooling.h"

namespace eb {
namespace {

// The part of one window that lies inside the input, as [y0, y1) x [x0, x1) in input coordinates.
struct Window {
  int32_t y0, y1, x0, x1;
  int32_t count() const { return (y1 - y0) * (x1 - x0); }
};

Window window_at(const PoolParams& p, int32_t oy, int32_t ox) {
  const int32_t iy = oy * p.stride_h - p.pad_top;
  const int32_t ix = ox * p.stride_w - p.pad_left;
  Window w;
  w.y0 = std::max(iy, 0);
  w.y1 = std::min(iy + p.filter_h, p.in_h);
  w.x0 = std::max(ix, 0);
  w.x1 = std::min(ix + p.filter_w, p.in_w);
  if (w.y1 < w.y0) w.y1 = w.y0;
  if (w.x1 < w.x0) w.x1 = w.x0;
  return w;
}

// Calls f(out_pixel_offset, window, in_batch_offset) for every output pixel.
template <typename F>
void for_each_window(const PoolParams& p, F&& f) {
  for (int32_t b = 0; b < p.batch; ++b) {
    const int64_t in_base = static_cast<int64_t>(b) * p.in_h * p.in_w * p.channels;
    for (int32_t oy = 0; oy < p.out_h; ++oy)
      for (int32_t ox = 0; ox < p.out_w; ++ox) {
        const int64_t out_off = ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * p.channels;
        f(out_off, window_at(p, oy, ox), in_base);
      }
  }
}

inline int64_t pixel(const PoolParams& p, int32_t y, int32_t x) { return (static_cast<int64_t>(y) * p.in_w + x) * p.channels; }

template <typename T>
void max_pool(const PoolParams& p, const T* input, T* output, T lo, T hi) {
  for_each_window(p, [&](int64_t out_off, const Window& w, int64_t in_base) {
    for (int32_t c = 0; c < p.channels; ++c) {
      T m = std::numeric_limits<T>::lowest();
      for (int32_t y = w.y0; y < w.y1; ++y)
        for (int32_t x = w.x0; x < w.x1; ++x) m = std::max(m, input[in_base + pixel(p, y, x) + c]);
      output[out_off + c] = std::min(std::max(m, lo), hi);
    }
  });
}

template <typename T>
void average_pool_quant(const PoolParams& p, const T* input, T* output) {
  for_each_window(p, [&](int64_t out_off, const Window& w, int64_t in_base) {
    // Prepare guarantees every window overlaps the input; guard the division regardless.
    const int32_t count = std::max(w.count(), 1);
    for (int32_t c = 0; c < p.channels; ++c) {
      int32_t sum = 0;
      for (int32_t y = w.y0; y < w.y1; ++y)
        for (int32_t x = w.x0; x < w.x1; ++x) sum += input[in_base + pixel(p, y, x) + c];
      const int32_t avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
      output[out_off + c] = static_cast<T>(std::clamp(avg, p.qmin, p.qmax));
    }
  });
}

}  // namespace

void average_pool2d_float32_ref(const PoolParams& p, const float* input, float* output) {
  for_each_window(p, [&](int64_t out_off, const Window& w, int64_t in_base) {
    const float count = static_cast<float>(std::max(w.count(), 1));
    for (int32_t c = 0; c < p.channels; ++c) {
      float sum = 0.0f;
      for (int32_t y = w.y0; y < w.y1; ++y)
        for (int32_t x = w.x0; x < w.x1; ++x) sum += input[in_base + pixel(p, y, x) + c];
      output[out_off + c] = std::min(std::max(sum / count, p.act_min), p.act_max);
    }
  });
}

void average_pool2d_int8_ref(const PoolParams& p, const int8_t* input, int8_t* output) {
  average_pool_quant(p, input, output);
}

void average_pool2d_uint8_ref(const PoolParams& p, const uint8_t* input, uint8_t* output) {
  average_pool_quant(p, input, output);
}

void average_pool2d_int16_ref(const PoolParams& p, const int16_t* input, int16_t* output) {
  average_pool_quant(p, input, output);
}

void max_pool2d_float32_ref(const PoolParams& p, const float* input, float* output) {
  max_pool(p, input, output, p.act_min, p.act_max);
}

void max_pool2d_int8_ref(const PoolParams& p, const int8_t* input, int8_t* output) {
  max_pool(p, input, output, static_cast<int8_t>(p.qmin), static_cast<int8_t>(p.qmax));
}

void max_pool2d_uint8_ref(const PoolParams& p, const uint8_t* input, uint8_t* output) {
  max_pool(p, input, output, static_cast<uint8_t>(p.qmin), static_cast<uint8_t>(p.qmax));
}

void max_pool2d_int16_ref(const PoolParams& p, const int16_t* input, int16_t* output) {
  max_pool(p, input, output, static_cast<int16_t>(p.qmin), static_cast<int16_t>(p.qmax));
}

}  // namespace eb

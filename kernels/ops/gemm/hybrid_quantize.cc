#include "kernels/ops/gemm/hybrid_quantize.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace eb {

HybridQuantization hybrid_symmetric_quantization(float lo, float hi, bool has_nan) {
  HybridQuantization h;
  const float range = std::max(std::fabs(lo), std::fabs(hi));
  if (range == 0.0f || !std::isfinite(range) || has_nan) return h;
  h.zeros = false;
  h.scale = range / 127.0f;
  h.inv = 127.0f / range;
  h.qmin = -127;
  return h;
}

HybridQuantization hybrid_asymmetric_quantization(float lo, float hi, bool has_nan) {
  constexpr double kQmin = -128.0, kQmax = 127.0;
  HybridQuantization h;
  h.qmin = -128;
  const double rmin = std::min(0.0f, lo), rmax = std::max(0.0f, hi);  // the range always contains 0
  if (rmin == rmax || !std::isfinite(rmin) || !std::isfinite(rmax) || has_nan) return h;
  // The zero point from whichever end of the range loses less precision, nudged to an integer in range.
  const double scale = (rmax - rmin) / (kQmax - kQmin);
  const double zp_from_min = kQmin - rmin / scale;
  const double zp_from_max = kQmax - rmax / scale;
  const double err_min = std::fabs(kQmin) + std::fabs(rmin / scale);
  const double err_max = std::fabs(kQmax) + std::fabs(rmax / scale);
  const double zp = err_min < err_max ? zp_from_min : zp_from_max;
  if (zp <= kQmin)
    h.offset = -128;
  else if (zp >= kQmax)
    h.offset = 127;
  else
    h.offset = static_cast<int32_t>(std::round(zp));
  h.zeros = false;
  h.scale = static_cast<float>(scale);
  h.inv = static_cast<float>(1.0 / static_cast<double>(h.scale));
  return h;
}

void hybrid_scan_f32_scalar(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan) {
  const auto mm = std::minmax_element(x, x + n);
  *lo = *mm.first;
  *hi = *mm.second;
  *has_nan = std::any_of(x, x + n, [](float v) { return std::isnan(v); }) ? 1 : 0;
}

void hybrid_quantize_f32_scalar(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q) {
  for (size_t i = 0; i < n; ++i) {
    const int32_t v = static_cast<int32_t>(std::round(offset + x[i] * inv));  // TfLiteRound: half away from 0
    q[i] = static_cast<int8_t>(std::clamp(v, qmin, 127));
  }
}

void hybrid_output_f32_scalar(const int32_t* acc, size_t n, const int32_t* shift, const float* scale, const float* bias,
                              float lo, float hi, float* out) {
  for (size_t j = 0; j < n; ++j) {
    const int32_t a = static_cast<int32_t>(static_cast<uint32_t>(acc[j]) - static_cast<uint32_t>(shift[j]));
    float v = static_cast<float>(a) * scale[j];
    if (bias) v += bias[j];
    out[j] = std::min(std::max(v, lo), hi);
  }
}

namespace {

// Applies h to the values (the reference's quantization pass, or zeros).
void finish(const HybridQuantization& h, const float* x, size_t n, int8_t* q, float* scale, int32_t* offset,
            HybridQuantizeUkernel quantize) {
  *scale = h.scale;
  if (offset) *offset = h.offset;
  if (h.zeros) {
    if (n > 0) std::memset(q, 0, n);
    return;
  }
  quantize(x, n, h.inv, static_cast<float>(h.offset), h.qmin, q);
}

HybridQuantization params(bool symmetric, float lo, float hi, bool has_nan) {
  return symmetric ? hybrid_symmetric_quantization(lo, hi, has_nan) : hybrid_asymmetric_quantization(lo, hi, has_nan);
}

}  // namespace

void hybrid_quantize_ref(bool symmetric, const float* x, size_t n, int8_t* q, float* scale, int32_t* offset) {
  float lo = 0.0f, hi = 0.0f;
  int32_t has_nan = 0;
  if (n > 0) hybrid_scan_f32_scalar(x, n, &lo, &hi, &has_nan);
  finish(params(symmetric, lo, hi, has_nan != 0), x, n, q, scale, offset, hybrid_quantize_f32_scalar);
}

void hybrid_quantize_fast(const HybridDotKernel& k, bool symmetric, const float* x, size_t n, int8_t* q, float* scale,
                          int32_t* offset) {
  float lo = 0.0f, hi = 0.0f;
  int32_t has_nan = 0;
  if (n > 0) k.scan(x, n, &lo, &hi, &has_nan);
  finish(params(symmetric, lo, hi, has_nan != 0), x, n, q, scale, offset, k.quantize);
}

}  // namespace eb

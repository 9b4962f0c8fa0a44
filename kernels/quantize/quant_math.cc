#include "kernels/quantize/quant_math.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace eb {

uint16_t float_to_half(float f) {
  uint32_t x;
  std::memcpy(&x, &f, sizeof x);
  const uint16_t sign = static_cast<uint16_t>((x >> 16) & 0x8000u);
  uint32_t a = x & 0x7fffffffu;
  if (a >= 0x7f800000u) return static_cast<uint16_t>(sign | (a > 0x7f800000u ? 0x7e00u : 0x7c00u));
  if (a >= 0x477ff000u) return static_cast<uint16_t>(sign | 0x7c00u);  // rounds to 65536 and above
  if (a < 0x38800000u) {
    // Below half's smallest normal (2^-14): adding 0.5 puts |f| where float's unit in the last place is
    // 2^-24, half's subnormal step, so the FPU's own round-to-nearest-even does the rounding.
    float abs_f;
    std::memcpy(&abs_f, &a, sizeof abs_f);
    const float r = abs_f + 0.5f;
    uint32_t rb;
    std::memcpy(&rb, &r, sizeof rb);
    return static_cast<uint16_t>(sign | (rb - 0x3f000000u));
  }
  // Normal: re-bias the exponent (127 -> 15) and round the 13 dropped mantissa bits to nearest even.
  const uint32_t odd = (a >> 13) & 1u;
  a += 0xc8000fffu + odd;
  return static_cast<uint16_t>(sign | (a >> 13));
}

AffineParams asymmetric_params(float min, float max, int32_t qmin, int32_t qmax) {
  const double rmin = std::min<double>(min, 0.0), rmax = std::max<double>(max, 0.0);
  AffineParams p;
  if (rmax - rmin < std::numeric_limits<double>::epsilon()) return p;
  const double qmin_d = qmin, qmax_d = qmax;
  const double scale = (rmax - rmin) / (qmax_d - qmin_d);
  const double zp_from_min = qmin_d - rmin / scale;
  const double zp_from_min_error = std::abs(qmin_d) + std::abs(rmin / scale);
  const double zp_from_max = qmax_d - rmax / scale;
  const double zp_from_max_error = std::abs(qmax_d) + std::abs(rmax / scale);
  const double zp = zp_from_min_error < zp_from_max_error ? zp_from_min : zp_from_max;
  p.scale = static_cast<float>(scale);
  p.zero_point = zp < qmin_d ? qmin : zp > qmax_d ? qmax : static_cast<int32_t>(std::round(zp));
  return p;
}

SymmetricWeights quantize_symmetric(const float* w, const std::vector<int32_t>& shape, int axis) {
  int64_t total = 1;
  for (int32_t d : shape) total *= d;
  // Elements are laid out as [outer, channels, inner] around the axis.
  int64_t channels = 1, inner = 1;
  if (axis >= 0) {
    channels = shape[static_cast<size_t>(axis)];
    for (size_t k = static_cast<size_t>(axis) + 1; k < shape.size(); ++k) inner *= shape[k];
  } else {
    inner = total;
  }
  const int64_t outer = channels * inner == 0 ? 0 : total / (channels * inner);
  auto channel_of = [&](int64_t i) { return (i / inner) % channels; };
  std::vector<double> max_abs(static_cast<size_t>(channels), 0.0);
  for (int64_t i = 0; i < total; ++i) {
    const size_t c = static_cast<size_t>(channel_of(i));
    max_abs[c] = std::max(max_abs[c], std::abs(static_cast<double>(w[i])));
  }
  (void)outer;
  SymmetricWeights r;
  r.scales.resize(static_cast<size_t>(channels));
  for (size_t c = 0; c < r.scales.size(); ++c) r.scales[c] = max_abs[c] > 0 ? static_cast<float>(max_abs[c] / 127.0) : 1.0f;
  r.values.resize(static_cast<size_t>(total));
  for (int64_t i = 0; i < total; ++i) {
    const double q = std::round(static_cast<double>(w[i]) / r.scales[static_cast<size_t>(channel_of(i))]);
    r.values[static_cast<size_t>(i)] = static_cast<int8_t>(std::clamp(q, -127.0, 127.0));
  }
  return r;
}

std::vector<int32_t> quantize_bias(const float* b, int64_t n, float input_scale, const std::vector<float>& weight_scales,
                                   std::vector<float>* scales) {
  std::vector<int32_t> q(static_cast<size_t>(n));
  scales->resize(weight_scales.size());
  for (size_t c = 0; c < weight_scales.size(); ++c)
    (*scales)[c] = static_cast<float>(static_cast<double>(input_scale) * weight_scales[c]);
  for (int64_t i = 0; i < n; ++i) {
    const double s = (*scales)[weight_scales.size() == 1 ? 0 : static_cast<size_t>(i)];
    const double v = s > 0 ? std::round(b[i] / s) : 0.0;
    q[static_cast<size_t>(i)] = static_cast<int32_t>(std::clamp(v, -2147483647.0, 2147483647.0));
  }
  return q;
}

int32_t quantize_value(float value, const AffineParams& p, int32_t qmin, int32_t qmax) {
  const double q = std::round(static_cast<double>(value) / p.scale) + p.zero_point;
  return static_cast<int32_t>(std::clamp(q, static_cast<double>(qmin), static_cast<double>(qmax)));
}

}  // namespace eb

// The int16 SOFTMAX kernel and its tables (see softmax.h).
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/common/quantization.h"
#include "kernels/ops/softmax/softmax.h"

namespace eb {
namespace {

// TFLite's LUTPopulateInt16<double>: 512 samples of f over the input range, each corrected by half the
// error the linear interpolation would make at the middle of its segment, plus the last value.
void populate_lut_int16(double input_scale, int32_t input_zero_point, double output_scale, int32_t output_zero_point,
                        double (*f)(double), int16_t* lut) {
  constexpr int32_t kMin = std::numeric_limits<int16_t>::min(), kMax = std::numeric_limits<int16_t>::max();
  const double input_min = input_scale * (kMin - input_zero_point);
  const double input_max = input_scale * (kMax - input_zero_point);
  const double output_min = output_scale * (kMin - output_zero_point);
  const double output_max = output_scale * (kMax - output_zero_point);
  constexpr int kSteps = 512;
  const double step = (input_max - input_min) / kSteps;
  const double half_step = step / 2;
  const double output_scaling_inv = static_cast<double>(kMax - kMin + 1) / (output_max - output_min);
  auto clamp16 = [](double v) {
    return static_cast<int16_t>(std::min<double>(std::max<double>(v, kMin), kMax));
  };
  for (int i = 0; i < kSteps; ++i) {
    const double val = f(input_min + i * step);
    const double val_midpoint = f(input_min + i * step + half_step);
    const double val_next = f(input_min + (i + 1) * step);
    const double sample = std::round(val * output_scaling_inv);
    const double midpoint_interp = std::round((val_next * output_scaling_inv + std::round(val * output_scaling_inv)) / 2);
    const double midpoint = std::round(val_midpoint * output_scaling_inv);
    const double bias = std::round((midpoint_interp - midpoint) / 2);
    lut[i] = clamp16(sample - bias);
  }
  lut[kSteps] = clamp16(std::round(f(input_max) * output_scaling_inv));
}

double exp_value(double x) { return std::exp(x); }
double one_over_one_plus_x(double x) { return 1.0 / (1.0 + x); }

}  // namespace

void softmax_int16_populate_luts(int16_t* exp_lut, int16_t* one_over_one_plus_x_lut) {
  constexpr int32_t range = std::numeric_limits<int16_t>::max() - std::numeric_limits<int16_t>::min();
  // exp on [-10, 0] (exp(-10) counts as nothing), output range [-1, 1].
  populate_lut_int16(10.0 / range, std::numeric_limits<int16_t>::max(), 2.0 / range, 0, exp_value, exp_lut);
  // 1/(1+x) on [0, 1].
  populate_lut_int16(1.0 / range, std::numeric_limits<int16_t>::min(), 2.0 / range, 0, one_over_one_plus_x,
                     one_over_one_plus_x_lut);
}

int16_t lut_lookup_int16(int16_t value, const int16_t* lut) {
  const int index = 256 + (value >> 7);
  const int offset = value & 0x7F;
  const int16_t base = lut[index];
  const int16_t slope = static_cast<int16_t>(lut[index + 1] - lut[index]);
  const int delta = (slope * offset + 64) >> 7;  // Q0.(15+7) back to Q0.15, rounded
  return static_cast<int16_t>(base + delta);
}

void softmax_int16_rows(const SoftmaxInt16Params& p, const int16_t* input, int16_t* output, int64_t row_begin,
                        int64_t row_end) {
  const QuantizedMultiplier m{p.input_multiplier, p.input_shift};
  const int32_t depth = p.depth;
  for (int64_t r = row_begin; r < row_end; ++r) {
    const int16_t* x = input + r * depth;
    int16_t* y = output + r * depth;
    int16_t max_in_row = std::numeric_limits<int16_t>::min();
    for (int32_t c = 0; c < depth; ++c) max_in_row = std::max(max_in_row, x[c]);
    // exp(x - max) in Q0.15, kept in the output row until the reciprocal is known (as TFLite does).
    int32_t sum_of_exps = 0;  // Q16.15; prepare bounds depth so that it cannot overflow
    for (int32_t c = 0; c < depth; ++c) {
      const int32_t scaled_diff = multiply_by_quantized_multiplier(int32_t{x[c]} - max_in_row, m);
      const int32_t centred = std::clamp(scaled_diff + 32767, int32_t{-32768}, int32_t{32767});
      y[c] = lut_lookup_int16(static_cast<int16_t>(centred), p.exp_lut);
      sum_of_exps += y[c];
    }
    // 1/sum: sum normalized to [1, 2) in Q1.15 (its leading zeros), minus 1, recentred to int16.
    const int headroom_plus_one = std::countl_zero(static_cast<uint32_t>(sum_of_exps));
    const int32_t shifted_sum =
        static_cast<int32_t>(((static_cast<int64_t>(sum_of_exps) << (headroom_plus_one - 1)) + (1 << 13)) >> 14);
    const int32_t centred_sum = std::clamp(shifted_sum - ((1 << 15) + (1 << 16)), int32_t{-32768}, int32_t{32767});
    const int16_t reciprocal = lut_lookup_int16(static_cast<int16_t>(centred_sum), p.one_over_one_plus_x_lut);
    const int right_shift = 31 - headroom_plus_one;
    const int64_t round = int64_t{1} << (right_shift - 1);
    for (int32_t c = 0; c < depth; ++c) {
      const int64_t v = (static_cast<int64_t>(y[c]) * reciprocal + round) >> right_shift;
      y[c] = static_cast<int16_t>(std::clamp(v, int64_t{0}, int64_t{32767}));
    }
  }
}

void softmax_int16_ref(const SoftmaxInt16Params& p, const int16_t* input, int16_t* output) {
  softmax_int16_rows(p, input, output, 0, p.rows);
}

}  // namespace eb

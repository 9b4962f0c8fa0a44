// Reference kernels of the int16 activations (16x8 quantization; see activations.h for the schemes).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "kernels/common/quantization.h"
#include "kernels/ops/activations/activations.h"
#include "kernels/ops/lstm/lstm_fixedpoint.h"

namespace eb {

// TFLite's sigmoid_table_uint16 (kernels/internal/common.h): sigmoid(i / 24) in Q0.16, i = 0..255.
const uint16_t kSigmoidTableUint16[256] = {
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
    43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
    51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
    61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
    63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
    64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
    65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
    65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
    65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
    65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
    65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
};

namespace {

// TFLite's CheckedLog2: log2 through the natural logarithm in float, rounded half away from zero.
bool checked_log2(float x, int* log2_result) {
  const float x_log2 = std::log(x) * (1.0f / std::log(2.0f));
  const float rounded = std::round(x_log2);
  *log2_result = static_cast<int>(rounded);
  return std::fabs(x_log2 - rounded) < 1e-3f;
}

// x * input_multiplier, rounded right shift: the input in steps of 1/12288 (sigmoid_table_uint16 holds
// sigmoid(i / 24), 512 steps apart). A multiplier of 0 (power-of-two input scale) stands for 3 << shift.
struct LutRescale {
  int32_t multiplier, shift, round;
  explicit LutRescale(const SigmoidInt16Params& p) {
    multiplier = p.input_multiplier;
    shift = p.input_left_shift;
    if (multiplier == 0) {
      multiplier = 3 << shift;
      shift = 0;
    }
    round = shift > 0 ? 1 << (shift - 1) : 0;
  }
  // prepare bounds the multiplier to 65535, so the product and the rounding term stay inside int32.
  int32_t operator()(int16_t x) const { return (int32_t{x} * multiplier + round) >> shift; }
};

}  // namespace

bool sigmoid_int16_params(float input_scale, bool tanh, SigmoidInt16Params* p, const char** error) {
  constexpr int kInputIntegerBits = 3;
  int log2_scale = 0;
  bool pot = checked_log2(input_scale, &log2_scale);
  p->input_multiplier = 0;
  p->input_left_shift = (15 - kInputIntegerBits) + log2_scale;
  pot = pot && (p->input_left_shift == 0 || (tanh && p->input_left_shift == 1));
  if (pot) return true;
  // Rescale the input to steps of 1/(3 * 4096): the table spans [-10.7, 10.7] instead of [-8, 8].
  double multiplier = static_cast<double>(input_scale) * 4096.0 * 3.0;
  p->input_left_shift = 0;
  while (multiplier <= 32767.0 / 2.0 && p->input_left_shift <= 30) {
    ++p->input_left_shift;
    multiplier *= 2.0;
  }
  // TFLite truncates; beyond 65535 its int32 product x * multiplier can overflow, and a multiplier of 0
  // (a scale below 2^-44) would be taken for the power-of-two case.
  // Below 1 (an input scale under about 2^-44, which converters do write for a near-constant tensor)
  // TFLite's truncation gives a multiplier of 0, and its Eval then takes the power-of-two path on the raw
  // values: so does edgebench (input_multiplier 0, the shift as the loop left it).
  if (multiplier < 1.0 && multiplier >= 0.0) {
    p->input_multiplier = 0;
    return true;
  }
  if (!(multiplier >= 1.0 && multiplier < 65536.0)) {
    *error = "is outside the range TFLite's int16 kernel computes without int32 overflow";
    return false;
  }
  p->input_multiplier = static_cast<int32_t>(multiplier);
  return true;
}

bool sigmoid_int16_output_scale_ok(float output_scale, bool tanh) {
  int log2_scale = 0;
  if (!checked_log2(output_scale, &log2_scale) || log2_scale != -15) return false;
  return tanh || static_cast<double>(output_scale) == 1.0 / 32768.0;
}

void logistic_int16_lut_ref(const SigmoidInt16Params& p, const int16_t* in, int16_t* out, int64_t n) {
  const LutRescale rescale(p);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = rescale(in[i]);
    const uint32_t ax = static_cast<uint32_t>(std::abs(x));
    const uint32_t index = ax >> 9;  // 512 input steps per table entry
    uint32_t r;
    if (index >= 255) {
      r = uint32_t{0x7FFF} << 10;
    } else {
      const uint32_t a = kSigmoidTableUint16[index], b = kSigmoidTableUint16[index + 1];
      r = (a << 9) + (ax & 0x1FF) * (b - a);  // b >= a: the table is non-decreasing
    }
    // sigmoid(-x) = 1 - sigmoid(x); back from Q0.25 to Q0.15, rounded.
    r = x >= 0 ? r + (1u << 9) : (1u << 25) - r + (1u << 9) - 1;
    out[i] = static_cast<int16_t>(r >> 10);
  }
}

void tanh_int16_lut_ref(const SigmoidInt16Params& p, const int16_t* in, int16_t* out, int64_t n) {
  const LutRescale rescale(p);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = rescale(in[i]);
    const uint32_t ax = static_cast<uint32_t>(std::abs(x));
    const uint32_t index = ax >> 8;  // tanh(x) = 2 sigmoid(2x) - 1: 256 input steps per entry
    int32_t r;
    if (index >= 255) {
      r = 0xFFFF << 8;
    } else {
      const uint32_t a = kSigmoidTableUint16[index], b = kSigmoidTableUint16[index + 1];
      r = static_cast<int32_t>((a << 8) + (ax & 0xFF) * (b - a));
    }
    r = x >= 0 ? r - (1 << 23) + (1 << 7) : -r + (1 << 23) + (1 << 7) - 1;
    out[i] = static_cast<int16_t>(r >> 8);
  }
}

void logistic_int16_q3_ref(const SigmoidInt16Params& /*p: shift 0*/, const int16_t* in, int16_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) out[i] = lstm_fx::logistic(in[i], 3);
}

void tanh_int16_q3_ref(const SigmoidInt16Params& p, const int16_t* in, int16_t* out, int64_t n) {
  if (p.input_left_shift == 0) {
    for (int64_t i = 0; i < n; ++i) out[i] = lstm_fx::tanh(in[i], 3);
  } else {
    for (int64_t i = 0; i < n; ++i) out[i] = lstm_fx::tanh(lstm_fx::multiply_by_pot(in[i], 1), 3);
  }
}

void relu_int16_ref(const ReluQuantParams& p, const int16_t* in, int16_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t v = p.out_zp + multiply_by_quantized_multiplier(int32_t{in[i]} - p.in_zp, p.multiplier);
    out[i] = static_cast<int16_t>(std::min(std::max(v, p.lo), p.hi));
  }
}

void leaky_relu_int16_ref(const LeakyReluQuantParams& p, const int16_t* in, int16_t* out, int64_t n) {
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = int32_t{in[i]} - p.in_zp;
    const int32_t v = p.out_zp + multiply_by_quantized_multiplier(x, x >= 0 ? p.identity : p.alpha);
    out[i] = static_cast<int16_t>(std::min(std::max(v, int32_t{-32768}), int32_t{32767}));
  }
}

}  // namespace eb

// Dispatch and scalar reference of the integer LSTM's per-element microkernels (lstm_step_kernels.h).
#include "kernels/ops/lstm/lstm_step_kernels.h"

#include <algorithm>

#include "kernels/common/quantization.h"
#include "kernels/ops/lstm/lstm_fixedpoint.h"

namespace eb {

const LstmStepKernel* lstm_step_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const LstmStepKernel kAvx512 = {lstm_sigmoid_avx512, lstm_tanh_avx512, lstm_gate_accumulate_avx512,
                                       lstm_activate_gates_avx512, lstm_cell_update_avx512, lstm_hidden_avx512, "avx512"};
  static const LstmStepKernel kAvx2 = {lstm_sigmoid_avx2, lstm_tanh_avx2, lstm_gate_accumulate_avx2,
                                       lstm_activate_gates_avx2, lstm_cell_update_avx2, lstm_hidden_avx2, "avx2"};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const LstmStepKernel kNeon = {lstm_sigmoid_neon, lstm_tanh_neon, lstm_gate_accumulate_neon,
                                       lstm_activate_gates_neon, lstm_cell_update_neon, lstm_hidden_neon, "neon"};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

void lstm_sigmoid_ref(size_t n, const int16_t* x, int16_t* y) {
  for (size_t i = 0; i < n; ++i) y[i] = lstm_fx::logistic(x[i], 3);
}

void lstm_tanh_ref(int integer_bits, size_t n, const int16_t* x, int16_t* y) {
  for (size_t i = 0; i < n; ++i) y[i] = lstm_fx::tanh(x[i], integer_bits);
}

void lstm_activate_gates_ref(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate) {
  for (size_t g = 0; g < n_sigmoid; ++g) lstm_sigmoid_ref(n, sigmoid_gates[g], sigmoid_gates[g]);
  if (tanh_gate != nullptr) lstm_tanh_ref(3, n, tanh_gate, tanh_gate);
}

void lstm_cell_update_ref(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g, int cell_shift,
                          int16_t clip) {
  for (size_t i = 0; i < n; ++i) {
    const auto kept = static_cast<int16_t>(lstm_fx::rounding_divide_by_pot32(int32_t{f[i]} * c[i], 15));
    const int16_t in_gate = in == nullptr ? lstm_fx::sub(lstm_fx::one(0), f[i]) : in[i];
    const auto update = static_cast<int16_t>(lstm_fx::rounding_divide_by_pot32(int32_t{in_gate} * g[i], cell_shift));
    int16_t v = static_cast<int16_t>(std::clamp(int32_t{kept} + update, -32768, 32767));
    if (clip > 0) v = std::min(clip, std::max<int16_t>(static_cast<int16_t>(-clip), v));
    c[i] = v;
  }
}

void lstm_hidden_ref(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift, int32_t zero_point,
                     int8_t* hidden) {
  const QuantizedMultiplier m{multiplier, shift};
  for (size_t i = 0; i < n; ++i) {
    const int32_t v = multiply_by_quantized_multiplier(int32_t{o[i]} * t[i], m) + zero_point;
    hidden[i] = static_cast<int8_t>(std::clamp(v, -128, 127));
  }
}

void lstm_gate_accumulate_ref(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                              int16_t* gate) {
  const QuantizedMultiplier m{multiplier, shift};
  for (size_t i = 0; i < n; ++i) {
    const int64_t sum = int64_t{bias[i]} + dots[i];
    const int32_t acc = multiply_by_quantized_multiplier(
        static_cast<int32_t>(std::clamp<int64_t>(sum, INT32_MIN, INT32_MAX)), m);
    gate[i] = static_cast<int16_t>(std::clamp(acc + gate[i], -32768, 32767));
  }
}

}  // namespace eb

// Dispatch and scalar reference of the integer LSTM's per-element microkernels (lstm_step_kernels.h).
#include "kernels/ops/lstm/lstm_step_kernels.h"

#include <algorithm>

#include "kernels/common/quantization.h"
#include "kernels/ops/lstm/lstm_fixedpoint.h"

namespace eb {

const LstmStepKernel* lstm_step_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const LstmStepKernel kAvx512 = {lstm_sigmoid_avx512, lstm_tanh_avx512, lstm_gate_accumulate_avx512,
                                       lstm_activate_gates_avx512, "avx512"};
  static const LstmStepKernel kAvx2 = {lstm_sigmoid_avx2, lstm_tanh_avx2, lstm_gate_accumulate_avx2,
                                       lstm_activate_gates_avx2, "avx2"};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const LstmStepKernel kNeon = {lstm_sigmoid_neon, lstm_tanh_neon, lstm_gate_accumulate_neon,
                                       lstm_activate_gates_neon, "neon"};
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

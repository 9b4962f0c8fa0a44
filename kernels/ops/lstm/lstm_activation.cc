// Dispatch and scalar reference of the integer LSTM's activations (lstm_activation.h).
#include "kernels/ops/lstm/lstm_activation.h"

#include "kernels/ops/lstm/lstm_fixedpoint.h"

namespace eb {

const LstmActivationKernel* lstm_activation_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const LstmActivationKernel kAvx512 = {lstm_sigmoid_avx512, lstm_tanh_avx512, "avx512"};
  static const LstmActivationKernel kAvx2 = {lstm_sigmoid_avx2, lstm_tanh_avx2, "avx2"};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const LstmActivationKernel kNeon = {lstm_sigmoid_neon, lstm_tanh_neon, "neon"};
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

}  // namespace eb

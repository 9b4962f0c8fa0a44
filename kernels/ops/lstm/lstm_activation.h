// The integer LSTM's int16 activations: the scalar reference loops and the choice of an ISA's
// microkernels (lstm_activation_ukernels.h), made once at prepare.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/common/isa.h"
#include "kernels/ops/lstm/lstm_activation_ukernels.h"

namespace eb {

struct LstmActivationKernel {
  LstmSigmoidUkernel sigmoid;
  LstmTanhUkernel tanh;
  const char* isa_suffix;  // "avx2", "avx512", "neon"
};

// Null when the ISA has none (the reference).
const LstmActivationKernel* lstm_activation_kernel_for(Isa isa);

// lstm_fx::logistic(x, 3) / lstm_fx::tanh(x, integer_bits) element by element.
void lstm_sigmoid_ref(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_ref(int integer_bits, size_t n, const int16_t* x, int16_t* y);

}  // namespace eb

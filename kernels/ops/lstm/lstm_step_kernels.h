// The integer LSTM's per-element microkernels (lstm_step_ukernels.h): the choice of an ISA's, made once
// at prepare, and the scalar reference loops.
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/common/isa.h"
#include "kernels/ops/lstm/lstm_step_ukernels.h"

namespace eb {

struct LstmStepKernel {
  LstmSigmoidUkernel sigmoid;
  LstmTanhUkernel tanh;
  LstmGateAccumulateUkernel accumulate;
  LstmActivateGatesUkernel activate_gates;
  LstmCellUpdateUkernel cell_update;
  LstmHiddenUkernel hidden;
  const char* isa_suffix;  // "avx2", "avx512", "neon"
};

// Null when the ISA has none (the reference).
const LstmStepKernel* lstm_step_kernel_for(Isa isa);

// lstm_fx::logistic(x, 3) / lstm_fx::tanh(x, integer_bits) element by element.
void lstm_sigmoid_ref(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_ref(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_activate_gates_ref(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate);
void lstm_cell_update_ref(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g, int cell_shift,
                          int16_t clip);
void lstm_hidden_ref(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift, int32_t zero_point,
                     int8_t* hidden);
void lstm_gate_accumulate_ref(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                              int16_t* gate);

}  // namespace eb

// Contract of the integer LSTM's per-element microkernels (lstm_step_<isa>.cc).
//
// Activations: y[i] = gemmlowp's logistic of x[i] read as Q3.12 (sigmoid), or its tanh of x[i] read as
// Q<integer_bits>.<15 - integer_bits> for integer_bits in [0, 6] (tanh), both to Q0.15, for i in [0, n),
// any n and alignment, in place allowed. The scalar functions (lstm_fixedpoint.h) are the reference:
// every kernel gives their bits for every int16 input (tests/ops/lstm_step_fast_test.cc checks
// all 65536).
//
// Gates: up to 3 gates (sigmoid_gates[0..n_sigmoid)) through the sigmoid and one (tanh_gate, or null)
// through the tanh with 3 integer bits, in place, n elements each: the activations above, interleaved.
//
// Gate accumulation (TFLite's MatrixBatchVectorMultiplyAccumulate epilogue, int32 to int16): for i in
// [0, n), gate[i] = clamp16(gate[i] + MultiplyByQuantizedMultiplier(sat32(bias[i] + dots[i]), multiplier,
// shift)), multiplier >= 0 (QuantizeMultiplier's), the sum saturated to int32 as the reference does.
// Bit for bit the reference's scalar loop (tests/ops/lstm_step_fast_test.cc).
//
// Included by ISA-specific files: plain declarations only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

typedef void (*LstmSigmoidUkernel)(size_t n, const int16_t* x, int16_t* y);
typedef void (*LstmTanhUkernel)(int integer_bits, size_t n, const int16_t* x, int16_t* y);
typedef void (*LstmActivateGatesUkernel)(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid,
                                         int16_t* tanh_gate);
typedef void (*LstmGateAccumulateUkernel)(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier,
                                          int shift, int16_t* gate);

void lstm_sigmoid_avx2(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_avx2(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_activate_gates_avx2(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate);
void lstm_gate_accumulate_avx2(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                                int16_t* gate);
void lstm_sigmoid_avx512(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_avx512(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_activate_gates_avx512(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate);
void lstm_gate_accumulate_avx512(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                                int16_t* gate);
void lstm_sigmoid_neon(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_neon(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_activate_gates_neon(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate);
void lstm_gate_accumulate_neon(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                                int16_t* gate);

}  // namespace eb

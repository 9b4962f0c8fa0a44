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
// Cell update (TFLite's UpdateLstmCellInteger): for i in [0, n), c[i] = clip(clamp16(int16(RDBP(f c, 15))
// + int16(RDBP(in g, cell_shift)))), in = the input gate, or 1 - f (int16 wrapping) when null (CIFG);
// clip 0: none. RDBP: gemmlowp's RoundingDivideByPOT on the int32 product; int16(): a truncating cast.
//
// Hidden values (CwiseMul to int8): hidden[i] = clamp8(MultiplyByQuantizedMultiplier(o[i] t[i],
// multiplier, shift) + zero_point), multiplier >= 0.
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
typedef void (*LstmCellUpdateUkernel)(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g,
                                      int cell_shift, int16_t clip);
typedef void (*LstmHiddenUkernel)(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift,
                                  int32_t zero_point, int8_t* hidden);
typedef void (*LstmGateAccumulateUkernel)(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier,
                                          int shift, int16_t* gate);

void lstm_sigmoid_avx2(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_avx2(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_activate_gates_avx2(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate);
void lstm_cell_update_avx2(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g,
                      int cell_shift, int16_t clip);
void lstm_hidden_avx2(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift,
                 int32_t zero_point, int8_t* hidden);
void lstm_gate_accumulate_avx2(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                                int16_t* gate);
void lstm_sigmoid_avx512(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_avx512(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_activate_gates_avx512(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate);
void lstm_cell_update_avx512(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g,
                      int cell_shift, int16_t clip);
void lstm_hidden_avx512(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift,
                 int32_t zero_point, int8_t* hidden);
void lstm_gate_accumulate_avx512(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                                int16_t* gate);
void lstm_sigmoid_neon(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_neon(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_activate_gates_neon(size_t n, int16_t* const* sigmoid_gates, size_t n_sigmoid, int16_t* tanh_gate);
void lstm_cell_update_neon(size_t n, int16_t* c, const int16_t* f, const int16_t* in, const int16_t* g,
                      int cell_shift, int16_t clip);
void lstm_hidden_neon(size_t n, const int16_t* o, const int16_t* t, int32_t multiplier, int shift,
                 int32_t zero_point, int8_t* hidden);
void lstm_gate_accumulate_neon(size_t n, const int32_t* dots, const int32_t* bias, int32_t multiplier, int shift,
                                int16_t* gate);

}  // namespace eb

// Contract of the integer LSTM's int16 fixed-point activation microkernels (lstm_activation_<isa>.cc):
// y[i] = gemmlowp's logistic of x[i] read as Q3.12 (sigmoid), or its tanh of x[i] read as
// Q<integer_bits>.<15 - integer_bits> for integer_bits in [0, 6] (tanh), both to Q0.15, for i in [0, n),
// any n and alignment, in place allowed. The scalar functions (lstm_fixedpoint.h) are the reference:
// every kernel gives their bits for every int16 input (tests/ops/lstm_activation_fast_test.cc checks
// all 65536).
//
// Included by ISA-specific files: plain declarations only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

typedef void (*LstmSigmoidUkernel)(size_t n, const int16_t* x, int16_t* y);
typedef void (*LstmTanhUkernel)(int integer_bits, size_t n, const int16_t* x, int16_t* y);

void lstm_sigmoid_avx2(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_avx2(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_sigmoid_avx512(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_avx512(int integer_bits, size_t n, const int16_t* x, int16_t* y);
void lstm_sigmoid_neon(size_t n, const int16_t* x, int16_t* y);
void lstm_tanh_neon(int integer_bits, size_t n, const int16_t* x, int16_t* y);

}  // namespace eb

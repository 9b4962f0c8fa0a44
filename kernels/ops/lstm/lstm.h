// UNIDIRECTIONAL_SEQUENCE_LSTM kernels: plain parameter structs and reference kernels on plain pointers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/common/quantization.h"
#include "kernels/ops/gemm/hybrid_dot_ukernels.h"
#include "kernels/ops/lstm/lstm_step_ukernels.h"

namespace eb {

// The four gates in TFLite's tensor order (input-to-{input,forget,cell,output} weights...).
enum LstmGate { kLstmInputGate = 0, kLstmForgetGate = 1, kLstmCellGate = 2, kLstmOutputGate = 3 };

struct LstmShape {
  int n_batch = 0, max_time = 0, n_input = 0, n_cell = 0, n_output = 0;
  bool time_major = false;
  bool use_cifg = false;        // no input gate: it is 1 - forget gate
  bool use_peephole = false;    // cell-to-gate (diagonal) weights
  bool use_projection = false;  // hidden (n_cell) -> output (n_output) matrix
};

// Full-integer (8x8_16) LSTM: int8 input/output state, int16 cell state, int8 weights. Mirrors TFLite's
// IntegerLstmParameter: effective biases fold the zero points into the gate biases at prepare.
struct LstmInt8Gate {
  const int8_t* input_weights = nullptr;      // [n_cell, n_input]
  const int8_t* recurrent_weights = nullptr;  // [n_cell, n_output]
  const int16_t* cell_weights = nullptr;      // peephole [n_cell], or null
  std::vector<int32_t> input_bias;            // (bias without layer norm) + input zero point x weight row sums
  std::vector<int32_t> recurrent_bias;        // output-state zero point x weight row sums
  QuantizedMultiplier input_scale, recurrent_scale, cell_scale;
  // Layer norm (TFLite's ApplyLayerNorm), or null: int16 coefficients, the gate's int32 bias (added
  // after the normalisation instead of before), the coefficients' scale and the variance floor.
  const int16_t* layer_norm_weights = nullptr;
  const int32_t* layer_norm_bias = nullptr;
  QuantizedMultiplier layer_norm_scale;
  int32_t variance_guard = 1;
  int stacked_row = 0;  // first row of this gate in LstmInt8Params' stacked weights
};

struct LstmInt8Params {
  LstmShape shape;
  LstmInt8Gate gates[4];
  int cell_state_log2_scale = 0;  // cell state scale is 2^this, in [-15, -9]
  int16_t quantized_cell_clip = 0;
  int8_t quantized_proj_clip = 0;
  QuantizedMultiplier hidden_scale;
  int32_t hidden_zp = 0;
  const int8_t* projection_weights = nullptr;  // [n_output, n_cell]
  std::vector<int32_t> projection_bias;
  QuantizedMultiplier projection_scale;
  int32_t output_state_zp = 0;
  // The fast paths' weights of the present gates stacked in TFLite's gate order ([stacked_rows, n_input]
  // and [stacked_rows, n_output]): one dot-product call per step and operand covers every gate.
  std::vector<int8_t> stacked_input_weights, stacked_recurrent_weights;
  int stacked_rows = 0;
};

// Fills the stacked weights and each gate's stacked_row from the gates' weights.
void lstm_int8_stack_weights(LstmInt8Params& p);

// What the integer step runs on (sigmoid, tanh, cell_update and hidden always set).
// The fast paths: dot and accumulate set (the stacked weights filled), the gate products as one
// dot-product call per operand and step, requantized per gate by `accumulate`.
struct LstmInt8Ukernels {
  HybridDotUkernel dot = nullptr;  // gate and projection matrix-vector products (gemm/hybrid_dot.h)
  LstmGateAccumulateUkernel accumulate = nullptr;
  LstmActivateGatesUkernel activate_gates = nullptr;  // the gates activated together; null: one by one
  LstmSigmoidUkernel sigmoid = nullptr;
  LstmTanhUkernel tanh = nullptr;
  LstmCellUpdateUkernel cell_update = nullptr;
  LstmHiddenUkernel hidden = nullptr;
};

// The reference's: scalar activations, cell update and hidden values; no dot or accumulate.
LstmInt8Ukernels lstm_int8_ref_ukernels();

// Scratch the kernel needs: the int32 row dot products (max(n_cell, n_output), or the stacked gates' of
// both operands for all rows), 4 gates + 1 temporary of rows x n_cell int16 each, plus rows x n_cell int8
// hidden values (rows: n_batch time-major, else 1).
size_t lstm_int8_scratch_bytes(const LstmShape& s);

// The whole integer LSTM, step for step as TFLite's EvalInteger8x8_16. Integer sums are exact in any
// order and the activation kernels give the scalar functions' bits: every LstmInt8Ukernels gives the
// reference's bytes.
void lstm_qs8(const LstmInt8Params& p, const LstmInt8Ukernels& k, const int8_t* input, int8_t* output_state,
              int16_t* cell_state, int8_t* output, uint8_t* scratch);
void lstm_qs8_ref(const LstmInt8Params& p, const int8_t* input, int8_t* output_state, int16_t* cell_state,
                  int8_t* output, uint8_t* scratch);


// Float32 LSTM (also float16 weights, folded to float32 at load). Layer norm coefficients optional.
struct LstmFloatGate {
  const float* input_weights = nullptr;      // [n_cell, n_input]
  const float* recurrent_weights = nullptr;  // [n_cell, n_output]
  const float* cell_weights = nullptr;       // peephole [n_cell], or null
  const float* bias = nullptr;               // [n_cell]
  const float* layer_norm = nullptr;         // [n_cell], or null
};

struct LstmFloatParams {
  LstmShape shape;
  LstmFloatGate gates[4];
  float cell_clip = 0.0f, proj_clip = 0.0f;
  const float* projection_weights = nullptr;  // [n_output, n_cell]
  const float* projection_bias = nullptr;     // [n_output], or null
};

size_t lstm_float_scratch_bytes(const LstmShape& s);
void lstm_f32_ref(const LstmFloatParams& p, const float* input, float* output_state, float* cell_state, float* output,
                  uint8_t* scratch);


// Hybrid (dynamic-range) LSTM: float activations and state, int8 weights with per-tensor scales. Each
// step quantizes the input and output-state rows to int8 (symmetric, or asymmetric with a zero point),
// as TFLite's LstmStepHybrid.
struct LstmHybridGate {
  const int8_t* input_weights = nullptr;
  const int8_t* recurrent_weights = nullptr;
  const int8_t* cell_weights = nullptr;  // peephole, or null
  const float* bias = nullptr;
  const float* layer_norm = nullptr;  // or null
  float input_scale = 1.0f, recurrent_scale = 1.0f, cell_scale = 1.0f;
  std::vector<int32_t> input_row_sums, recurrent_row_sums;
};

struct LstmHybridParams {
  LstmShape shape;
  LstmHybridGate gates[4];
  float cell_clip = 0.0f, proj_clip = 0.0f;
  bool asymmetric = false;
  const int8_t* projection_weights = nullptr;
  float projection_scale = 1.0f;
  std::vector<int32_t> projection_row_sums;
  const float* projection_bias = nullptr;
};

size_t lstm_hybrid_scratch_bytes(const LstmShape& s);
void lstm_hybrid_ref(const LstmHybridParams& p, const float* input, float* output_state, float* cell_state,
                     float* output, uint8_t* scratch);

}  // namespace eb

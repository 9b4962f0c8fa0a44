// Shared prepare helpers of UNIDIRECTIONAL_SEQUENCE_LSTM: TFLite's input order, the shape checks common to
// every form, and the float / hybrid prepare functions (lstm_float.cc).
#pragma once

#include <memory>

#include "kernels/common/status.h"
#include "kernels/ops/lstm/lstm.h"
#include "kernels/ops/op.h"

namespace eb {

// TFLite's input order: weights and biases come as blocks of four gates (input, forget, cell, output).
constexpr int kLstmInput = 0;
constexpr int kLstmInputWeights = 1;      // 1..4
constexpr int kLstmRecurrentWeights = 5;  // 5..8
constexpr int kLstmCellWeights = 9;       // 9..11: input, forget, output (peephole)
constexpr int kLstmGateBias = 12;         // 12..15
constexpr int kLstmProjectionWeights = 16;
constexpr int kLstmProjectionBias = 17;
constexpr int kLstmOutputState = 18;
constexpr int kLstmCellState = 19;
constexpr int kLstmLayerNorm = 20;  // 20..23

// Checks the sequence input, every weight shape, the state sizes and sets the output shape.
Result<LstmShape> prepare_lstm_shape(PrepareContext& ctx);
bool has_layer_norm(const PrepareContext& ctx);
// A state input: present, of `dtype`, a variable tensor (or at least not a constant).
Status check_lstm_tensor(const PrepareContext& ctx, int i, DType dtype, bool variable);
// A constant weight or bias input of `dtype` with per-tensor quantization when integer.
Status check_lstm_weights_int(const PrepareContext& ctx, int i, DType dtype);

Result<std::unique_ptr<PreparedOp>> prepare_lstm_float(PrepareContext& ctx, const LstmShape& shape);
Result<std::unique_ptr<PreparedOp>> prepare_lstm_hybrid(PrepareContext& ctx, const LstmShape& shape);

}  // namespace eb

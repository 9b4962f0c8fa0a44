// Float32 and hybrid prepare of UNIDIRECTIONAL_SEQUENCE_LSTM.
#include <memory>
#include <utility>
#include <vector>

#include "kernels/ops/lstm/lstm_prepare.h"

namespace eb {
namespace {

class LstmFloatOp final : public PreparedOp {
 public:
  LstmFloatOp(LstmFloatParams p, int in, int h, int c, int out) : p_(p), in_(in), h_(h), c_(c), out_(out) {}
  void run(const RunContext& ctx) override {
    lstm_f32_ref(p_, ctx.in<float>(in_), ctx.out<float>(h_), ctx.out<float>(c_), ctx.out<float>(out_), ctx.scratch);
  }
  const char* kernel_name() const override { return "unidirectional_sequence_lstm_f32_ref"; }
  size_t scratch_bytes() const override { return lstm_float_scratch_bytes(p_.shape); }

 private:
  LstmFloatParams p_;
  int in_, h_, c_, out_;
};

Result<const float*> float_weights(const PrepareContext& ctx, int i) {
  EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, i, DType::kFloat32));
  return ctx.input(i).constant_as<float>();
}

class LstmHybridOp final : public PreparedOp {
 public:
  LstmHybridOp(LstmHybridParams p, int in, int h, int c, int out)
      : p_(std::move(p)), in_(in), h_(h), c_(c), out_(out) {}
  void run(const RunContext& ctx) override {
    lstm_hybrid_ref(p_, ctx.in<float>(in_), ctx.out<float>(h_), ctx.out<float>(c_), ctx.out<float>(out_),
                    ctx.scratch);
  }
  const char* kernel_name() const override { return "unidirectional_sequence_lstm_hybrid_ref"; }
  size_t scratch_bytes() const override { return lstm_hybrid_scratch_bytes(p_.shape); }

 private:
  LstmHybridParams p_;
  int in_, h_, c_, out_;
};

// Sums of each weights row: the asymmetric input zero point's contribution.
std::vector<int32_t> row_sums(const int8_t* w, int rows, int cols) {
  std::vector<int32_t> sums(static_cast<size_t>(rows), 0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) sums[static_cast<size_t>(r)] += w[static_cast<int64_t>(r) * cols + c];
  return sums;
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_lstm_float(PrepareContext& ctx, const LstmShape& shape) {
  EB_RETURN_IF_ERROR(check_lstm_tensor(ctx, kLstmOutputState, DType::kFloat32, true));
  EB_RETURN_IF_ERROR(check_lstm_tensor(ctx, kLstmCellState, DType::kFloat32, true));
  if (ctx.output(0).dtype != DType::kFloat32) return error("output '%s' must be float32", ctx.output(0).name.c_str());
  LstmFloatParams p;
  p.shape = shape;
  p.cell_clip = ctx.options().cell_clip;
  p.proj_clip = ctx.options().proj_clip;
  const bool layer_norm = has_layer_norm(ctx);
  for (int g = shape.use_cifg ? 1 : 0; g < 4; ++g) {
    LstmFloatGate& gate = p.gates[g];
    EB_ASSIGN_OR_RETURN(gate.input_weights, float_weights(ctx, kLstmInputWeights + g));
    EB_ASSIGN_OR_RETURN(gate.recurrent_weights, float_weights(ctx, kLstmRecurrentWeights + g));
    EB_ASSIGN_OR_RETURN(gate.bias, float_weights(ctx, kLstmGateBias + g));
    if (shape.use_peephole && g != kLstmCellGate) {
      EB_ASSIGN_OR_RETURN(gate.cell_weights, float_weights(ctx, kLstmCellWeights + (g == kLstmOutputGate ? 2 : g)));
    }
    if (layer_norm) {
      EB_ASSIGN_OR_RETURN(gate.layer_norm, float_weights(ctx, kLstmLayerNorm + g));
    }
  }
  if (shape.use_projection) {
    EB_ASSIGN_OR_RETURN(p.projection_weights, float_weights(ctx, kLstmProjectionWeights));
    if (ctx.has_input(kLstmProjectionBias)) {
      EB_ASSIGN_OR_RETURN(p.projection_bias, float_weights(ctx, kLstmProjectionBias));
    }
  }
  return std::unique_ptr<PreparedOp>(std::make_unique<LstmFloatOp>(p, ctx.input_index(kLstmInput),
                                                                   ctx.input_index(kLstmOutputState),
                                                                   ctx.input_index(kLstmCellState),
                                                                   ctx.output_index(0)));
}

Result<std::unique_ptr<PreparedOp>> prepare_lstm_hybrid(PrepareContext& ctx, const LstmShape& shape) {
  EB_RETURN_IF_ERROR(check_lstm_tensor(ctx, kLstmOutputState, DType::kFloat32, true));
  EB_RETURN_IF_ERROR(check_lstm_tensor(ctx, kLstmCellState, DType::kFloat32, true));
  if (ctx.output(0).dtype != DType::kFloat32) return error("output '%s' must be float32", ctx.output(0).name.c_str());
  LstmHybridParams p;
  p.shape = shape;
  p.cell_clip = ctx.options().cell_clip;
  p.proj_clip = ctx.options().proj_clip;
  p.asymmetric = ctx.options().asymmetric_quantize_inputs;
  const bool layer_norm = has_layer_norm(ctx);
  for (int g = shape.use_cifg ? 1 : 0; g < 4; ++g) {
    LstmHybridGate& gate = p.gates[g];
    EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmInputWeights + g, DType::kInt8));
    EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmRecurrentWeights + g, DType::kInt8));
    const Tensor& wi = ctx.input(kLstmInputWeights + g);
    const Tensor& wr = ctx.input(kLstmRecurrentWeights + g);
    gate.input_weights = wi.constant_as<int8_t>();
    gate.recurrent_weights = wr.constant_as<int8_t>();
    gate.input_scale = wi.quant.scale0();
    gate.recurrent_scale = wr.quant.scale0();
    gate.input_row_sums = row_sums(gate.input_weights, shape.n_cell, shape.n_input);
    gate.recurrent_row_sums = row_sums(gate.recurrent_weights, shape.n_cell, shape.n_output);
    EB_ASSIGN_OR_RETURN(gate.bias, float_weights(ctx, kLstmGateBias + g));
    if (shape.use_peephole && g != kLstmCellGate) {
      const int i = kLstmCellWeights + (g == kLstmOutputGate ? 2 : g);
      EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, i, DType::kInt8));
      gate.cell_weights = ctx.input(i).constant_as<int8_t>();
      gate.cell_scale = ctx.input(i).quant.scale0();
    }
    if (layer_norm) {
      EB_ASSIGN_OR_RETURN(gate.layer_norm, float_weights(ctx, kLstmLayerNorm + g));
    }
  }
  if (shape.use_projection) {
    EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmProjectionWeights, DType::kInt8));
    const Tensor& pw = ctx.input(kLstmProjectionWeights);
    p.projection_weights = pw.constant_as<int8_t>();
    p.projection_scale = pw.quant.scale0();
    p.projection_row_sums = row_sums(p.projection_weights, shape.n_output, shape.n_cell);
    if (ctx.has_input(kLstmProjectionBias)) {
      EB_ASSIGN_OR_RETURN(p.projection_bias, float_weights(ctx, kLstmProjectionBias));
    }
  }
  return std::unique_ptr<PreparedOp>(std::make_unique<LstmHybridOp>(std::move(p), ctx.input_index(kLstmInput),
                                                                    ctx.input_index(kLstmOutputState),
                                                                    ctx.input_index(kLstmCellState),
                                                                    ctx.output_index(0)));
}

}  // namespace eb

// Float32 and hybrid prepare of UNIDIRECTIONAL_SEQUENCE_LSTM.
#include <memory>
#include <utility>

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

Result<std::unique_ptr<PreparedOp>> prepare_lstm_hybrid(PrepareContext& ctx, const LstmShape&) {
  return error("hybrid (int8 weights, float32 activations) LSTM is not supported yet; input '%s'",
               ctx.input(kLstmInput).name.c_str());
}

}  // namespace eb

// prepare_unidirectional_sequence_lstm: checks the 24 inputs (TFLite's order), the variable state tensors
// and the quantization of the chosen form, sets the output shape and precomputes TFLite's effective
// scales and zero-point-folded biases (lstm.cc PopulateQuantizedLstmParams8x8_16 and
// PopulatePrecomputedZPTimesWeightsWithBias).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kernels/ops/gemm/hybrid_dot.h"
#include "kernels/ops/lstm/lstm.h"
#include "kernels/ops/lstm/lstm_step_kernels.h"
#include "kernels/ops/lstm/lstm_prepare.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

// The reference kernels, or (fast paths) the same steps on the ISA's dot-product and activation
// microkernels.
class LstmInt8Op final : public PreparedOp {
 public:
  LstmInt8Op(LstmInt8Params p, LstmInt8Ukernels k, std::string name, int in, int h, int c, int out)
      : p_(std::move(p)), k_(k), name_(std::move(name)), in_(in), h_(h), c_(c), out_(out) {}
  void run(const RunContext& ctx) override {
    lstm_qs8(p_, k_, ctx.in<int8_t>(in_), ctx.out<int8_t>(h_), ctx.out<int16_t>(c_), ctx.out<int8_t>(out_),
             ctx.scratch);
  }
  const char* kernel_name() const override { return name_.c_str(); }
  size_t scratch_bytes() const override { return lstm_int8_scratch_bytes(p_.shape); }

 private:
  LstmInt8Params p_;
  LstmInt8Ukernels k_;
  std::string name_;
  int in_, h_, c_, out_;
};

// Peephole weights exist for the input, forget and output gates only (inputs 9, 10, 11).
int peephole_offset(int gate) { return gate == kLstmOutputGate ? 2 : gate; }

// TFLite's PrecomputeZeroPointTimesWeightWithBias: bias[r] + zero_point * sum_c w[r][c].
std::vector<int32_t> zp_times_weights_with_bias(int32_t zero_point, const int8_t* w, const int32_t* bias, int rows,
                                                int cols) {
  std::vector<int32_t> out(static_cast<size_t>(rows), 0);
  for (int r = 0; r < rows; ++r) {
    int64_t sum = 0;
    for (int c = 0; c < cols; ++c) sum += w[static_cast<int64_t>(r) * cols + c];
    // Saturated rather than wrapped: only hostile sizes or biases reach the int32 limits.
    const int64_t v = (bias != nullptr ? bias[r] : 0) + sum * zero_point;
    out[static_cast<size_t>(r)] = static_cast<int32_t>(std::clamp<int64_t>(v, INT32_MIN, INT32_MAX));
  }
  return out;
}

Result<std::unique_ptr<PreparedOp>> prepare_int8(PrepareContext& ctx, const LstmShape& shape) {
  const Tensor& input = ctx.input(kLstmInput);
  const Tensor& output_state = ctx.input(kLstmOutputState);
  const Tensor& cell_state = ctx.input(kLstmCellState);
  const Tensor& output = ctx.output(0);
  const Node& node = ctx.node();
  const NodeOptions& o = ctx.options();
  // TFLite's sequence kernel runs the 8x8_16 form only (its Prepare: TF_LITE_ENSURE(num_intermediate_tensors
  // == 5)); the 8x8_8 form's 12 intermediates are for the builtin LSTM op.
  if (node.intermediates.size() != 5)
    return error("integer LSTM with %zu intermediate tensors is not supported: TFLite's sequence kernel runs the "
                 "8x8_16 form (5) only and refuses the 8x8_8 form (12)",
                 node.intermediates.size());
  const bool layer_norm = has_layer_norm(ctx);
  // TFLite's integer peephole walks n_output elements of the n_cell peephole vector and cell state.
  if (shape.use_peephole && shape.n_output > shape.n_cell)
    return error("integer LSTM with peephole and output size %d above cell size %d is not supported (TFLite reads "
                 "past the peephole weights)",
                 shape.n_output, shape.n_cell);
  if (layer_norm && shape.use_cifg && ctx.has_input(kLstmLayerNorm))
    return error("input-gate layer norm coefficients on a CIFG LSTM (no input gate) are not supported (TFLite "
                 "refuses them)");
  EB_RETURN_IF_ERROR(check_lstm_tensor(ctx, kLstmOutputState, DType::kInt8, true));
  EB_RETURN_IF_ERROR(check_lstm_tensor(ctx, kLstmCellState, DType::kInt16, true));
  if (output.dtype != DType::kInt8) return error("output '%s' must be int8 like the input", output.name.c_str());
  for (const Tensor* t : {&input, &output_state, &cell_state, &output})
    if (!t->quant.present() || t->quant.per_channel())
      return error("tensor '%s' needs per-tensor quantization", t->name.c_str());
  if (cell_state.quant.zp0() != 0) return error("cell state '%s' must have zero point 0", cell_state.name.c_str());
  const Tensor& hidden = ctx.graph().tensors[static_cast<size_t>(node.intermediates[4])];
  if (!hidden.quant.present()) return error("hidden intermediate '%s' has no quantization", hidden.name.c_str());

  LstmInt8Params p;
  p.shape = shape;
  // The cell state scale must be a power of two of at most 2^-9 (its tanh runs in Q(15+log2).*).
  const float cell_scale = cell_state.quant.scale0();
  const double log2_scale = std::log2(static_cast<double>(cell_scale));
  const int log2_rounded = static_cast<int>(std::round(log2_scale));
  if (std::abs(log2_scale - log2_rounded) > 1e-3 || log2_rounded > -9 || log2_rounded < -15)
    return error("cell state '%s' scale %g is not a power of two in [2^-15, 2^-9]", cell_state.name.c_str(),
                 static_cast<double>(cell_scale));
  p.cell_state_log2_scale = log2_rounded;
  if (o.cell_clip > 0.0f)
    p.quantized_cell_clip = static_cast<int16_t>(std::min(std::max(o.cell_clip / cell_scale, -32768.0f), 32767.0f));
  if (o.proj_clip > 0.0f)
    p.quantized_proj_clip =
        static_cast<int8_t>(std::min(std::max(o.proj_clip / output.quant.scale0(), -128.0f), 127.0f));

  const float input_scale = input.quant.scale0();
  const float output_state_scale = output_state.quant.scale0();
  const int32_t input_zp = -input.quant.zp0();
  const int32_t output_state_zp = -output_state.quant.zp0();
  const float hidden_scale = hidden.quant.scale0();
  const int32_t hidden_zp = hidden.quant.zp0();
  for (int g = 0; g < 4; ++g) {
    if (g == kLstmInputGate && shape.use_cifg) continue;
    LstmInt8Gate& gate = p.gates[g];
    const Tensor& wi = ctx.input(kLstmInputWeights + g);
    const Tensor& wr = ctx.input(kLstmRecurrentWeights + g);
    const Tensor& bias = ctx.input(kLstmGateBias + g);
    EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmInputWeights + g, DType::kInt8));
    EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmRecurrentWeights + g, DType::kInt8));
    EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmGateBias + g, DType::kInt32));
    // Without layer norm the gate pre-activations are Q3.12 (TFLite ignores intermediates 0..3 then);
    // with it they have the scale of intermediate g, and the bias moves behind the normalisation.
    float gate_scale = static_cast<float>(std::pow(2.0, -12));
    if (layer_norm) {
      const Tensor& t = ctx.graph().tensors[static_cast<size_t>(node.intermediates[static_cast<size_t>(g)])];
      if (!t.quant.present() || !(t.quant.scale0() > 0.0f))
        return error("gate intermediate %d '%s' of a layer-norm LSTM has no positive scale", g, t.name.c_str());
      gate_scale = t.quant.scale0();
      EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmLayerNorm + g, DType::kInt16));
      const Tensor& ln = ctx.input(kLstmLayerNorm + g);
      gate.layer_norm_weights = ln.constant_as<int16_t>();
      gate.layer_norm_bias = bias.constant_as<int32_t>();
      const float ln_scale = ln.quant.scale0();
      gate.layer_norm_scale = quantize_multiplier(ln_scale);
      // TFLite's guard against a zero variance ("10000 ... does not overflow"), in float as there.
      gate.variance_guard = std::max(1, static_cast<int32_t>(10000.0f * ln_scale));
    }
    gate.input_weights = wi.constant_as<int8_t>();
    gate.recurrent_weights = wr.constant_as<int8_t>();
    gate.input_bias = zp_times_weights_with_bias(input_zp, gate.input_weights,
                                                 layer_norm ? nullptr : bias.constant_as<int32_t>(), shape.n_cell,
                                                 shape.n_input);
    gate.recurrent_bias =
        zp_times_weights_with_bias(output_state_zp, gate.recurrent_weights, nullptr, shape.n_cell, shape.n_output);
    const float ei = wi.quant.scale0() * input_scale / gate_scale;
    const float er = wr.quant.scale0() * output_state_scale / gate_scale;
    gate.input_scale = quantize_multiplier(ei);
    gate.recurrent_scale = quantize_multiplier(er);
    if (shape.use_peephole && g != kLstmCellGate) {
      EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmCellWeights + peephole_offset(g),
                                                DType::kInt16));
      const Tensor& wc = ctx.input(kLstmCellWeights + peephole_offset(g));
      gate.cell_weights = wc.constant_as<int16_t>();
      // TFLite: std::pow(2, cell_scale) * weight scale / intermediate scale, in double, stored as float.
      const float ec = static_cast<float>(std::pow(2.0, p.cell_state_log2_scale) * wc.quant.scale0() / gate_scale);
      gate.cell_scale = quantize_multiplier(ec);
    }
  }
  const float effective_hidden_scale = static_cast<float>(std::pow(2.0, -15) / hidden_scale * std::pow(2.0, -15));
  p.hidden_scale = quantize_multiplier(effective_hidden_scale);
  p.hidden_zp = hidden_zp;
  p.output_state_zp = output_state.quant.zp0();
  if (shape.use_projection) {
    EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmProjectionWeights, DType::kInt8));
    const Tensor& pw = ctx.input(kLstmProjectionWeights);
    const int32_t* pb = nullptr;
    if (ctx.has_input(kLstmProjectionBias)) {
      EB_RETURN_IF_ERROR(check_lstm_weights_int(ctx, kLstmProjectionBias, DType::kInt32));
      pb = ctx.input(kLstmProjectionBias).constant_as<int32_t>();
    }
    p.projection_weights = pw.constant_as<int8_t>();
    // The hidden values carry their zero point added (lstm_ref.cc, kHiddenZeroPointSign): current LiteRT
    // folds it out of the projection negated, like the other zero points (tests/op_models/lstm_integer:
    // bit exact with -hidden_zp, up to 9 steps off with +hidden_zp).
    p.projection_bias = zp_times_weights_with_bias(-hidden_zp, p.projection_weights, pb, shape.n_output, shape.n_cell);
    p.projection_scale = quantize_multiplier(pw.quant.scale0() * hidden_scale / output_state_scale);
  }
  // LSTM rows are short (the input and state widths): the dot kernel the hybrid CONV_2D uses for its
  // short per-tap rows; the per-element steps on the ISA's LSTM microkernels.
  const HybridDotKernel* dk = hybrid_dot_kernel_for(ctx.isa());
  const LstmStepKernel* sk = lstm_step_kernel_for(ctx.isa());
  LstmInt8Ukernels k = lstm_int8_ref_ukernels();
  std::string name = "unidirectional_sequence_lstm_qs8_ref";
  if (dk != nullptr && sk != nullptr) {
    k.dot = dk->conv_fn;
    k.accumulate = sk->accumulate;
    k.activate_gates = sk->activate_gates;
    k.cell_update = sk->cell_update;
    k.hidden = sk->hidden;
    k.sigmoid = sk->sigmoid;
    k.tanh = sk->tanh;
    lstm_int8_stack_weights(p);
    name = std::string("unidirectional_sequence_lstm_qs8_") + (dk->conv_name + std::strlen("conv2d_hybrid_"));
  }
  return std::unique_ptr<PreparedOp>(std::make_unique<LstmInt8Op>(
      std::move(p), k, std::move(name), ctx.input_index(kLstmInput), ctx.input_index(kLstmOutputState),
      ctx.input_index(kLstmCellState), ctx.output_index(0)));
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_unidirectional_sequence_lstm(PrepareContext& ctx) {
  EB_ASSIGN_OR_RETURN(LstmShape shape, prepare_lstm_shape(ctx));
  const DType in = ctx.input(kLstmInput).dtype;
  const DType w = ctx.input(kLstmInputWeights + kLstmOutputGate).dtype;
  if (in == DType::kInt8) return prepare_int8(ctx, shape);
  if (in == DType::kFloat32 && w == DType::kFloat32) return prepare_lstm_float(ctx, shape);
  if (in == DType::kFloat32 && w == DType::kInt8) return prepare_lstm_hybrid(ctx, shape);
  return error("input '%s' of type %s with %s weights is not supported (float32, hybrid or int8)",
               ctx.input(kLstmInput).name.c_str(), dtype_name(in), dtype_name(w));
}

}  // namespace eb

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
#include "kernels/ops/lstm/lstm_prepare.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

// The reference kernel, or (fast paths, `dot` set) the same steps on the ISA's dot-product microkernel.
class LstmInt8Op final : public PreparedOp {
 public:
  LstmInt8Op(LstmInt8Params p, HybridDotUkernel dot, std::string name, int in, int h, int c, int out)
      : p_(std::move(p)), dot_(dot), name_(std::move(name)), in_(in), h_(h), c_(c), out_(out) {}
  void run(const RunContext& ctx) override {
    if (dot_ == nullptr)
      lstm_qs8_ref(p_, ctx.in<int8_t>(in_), ctx.out<int8_t>(h_), ctx.out<int16_t>(c_), ctx.out<int8_t>(out_),
                   ctx.scratch);
    else
      lstm_qs8_dot(p_, dot_, ctx.in<int8_t>(in_), ctx.out<int8_t>(h_), ctx.out<int16_t>(c_), ctx.out<int8_t>(out_),
                   ctx.scratch);
  }
  const char* kernel_name() const override { return name_.c_str(); }
  size_t scratch_bytes() const override { return lstm_int8_scratch_bytes(p_.shape); }

 private:
  LstmInt8Params p_;
  HybridDotUkernel dot_;
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
  if (has_layer_norm(ctx))
    return error("integer LSTM with layer normalization (inputs 20..23) is not supported yet");
  if (node.intermediates.size() != 5)
    return error("integer LSTM needs 5 intermediate tensors (gate and hidden scales), has %zu; the 8x8_8 form (12) "
                 "is not supported",
                 node.intermediates.size());
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
  // Without layer norm the gate pre-activations are Q3.12 (TFLite ignores intermediates 0..3 then).
  const float gate_scale = static_cast<float>(std::pow(2.0, -12));
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
    gate.input_weights = wi.constant_as<int8_t>();
    gate.recurrent_weights = wr.constant_as<int8_t>();
    gate.input_bias = zp_times_weights_with_bias(input_zp, gate.input_weights, bias.constant_as<int32_t>(),
                                                 shape.n_cell, shape.n_input);
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
      const float ec = static_cast<float>(std::pow(2.0, p.cell_state_log2_scale)) * wc.quant.scale0() / gate_scale;
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
    // TFLite folds the hidden zero point in with its sign as stored (not negated like the others): kept
    // so for bit-exactness.
    p.projection_bias = zp_times_weights_with_bias(hidden_zp, p.projection_weights, pb, shape.n_output, shape.n_cell);
    p.projection_scale = quantize_multiplier(pw.quant.scale0() * hidden_scale / output_state_scale);
  }
  // LSTM rows are short (the input and state widths): the dot kernel the hybrid CONV_2D uses for its
  // short per-tap rows.
  const HybridDotKernel* k = hybrid_dot_kernel_for(ctx.isa());
  HybridDotUkernel dot = k ? k->conv_fn : nullptr;
  std::string name = "unidirectional_sequence_lstm_qs8_ref";
  if (k) name = std::string("unidirectional_sequence_lstm_qs8_") + (k->conv_name + std::strlen("conv2d_hybrid_"));
  return std::unique_ptr<PreparedOp>(std::make_unique<LstmInt8Op>(std::move(p), dot, std::move(name), ctx.input_index(kLstmInput),
                                                                   ctx.input_index(kLstmOutputState),
                                                                   ctx.input_index(kLstmCellState),
                                                                   ctx.output_index(0)));
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

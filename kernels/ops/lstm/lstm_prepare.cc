// Shape checks common to every form of UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite's CheckInputTensorDimensions).
#include "kernels/ops/lstm/lstm_prepare.h"

#include <cstdint>
#include <limits>

namespace eb {
namespace {

Status check_shape(const PrepareContext& ctx, int i, const char* role, int d0, int d1 = -1) {
  const Tensor& t = ctx.input(i);
  const int rank = d1 < 0 ? 1 : 2;
  if (t.rank() != rank || t.dim(0) != d0 || (rank == 2 && t.dim(1) != d1))
    return error("%s '%s' has shape %s, expected [%d%s%s]", role, t.name.c_str(), shape_str(t.shape).c_str(), d0,
                 rank == 2 ? ", " : "", rank == 2 ? std::to_string(d1).c_str() : "");
  return Status();
}

}  // namespace

bool has_layer_norm(const PrepareContext& ctx) { return ctx.num_inputs() == 24 && ctx.has_input(kLstmLayerNorm + 1); }

Status check_lstm_tensor(const PrepareContext& ctx, int i, DType dtype, bool variable) {
  const Tensor& t = ctx.input(i);
  if (t.dtype != dtype)
    return error("input %d '%s' is %s, expected %s", i, t.name.c_str(), dtype_name(t.dtype), dtype_name(dtype));
  if (variable && t.is_constant())
    return error("state input %d '%s' is a constant; it must be a variable tensor", i, t.name.c_str());
  return Status();
}

Status check_lstm_weights_int(const PrepareContext& ctx, int i, DType dtype) {
  const Tensor& t = ctx.input(i);
  if (t.dtype != dtype)
    return error("input %d '%s' is %s, expected %s", i, t.name.c_str(), dtype_name(t.dtype), dtype_name(dtype));
  if (!t.is_constant()) return error("weights input %d '%s' must be a constant", i, t.name.c_str());
  if (t.constant_bytes < t.bytes()) return error("constant input %d '%s' holds too few bytes", i, t.name.c_str());
  if (dtype != DType::kFloat32 && (!t.quant.present() || t.quant.per_channel()))
    return error("input %d '%s' needs per-tensor quantization", i, t.name.c_str());
  return Status();
}

Result<LstmShape> prepare_lstm_shape(PrepareContext& ctx) {
  if (ctx.num_inputs() != 20 && ctx.num_inputs() != 24)
    return error("expects 20 or 24 inputs, has %d", ctx.num_inputs());
  if (ctx.num_outputs() != 1) return error("expects 1 output, has %d", ctx.num_outputs());
  for (int i : {0, 2, 3, 4, 6, 7, 8, 13, 14, 15, kLstmOutputState, kLstmCellState})
    if (!ctx.has_input(i)) return error("required input %d is missing", i);
  const NodeOptions& o = ctx.options();
  if (o.activation != Activation::kTanh)
    return error("only the tanh cell activation is supported (TFLite's integer and default models use it)");
  if (o.diagonal_recurrent_tensors) return error("diagonal recurrent weights are not supported");
  if (o.cell_clip < 0.0f || o.proj_clip < 0.0f) return error("cell_clip and proj_clip must not be negative");

  const Tensor& input = ctx.input(kLstmInput);
  if (input.rank() != 3) return error("input '%s' must have rank 3, has %s", input.name.c_str(), shape_str(input.shape).c_str());
  LstmShape s;
  s.time_major = o.time_major;
  s.max_time = s.time_major ? input.dim(0) : input.dim(1);
  s.n_batch = s.time_major ? input.dim(1) : input.dim(0);
  s.n_input = input.dim(2);
  const Tensor& w_out = ctx.input(kLstmInputWeights + kLstmOutputGate);
  const Tensor& r_out = ctx.input(kLstmRecurrentWeights + kLstmOutputGate);
  if (w_out.rank() != 2 || r_out.rank() != 2)
    return error("input-to-output and recurrent-to-output weights must have rank 2");
  s.n_cell = w_out.dim(0);
  s.n_output = r_out.dim(1);
  if (s.n_cell <= 0 || s.n_output <= 0 || s.n_input <= 0)
    return error("empty LSTM dimensions (input %d, cell %d, output %d)", s.n_input, s.n_cell, s.n_output);

  // TFLite's int32 dot products (integer and hybrid) stay exact up to this length.
  constexpr int kMaxDim = 1 << 15;
  if (s.n_input > kMaxDim || s.n_cell > kMaxDim || s.n_output > kMaxDim)
    return error("LSTM dimensions (input %d, cell %d, output %d) above %d are not supported", s.n_input, s.n_cell,
                 s.n_output, kMaxDim);

  s.use_cifg = !ctx.has_input(kLstmInputWeights);
  if (s.use_cifg && (ctx.has_input(kLstmRecurrentWeights) || ctx.has_input(kLstmGateBias)))
    return error("input gate weights are missing but its recurrent weights or bias are present");
  if (!s.use_cifg && (!ctx.has_input(kLstmRecurrentWeights) || !ctx.has_input(kLstmGateBias)))
    return error("input gate weights are present but its recurrent weights or bias are missing");
  for (int g = s.use_cifg ? 1 : 0; g < 4; ++g) {
    EB_RETURN_IF_ERROR(check_shape(ctx, kLstmInputWeights + g, "input weights", s.n_cell, s.n_input));
    EB_RETURN_IF_ERROR(check_shape(ctx, kLstmRecurrentWeights + g, "recurrent weights", s.n_cell, s.n_output));
    EB_RETURN_IF_ERROR(check_shape(ctx, kLstmGateBias + g, "gate bias", s.n_cell));
    if (ctx.input(kLstmInputWeights + g).dtype != w_out.dtype || ctx.input(kLstmRecurrentWeights + g).dtype != w_out.dtype)
      return error("all gate weights must have the type of '%s'", w_out.name.c_str());
  }
  s.use_peephole = ctx.has_input(kLstmCellWeights + 2);
  for (int i = s.use_cifg ? 1 : 0; i < 3; ++i) {
    if (ctx.has_input(kLstmCellWeights + i) != s.use_peephole)
      return error("peephole weights must be all present or all absent");
    if (s.use_peephole) EB_RETURN_IF_ERROR(check_shape(ctx, kLstmCellWeights + i, "peephole weights", s.n_cell));
  }
  s.use_projection = ctx.has_input(kLstmProjectionWeights);
  if (s.use_projection) {
    EB_RETURN_IF_ERROR(check_shape(ctx, kLstmProjectionWeights, "projection weights", s.n_output, s.n_cell));
    if (ctx.has_input(kLstmProjectionBias))
      EB_RETURN_IF_ERROR(check_shape(ctx, kLstmProjectionBias, "projection bias", s.n_output));
  } else {
    if (ctx.has_input(kLstmProjectionBias)) return error("projection bias given without projection weights");
    if (s.n_output != s.n_cell)
      return error("without projection the output size %d must equal the cell size %d", s.n_output, s.n_cell);
  }
  if (has_layer_norm(ctx)) {
    for (int i = s.use_cifg ? 1 : 0; i < 4; ++i) {
      if (!ctx.has_input(kLstmLayerNorm + i)) return error("layer norm coefficients %d are missing", kLstmLayerNorm + i);
      EB_RETURN_IF_ERROR(check_shape(ctx, kLstmLayerNorm + i, "layer norm coefficients", s.n_cell));
    }
  }
  const Tensor& h = ctx.input(kLstmOutputState);
  const Tensor& c = ctx.input(kLstmCellState);
  if (h.elements() != int64_t{s.n_batch} * s.n_output)
    return error("output state '%s' has %lld elements, expected batch %d x output %d", h.name.c_str(),
                 static_cast<long long>(h.elements()), s.n_batch, s.n_output);
  if (c.elements() != int64_t{s.n_batch} * s.n_cell)
    return error("cell state '%s' has %lld elements, expected batch %d x cell %d", c.name.c_str(),
                 static_cast<long long>(c.elements()), s.n_batch, s.n_cell);
  const int64_t out_elements = int64_t{s.n_batch} * s.max_time * s.n_output;
  if (out_elements > std::numeric_limits<int32_t>::max()) return error("output of LSTM is too large");
  ctx.output(0).shape = {input.dim(0), input.dim(1), s.n_output};
  return s;
}

}  // namespace eb

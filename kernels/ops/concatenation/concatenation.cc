// prepare_concatenation: checks ranks, dims and types, computes the output shape and the per-input
// requantization of quantized inputs.
#include <cstdint>
#include <limits>
#include <memory>
#include <utility>
#include <vector>

#include "kernels/common/quantization.h"
#include "kernels/ops/concatenation/concatenation.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

class ConcatenationOp final : public PreparedOp {
 public:
  ConcatenationOp(DType dtype, std::vector<int> inputs, int output, std::vector<int64_t> block, int64_t outer)
      : dtype_(dtype), inputs_(std::move(inputs)), output_(output), block_(std::move(block)) {
    ptrs_.resize(inputs_.size());
    requantize_.assign(inputs_.size(), 0);
    scale_.assign(inputs_.size(), 0.0f);
    bias_.assign(inputs_.size(), 0.0f);
    p_.num_inputs = static_cast<int>(inputs_.size());
    p_.outer = outer;
    p_.block = block_.data();
  }

  void set_activation(FloatRange r) {
    p_.act_min = r.min;
    p_.act_max = r.max;
    has_activation_ = true;
  }
  void set_requantization(size_t i, float scale, float bias) {
    requantize_[i] = 1;
    scale_[i] = scale;
    bias_[i] = bias;
  }
  void finish(int32_t output_zero_point) {
    p_.requantize = requantize_.data();
    p_.scale = scale_.data();
    p_.bias = bias_.data();
    p_.output_zero_point = output_zero_point;
    any_requantize_ = false;
    for (uint8_t r : requantize_) any_requantize_ = any_requantize_ || r != 0;
  }

  void run(const RunContext& ctx) override {
    for (size_t i = 0; i < inputs_.size(); ++i) ptrs_[i] = ctx.in<uint8_t>(inputs_[i]);
    if (dtype_ == DType::kFloat32 && has_activation_) {
      concatenation_float32_ref(ptrs_.data(), p_, ctx.out<float>(output_));
    } else if (dtype_ == DType::kInt8 && any_requantize_) {
      concatenation_int8_ref(ptrs_.data(), p_, ctx.out<int8_t>(output_));
    } else if (dtype_ == DType::kUInt8 && any_requantize_) {
      concatenation_uint8_ref(ptrs_.data(), p_, ctx.out<uint8_t>(output_));
    } else {
      concatenation_copy_ref(ptrs_.data(), p_, dtype_size(dtype_), ctx.out<void>(output_));
    }
  }

  const char* kernel_name() const override {
    if (dtype_ == DType::kFloat32 && has_activation_) return "concatenation_float32_ref";
    if (dtype_ == DType::kInt8 && any_requantize_) return "concatenation_int8_ref";
    if (dtype_ == DType::kUInt8 && any_requantize_) return "concatenation_uint8_ref";
    return "concatenation_copy_ref";
  }

 private:
  DType dtype_;
  std::vector<int> inputs_;
  int output_;
  std::vector<int64_t> block_;
  std::vector<const void*> ptrs_;
  std::vector<uint8_t> requantize_;  // per input: 1 when its parameters differ from the output's
  std::vector<float> scale_, bias_;
  ConcatenationParams p_;
  bool has_activation_ = false;
  bool any_requantize_ = false;
};

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_concatenation(PrepareContext& ctx) {
  if (ctx.num_inputs() < 1) return Status::error("expects at least 1 input, has 0");
  if (ctx.num_outputs() != 1) return error("expects 1 output, has %d", ctx.num_outputs());
  for (int i = 0; i < ctx.num_inputs(); ++i)
    if (!ctx.has_input(i)) return error("input %d is missing", i);

  const Tensor& t0 = ctx.input(0);
  Tensor& out = ctx.output(0);
  const DType dtype = t0.dtype;
  if (dtype != DType::kFloat32 && dtype != DType::kInt8 && dtype != DType::kUInt8 && dtype != DType::kInt16 &&
      dtype != DType::kInt32 && dtype != DType::kInt64 && dtype != DType::kBool)
    return error("input '%s' is %s; supported: float32, int8, uint8, int16, int32, int64, bool", t0.name.c_str(),
                 dtype_name(dtype));
  if (out.dtype != dtype)
    return error("output '%s' is %s but the inputs are %s", out.name.c_str(), dtype_name(out.dtype), dtype_name(dtype));

  const int rank = t0.rank();
  int axis = ctx.options().axis;
  if (axis < -rank || axis >= rank)
    return error("axis %d is outside the rank %d of input '%s'", ctx.options().axis, rank, t0.name.c_str());
  if (axis < 0) axis += rank;

  const Activation act = ctx.options().activation;
  if (!activation_is_clamp(act)) return error("fused activation %d is not supported", static_cast<int>(act));
  if (dtype != DType::kFloat32 && act != Activation::kNone)
    return error("a fused activation is only supported on float32 (this node is %s)", dtype_name(dtype));

  int64_t inner = 1, outer = 1;
  for (int d = axis + 1; d < rank; ++d) inner *= t0.dim(d);
  for (int d = 0; d < axis; ++d) outer *= t0.dim(d);
  Shape shape = t0.shape;
  int64_t axis_sum = 0;
  std::vector<int64_t> block;
  std::vector<int> inputs;
  for (int i = 0; i < ctx.num_inputs(); ++i) {
    const Tensor& t = ctx.input(i);
    if (t.dtype != dtype)
      return error("input %d '%s' is %s but input 0 is %s", i, t.name.c_str(), dtype_name(t.dtype), dtype_name(dtype));
    if (t.rank() != rank)
      return error("input %d '%s' has rank %d (shape %s) but input 0 has rank %d", i, t.name.c_str(), t.rank(),
                   shape_str(t.shape).c_str(), rank);
    for (int d = 0; d < rank; ++d)
      if (d != axis && t.dim(d) != t0.dim(d))
        return error("input %d '%s' of shape %s differs from input 0 of shape %s in dimension %d (axis is %d)", i,
                     t.name.c_str(), shape_str(t.shape).c_str(), shape_str(t0.shape).c_str(), d, axis);
    axis_sum += t.dim(axis);
    if (axis_sum > std::numeric_limits<int32_t>::max()) return Status::error("the concatenated axis is too large");
    block.push_back(static_cast<int64_t>(t.dim(axis)) * inner);
    inputs.push_back(ctx.input_index(i));
  }
  shape[static_cast<size_t>(axis)] = static_cast<int32_t>(axis_sum);

  auto op = std::make_unique<ConcatenationOp>(dtype, std::move(inputs), ctx.output_index(0), std::move(block), outer);
  if (dtype == DType::kFloat32 && act != Activation::kNone) op->set_activation(activation_range_float(act));
  int32_t out_zp = 0;
  if (dtype == DType::kInt8 || dtype == DType::kUInt8) {
    if (!out.quant.present() || out.quant.per_channel())
      return error("output '%s' needs per-tensor quantization parameters", out.name.c_str());
    const float out_scale = out.quant.scale0();
    out_zp = out.quant.zp0();
    if (!(out_scale > 0.0f)) return error("output '%s' has a non-positive scale %g", out.name.c_str(), static_cast<double>(out_scale));
    const float inverse_out_scale = 1.0f / out_scale;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor& t = ctx.input(i);
      if (!t.quant.present() || t.quant.per_channel())
        return error("input %d '%s' needs per-tensor quantization parameters", i, t.name.c_str());
      const float s = t.quant.scale0();
      if (!(s > 0.0f)) return error("input %d '%s' has a non-positive scale %g", i, t.name.c_str(), static_cast<double>(s));
      if (s == out_scale && t.quant.zp0() == out_zp) continue;
      // TFLite's ConcatenationWithScaling: scale = in_scale * (1/out_scale), bias = -in_zp * scale, in float.
      const float scale = s * inverse_out_scale;
      const float bias = static_cast<float>(-t.quant.zp0()) * scale;
      op->set_requantization(static_cast<size_t>(i), scale, bias);
    }
  }
  // int16 (the converter's 16x8 mode): TFLite's kernel copies only, and its Prepare requires every input
  // to carry the output's scale and zero point (the converter puts a QUANTIZE before any that differs).
  if (dtype == DType::kInt16 && out.quant.present()) {
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      const Tensor& t = ctx.input(i);
      if (!t.quant.present() || t.quant.per_channel() || t.quant.scale0() != out.quant.scale0() ||
          t.quant.zp0() != out.quant.zp0())
        return error("int16 input %d '%s' must have the output's scale %g and zero point %d (TFLite's int16 kernel does "
                     "not rescale)", i, t.name.c_str(), static_cast<double>(out.quant.scale0()), out.quant.zp0());
    }
  }
  op->finish(out_zp);
  out.shape = shape;
  return std::unique_ptr<PreparedOp>(std::move(op));
}

}  // namespace eb

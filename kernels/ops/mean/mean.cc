// prepare_mean: reads the constant axis tensor, computes the output shape and the input-to-output index
// steps, and picks the quantized finishing mode TFLite would use (see mean.h).
#include "kernels/ops/mean/mean.h"

#include <cmath>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "kernels/common/quantization.h"
#include "kernels/ops/ops.h"
#include "kernels/ops/quant_checks.h"

namespace eb {
namespace {

template <typename T>
class MeanOp final : public PreparedOp {
 public:
  MeanOp(const MeanParams& p, int in, int out, const char* name)
      : p_(p), acc_(static_cast<size_t>(p.out_elements)), in_(in), out_(out), name_(name) {}
  void run(const RunContext& ctx) override {
    if constexpr (std::is_same_v<T, float>)
      mean_float32_ref(p_, ctx.in<float>(in_), acc_.data(), ctx.out<float>(out_));
    else if constexpr (std::is_same_v<T, int8_t>)
      mean_int8_ref(p_, ctx.in<int8_t>(in_), acc_.data(), ctx.out<int8_t>(out_));
    else if constexpr (std::is_same_v<T, int16_t>)
      mean_int16_ref(p_, ctx.in<int16_t>(in_), acc_.data(), ctx.out<int16_t>(out_));
    else
      mean_uint8_ref(p_, ctx.in<uint8_t>(in_), acc_.data(), ctx.out<uint8_t>(out_));
  }
  const char* kernel_name() const override { return name_; }

 private:
  using Acc = std::conditional_t<std::is_same_v<T, float>, float, int32_t>;
  MeanParams p_;
  std::vector<Acc> acc_;
  int in_, out_;
  const char* name_;
};

// Fills the quantized fields of p for input `in` and output `out`; `raw_axes` is the axis tensor as given.
Status set_quantized_mode(const Tensor& in, const Tensor& out, const std::vector<int32_t>& raw_axes, bool keep_dims,
                          MeanParams& p) {
  EB_RETURN_IF_ERROR(check_per_tensor_quant(in, "input"));
  EB_RETURN_IF_ERROR(check_per_tensor_quant(out, "output"));
  const bool int16 = in.dtype == DType::kInt16;
  const int max_log2 = int16 ? 15 : 23;  // count * the type's span must fit the int32 accumulator
  if (p.count > (int64_t{1} << max_log2))
    return error("input '%s' averages %lld elements per output; at most 2^%d fit the int32 accumulator",
                 in.name.c_str(), static_cast<long long>(p.count), max_log2);
  const float in_s = in.quant.scale0(), out_s = out.quant.scale0();
  p.input_zero_point = in.quant.zp0();
  p.output_zero_point = out.quant.zp0();
  // Both XNNPACK's delegate and TFLite compare the axis tensor's raw values: {-3, -2} takes neither
  // spatial path.
  const bool axes_12 =
      raw_axes.size() == 2 && ((raw_axes[0] == 1 && raw_axes[1] == 2) || (raw_axes[0] == 2 && raw_axes[1] == 1));
  const bool axes_2 = raw_axes.size() == 1 && raw_axes[0] == 2;
  const float ratio = in_s / out_s;
  const bool xnnpack = !int16 && in.rank() == 4 && (axes_12 || axes_2) && ratio >= 0x1.0p-8f && ratio < 0x1.0p+8f;
  if (int16 && keep_dims && in.rank() == 4 && axes_12) {
    p.mode = MeanQuantMode::kSpatialReference;
    p.multiplier = quantize_multiplier(static_cast<double>(in_s) / static_cast<double>(out_s));
  } else if (xnnpack) {
    p.mode = MeanQuantMode::kXnnpackFp32;
    p.rescale = in_s / (out_s * static_cast<float>(p.count));
  } else if (!int16 && keep_dims && in.rank() == 4 && axes_12) {
    p.mode = MeanQuantMode::kSpatial;
    const float count = static_cast<float>(in.dim(1) * in.dim(2));
    const float real_scale = in_s / (count * out_s);
    p.multiplier = quantize_multiplier(static_cast<double>(real_scale));
    float t = static_cast<float>(p.input_zero_point) * in_s / out_s;
    t = t > 0.0f ? t + 0.5f : t - 0.5f;
    p.spatial_bias = p.output_zero_point - static_cast<int32_t>(t);
  } else if (in_s == out_s && p.input_zero_point == p.output_zero_point) {
    p.mode = MeanQuantMode::kSameQuantization;
  } else {
    p.mode = MeanQuantMode::kRescale;
    p.rescale = in_s / out_s;
    p.rescale_bias = static_cast<float>(-p.input_zero_point) * p.rescale;
  }
  return Status();
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_mean(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& axis = ctx.input(1);
  Tensor& out = ctx.output(0);
  if (axis.dtype != DType::kInt32)
    return error("axis '%s' is %s; it must be int32", axis.name.c_str(), dtype_name(axis.dtype));
  if (axis.rank() > 1)
    return error("axis '%s' must be a scalar or 1-D, has shape %s", axis.name.c_str(), shape_str(axis.shape).c_str());
  const int64_t n_axes = axis.elements();
  // An empty axis list has no data to wait for (and may come without a buffer).
  if (n_axes > 0 && !axis.is_constant())
    return error("axis '%s' is computed at run time; only a constant axis tensor is supported", axis.name.c_str());
  if (n_axes < 0 || static_cast<size_t>(n_axes) * sizeof(int32_t) > axis.constant_bytes)
    return error("axis '%s' holds %zu bytes, fewer than its shape %s needs", axis.name.c_str(), axis.constant_bytes,
                 shape_str(axis.shape).c_str());
  const int rank = in.rank();
  if (rank > kMeanMaxRank)
    return error("input '%s' has rank %d; at most %d is supported", in.name.c_str(), rank, kMeanMaxRank);
  if (out.dtype != in.dtype)
    return error("output '%s' is %s but input '%s' is %s; they must match", out.name.c_str(), dtype_name(out.dtype),
                 in.name.c_str(), dtype_name(in.dtype));

  std::vector<int32_t> raw_axes;
  if (n_axes > 0) raw_axes.assign(axis.constant_as<int32_t>(), axis.constant_as<int32_t>() + n_axes);
  bool reduced[kMeanMaxRank] = {};
  for (int32_t a : raw_axes) {
    if (a < -rank || a >= rank)
      return error("axis %d is out of range for input '%s' of rank %d", a, in.name.c_str(), rank);
    reduced[a < 0 ? a + rank : a] = true;  // a repeated axis is reduced once
  }

  MeanParams p;
  p.rank = rank;
  Shape out_shape;
  for (int d = 0; d < rank; ++d) {
    p.in_dims[d] = in.dim(d);
    if (reduced[d]) {
      p.count *= in.dim(d);
      if (ctx.options().keep_dims) out_shape.push_back(1);
    } else {
      out_shape.push_back(in.dim(d));
    }
  }
  // Output strides of the kept dimensions, in input dimension order (reduced ones step 0).
  int64_t stride = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (reduced[d]) {
      p.out_step[d] = 0;
    } else {
      p.out_step[d] = stride;
      stride *= in.dim(d);
    }
  }
  p.out_elements = stride;
  if (p.count == 0)
    return error("input '%s' of shape %s has an empty reduced dimension: the mean is undefined", in.name.c_str(),
                 shape_str(in.shape).c_str());

  const int ii = ctx.input_index(0), oi = ctx.output_index(0);
  std::unique_ptr<PreparedOp> op;
  switch (in.dtype) {
    case DType::kFloat32:
      op.reset(new MeanOp<float>(p, ii, oi, "mean_float32_ref"));
      break;
    case DType::kInt8:
      EB_RETURN_IF_ERROR(set_quantized_mode(in, out, raw_axes, ctx.options().keep_dims, p));
      op.reset(new MeanOp<int8_t>(p, ii, oi, "mean_int8_ref"));
      break;
    case DType::kUInt8:
      EB_RETURN_IF_ERROR(set_quantized_mode(in, out, raw_axes, ctx.options().keep_dims, p));
      op.reset(new MeanOp<uint8_t>(p, ii, oi, "mean_uint8_ref"));
      break;
    case DType::kInt16:
      EB_RETURN_IF_ERROR(set_quantized_mode(in, out, raw_axes, ctx.options().keep_dims, p));
      op.reset(new MeanOp<int16_t>(p, ii, oi, "mean_int16_ref"));
      break;
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8, int16", in.name.c_str(), dtype_name(in.dtype));
  }
  out.shape = out_shape;
  return op;
}

}  // namespace eb

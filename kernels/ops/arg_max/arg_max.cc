// prepare_arg_max / prepare_arg_min: read the constant axis, checks the index type and drops the axis from the shape.
#include <cstdint>
#include <memory>
#include <type_traits>

#include "kernels/ops/arg_max/arg_max.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

template <typename T>
class ArgMaxOp final : public PreparedOp {
 public:
  ArgMaxOp(bool int64_out, int input, int output, const ArgMaxParams& p, const char* name)
      : int64_out_(int64_out), input_(input), output_(output), p_(p), name_(name) {}

  void run(const RunContext& ctx) override {
    if (int64_out_)
      kernel(ctx.in<T>(input_), p_, ctx.out<int64_t>(output_));
    else
      kernel(ctx.in<T>(input_), p_, ctx.out<int32_t>(output_));
  }
  const char* kernel_name() const override { return name_; }

 private:
  template <typename Index>
  static void kernel(const T* in, const ArgMaxParams& p, Index* out) {
    if constexpr (std::is_same_v<T, float>) arg_max_float32_ref(in, p, out);
    else if constexpr (std::is_same_v<T, int8_t>) arg_max_int8_ref(in, p, out);
    else if constexpr (std::is_same_v<T, uint8_t>) arg_max_uint8_ref(in, p, out);
    else arg_max_int32_ref(in, p, out);
  }

  bool int64_out_;
  int input_, output_;
  ArgMaxParams p_;
  const char* name_;
};

// Kernel names by input type, int32 and int64 index each.
struct ArgNames {
  const char* f32[2];
  const char* qs8[2];
  const char* qu8[2];
  const char* s32[2];
};

constexpr ArgNames kArgMaxNames = {{"arg_max_float32_int32_ref", "arg_max_float32_int64_ref"},
                                   {"arg_max_int8_int32_ref", "arg_max_int8_int64_ref"},
                                   {"arg_max_uint8_int32_ref", "arg_max_uint8_int64_ref"},
                                   {"arg_max_int32_int32_ref", "arg_max_int32_int64_ref"}};
constexpr ArgNames kArgMinNames = {{"arg_min_f32_s32_ref", "arg_min_f32_s64_ref"},
                                   {"arg_min_qs8_s32_ref", "arg_min_qs8_s64_ref"},
                                   {"arg_min_qu8_s32_ref", "arg_min_qu8_s64_ref"},
                                   {"arg_min_s32_s32_ref", "arg_min_s32_s64_ref"}};

Result<std::unique_ptr<PreparedOp>> prepare_arg(PrepareContext& ctx, bool find_min) {
  const char* op_name = find_min ? "ARG_MIN" : "ARG_MAX";
  const ArgNames& names = find_min ? kArgMinNames : kArgMaxNames;
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& axis_t = ctx.input(1);
  Tensor& out = ctx.output(0);

  const DType index_type = ctx.options().output_type;
  if (index_type != DType::kInt32 && index_type != DType::kInt64)
    return error("output_type option is %s; %s produces int32 or int64", dtype_name(index_type), op_name);
  if (out.dtype != index_type)
    return error("output '%s' is %s but the output_type option asks for %s", out.name.c_str(), dtype_name(out.dtype),
                 dtype_name(index_type));
  const bool int64_out = index_type == DType::kInt64;

  if (axis_t.dtype != DType::kInt32 && axis_t.dtype != DType::kInt64)
    return error("axis input '%s' must be int32 or int64, is %s", axis_t.name.c_str(), dtype_name(axis_t.dtype));
  if (!axis_t.is_constant())
    return error("axis input '%s' is computed at run time: a dynamic axis is not supported", axis_t.name.c_str());
  if (axis_t.elements() != 1 || axis_t.constant_bytes < dtype_size(axis_t.dtype))
    return error("axis input '%s' must hold exactly one value, has shape %s", axis_t.name.c_str(),
                 shape_str(axis_t.shape).c_str());
  const int64_t axis_value =
      axis_t.dtype == DType::kInt32 ? axis_t.constant_as<int32_t>()[0] : axis_t.constant_as<int64_t>()[0];

  const int rank = in.rank();
  if (rank < 1) return error("input '%s' is a scalar; %s needs at least one dimension", in.name.c_str(), op_name);
  if (axis_value < -rank || axis_value >= rank)
    return error("axis %lld is outside the rank %d of input '%s'", static_cast<long long>(axis_value), rank,
                 in.name.c_str());
  const int axis = static_cast<int>(axis_value < 0 ? axis_value + rank : axis_value);
  if (in.dim(axis) <= 0)
    return error("input '%s' of shape %s has an empty axis %d: there is no %s", in.name.c_str(),
                 shape_str(in.shape).c_str(), axis, find_min ? "minimum" : "maximum");

  ArgMaxParams p;
  Shape shape;
  for (int d = 0; d < rank; ++d) {
    if (d < axis) p.outer *= in.dim(d);
    if (d > axis) p.inner *= in.dim(d);
    if (d != axis) shape.push_back(in.dim(d));
  }
  p.axis_size = in.dim(axis);
  p.find_min = find_min;
  const int n = int64_out ? 1 : 0;

  std::unique_ptr<PreparedOp> op;
  const int i = ctx.input_index(0), o = ctx.output_index(0);
  switch (in.dtype) {
    case DType::kFloat32:
      op.reset(new ArgMaxOp<float>(int64_out, i, o, p, names.f32[n]));
      break;
    case DType::kInt8:
      op.reset(new ArgMaxOp<int8_t>(int64_out, i, o, p, names.qs8[n]));
      break;
    case DType::kUInt8:
      op.reset(new ArgMaxOp<uint8_t>(int64_out, i, o, p, names.qu8[n]));
      break;
    case DType::kInt32:
      op.reset(new ArgMaxOp<int32_t>(int64_out, i, o, p, names.s32[n]));
      break;
    default:
      return error("input '%s' is %s; supported: float32, int8, uint8, int32", in.name.c_str(), dtype_name(in.dtype));
  }
  // Quantized inputs are compared raw, which needs a positive scale (a monotonic dequantization).
  if ((in.dtype == DType::kInt8 || in.dtype == DType::kUInt8) && in.quant.present())
    for (float s : in.quant.scale)
      if (!(s > 0.0f)) return error("input '%s' has a non-positive scale %g", in.name.c_str(), static_cast<double>(s));
  out.shape = shape;
  return op;
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_arg_max(PrepareContext& ctx) { return prepare_arg(ctx, false); }
Result<std::unique_ptr<PreparedOp>> prepare_arg_min(PrepareContext& ctx) { return prepare_arg(ctx, true); }

}  // namespace eb

// TILE, EXPAND_DIMS, SHAPE, FILL and ZEROS_LIKE: outputs made of repeated or known values.
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/ops/data_movement/data_movement.h"
#include "kernels/ops/ops.h"

namespace eb {

// TILE: the output viewed as [m0, d0, m1, d1, ...] reads the input with stride 0 over each repeat.
Result<std::unique_ptr<PreparedOp>> prepare_tile(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> mult, read_constant_index_ints(ctx.input(1), "multiples", "TILE"));
  const int rank = in.rank();
  if (static_cast<int>(mult.size()) != rank)
    return error("multiples '%s' has %zu values but input '%s' has rank %d", ctx.input(1).name.c_str(), mult.size(),
                 in.name.c_str(), rank);
  if (2 * rank > kCopyMaxRank) return error("input '%s' has rank %d; TILE supports at most %d", in.name.c_str(), rank, kCopyMaxRank / 2);
  const std::vector<int64_t> in_strides = contiguous_strides(shape_dims64(in.shape));
  std::vector<int64_t> out_dims, view_dims, view_in;
  for (int d = 0; d < rank; ++d) {
    const int64_t m = mult[static_cast<size_t>(d)];
    if (m < 0) return error("multiples '%s' has a negative value %lld", ctx.input(1).name.c_str(), static_cast<long long>(m));
    if (m > (int64_t{1} << 31)) return error("multiples '%s' value %lld is too large", ctx.input(1).name.c_str(), static_cast<long long>(m));
    out_dims.push_back(in.dim(d) * m);
    view_dims.insert(view_dims.end(), {m, in.dim(d)});
    view_in.insert(view_in.end(), {0, in_strides[static_cast<size_t>(d)]});
  }
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape(out_dims, out));
  const int elem = static_cast<int>(dtype_size(in.dtype));
  CopyStep s;
  s.in = ctx.input_index(0);
  s.out = ctx.output_index(0);
  s.plan = make_strided_copy(elem, view_dims, view_in, contiguous_strides(view_dims), 0, 0);
  out.shape = shape;
  return bind_copy_program(EB_XNAME("tile", elem), {s});
}

// EXPAND_DIMS: a size-1 dimension inserted at `axis` (in [-rank-1, rank]); the data is unchanged.
Result<std::unique_ptr<PreparedOp>> prepare_expand_dims(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> axis_v, read_constant_index_ints(ctx.input(1), "axis", "EXPAND_DIMS"));
  if (axis_v.size() != 1) return error("axis input '%s' must hold one value, has %zu", ctx.input(1).name.c_str(), axis_v.size());
  const int rank = in.rank();
  int64_t axis = axis_v[0];
  if (axis < -rank - 1 || axis > rank)
    return error("axis %lld is outside [%d, %d] for input '%s' of rank %d", static_cast<long long>(axis), -rank - 1, rank,
                 in.name.c_str(), rank);
  if (axis < 0) axis += rank + 1;
  Shape shape = in.shape;
  shape.insert(shape.begin() + axis, 1);
  const int elem = static_cast<int>(dtype_size(in.dtype));
  CopyStep s;
  s.in = ctx.input_index(0);
  s.out = ctx.output_index(0);
  s.plan = make_strided_copy(elem, {in.elements()}, {1}, {1}, 0, 0);
  out.shape = shape;
  return bind_copy_program(EB_XNAME("expand_dims", elem), {s});
}

// SHAPE: the input's dimensions as int32 or int64.
Result<std::unique_ptr<PreparedOp>> prepare_shape(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (out.dtype != DType::kInt32 && out.dtype != DType::kInt64)
    return error("output '%s' is %s; SHAPE writes int32 or int64", out.name.c_str(), dtype_name(out.dtype));
  // TFLite's kernel writes the output tensor's type; out_type (NodeOptions::output_type) only mirrors it.
  out.shape = {in.rank()};
  const std::vector<int64_t> dims = shape_dims64(in.shape);
  const int o = ctx.output_index(0);
  if (out.dtype == DType::kInt32)
    return bind_kernel("shape_s32_ref", [=](const RunContext& c) {
      int32_t* y = c.out<int32_t>(o);
      for (size_t i = 0; i < dims.size(); ++i) y[i] = static_cast<int32_t>(dims[i]);
    });
  return bind_kernel("shape_s64_ref", [=](const RunContext& c) {
    int64_t* y = c.out<int64_t>(o);
    for (size_t i = 0; i < dims.size(); ++i) y[i] = dims[i];
  });
}

// FILL: inputs (dims, value); the output has the value's type and is filled with it at run time.
Result<std::unique_ptr<PreparedOp>> prepare_fill(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& value = ctx.input(1);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(value));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(value, out));
  if (value.elements() != 1) return error("value '%s' must be a scalar, has shape %s", value.name.c_str(), shape_str(value.shape).c_str());
  if (ctx.input(0).rank() != 1) return error("dims '%s' must be 1-D, has shape %s", ctx.input(0).name.c_str(), shape_str(ctx.input(0).shape).c_str());
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> dims, read_constant_index_ints(ctx.input(0), "dims", "FILL"));
  for (int64_t d : dims)
    if (d < 0) return error("dims '%s' has a negative dimension %lld", ctx.input(0).name.c_str(), static_cast<long long>(d));
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape(dims, out));
  out.shape = shape;
  const int elem = static_cast<int>(dtype_size(value.dtype));
  CopyStep s;
  s.out = ctx.output_index(0);
  s.fill = true;
  s.fill_count = out.elements();
  s.plan.elem = elem;
  s.value_tensor = ctx.input_index(1);
  return bind_copy_program(EB_XNAME("fill", elem), {s});
}

// ZEROS_LIKE: int64, int32 and float32, as in TFLite.
Result<std::unique_ptr<PreparedOp>> prepare_zeros_like(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  if (in.dtype != DType::kFloat32 && in.dtype != DType::kInt32 && in.dtype != DType::kInt64)
    return error("input '%s' is %s; ZEROS_LIKE supports float32, int32, int64", in.name.c_str(), dtype_name(in.dtype));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  out.shape = in.shape;
  CopyStep s;
  s.out = ctx.output_index(0);
  s.fill = true;
  s.fill_count = in.elements();
  s.plan.elem = static_cast<int>(dtype_size(in.dtype));
  return bind_copy_program(EB_XNAME("zeros_like", s.plan.elem), {s});
}

}  // namespace eb

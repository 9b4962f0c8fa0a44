// SPLIT, SPLIT_V, UNPACK (one input cut into parts along an axis) and PACK (parts stacked along a new
// axis): each part is one strided copy between [outer, part, inner] views, so a part whose inner block
// is contiguous moves with one memcpy per outer row.
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/ops/data_movement/data_movement.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

struct AxisView {
  int64_t outer = 1, axis = 1, inner = 1;
};

AxisView view_around(const Shape& s, int axis) {
  AxisView v;
  for (int d = 0; d < axis; ++d) v.outer *= s[static_cast<size_t>(d)];
  v.axis = s[static_cast<size_t>(axis)];
  for (size_t d = static_cast<size_t>(axis) + 1; d < s.size(); ++d) v.inner *= s[d];
  return v;
}

// Output `out` takes positions [start, start + size) of the input's axis.
CopyStep split_step(int elem, int in, int out, const AxisView& v, int64_t start, int64_t size) {
  CopyStep s;
  s.in = in;
  s.out = out;
  s.plan = make_strided_copy(elem, {v.outer, size, v.inner}, {v.axis * v.inner, v.inner, 1}, {size * v.inner, v.inner, 1},
                             start * v.inner, 0);
  return s;
}

// Cuts input `data` along `axis` into parts of `sizes`, the outputs of the node in order.
Result<std::unique_ptr<PreparedOp>> prepare_parts(PrepareContext& ctx, int data_input, int axis,
                                                  const std::vector<int64_t>& sizes, bool drop_axis, const char* op) {
  const Tensor& in = ctx.input(data_input);
  const int elem = static_cast<int>(dtype_size(in.dtype));
  const AxisView v = view_around(in.shape, axis);
  std::vector<CopyStep> steps;
  int64_t start = 0;
  for (size_t k = 0; k < sizes.size(); ++k) {
    Tensor& out = ctx.output(static_cast<int>(k));
    EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
    Shape shape = in.shape;
    if (drop_axis)
      shape.erase(shape.begin() + axis);
    else
      shape[static_cast<size_t>(axis)] = static_cast<int32_t>(sizes[k]);
    out.shape = shape;
    steps.push_back(split_step(elem, ctx.input_index(data_input), ctx.output_index(static_cast<int>(k)), v, start, sizes[k]));
    start += sizes[k];
  }
  return bind_copy_program(op, std::move(steps));
}

Result<int> read_axis_tensor(const Tensor& axis_t, const Tensor& in) {
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> axis, read_constant_index_ints(axis_t, "axis", "the split"));
  if (axis.size() != 1)
    return error("axis input '%s' must hold one value, has %zu", axis_t.name.c_str(), axis.size());
  return resolve_copy_axis(axis[0], in.rank(), in);
}

}  // namespace

// SPLIT: inputs (axis, data); num_splits equal parts.
Result<std::unique_ptr<PreparedOp>> prepare_split(PrepareContext& ctx) {
  if (ctx.num_inputs() != 2 || !ctx.has_input(0) || !ctx.has_input(1))
    return error("expects 2 inputs (axis, input), has %d", ctx.num_inputs());
  const Tensor& in = ctx.input(1);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  const int n = ctx.options().num_splits;
  if (n <= 0) return error("num_splits is %d; it must be positive", n);
  if (ctx.num_outputs() != n) return error("num_splits is %d but the node has %d outputs", n, ctx.num_outputs());
  EB_ASSIGN_OR_RETURN(int axis, read_axis_tensor(ctx.input(0), in));
  const int32_t dim = in.dim(axis);
  if (dim % n != 0)
    return error("dimension %d of input '%s' (shape %s) is not divisible by num_splits %d", axis, in.name.c_str(),
                 shape_str(in.shape).c_str(), n);
  std::vector<int64_t> sizes(static_cast<size_t>(n), dim / n);
  return prepare_parts(ctx, 1, axis, sizes, false, EB_XNAME("split", dtype_size(in.dtype)));
}

// SPLIT_V: inputs (data, size_splits, axis); one size may be -1 (the rest of the dimension).
Result<std::unique_ptr<PreparedOp>> prepare_split_v(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(3, 3, ctx.num_outputs()));
  const Tensor& in = ctx.input(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_ASSIGN_OR_RETURN(int axis, read_axis_tensor(ctx.input(2), in));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, read_constant_index_ints(ctx.input(1), "size_splits", "SPLIT_V"));
  if (static_cast<int>(sizes.size()) != ctx.num_outputs() || sizes.empty())
    return error("size_splits '%s' has %zu values but the node has %d outputs", ctx.input(1).name.c_str(), sizes.size(),
                 ctx.num_outputs());
  const int64_t dim = in.dim(axis);
  int64_t known = 0;
  int minus_one = -1;
  for (size_t k = 0; k < sizes.size(); ++k) {
    if (sizes[k] == -1 && minus_one < 0) {
      minus_one = static_cast<int>(k);
    } else if (sizes[k] < 0 || sizes[k] > dim) {
      return error("size_splits '%s' has an invalid size %lld (only one -1 is allowed, none above the dimension)", ctx.input(1).name.c_str(),
                   static_cast<long long>(sizes[k]));
    } else {
      known += sizes[k];
      if (known > dim) break;
    }
  }
  if (minus_one >= 0 && known <= dim) sizes[static_cast<size_t>(minus_one)] = dim - known;
  if (known > dim || (minus_one < 0 && known != dim))
    return error("size_splits '%s' do not add up to dimension %d (size %lld) of input '%s'", ctx.input(1).name.c_str(),
                 axis, static_cast<long long>(dim), in.name.c_str());
  return prepare_parts(ctx, 0, axis, sizes, false, EB_XNAME("split_v", dtype_size(in.dtype)));
}

// UNPACK: one output per position of `axis`, each without that dimension.
Result<std::unique_ptr<PreparedOp>> prepare_unpack(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, ctx.num_outputs()));
  const Tensor& in = ctx.input(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  if (in.rank() == 0) return error("input '%s' is a scalar; it has no axis to unpack", in.name.c_str());
  EB_ASSIGN_OR_RETURN(int axis, resolve_copy_axis(ctx.options().axis, in.rank(), in));
  const int32_t dim = in.dim(axis);
  if (ctx.options().num != 0 && ctx.options().num != dim)
    return error("num is %d but dimension %d of input '%s' (shape %s) is %d", ctx.options().num, axis, in.name.c_str(),
                 shape_str(in.shape).c_str(), dim);
  if (ctx.num_outputs() != dim)
    return error("the node has %d outputs but dimension %d of input '%s' is %d", ctx.num_outputs(), axis,
                 in.name.c_str(), dim);
  std::vector<int64_t> sizes(static_cast<size_t>(dim), 1);
  return prepare_parts(ctx, 0, axis, sizes, true, EB_XNAME("unpack", dtype_size(in.dtype)));
}

// PACK: values_count inputs of one shape stacked along a new dimension `axis` of the output.
Result<std::unique_ptr<PreparedOp>> prepare_pack(PrepareContext& ctx) {
  const int n = ctx.num_inputs();
  EB_RETURN_IF_ERROR(ctx.expect_io(1, n > 0 ? n : 1, 1));
  if (ctx.options().values_count != 0 && ctx.options().values_count != n)
    return error("values_count is %d but the node has %d inputs", ctx.options().values_count, n);
  const Tensor& first = ctx.input(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(first));
  const int rank = first.rank();
  if (rank + 1 > kCopyMaxRank) return error("input '%s' has rank %d; at most %d is supported", first.name.c_str(), rank, kCopyMaxRank - 1);
  int axis = ctx.options().axis;
  if (axis < -(rank + 1) || axis > rank)
    return error("axis %d is outside the output rank %d of packing inputs of shape %s", axis, rank + 1,
                 shape_str(first.shape).c_str());
  if (axis < 0) axis += rank + 1;
  Tensor& out = ctx.output(0);
  for (int k = 0; k < n; ++k) {
    const Tensor& t = ctx.input(k);
    if (t.shape != first.shape)
      return error("input '%s' has shape %s but input '%s' has %s; all must match", t.name.c_str(),
                   shape_str(t.shape).c_str(), first.name.c_str(), shape_str(first.shape).c_str());
    EB_RETURN_IF_ERROR(check_same_type_and_quant(t, out));
  }
  Shape shape = first.shape;
  shape.insert(shape.begin() + axis, n);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= first.dim(d);
  for (int d = axis; d < rank; ++d) inner *= first.dim(d);
  const int elem = static_cast<int>(dtype_size(first.dtype));
  std::vector<CopyStep> steps;
  for (int k = 0; k < n; ++k) {
    CopyStep s;
    s.in = ctx.input_index(k);
    s.out = ctx.output_index(0);
    s.plan = make_strided_copy(elem, {outer, inner}, {inner, 1}, {n * inner, 1}, 0, k * inner);
    steps.push_back(s);
  }
  out.shape = shape;
  return bind_copy_program(EB_XNAME("pack", elem), std::move(steps));
}

}  // namespace eb

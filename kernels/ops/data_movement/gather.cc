// GATHER (axis, batch_dims) and GATHER_ND: blocks of the params tensor picked by int32 or int64
// indices. Constant indices are checked here; run-time ones in the kernels.
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/ops/data_movement/data_movement.h"
#include "kernels/ops/data_movement/gather.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

Status check_indices_type(const Tensor& t) {
  if (t.dtype != DType::kInt32 && t.dtype != DType::kInt64)
    return error("indices '%s' must be int32 or int64, are %s", t.name.c_str(), dtype_name(t.dtype));
  return Status();
}

const char* gather_name(int elem, bool nd) {
  return nd ? EB_XNAME("gather_nd", elem) : EB_XNAME("gather", elem);
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_gather(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& idx = ctx.input(1);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  EB_RETURN_IF_ERROR(check_indices_type(idx));
  if (in.rank() == 0) return error("params '%s' is a scalar; it has no axis to gather from", in.name.c_str());
  EB_ASSIGN_OR_RETURN(int axis, resolve_copy_axis(ctx.options().axis, in.rank(), in));
  int batch_dims = ctx.options().batch_dims;
  if (batch_dims < 0) batch_dims += idx.rank();
  if (batch_dims < 0 || batch_dims > idx.rank() || batch_dims > axis)
    return error("batch_dims %d must be in [0, %d] (the rank of indices '%s' and at most axis %d)",
                 ctx.options().batch_dims, idx.rank(), idx.name.c_str(), axis);
  for (int d = 0; d < batch_dims; ++d)
    if (in.dim(d) != idx.dim(d))
      return error("batch dimension %d differs between params '%s' %s and indices '%s' %s", d, in.name.c_str(),
                   shape_str(in.shape).c_str(), idx.name.c_str(), shape_str(idx.shape).c_str());
  const int elem = static_cast<int>(dtype_size(in.dtype));
  GatherParams p;
  std::vector<int64_t> out_dims;
  for (int d = 0; d < batch_dims; ++d) p.batch *= in.dim(d);
  for (int d = batch_dims; d < axis; ++d) p.outer *= in.dim(d);
  p.axis_size = in.dim(axis);
  for (int d = batch_dims; d < idx.rank(); ++d) p.coords *= idx.dim(d);
  p.inner_bytes = elem;
  for (int d = axis + 1; d < in.rank(); ++d) p.inner_bytes *= in.dim(d);
  for (int d = 0; d < axis; ++d) out_dims.push_back(in.dim(d));
  for (int d = batch_dims; d < idx.rank(); ++d) out_dims.push_back(idx.dim(d));
  for (int d = axis + 1; d < in.rank(); ++d) out_dims.push_back(in.dim(d));
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape(out_dims, out));
  if (idx.is_constant()) {
    EB_ASSIGN_OR_RETURN(std::vector<int64_t> values, read_constant_index_ints(idx, "indices", "GATHER"));
    for (int64_t v : values)
      if (v < 0 || v >= p.axis_size)
        return error("index %lld of indices '%s' is outside dimension %d (size %lld) of params '%s'",
                     static_cast<long long>(v), idx.name.c_str(), axis, static_cast<long long>(p.axis_size),
                     in.name.c_str());
  }
  out.shape = shape;
  const int a = ctx.input_index(0), i = ctx.input_index(1), o = ctx.output_index(0);
  if (idx.dtype == DType::kInt32)
    return bind_kernel(gather_name(elem, false), [=](const RunContext& c) {
      gather_ref<int32_t>(p, c.in<uint8_t>(a), c.in<int32_t>(i), c.out<uint8_t>(o));
    });
  return bind_kernel(gather_name(elem, false), [=](const RunContext& c) {
    gather_ref<int64_t>(p, c.in<uint8_t>(a), c.in<int64_t>(i), c.out<uint8_t>(o));
  });
}

Result<std::unique_ptr<PreparedOp>> prepare_gather_nd(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  const Tensor& idx = ctx.input(1);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  EB_RETURN_IF_ERROR(check_indices_type(idx));
  if (idx.rank() < 1) return error("indices '%s' must have rank at least 1", idx.name.c_str());
  const int depth = idx.dim(idx.rank() - 1);
  if (depth > in.rank() || depth > kGatherNdMaxDepth)
    return error("indices '%s' (shape %s) index %d dimensions; params '%s' has rank %d", idx.name.c_str(),
                 shape_str(idx.shape).c_str(), depth, in.name.c_str(), in.rank());
  const int elem = static_cast<int>(dtype_size(in.dtype));
  GatherNdParams p;
  p.depth = depth;
  p.slices = 1;
  std::vector<int64_t> out_dims;
  for (int d = 0; d + 1 < idx.rank(); ++d) {
    p.slices *= idx.dim(d);
    out_dims.push_back(idx.dim(d));
  }
  p.slice_bytes = elem;
  for (int d = depth; d < in.rank(); ++d) {
    p.slice_bytes *= in.dim(d);
    out_dims.push_back(in.dim(d));
  }
  int64_t stride = p.slice_bytes;
  for (int k = depth - 1; k >= 0; --k) {
    p.dims[k] = in.dim(k);
    p.strides[k] = stride;
    stride *= in.dim(k);
  }
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape(out_dims, out));
  if (idx.is_constant()) {
    EB_ASSIGN_OR_RETURN(std::vector<int64_t> values, read_constant_index_ints(idx, "indices", "GATHER_ND"));
    for (size_t j = 0; j < values.size(); ++j) {
      const int k = static_cast<int>(j % static_cast<size_t>(depth > 0 ? depth : 1));
      if (depth > 0 && (values[j] < 0 || values[j] >= p.dims[k]))
        return error("index %lld of indices '%s' is outside dimension %d (size %lld) of params '%s'",
                     static_cast<long long>(values[j]), idx.name.c_str(), k, static_cast<long long>(p.dims[k]),
                     in.name.c_str());
    }
  }
  out.shape = shape;
  const int a = ctx.input_index(0), i = ctx.input_index(1), o = ctx.output_index(0);
  if (idx.dtype == DType::kInt32)
    return bind_kernel(gather_name(elem, true), [=](const RunContext& c) {
      gather_nd_ref<int32_t>(p, c.in<uint8_t>(a), c.in<int32_t>(i), c.out<uint8_t>(o));
    });
  return bind_kernel(gather_name(elem, true), [=](const RunContext& c) {
    gather_nd_ref<int64_t>(p, c.in<uint8_t>(a), c.in<int64_t>(i), c.out<uint8_t>(o));
  });
}

}  // namespace eb

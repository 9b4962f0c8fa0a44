// STRIDED_SLICE and SLICE: the output is a strided view of the input (negative strides walk
// backwards), copied with one strided-copy plan whose contiguous inner runs move with memcpy.
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/ops/data_movement/data_movement.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

// One dimension of the expanded (ellipsis and new axes resolved) slice specification.
struct SliceDim {
  int input_dim = -1;  // -1: a new axis of size 1
  int64_t begin = 0, end = 0, stride = 1;
  bool begin_mask = false, end_mask = false, shrink = false;
};

int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : v > hi ? hi : v; }

// TFLite's BuildStridedSliceParams: the ellipsis expands to the dimensions the spec does not name
// (full ranges); a new-axis bit at the ellipsis position has no effect; dimensions after the spec
// are full ranges.
Result<std::vector<SliceDim>> expand_spec(const NodeOptions& o, const std::vector<int64_t>& begin,
                                          const std::vector<int64_t>& end, const std::vector<int64_t>& strides,
                                          int input_rank) {
  const int n = static_cast<int>(begin.size());
  if (n > 30) return error("begin has %d values; at most 30 are supported", n);
  int num_new = 0;
  bool has_ellipsis = false;
  for (int i = 0; i < n; ++i) {
    const bool ell = o.ellipsis_mask & (1 << i);
    if (ell && has_ellipsis) return error("ellipsis_mask has more than one bit set");
    has_ellipsis = has_ellipsis || ell;
    if (!ell && (o.new_axis_mask & (1 << i))) ++num_new;
  }
  const int named = n - num_new - (has_ellipsis ? 1 : 0);  // spec entries consuming an input dimension
  if (named > input_rank)
    return error("the slice names %d dimensions but the input has rank %d", named, input_rank);
  std::vector<SliceDim> dims;
  int in_dim = 0;
  for (int i = 0; i < n; ++i) {
    if (o.ellipsis_mask & (1 << i)) {
      for (int k = 0; k < input_rank - named; ++k) {
        SliceDim d;
        d.input_dim = in_dim++;
        d.begin_mask = d.end_mask = true;
        dims.push_back(d);
      }
      continue;
    }
    SliceDim d;
    if (o.new_axis_mask & (1 << i)) {
      d.begin = 0;
      d.end = 1;
      dims.push_back(d);
      continue;
    }
    d.input_dim = in_dim++;
    d.begin = begin[static_cast<size_t>(i)];
    d.end = end[static_cast<size_t>(i)];
    d.stride = strides[static_cast<size_t>(i)];
    d.begin_mask = o.begin_mask & (1 << i);
    d.end_mask = o.end_mask & (1 << i);
    d.shrink = o.shrink_axis_mask & (1 << i);
    dims.push_back(d);
  }
  while (in_dim < input_rank) {
    SliceDim d;
    d.input_dim = in_dim++;
    d.begin_mask = d.end_mask = true;
    dims.push_back(d);
  }
  return dims;
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_strided_slice(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(4, 4, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> begin, read_constant_index_ints(ctx.input(1), "begin", "STRIDED_SLICE"));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> end, read_constant_index_ints(ctx.input(2), "end", "STRIDED_SLICE"));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> strides, read_constant_index_ints(ctx.input(3), "strides", "STRIDED_SLICE"));
  if (ctx.input(1).rank() != 1 || end.size() != begin.size() || strides.size() != begin.size())
    return error("begin, end and strides must be 1-D of one length; have shapes %s, %s, %s",
                 shape_str(ctx.input(1).shape).c_str(), shape_str(ctx.input(2).shape).c_str(),
                 shape_str(ctx.input(3).shape).c_str());
  // Dimensions are below 2^31, so clamping hostile values to +-2^40 keeps every result and rules out
  // overflow in the index arithmetic below.
  for (std::vector<int64_t>* v : {&begin, &end, &strides})
    for (int64_t& x : *v) x = clamp64(x, -(int64_t{1} << 40), int64_t{1} << 40);
  EB_ASSIGN_OR_RETURN(std::vector<SliceDim> spec, expand_spec(ctx.options(), begin, end, strides, in.rank()));
  if (static_cast<int>(spec.size()) > kCopyMaxRank)
    return error("the slice has %zu dimensions; at most %d are supported", spec.size(), kCopyMaxRank);

  const std::vector<int64_t> in_strides = contiguous_strides(shape_dims64(in.shape));
  std::vector<int64_t> sizes, steps, out_dims;
  int64_t offset = 0;
  for (const SliceDim& d : spec) {
    if (d.input_dim < 0) {
      sizes.push_back(1);
      steps.push_back(0);
      if (!d.shrink) out_dims.push_back(1);
      continue;
    }
    if (d.stride == 0) return error("stride of dimension %d is 0; it must be non-zero", d.input_dim);
    const int64_t size = in.dim(d.input_dim);
    // TFLite's StridedSliceStartForAxis / EndForAxis: negative indices count from the end, then clamp
    // (one before the start for backward iteration); masks select the whole range.
    int64_t start = d.begin < 0 ? d.begin + size : d.begin;
    start = d.stride > 0 ? clamp64(start, 0, size) : clamp64(start, -1, size - 1);
    if (d.begin_mask) start = d.stride > 0 ? 0 : size - 1;
    int64_t stop;
    if (d.shrink) {
      if (start < 0 || start >= size)
        return error("shrunk dimension %d of input '%s' (size %lld) indexes %lld, outside it", d.input_dim,
                     in.name.c_str(), static_cast<long long>(size), static_cast<long long>(d.begin));
      stop = start + 1;
    } else {
      stop = ctx.options().offset ? d.end + start : d.end;
      if (stop < 0) stop += size;
      stop = d.stride > 0 ? clamp64(stop, 0, size) : clamp64(stop, -1, size - 1);
      if (d.end_mask) stop = d.stride > 0 ? size : -1;
    }
    int64_t n = 0;
    if (d.stride > 0 && stop > start) n = (stop - start + d.stride - 1) / d.stride;
    if (d.stride < 0 && start > stop) n = (start - stop + (-d.stride) - 1) / (-d.stride);
    if (n > 0) offset += start * in_strides[static_cast<size_t>(d.input_dim)];
    sizes.push_back(n);
    steps.push_back(d.stride * in_strides[static_cast<size_t>(d.input_dim)]);
    if (!d.shrink) out_dims.push_back(n);
  }
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape(out_dims, out));
  const int elem = static_cast<int>(dtype_size(in.dtype));
  CopyStep s;
  s.in = ctx.input_index(0);
  s.out = ctx.output_index(0);
  s.plan = make_strided_copy(elem, sizes, steps, contiguous_strides(sizes), offset, 0);
  out.shape = shape;
  return bind_copy_program(EB_XNAME("strided_slice", elem), {s});
}

// SLICE: begin and size per dimension; size -1 takes the rest of the dimension.
Result<std::unique_ptr<PreparedOp>> prepare_slice(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(3, 3, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> begin, read_constant_index_ints(ctx.input(1), "begin", "SLICE"));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> size, read_constant_index_ints(ctx.input(2), "size", "SLICE"));
  const int rank = in.rank();
  if (static_cast<int>(begin.size()) != rank || static_cast<int>(size.size()) != rank)
    return error("begin and size must have %d values (the rank of input '%s'), have %zu and %zu", rank, in.name.c_str(),
                 begin.size(), size.size());
  if (rank > kCopyMaxRank) return error("input '%s' has rank %d; at most %d is supported", in.name.c_str(), rank, kCopyMaxRank);
  const std::vector<int64_t> in_strides = contiguous_strides(shape_dims64(in.shape));
  int64_t offset = 0;
  for (int d = 0; d < rank; ++d) {
    const int64_t dim = in.dim(d), b = begin[static_cast<size_t>(d)];
    int64_t& n = size[static_cast<size_t>(d)];
    if (n == -1) n = dim - b;
    if (b < 0 || b > dim || n < 0 || n > dim - b)
      return error("begin %lld and size %lld of dimension %d do not fit input '%s' of shape %s",
                   static_cast<long long>(b), static_cast<long long>(size[static_cast<size_t>(d)]), d, in.name.c_str(),
                   shape_str(in.shape).c_str());
    offset += b * in_strides[static_cast<size_t>(d)];
  }
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape(size, out));
  const int elem = static_cast<int>(dtype_size(in.dtype));
  CopyStep s;
  s.in = ctx.input_index(0);
  s.out = ctx.output_index(0);
  s.plan = make_strided_copy(elem, size, in_strides, contiguous_strides(size), offset, 0);
  out.shape = shape;
  return bind_copy_program(EB_XNAME("slice", elem), {s});
}

}  // namespace eb

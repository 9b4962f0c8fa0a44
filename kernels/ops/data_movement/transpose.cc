// TRANSPOSE, SPACE_TO_DEPTH and DEPTH_TO_SPACE: permutations of (reshaped) dimensions, each one
// strided-copy plan (adjacent dimensions that stay in order merge; transposed 2-d blocks are tiled).
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/ops/data_movement/data_movement.h"
#include "kernels/ops/data_movement/transpose_blocks.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

// out[i0..] = in[...] where output dimension i is input dimension perm[i] of `in_dims`.
CopyStep permute_step(int elem, int in, int out, const std::vector<int64_t>& in_dims, const std::vector<int>& perm) {
  const std::vector<int64_t> in_strides = contiguous_strides(in_dims);
  std::vector<int64_t> out_dims, strides;
  for (int p : perm) {
    out_dims.push_back(in_dims[static_cast<size_t>(p)]);
    strides.push_back(in_strides[static_cast<size_t>(p)]);
  }
  CopyStep s;
  s.in = in;
  s.out = out;
  s.plan = make_strided_copy(elem, out_dims, strides, contiguous_strides(out_dims), 0, 0);
  return s;
}

Status check_nhwc_block(const Tensor& in, int block) {
  if (in.rank() != 4) return error("input '%s' must be 4-D (NHWC), has shape %s", in.name.c_str(), shape_str(in.shape).c_str());
  if (block < 1) return error("block_size is %d; it must be at least 1", block);
  return Status();
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_transpose(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> perm64, read_constant_index_ints(ctx.input(1), "perm", "TRANSPOSE"));
  const int rank = in.rank();
  if (rank > 6) return error("input '%s' has rank %d; TRANSPOSE supports at most 6", in.name.c_str(), rank);
  if (static_cast<int>(perm64.size()) != rank)
    return error("perm '%s' has %zu values but input '%s' has rank %d", ctx.input(1).name.c_str(), perm64.size(),
                 in.name.c_str(), rank);
  std::vector<int> perm;
  std::vector<bool> seen(static_cast<size_t>(rank), false);
  Shape shape;
  for (int64_t p : perm64) {
    // TFLite accepts negative entries counted from the end.
    const int64_t a = p < 0 ? p + rank : p;
    if (a < 0 || a >= rank || seen[static_cast<size_t>(a)])
      return error("perm '%s' is not a permutation of the %d dimensions of input '%s'", ctx.input(1).name.c_str(), rank,
                   in.name.c_str());
    seen[static_cast<size_t>(a)] = true;
    perm.push_back(static_cast<int>(a));
    shape.push_back(in.dim(static_cast<int>(a)));
  }
  const int elem = static_cast<int>(dtype_size(in.dtype));
  out.shape = shape;
  CopyStep step = permute_step(elem, ctx.input_index(0), ctx.output_index(0), shape_dims64(in.shape), perm);
  const TransposeBlocks* blocks = transpose_blocks_for(ctx.isa());
  if (blocks && elem <= 4 && elem != 3) {
    step.blocks = blocks;
    return bind_copy_program(blocks->names[elem == 1 ? 0 : elem == 2 ? 1 : 2], {step});
  }
  return bind_copy_program(EB_XNAME("transpose", elem), {step});
}

// [N, H*b, W*b, C] -> [N, H, W, b*b*C]: viewed as [N, H, b, W, b, C] and permuted to [N, H, W, b, b, C].
Result<std::unique_ptr<PreparedOp>> prepare_space_to_depth(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  const int b = ctx.options().block_size;
  EB_RETURN_IF_ERROR(check_nhwc_block(in, b));
  if (in.dim(1) % b != 0 || in.dim(2) % b != 0)
    return error("height and width of input '%s' (shape %s) must be multiples of block_size %d", in.name.c_str(),
                 shape_str(in.shape).c_str(), b);
  const int64_t n = in.dim(0), h = in.dim(1) / b, w = in.dim(2) / b, c = in.dim(3);
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape({n, h, w, int64_t{b} * b * c}, out));
  const int elem = static_cast<int>(dtype_size(in.dtype));
  out.shape = shape;
  return bind_copy_program(EB_XNAME("space_to_depth", elem),
                           {permute_step(elem, ctx.input_index(0), ctx.output_index(0), {n, h, b, w, b, c}, {0, 1, 3, 2, 4, 5})});
}

// [N, H, W, b*b*C] -> [N, H*b, W*b, C]: viewed as [N, H, W, b, b, C] and permuted to [N, H, b, W, b, C].
Result<std::unique_ptr<PreparedOp>> prepare_depth_to_space(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(1, 1, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  const int b = ctx.options().block_size;
  EB_RETURN_IF_ERROR(check_nhwc_block(in, b));
  if (in.dim(3) % (b * b) != 0)
    return error("depth of input '%s' (shape %s) must be a multiple of block_size^2 = %d", in.name.c_str(),
                 shape_str(in.shape).c_str(), b * b);
  const int64_t n = in.dim(0), h = in.dim(1), w = in.dim(2), c = in.dim(3) / (b * b);
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape({n, h * b, w * b, c}, out));
  const int elem = static_cast<int>(dtype_size(in.dtype));
  out.shape = shape;
  return bind_copy_program(EB_XNAME("depth_to_space", elem),
                           {permute_step(elem, ctx.input_index(0), ctx.output_index(0), {n, h, w, b, b, c}, {0, 1, 3, 2, 4, 5})});
}

}  // namespace eb

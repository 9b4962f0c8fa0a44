// PADV2, MIRROR_PAD, SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: an output filled with a pad value (where
// some positions come from no input element) plus strided copies of the input into it.
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "kernels/ops/data_movement/data_movement.h"
#include "kernels/ops/ops.h"

namespace eb {
namespace {

// Paddings: a constant [rows, 2] int32/int64 tensor of non-negative (before, after) pairs.
Result<std::vector<int64_t>> read_paddings(const Tensor& pads, int rows, const char* op) {
  if (pads.rank() != 2 || pads.dim(0) != rows || pads.dim(1) != 2)
    return error("paddings '%s' must have shape [%d, 2], has %s", pads.name.c_str(), rows, shape_str(pads.shape).c_str());
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> p, read_constant_index_ints(pads, "paddings", op));
  for (int64_t v : p)
    if (v < 0 || v > (int64_t{1} << 30))
      return error("paddings '%s' has an invalid value %lld", pads.name.c_str(), static_cast<long long>(v));
  return p;
}

CopyStep fill_step(int out, int64_t count, int elem, int value_tensor, const uint8_t* value) {
  CopyStep s;
  s.out = out;
  s.fill = true;
  s.fill_count = count;
  s.plan.elem = elem;
  s.value_tensor = value_tensor;
  if (value) std::memcpy(s.value, value, static_cast<size_t>(elem));
  return s;
}

// The value quantized tensors pad with when no explicit value is given: the output zero point.
void zero_point_pattern(const Tensor& out, uint8_t* value) {
  std::memset(value, 0, 8);
  if (!out.quant.present()) return;
  const int32_t zp = out.quant.zp0();
  if (out.dtype == DType::kInt8 || out.dtype == DType::kUInt8) value[0] = static_cast<uint8_t>(zp);
  if (out.dtype == DType::kInt16) std::memcpy(value, &zp, 2);  // little-endian low half
}

}  // namespace

// PADV2: inputs (input, paddings, constant_values); the value is read at run time (it may be computed).
Result<std::unique_ptr<PreparedOp>> prepare_padv2(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 3, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  const int rank = in.rank();
  if (rank > kCopyMaxRank) return error("input '%s' has rank %d; at most %d is supported", in.name.c_str(), rank, kCopyMaxRank);
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> pads, read_paddings(ctx.input(1), rank, "PADV2"));
  int value_tensor = -1;
  uint8_t value[8];
  zero_point_pattern(out, value);
  if (ctx.has_input(2)) {
    const Tensor& v = ctx.input(2);
    if (v.dtype != in.dtype || v.elements() != 1)
      return error("constant_values '%s' must be one %s value, is %s %s", v.name.c_str(), dtype_name(in.dtype),
                   dtype_name(v.dtype), shape_str(v.shape).c_str());
    // The value's stored integer is used as is, so it must be on the output's scale (TFLite checks this too).
    if (v.quant.present() && out.quant.present() &&
        (v.quant.scale0() != out.quant.scale0() || v.quant.zp0() != out.quant.zp0()))
      return error("constant_values '%s' quantization differs from output '%s'", v.name.c_str(), out.name.c_str());
    value_tensor = ctx.input_index(2);
  }
  std::vector<int64_t> out_dims, in_dims = shape_dims64(in.shape);
  int64_t out_offset = 0;
  for (int d = 0; d < rank; ++d) out_dims.push_back(in.dim(d) + pads[2 * d] + pads[2 * d + 1]);
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape(out_dims, out));
  const std::vector<int64_t> out_strides = contiguous_strides(out_dims);
  for (int d = 0; d < rank; ++d) out_offset += pads[2 * d] * out_strides[static_cast<size_t>(d)];
  const int elem = static_cast<int>(dtype_size(in.dtype));
  out.shape = shape;
  std::vector<CopyStep> steps{fill_step(ctx.output_index(0), out.elements(), elem, value_tensor, value)};
  CopyStep c;
  c.in = ctx.input_index(0);
  c.out = ctx.output_index(0);
  c.plan = make_strided_copy(elem, in_dims, contiguous_strides(in_dims), out_strides, 0, out_offset);
  steps.push_back(c);
  return bind_copy_program(EB_XNAME("padv2", elem), std::move(steps));
}

// MIRROR_PAD: the input is copied into the interior, then each dimension's pads (innermost first)
// copy mirrored slices of the output itself: REFLECT leaves out the edge, SYMMETRIC repeats it.
Result<std::unique_ptr<PreparedOp>> prepare_mirror_pad(PrepareContext& ctx) {
  EB_RETURN_IF_ERROR(ctx.expect_io(2, 2, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  const int rank = in.rank();
  if (rank > kCopyMaxRank) return error("input '%s' has rank %d; at most %d is supported", in.name.c_str(), rank, kCopyMaxRank);
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> pads, read_paddings(ctx.input(1), rank, "MIRROR_PAD"));
  const bool symmetric = ctx.options().mirror_symmetric;
  std::vector<int64_t> in_dims = shape_dims64(in.shape), out_dims;
  for (int d = 0; d < rank; ++d) {
    const int64_t limit = symmetric ? in.dim(d) : in.dim(d) - 1;
    if (pads[2 * d] > limit || pads[2 * d + 1] > limit)
      return error("paddings (%lld, %lld) of dimension %d exceed %lld, the most %s mode allows for input '%s' %s",
                   static_cast<long long>(pads[2 * d]), static_cast<long long>(pads[2 * d + 1]), d,
                   static_cast<long long>(limit), symmetric ? "SYMMETRIC" : "REFLECT", in.name.c_str(),
                   shape_str(in.shape).c_str());
    out_dims.push_back(in.dim(d) + pads[2 * d] + pads[2 * d + 1]);
  }
  EB_ASSIGN_OR_RETURN(Shape shape, checked_out_shape(out_dims, out));
  const std::vector<int64_t> os = contiguous_strides(out_dims);
  const int elem = static_cast<int>(dtype_size(in.dtype));
  const int o = ctx.output_index(0);
  std::vector<CopyStep> steps;
  int64_t interior = 0;
  for (int d = 0; d < rank; ++d) interior += pads[2 * d] * os[static_cast<size_t>(d)];
  CopyStep c;
  c.in = ctx.input_index(0);
  c.out = o;
  c.plan = make_strided_copy(elem, in_dims, contiguous_strides(in_dims), os, 0, interior);
  steps.push_back(c);
  for (int d = rank - 1; d >= 0; --d) {
    // Region already valid: interior in dimensions before d, full extent after d.
    std::vector<int64_t> dims;
    int64_t base = 0;
    for (int k = 0; k < rank; ++k) {
      if (k < d) {
        dims.push_back(in.dim(k));
        base += pads[2 * k] * os[static_cast<size_t>(k)];
      } else {
        dims.push_back(k == d ? 1 : out_dims[static_cast<size_t>(k)]);
      }
    }
    // Each side is one copy whose dimension d walks the source backwards (a mirror): the left pad's
    // position j reads before + before - j - shift, the right pad's k reads before + n - 2 - k + shift.
    const int64_t before = pads[2 * d], after = pads[2 * d + 1], n = in.dim(d), shift = symmetric ? 1 : 0;
    const int64_t step = os[static_cast<size_t>(d)];
    auto mirror = [&](int64_t count, int64_t to, int64_t from) {
      if (count == 0) return;
      std::vector<int64_t> side = dims, in_str = os;
      side[static_cast<size_t>(d)] = count;
      in_str[static_cast<size_t>(d)] = -step;
      CopyStep m;
      m.in = o;
      m.out = o;
      m.plan = make_strided_copy(elem, side, in_str, os, base + from * step, base + to * step);
      steps.push_back(m);
    };
    mirror(before, 0, 2 * before - shift);
    mirror(after, before + n, before + n - 2 + shift);
  }
  out.shape = shape;
  return bind_copy_program(EB_XNAME("mirror_pad", elem), std::move(steps));
}

namespace {

// SPACE_TO_BATCH_ND (to_batch) and BATCH_TO_SPACE_ND share the index map
//   batch-side[(offset * batch + b), i...] <-> space-side[b, i * block + o - pad_before ...]
// where offset enumerates the block positions o row-major; each block position is one strided copy
// over the range of i whose space-side index is inside the (padded or cropped) space tensor.
Result<std::unique_ptr<PreparedOp>> prepare_batch_space(PrepareContext& ctx, bool to_batch) {
  const char* op = to_batch ? "SPACE_TO_BATCH_ND" : "BATCH_TO_SPACE_ND";
  EB_RETURN_IF_ERROR(ctx.expect_io(3, 3, 1));
  const Tensor& in = ctx.input(0);
  Tensor& out = ctx.output(0);
  EB_RETURN_IF_ERROR(check_copy_dtype(in));
  EB_RETURN_IF_ERROR(check_same_type_and_quant(in, out));
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> block, read_constant_index_ints(ctx.input(1), "block_shape", op));
  const int m = static_cast<int>(block.size());
  if (ctx.input(1).rank() != 1 || m < 1 || in.rank() < m + 1 || m + 2 > kCopyMaxRank)
    return error("block_shape '%s' (shape %s) does not fit input '%s' of shape %s", ctx.input(1).name.c_str(),
                 shape_str(ctx.input(1).shape).c_str(), in.name.c_str(), shape_str(in.shape).c_str());
  EB_ASSIGN_OR_RETURN(std::vector<int64_t> pads, read_paddings(ctx.input(2), m, op));
  int64_t blocks = 1, rest = 1;
  for (int64_t b : block) {
    if (b < 1 || b > (1 << 20)) return error("block_shape '%s' has an invalid value %lld", ctx.input(1).name.c_str(), static_cast<long long>(b));
    blocks *= b;
    // One copy per block position, and blocks * batch must stay a dimension.
    if (blocks > (1 << 20)) return error("block_shape '%s' has more than 2^20 block positions", ctx.input(1).name.c_str());
  }
  for (int d = m + 1; d < in.rank(); ++d) rest *= in.dim(d);
  // Space side: [batch, space..., rest]; batch side: [blocks * batch, grid..., rest].
  int64_t batch;
  std::vector<int64_t> space(static_cast<size_t>(m)), grid(static_cast<size_t>(m));
  std::vector<int64_t> shape = shape_dims64(in.shape);
  if (to_batch) {
    batch = in.dim(0);
    for (int k = 0; k < m; ++k) {
      space[k] = in.dim(k + 1);
      const int64_t padded = space[k] + pads[2 * k] + pads[2 * k + 1];
      if (padded % block[k] != 0)
        return error("padded dimension %d of input '%s' (%lld) is not a multiple of block %lld", k + 1, in.name.c_str(),
                     static_cast<long long>(padded), static_cast<long long>(block[k]));
      grid[k] = padded / block[k];
      shape[static_cast<size_t>(k + 1)] = grid[k];
    }
    shape[0] = batch * blocks;
  } else {
    if (in.dim(0) % blocks != 0)
      return error("batch %d of input '%s' is not a multiple of the block count %lld", in.dim(0), in.name.c_str(),
                   static_cast<long long>(blocks));
    batch = in.dim(0) / blocks;
    for (int k = 0; k < m; ++k) {
      grid[k] = in.dim(k + 1);
      space[k] = grid[k] * block[k] - pads[2 * k] - pads[2 * k + 1];
      if (space[k] < 0) return error("crops of dimension %d exceed the size of the output", k + 1);
      shape[static_cast<size_t>(k + 1)] = space[k];
    }
    shape[0] = batch;
  }
  EB_ASSIGN_OR_RETURN(Shape checked, checked_out_shape(shape, out));
  std::vector<int64_t> space_dims{batch}, grid_dims{batch * blocks};
  for (int k = 0; k < m; ++k) {
    space_dims.push_back(space[k]);
    grid_dims.push_back(grid[k]);
  }
  space_dims.push_back(rest);
  grid_dims.push_back(rest);
  const std::vector<int64_t> ss = contiguous_strides(space_dims), gs = contiguous_strides(grid_dims);
  const int elem = static_cast<int>(dtype_size(in.dtype));
  out.shape = checked;
  std::vector<CopyStep> steps;
  if (to_batch) {
    uint8_t value[8];
    zero_point_pattern(out, value);
    steps.push_back(fill_step(ctx.output_index(0), out.elements(), elem, -1, value));
  }
  std::vector<int64_t> o(static_cast<size_t>(m), 0);
  for (int64_t offset = 0; offset < blocks; ++offset) {
    std::vector<int64_t> dims{batch}, s_str{ss[0]}, g_str{gs[0]};
    int64_t s_off = 0, g_off = offset * batch * gs[0];
    bool empty = false;
    for (int k = 0; k < m; ++k) {
      // i in [i0, i1): 0 <= i * block + o - pad < space.
      const int64_t shift = o[k] - pads[2 * k];
      int64_t i0 = shift >= 0 ? 0 : (-shift + block[k] - 1) / block[k];
      int64_t i1 = space[k] - shift <= 0 ? 0 : (space[k] - shift + block[k] - 1) / block[k];
      if (i1 > grid[k]) i1 = grid[k];
      if (i1 <= i0) empty = true;
      dims.push_back(i1 - i0);
      s_str.push_back(block[k] * ss[k + 1]);
      g_str.push_back(gs[k + 1]);
      s_off += (i0 * block[k] + shift) * ss[k + 1];
      g_off += i0 * gs[k + 1];
    }
    dims.push_back(rest);
    s_str.push_back(1);
    g_str.push_back(1);
    if (!empty) {
      CopyStep c;
      c.in = ctx.input_index(0);
      c.out = ctx.output_index(0);
      c.plan = to_batch ? make_strided_copy(elem, dims, s_str, g_str, s_off, g_off)
                        : make_strided_copy(elem, dims, g_str, s_str, g_off, s_off);
      steps.push_back(c);
    }
    for (int k = m - 1; k >= 0; --k) {  // next block position, row-major
      if (++o[k] < block[k]) break;
      o[k] = 0;
    }
  }
  return bind_copy_program(to_batch ? EB_XNAME("space_to_batch_nd", elem) : EB_XNAME("batch_to_space_nd", elem),
                           std::move(steps));
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_space_to_batch_nd(PrepareContext& ctx) { return prepare_batch_space(ctx, true); }
Result<std::unique_ptr<PreparedOp>> prepare_batch_to_space_nd(PrepareContext& ctx) { return prepare_batch_space(ctx, false); }

}  // namespace eb

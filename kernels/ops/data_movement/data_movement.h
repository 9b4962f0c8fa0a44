// Shared pieces of the data-movement operators (split, pack, slice, transpose, gather, tile, pad, ...):
// the checks every copying op makes and a PreparedOp that runs a list of fills and strided copies.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/tensor.h"
#include "kernels/ops/data_movement/strided_copy.h"
#include "kernels/ops/op.h"

namespace eb {

// The kernel name for an element-size-agnostic copy: "<op>_x8_ref" ... "<op>_x64_ref".
#define EB_XNAME(op, elem) \
  ((elem) == 1 ? op "_x8_ref" : (elem) == 2 ? op "_x16_ref" : (elem) == 4 ? op "_x32_ref" : op "_x64_ref")

// One step of a copy program: fill an output with a pattern, or copy a strided view.
struct CopyStep {
  int in = -1, out = -1;     // tensor indices (in unused for fills)
  bool fill = false;
  int64_t fill_count = 0;    // elements
  uint8_t value[8] = {};     // fill pattern: one element's bytes
  int value_tensor = -1;     // when >= 0: the pattern is read from this tensor's first element at run time
  StridedCopyPlan plan;
  const TransposeBlocks* blocks = nullptr;  // fast paths: SIMD blocks for transposed tiles
};

std::unique_ptr<PreparedOp> bind_copy_program(const char* name, std::vector<CopyStep> steps);

// float32, int8, uint8, int16, int32, int64, bool: the types TFLite's copying kernels take.
Status check_copy_dtype(const Tensor& t);
// Output has the input's dtype and, for quantized types, its scale and zero point (the data is copied,
// never requantized).
Status check_same_type_and_quant(const Tensor& in, const Tensor& out);
// A constant int32/int64 tensor's values; `what` names it in errors ("begin", "multiples", ...).
Result<std::vector<int64_t>> read_constant_index_ints(const Tensor& t, const char* what, const char* op_input_name);
// Resolves a possibly negative axis against `rank`.
Result<int> resolve_copy_axis(int64_t axis, int rank, const Tensor& t);
// Shape as int64 dims (for plans) and back with an overflow check.
std::vector<int64_t> shape_dims64(const Shape& s);
Result<Shape> checked_out_shape(const std::vector<int64_t>& dims, const Tensor& out);

}  // namespace eb

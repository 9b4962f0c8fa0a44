// The one kernel most data-movement operators reduce to: copy an N-d strided view of the input into an
// N-d strided view of the output (a slice, a transpose, a split part, a tile copy, ...). Plans are built
// at prepare with adjacent dimensions that stay contiguous on both sides merged, so the inner loop is a
// memcpy of a whole contiguous run whenever the layouts allow it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace eb {

constexpr int kCopyMaxRank = 8;

struct StridedCopyPlan {
  int rank = 0;                       // after merging; 0 = a single element (or nothing when empty)
  bool empty = false;                 // some dimension is 0: nothing to copy
  int elem = 1;                       // element size in bytes: 1, 2, 4 or 8
  int64_t dims[kCopyMaxRank] = {};
  int64_t in_stride[kCopyMaxRank] = {};   // in bytes, may be negative (reversed strided slices)
  int64_t out_stride[kCopyMaxRank] = {};  // in bytes
  int64_t in_offset = 0, out_offset = 0;  // bytes from the tensors' starts to the views' first element
};

// Builds a plan from per-dimension sizes and strides counted in ELEMENTS (rank <= kCopyMaxRank).
StridedCopyPlan make_strided_copy(int elem, const std::vector<int64_t>& dims, const std::vector<int64_t>& in_stride,
                                  const std::vector<int64_t>& out_stride, int64_t in_offset, int64_t out_offset);

// Row-major strides (in elements) of a shape.
std::vector<int64_t> contiguous_strides(const std::vector<int64_t>& dims);

struct TransposeBlocks;

void strided_copy_ref(const StridedCopyPlan& p, const uint8_t* in, uint8_t* out);
// The same copy with the transposed 2-d tiles' whole blocks moved by `blocks` (transpose_blocks.h; null:
// the reference's 8x8 byte blocks and scalar moves).
void strided_copy(const StridedCopyPlan& p, const uint8_t* in, uint8_t* out, const TransposeBlocks* blocks);

// The part of a plan covering positions [begin, end) of its outermost dimension (for splitting one copy
// over threads: the parts write disjoint bytes).
StridedCopyPlan strided_copy_part(const StridedCopyPlan& p, int64_t begin, int64_t end);

// Bytes a plan moves.
int64_t strided_copy_bytes(const StridedCopyPlan& p);

// Fills `count` elements of `elem` bytes with the pattern in `value` (the element's own bytes).
void fill_pattern_ref(uint8_t* out, int64_t count, int elem, const uint8_t* value);

}  // namespace eb

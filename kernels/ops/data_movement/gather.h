// GATHER and GATHER_ND kernels on plain pointers. Indices may come from a non-constant tensor, so the
// kernels check every index and write zeros for one that is outside the gathered dimension (run()
// cannot fail; TFLite's Eval would return an error there).
#pragma once

#include <cstdint>

namespace eb {

struct GatherParams {
  int64_t batch = 1;      // product of the first batch_dims dimensions
  int64_t outer = 1;      // product of the dimensions between batch_dims and axis
  int64_t axis_size = 1;  // size of the gathered dimension
  int64_t coords = 1;     // indices per batch
  int64_t inner_bytes = 0;  // bytes of one gathered block (dimensions after axis)
};

template <typename Index>
void gather_ref(const GatherParams& p, const uint8_t* params, const Index* indices, uint8_t* out);

constexpr int kGatherNdMaxDepth = 8;

struct GatherNdParams {
  int64_t slices = 0;       // number of index tuples
  int depth = 0;            // values per tuple (last dimension of indices)
  int64_t dims[kGatherNdMaxDepth] = {};     // sizes of the indexed dimensions
  int64_t strides[kGatherNdMaxDepth] = {};  // their strides in bytes
  int64_t slice_bytes = 0;  // bytes of one gathered slice
};

template <typename Index>
void gather_nd_ref(const GatherNdParams& p, const uint8_t* params, const Index* indices, uint8_t* out);

}  // namespace eb

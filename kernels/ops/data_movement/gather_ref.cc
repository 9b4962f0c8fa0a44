#include <cstring>

#include "kernels/ops/data_movement/gather.h"

namespace eb {

namespace {

// One gathered block: a fixed-size load/store for one-element blocks (gathering single values along
// the last axis), memcpy otherwise.
template <int kBytes>
struct FixedBlock {
  static void copy(uint8_t* out, const uint8_t* src, size_t) { std::memcpy(out, src, kBytes); }
};
struct AnyBlock {
  static void copy(uint8_t* out, const uint8_t* src, size_t bytes) { std::memcpy(out, src, bytes); }
};

template <typename Block, typename Index>
void gather_blocks(const GatherParams& p, const uint8_t* params, const Index* indices, uint8_t* out) {
  const size_t block = static_cast<size_t>(p.inner_bytes);
  for (int64_t b = 0; b < p.batch; ++b) {
    const Index* idx = indices + b * p.coords;
    for (int64_t o = 0; o < p.outer; ++o) {
      const uint8_t* src = params + (b * p.outer + o) * p.axis_size * p.inner_bytes;
      for (int64_t c = 0; c < p.coords; ++c) {
        const int64_t i = static_cast<int64_t>(idx[c]);
        if (i >= 0 && i < p.axis_size)
          Block::copy(out, src + i * p.inner_bytes, block);
        else
          std::memset(out, 0, block);  // out-of-range run-time index: zeros (see gather.h)
        out += block;
      }
    }
  }
}

}  // namespace

template <typename Index>
void gather_ref(const GatherParams& p, const uint8_t* params, const Index* indices, uint8_t* out) {
  switch (p.inner_bytes) {
    case 1: gather_blocks<FixedBlock<1>>(p, params, indices, out); break;
    case 2: gather_blocks<FixedBlock<2>>(p, params, indices, out); break;
    case 4: gather_blocks<FixedBlock<4>>(p, params, indices, out); break;
    case 8: gather_blocks<FixedBlock<8>>(p, params, indices, out); break;
    default: gather_blocks<AnyBlock>(p, params, indices, out); break;
  }
}

template <typename Index>
void gather_nd_ref(const GatherNdParams& p, const uint8_t* params, const Index* indices, uint8_t* out) {
  const size_t block = static_cast<size_t>(p.slice_bytes);
  for (int64_t s = 0; s < p.slices; ++s, indices += p.depth, out += block) {
    int64_t offset = 0;
    bool inside = true;
    for (int k = 0; k < p.depth; ++k) {
      const int64_t i = static_cast<int64_t>(indices[k]);
      inside = inside && i >= 0 && i < p.dims[k];
      offset += i * p.strides[k];
    }
    if (inside)
      std::memcpy(out, params + offset, block);
    else
      std::memset(out, 0, block);  // out-of-range run-time index: zeros (see gather.h)
  }
}

template void gather_ref<int32_t>(const GatherParams&, const uint8_t*, const int32_t*, uint8_t*);
template void gather_ref<int64_t>(const GatherParams&, const uint8_t*, const int64_t*, uint8_t*);
template void gather_nd_ref<int32_t>(const GatherNdParams&, const uint8_t*, const int32_t*, uint8_t*);
template void gather_nd_ref<int64_t>(const GatherNdParams&, const uint8_t*, const int64_t*, uint8_t*);

}  // namespace eb

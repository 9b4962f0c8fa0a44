#include <algorithm>
#include <cstdint>

#include "kernels/ops/topk/topk.h"

namespace eb {

template <typename T, typename Index>
void topk_ref(const TopKParams& p, const T* input, int32_t* scratch, T* values, Index* indices) {
  for (int64_t r = 0; r < p.rows; ++r) {
    const T* row = input + r * p.row_size;
    for (int32_t i = 0; i < p.row_size; ++i) scratch[i] = i;
    std::partial_sort(scratch, scratch + p.k, scratch + p.row_size, [row](int32_t a, int32_t b) {
      return row[a] > row[b] || (row[a] == row[b] && a < b);
    });
    for (int32_t j = 0; j < p.k; ++j) {
      values[r * p.k + j] = row[scratch[j]];
      indices[r * p.k + j] = static_cast<Index>(scratch[j]);
    }
  }
}

#define EB_TOPK_INSTANCE(T)                                                                   \
  template void topk_ref<T, int32_t>(const TopKParams&, const T*, int32_t*, T*, int32_t*); \
  template void topk_ref<T, int64_t>(const TopKParams&, const T*, int32_t*, T*, int64_t*);
EB_TOPK_INSTANCE(float)
EB_TOPK_INSTANCE(int8_t)
EB_TOPK_INSTANCE(uint8_t)
EB_TOPK_INSTANCE(int32_t)
EB_TOPK_INSTANCE(int64_t)
#undef EB_TOPK_INSTANCE

}  // namespace eb

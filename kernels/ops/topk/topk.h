// TOPK_V2: the k largest values of each row (the last dimension), in descending order, with their
// indices. Equal values keep ascending index order, as TFLite's TopContainer orders them (value
// descending, then index ascending). Quantized inputs are ordered by raw value (scale > 0) and pass
// through unchanged.
#pragma once

#include <cstdint>

namespace eb {

struct TopKParams {
  int64_t rows = 1;
  int32_t row_size = 1;
  int32_t k = 1;  // 0 <= k <= row_size
};

// `scratch` holds row_size int32 (a permutation of one row's indices).
template <typename T, typename Index>
void topk_ref(const TopKParams& p, const T* input, int32_t* scratch, T* values, Index* indices);

}  // namespace eb

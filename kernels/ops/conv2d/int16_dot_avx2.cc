// int16_dot.h's microkernel built with AVX2 (this file's flags: -mavx2 -mfma, kernels/CMakeLists.txt).
#include "kernels/ops/conv2d/int16_dot.h"

namespace eb {

void int16_dot4_avx2(const int16_t* const* rows, const int16_t* w, size_t kp, size_t n_oc, int64_t* sums) {
  int16_dot4_body(rows, w, kp, n_oc, sums);
}

}  // namespace eb

// int16_dot.h's microkernel for any CPU (the compiler's baseline vectorization).
#include "kernels/ops/conv2d/int16_dot.h"

namespace eb {

void int16_dot4_generic(const int16_t* const* rows, const int16_t* w, size_t kp, size_t n_oc, int64_t* sums) {
  int16_dot4_body(rows, w, kp, n_oc, sums);
}

}  // namespace eb

// Reference kernel of SQRT (arith.h).
#include <cmath>
#include <cstdint>

#include "kernels/ops/arith/arith.h"

namespace eb {

void sqrt_f32_ref(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::sqrt(x[i]);
}

}  // namespace eb

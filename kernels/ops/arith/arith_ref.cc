// Reference kernels of DIV, FLOOR_DIV and SQRT (arith.h states what each computes and why).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "kernels/ops/arith/arith.h"
#include "kernels/ops/elementwise/broadcast_walk.h"

namespace eb {

void div_f32_ref(const BinaryFloatParams& p, const float* a, const float* b, float* out) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    out[io] = std::min(std::max(a[ia] / b[ib], p.act_min), p.act_max);
  });
}

void div_s32_ref(const BinaryInt32Params& p, const int32_t* a, const int32_t* b, int32_t* out) {
  for_each_broadcast(p.geom, [&](int64_t ia, int64_t ib, int64_t io) {
    const int32_t x = a[ia], y = b[ib];
    int32_t q = 0;
    if (y == -1)
      q = static_cast<int32_t>(0u - static_cast<uint32_t>(x));  // INT32_MIN / -1 wraps
    else if (y != 0)
      q = x / y;
    out[io] = std::min(std::max(q, p.act_min), p.act_max);
  });
}

template <typename T>
void floor_div_ref(const BroadcastGeometry& g, const T* a, const T* b, T* out) {
  for_each_broadcast(g, [&](int64_t ia, int64_t ib, int64_t io) {
    const double q = std::floor(static_cast<double>(a[ia]) / static_cast<double>(b[ib]));
    if constexpr (std::is_floating_point_v<T>) {
      out[io] = static_cast<T>(q);
    } else {
      const bool fits = std::isfinite(q) && q >= static_cast<double>(std::numeric_limits<T>::min()) &&
                        q <= static_cast<double>(std::numeric_limits<T>::max());
      out[io] = fits ? static_cast<T>(q) : T{0};
    }
  });
}

template void floor_div_ref<float>(const BroadcastGeometry&, const float*, const float*, float*);
template void floor_div_ref<int32_t>(const BroadcastGeometry&, const int32_t*, const int32_t*, int32_t*);
template void floor_div_ref<int16_t>(const BroadcastGeometry&, const int16_t*, const int16_t*, int16_t*);
template void floor_div_ref<int8_t>(const BroadcastGeometry&, const int8_t*, const int8_t*, int8_t*);

void sqrt_f32_ref(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = std::sqrt(x[i]);
}

}  // namespace eb

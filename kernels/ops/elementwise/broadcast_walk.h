// The reference walk of a binary op's broadcast output, shared by every binary operator's reference
// kernels (ADD/SUB/MUL here, DIV/FLOOR_DIV in kernels/ops/arith, ...).
#pragma once

#include <cstdint>

#include "kernels/ops/elementwise/elementwise.h"

namespace eb {

// Calls f(a_index, b_index, out_index) for every output element, in order.
template <typename F>
void for_each_broadcast(const BroadcastGeometry& g, F&& f) {
  const auto& d = g.out_dims;
  const auto& sa = g.a_strides;
  const auto& sb = g.b_strides;
  int64_t o = 0;
  for (int64_t i0 = 0; i0 < d[0]; ++i0) {
    for (int64_t i1 = 0; i1 < d[1]; ++i1) {
      for (int64_t i2 = 0; i2 < d[2]; ++i2) {
        for (int64_t i3 = 0; i3 < d[3]; ++i3) {
          for (int64_t i4 = 0; i4 < d[4]; ++i4) {
            const int64_t a0 = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3] + i4 * sa[4];
            const int64_t b0 = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3] + i4 * sb[4];
            for (int64_t i5 = 0; i5 < d[5]; ++i5) f(a0 + i5 * sa[5], b0 + i5 * sb[5], o++);
          }
        }
      }
    }
  }
}

}  // namespace eb

// make_broadcast_rows: dimension merging for the row form of a broadcast walk (broadcast_rows.h).
#include "kernels/ops/elementwise/broadcast_rows.h"

namespace eb {

BroadcastRows make_broadcast_rows(const BroadcastGeometry& g) {
  // Merged dimensions, innermost first. An outer dimension joins the one inside it when each operand's
  // stride there equals its inner stride times the inner size: contiguous, or 0 == 0 * size (repeated).
  std::array<int64_t, kMaxBroadcastRank> d{}, sa{}, sb{};
  int m = 0;
  for (int i = kMaxBroadcastRank - 1; i >= 0; --i) {
    const size_t k = static_cast<size_t>(i);
    if (g.out_dims[k] == 1) continue;  // walks nothing
    if (m > 0 && g.a_strides[k] == sa[m - 1] * d[m - 1] && g.b_strides[k] == sb[m - 1] * d[m - 1]) {
      d[m - 1] *= g.out_dims[k];
      continue;
    }
    d[m] = g.out_dims[k], sa[m] = g.a_strides[k], sb[m] = g.b_strides[k];
    ++m;
  }
  BroadcastRows r;
  if (m == 0) {  // a single element
    r.rows = r.n = 1;
    return r;
  }
  if ((sa[0] != 0 && sa[0] != 1) || (sb[0] != 0 && sb[0] != 1)) return r;  // rows = 0: no row form
  r.n = d[0];
  r.a_inc = static_cast<size_t>(sa[0]);
  r.b_inc = static_cast<size_t>(sb[0]);
  r.outer = m - 1;
  r.rows = 1;
  for (int j = 0; j < r.outer; ++j) {  // outermost first
    const int src = m - 1 - j;
    r.dims[static_cast<size_t>(j)] = d[src];
    r.a_strides[static_cast<size_t>(j)] = sa[src];
    r.b_strides[static_cast<size_t>(j)] = sb[src];
    r.rows *= d[src];
  }
  return r;
}

}  // namespace eb

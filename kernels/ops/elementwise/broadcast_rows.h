// The broadcast walk of a binary op as rows for the elementwise microkernels (vbinary_f32, vadd_q8,
// vmul_q8). Their contract takes n elements of each operand at a step of 1 (a full operand) or 0 (one
// value repeated). Any NumPy broadcast is a sequence of such rows once the geometry's dimensions are
// merged wherever both operands walk them alike (both contiguous, or both repeated):
//   [1,H,W,C] + [1,H,W,C]  -> 1 row of H*W*C
//   [1,H,W,C] * [1]        -> 1 row of H*W*C, b_inc 0
//   [1,H,W,C] + [C]        -> H*W rows of C (b restarts at 0 on every row: a per-channel constant)
//   [N,H,W,C] * [N,1,1,C]  -> N*H*W rows of C (squeeze-and-excitation scaling)
//   [1,H,W,C] * [1,H,W,1]  -> H*W rows of C, b_inc 0 (b moves by one per row)
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/elementwise/elementwise.h"
#include "kernels/ops/op.h"

namespace eb {

struct BroadcastRows {
  int64_t rows = 0;             // 0: the walk has no row form (never for geometries make_broadcast_geometry builds)
  int64_t n = 0;                // elements per row (the merged innermost dimension)
  size_t a_inc = 0, b_inc = 0;  // 1 or 0, the operands' steps inside a row
  int outer = 0;                // outer (row) dimensions, outermost first
  std::array<int64_t, kMaxBroadcastRank> dims{}, a_strides{}, b_strides{};
};

BroadcastRows make_broadcast_rows(const BroadcastGeometry& g);

// Calls row(n, a_offset, b_offset, out_offset) over the whole walk, in element offsets, split over the
// pool in contiguous pieces of at least min_block elements. A single row is split inside the row, several
// rows between rows. The microkernels compute each element alone, so the split never changes a result.
template <typename RowFn>
void run_broadcast_rows(const BroadcastRows& r, ThreadPool* pool, int64_t min_block, RowFn&& row) {
  if (r.rows == 1) {
    const int64_t ai = static_cast<int64_t>(r.a_inc), bi = static_cast<int64_t>(r.b_inc);
    parallel_for_elements(pool, r.n, min_block, [&](int64_t b, int64_t e) { row(e - b, b * ai, b * bi, b); });
    return;
  }
  const int64_t threads = pool ? pool->size() : 1;
  const int64_t tasks = std::min({(r.rows * r.n + min_block - 1) / min_block, threads, r.rows});
  parallel_for(pool, tasks, [&](int64_t t) {
    const int64_t begin = r.rows * t / tasks, end = r.rows * (t + 1) / tasks;
    // The outer index of row `begin`, then an odometer: no division per row (rows can be a few elements).
    std::array<int64_t, kMaxBroadcastRank> idx{};
    int64_t a_off = 0, b_off = 0;
    int64_t rest = begin;
    for (int d = r.outer - 1; d >= 0; --d) {
      idx[d] = rest % r.dims[d];
      rest /= r.dims[d];
      a_off += idx[d] * r.a_strides[d];
      b_off += idx[d] * r.b_strides[d];
    }
    for (int64_t i = begin; i < end; ++i) {
      row(r.n, a_off, b_off, i * r.n);
      for (int d = r.outer - 1; d >= 0; --d) {
        a_off += r.a_strides[d];
        b_off += r.b_strides[d];
        if (++idx[d] < r.dims[d]) break;
        a_off -= r.a_strides[d] * r.dims[d];
        b_off -= r.b_strides[d] * r.dims[d];
        idx[d] = 0;
      }
    }
  });
}

// The prepared op of a binary elementwise fast path: the microkernel (the common signature of vbinary_f32,
// vadd_q8 and vmul_q8) over the rows of the walk, inputs ia and ib, output io.
template <typename T, typename Params>
std::unique_ptr<PreparedOp> bind_broadcast_rows(
    const char* name, void (*ukernel)(size_t, const T*, size_t, const T*, size_t, T*, const Params*),
    const BroadcastRows& rows, const Params& params, int64_t min_block, int ia, int ib, int io) {
  return bind_kernel(name, [=](const RunContext& c) {
    const T *a = c.in<T>(ia), *b = c.in<T>(ib);
    T* out = c.out<T>(io);
    run_broadcast_rows(rows, c.pool, min_block, [&](int64_t n, int64_t ao, int64_t bo, int64_t oo) {
      ukernel(static_cast<size_t>(n), a + ao, rows.a_inc, b + bo, rows.b_inc, out + oo, &params);
    });
  });
}

}  // namespace eb

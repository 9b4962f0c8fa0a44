// Packing, tiling and the plain-GEMM entry of the float32 GEMM driver (gemm_f32.h).
#include "kernels/ops/gemm/gemm_f32.h"

#include <cstring>
#include <new>

namespace eb {

AlignedFloats::AlignedFloats(size_t n) : AlignedFloats(for_overwrite(n)) {
  if (n > 0) std::memset(p_.get(), 0, n * sizeof(float));
}

AlignedFloats AlignedFloats::for_overwrite(size_t n) {
  AlignedFloats a;
  a.n_ = n;
  if (n > 0) a.p_.reset(static_cast<float*>(::operator new[](n * sizeof(float), std::align_val_t{64})));
  return a;
}

void AlignedFloats::Free::operator()(float* p) const { ::operator delete[](p, std::align_val_t{64}); }

AlignedFloats pack_gemm_f32_weights(const float* w, const float* bias, size_t n, size_t k, size_t nr) {
  const size_t blocks = (n + nr - 1) / nr;
  AlignedFloats packed = AlignedFloats::for_overwrite(blocks * nr * (1 + k));
  float* out = packed.data();
  for (size_t b = 0; b < blocks; ++b, out += nr * (1 + k)) {
    const size_t n0 = b * nr, cols = std::min(nr, n - n0);
    // Block b: [bias][k rows of weights], nr columns each; padding columns are 0 (they compute 0).
    for (size_t j = 0; j < nr; ++j) out[j] = j < cols && bias ? bias[n0 + j] : 0.0f;
    if (cols < nr)
      for (size_t kk = 0; kk < k; ++kk) std::memset(out + nr + kk * nr + cols, 0, (nr - cols) * sizeof(float));
    // Column by column: each weights row of the model is read in order.
    for (size_t j = 0; j < cols; ++j) {
      const float* src = w + (n0 + j) * k;
      float* dst = out + nr + j;
      for (size_t kk = 0; kk < k; ++kk, dst += nr) *dst = src[kk];
    }
  }
  return packed;
}

GemmF32Tiling plan_gemm_f32(const GemmF32Kernel& k, size_t m, size_t n, size_t k_total, int threads) {
  GemmF32Tiling t;
  const size_t n_blocks = (n + k.nr - 1) / k.nr;
  t.n_per_task = n_blocks * k.nr;
  if (threads <= 1) return t;
  // Up to 4 tasks per thread balance uneven tiles, none smaller than tasks_for_work allows; split rows
  // first (weights stay shared), channels only when there are too few row tiles (small spatial outputs,
  // fully connected with batch 1).
  const int64_t m_tiles = static_cast<int64_t>((m + k.mr - 1) / k.mr);
  const int64_t want = tasks_for_work(threads, m_tiles * static_cast<int64_t>(n_blocks),
                                      static_cast<int64_t>(k.mr * k.nr * k_total));
  if (want <= 1) return t;
  t.tasks_m = std::min(m_tiles, want);
  if (t.tasks_m < want) {
    const int64_t split_n =
        std::min<int64_t>(static_cast<int64_t>(n_blocks), (want + t.tasks_m - 1) / t.tasks_m);
    const size_t blocks_per_task = (n_blocks + static_cast<size_t>(split_n) - 1) / static_cast<size_t>(split_n);
    t.n_per_task = blocks_per_task * k.nr;
    t.tasks_n = static_cast<int64_t>((n_blocks + blocks_per_task - 1) / blocks_per_task);
  }
  return t;
}

void run_gemm_f32(const GemmF32Kernel& k, const float* packed, size_t m, size_t n, size_t kc, const float* a,
                  size_t a_stride, float* c, size_t c_stride, const GemmF32Params& params, ThreadPool* pool) {
  const size_t mr_max = k.mr;
  auto rows = [=](size_t m0, size_t mr, const float** ptrs) -> const float* const* {
    for (size_t i = 0; i < mr_max; ++i) ptrs[i] = a + (m0 + std::min(i, mr - 1)) * a_stride;
    return ptrs;
  };
  run_igemm_f32(k, packed, m, n, kc, 1, rows, c, c_stride, params, pool);
}

}  // namespace eb

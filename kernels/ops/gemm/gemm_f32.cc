// Packing, tiling and the plain-GEMM entry of the float32 GEMM driver (gemm_f32.h).
#include "kernels/ops/gemm/gemm_f32.h"

#include <cstring>
#include <new>

namespace eb {

AlignedFloats::AlignedFloats(size_t n) : n_(n) {
  if (n == 0) return;
  p_.reset(static_cast<float*>(::operator new[](n * sizeof(float), std::align_val_t{64})));
  std::memset(p_.get(), 0, n * sizeof(float));
}

void AlignedFloats::Free::operator()(float* p) const { ::operator delete[](p, std::align_val_t{64}); }

AlignedFloats pack_gemm_f32_weights(const float* w, const float* bias, size_t n, size_t k, size_t nr) {
  const size_t blocks = (n + nr - 1) / nr;
  AlignedFloats packed(blocks * nr * (1 + k));  // zero-filled: padding channels compute 0
  float* out = packed.data();
  for (size_t b = 0; b < blocks; ++b) {
    const size_t n0 = b * nr, cols = std::min(nr, n - n0);
    for (size_t j = 0; j < cols; ++j) out[j] = bias ? bias[n0 + j] : 0.0f;
    out += nr;
    for (size_t kk = 0; kk < k; ++kk) {
      for (size_t j = 0; j < cols; ++j) out[j] = w[(n0 + j) * k + kk];
      out += nr;
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

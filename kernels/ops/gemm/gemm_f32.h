// Float32 GEMM / indirect GEMM on the ISA microkernels (gemm_f32_ukernels.h): the kernel table per ISA,
// weight packing and the threaded tile driver shared by CONV_2D and FULLY_CONNECTED.
//
// Threading: the output is cut into tiles of whole MR rows x whole NR-channel blocks; each tile is
// computed by one task with the microkernel's fixed arithmetic, so results are identical for any
// thread count. No allocation at run time: row pointers live in a fixed stack array per tile.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "kernels/common/isa.h"
#include "kernels/common/thread_pool.h"
#include "kernels/ops/gemm/gemm_f32_ukernels.h"

namespace eb {

// One ISA's microkernel and the names ops report for it (kernel_name()).
struct GemmF32Kernel {
  IgemmF32Ukernel igemm;
  size_t mr, nr;
  const char* conv_gemm_name;   // 1x1 stride-1 convolution as a plain GEMM
  const char* conv_igemm_name;  // any other convolution through indirection pointers
  const char* fc_name;          // fully connected
};

// The microkernel for `isa` and a GEMM of `n` output columns (0: unknown), or nullptr when there is none
// (reference runs). gemm_f32_dispatch.cc.
const GemmF32Kernel* gemm_f32_kernel_for(Isa isa, size_t n = 0);

// Largest ks * MR row-pointer count a tile may need (the stack array of the driver): prepare refuses
// filters with more taps than kMaxIgemmPointers / MR, and the reference kernel runs.
constexpr size_t kMaxIgemmPointers = 2048;

// 64-byte aligned, zero-initialised float storage (packed weights, zero rows). Move-only.
class AlignedFloats {
 public:
  AlignedFloats() = default;
  explicit AlignedFloats(size_t n);  // zero-filled
  // Not filled: for a caller that writes every element (weight packing of large models: the fill was a
  // pass over megabytes at every load).
  static AlignedFloats for_overwrite(size_t n);
  float* data() { return p_.get(); }
  const float* data() const { return p_.get(); }
  size_t size() const { return n_; }

 private:
  struct Free {
    void operator()(float* p) const;
  };
  std::unique_ptr<float, Free> p_;
  size_t n_ = 0;
};

// Packs weights w[n][k] (row-major, k = ks * kc taps-then-channels, TFLite's [Cout, KH, KW, Cin] order)
// and an optional bias[n] into the layout of gemm_f32_ukernels.h for NR-channel blocks.
AlignedFloats pack_gemm_f32_weights(const float* w, const float* bias, size_t n, size_t k, size_t nr);

// Task layout of an m x n output for `threads` threads (see run_igemm_f32).
struct GemmF32Tiling {
  int64_t tasks_m = 1, tasks_n = 1;
  size_t n_per_task = 0;  // a multiple of NR
};
// k_total = ks * kc multiply-adds per output element (tasks_for_work sizes the split).
GemmF32Tiling plan_gemm_f32(const GemmF32Kernel& k, size_t m, size_t n, size_t k_total, int threads);

// C[m x n] = clamp(bias + A * B). `rows(m0, mr, scratch)` returns the ks * MR row pointers (tap-major,
// see gemm_f32_ukernels.h) of rows [m0, m0 + mr): either `scratch` (kMaxIgemmPointers entries) filled
// in, or pointers kept elsewhere (a cached indirection buffer); rows past mr must repeat a valid row.
template <typename RowPointers>
void run_igemm_f32(const GemmF32Kernel& k, const float* packed, size_t m, size_t n, size_t kc, size_t ks,
                   const RowPointers& rows, float* c, size_t c_stride, const GemmF32Params& params, ThreadPool* pool) {
  const int threads = pool ? pool->size() : 1;
  const GemmF32Tiling t = plan_gemm_f32(k, m, n, ks * kc, threads);
  const size_t block_floats = k.nr * (1 + ks * kc);  // one packed NR block
  // Keep the weights of the n-blocks a task sweeps across its rows within ~256 KiB (L2): rows are
  // re-read per block group, weights stream once per group.
  const size_t bytes_per_block = block_floats * sizeof(float);
  const size_t cache_blocks = std::max<size_t>(1, (size_t{256} << 10) / bytes_per_block);
  parallel_for(pool, t.tasks_m * t.tasks_n, [&](int64_t task) {
    const SplitRange mr_range = split_range(static_cast<int64_t>(m), t.tasks_m, static_cast<int64_t>(k.mr),
                                            task / t.tasks_n);
    const size_t n_begin = static_cast<size_t>(task % t.tasks_n) * t.n_per_task;
    const size_t n_end = std::min(n, n_begin + t.n_per_task);
    const float* ptrs[kMaxIgemmPointers];
    for (size_t n0 = n_begin; n0 < n_end; n0 += cache_blocks * k.nr) {
      const size_t nc = std::min(n_end - n0, cache_blocks * k.nr);
      const float* w = packed + (n0 / k.nr) * block_floats;
      for (int64_t m0 = mr_range.begin; m0 < mr_range.end; m0 += static_cast<int64_t>(k.mr)) {
        const size_t mr = std::min<size_t>(k.mr, static_cast<size_t>(mr_range.end - m0));
        const float* const* a = rows(static_cast<size_t>(m0), mr, ptrs);
        k.igemm(mr, nc, kc, ks, a, w, c + static_cast<size_t>(m0) * c_stride + n0, c_stride, &params);
      }
    }
  });
}

// Plain GEMM: row i of A at a + i * a_stride (kc floats).
void run_gemm_f32(const GemmF32Kernel& k, const float* packed, size_t m, size_t n, size_t kc, const float* a,
                  size_t a_stride, float* c, size_t c_stride, const GemmF32Params& params, ThreadPool* pool);

}  // namespace eb

// Dispatch and threading of the pooling fast path (pool_fast.h).
#include "kernels/ops/pooling/pool_fast.h"

#include <algorithm>
#include <cstdint>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/pooling/pool_ukernels.h"

namespace eb {
namespace {

// One pooling kind's microkernels for the three types.
struct PoolKernels {
  PoolF32Ukernel f32;
  PoolS8Ukernel s8;
  PoolU8Ukernel u8;
  const char* names[3];  // float32, int8, uint8
};

const PoolKernels* pool_kernels_for(Isa isa, bool average) {
#if defined(__x86_64__)
  static const PoolKernels kMaxAvx2 = {maxpool_f32_avx2, maxpool_s8_avx2, maxpool_u8_avx2,
                                       {"max_pool2d_f32_avx2", "max_pool2d_s8_avx2", "max_pool2d_u8_avx2"}};
  static const PoolKernels kAvgAvx2 = {
      avgpool_f32_avx2, avgpool_s8_avx2, avgpool_u8_avx2,
      {"average_pool2d_f32_avx2", "average_pool2d_s8_avx2", "average_pool2d_u8_avx2"}};
  if (isa == Isa::kAvx2 || isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return average ? &kAvgAvx2 : &kMaxAvx2;
#elif defined(__aarch64__)
  static const PoolKernels kMaxNeon = {maxpool_f32_neon, maxpool_s8_neon, maxpool_u8_neon,
                                       {"max_pool2d_f32_neon", "max_pool2d_s8_neon", "max_pool2d_u8_neon"}};
  static const PoolKernels kAvgNeon = {
      avgpool_f32_neon, avgpool_s8_neon, avgpool_u8_neon,
      {"average_pool2d_f32_neon", "average_pool2d_s8_neon", "average_pool2d_u8_neon"}};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return average ? &kAvgNeon : &kMaxNeon;
#endif
  (void)isa;
  (void)average;
  return nullptr;
}

// Runs `ukernel` for every output pixel; output rows (batch x out_h) are shared out over the pool in
// contiguous blocks (tasks_for_work: only when there are enough taps to pay for waking a thread).
template <typename T, typename Ukernel, typename Params>
void run_pool(const PoolParams& p, Ukernel ukernel, const Params& params, const T* input, T* output,
                 ThreadPool* pool) {
  const int64_t rows = static_cast<int64_t>(p.batch) * p.out_h;
  const int64_t work_per_row = static_cast<int64_t>(p.out_w) * p.channels * p.filter_h * p.filter_w;
  const int64_t tasks = tasks_for_work(pool ? pool->size() : 1, rows, work_per_row);
  const size_t C = static_cast<size_t>(p.channels);
  const size_t row_stride = static_cast<size_t>(p.in_w) * C;
  parallel_for(tasks > 1 ? pool : nullptr, tasks, [&](int64_t t) {
    const SplitRange r = split_range(rows, tasks, 1, t);
    for (int64_t row = r.begin; row < r.end; ++row) {
      const int32_t b = static_cast<int32_t>(row / p.out_h), oy = static_cast<int32_t>(row % p.out_h);
      const int32_t iy = oy * p.stride_h - p.pad_top;
      const int32_t y0 = std::max(iy, 0), y1 = std::max(y0, std::min(iy + p.filter_h, p.in_h));
      const T* in_b = input + static_cast<int64_t>(b) * p.in_h * p.in_w * p.channels;
      T* out = output + row * p.out_w * p.channels;
      for (int32_t ox = 0; ox < p.out_w; ++ox, out += p.channels) {
        const int32_t ix = ox * p.stride_w - p.pad_left;
        const int32_t x0 = std::max(ix, 0), x1 = std::max(x0, std::min(ix + p.filter_w, p.in_w));
        ukernel(in_b + (static_cast<int64_t>(y0) * p.in_w + x0) * p.channels, static_cast<size_t>(y1 - y0),
                static_cast<size_t>(x1 - x0), row_stride, C, C, out, &params);
      }
    }
  });
}

}  // namespace

std::unique_ptr<PreparedOp> prepare_pool2d_fast(PrepareContext& ctx, const PoolParams& p, DType dtype, bool average) {
  const PoolKernels* k = pool_kernels_for(ctx.isa(), average);
  if (k == nullptr || p.channels <= 0) return nullptr;
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  switch (dtype) {
    case DType::kFloat32: {
      const PoolF32Params params{p.act_min, p.act_max};
      return bind_kernel(k->names[0], [=](const RunContext& c) {
        run_pool(p, k->f32, params, c.in<float>(ii), c.out<float>(io), c.pool);
      });
    }
    case DType::kInt8: {
      const PoolQ8Params params{p.qmin, p.qmax};
      return bind_kernel(k->names[1], [=](const RunContext& c) {
        run_pool(p, k->s8, params, c.in<int8_t>(ii), c.out<int8_t>(io), c.pool);
      });
    }
    case DType::kUInt8: {
      const PoolQ8Params params{p.qmin, p.qmax};
      return bind_kernel(k->names[2], [=](const RunContext& c) {
        run_pool(p, k->u8, params, c.in<uint8_t>(ii), c.out<uint8_t>(io), c.pool);
      });
    }
    default:
      return nullptr;
  }
}

}  // namespace eb

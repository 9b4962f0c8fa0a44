// Dispatch, shape cases and threading of the float32 elementwise fast path (vbinary_f32.h).
#include "kernels/ops/elementwise/vbinary_f32.h"

#include <algorithm>
#include <cstdint>

#include "kernels/common/thread_pool.h"
#include "kernels/ops/elementwise/broadcast_rows.h"

namespace eb {

const VBinaryF32Kernel* vbinary_f32_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const VBinaryF32Kernel kAvx512 = {
      vbinary_f32_avx512,
      {"add_f32_vbinary_avx512", "sub_f32_vbinary_avx512", "mul_f32_vbinary_avx512", "div_f32_vbinary_avx512",
       "maximum_f32_vbinary_avx512", "minimum_f32_vbinary_avx512"},
      "clamp_f32_vbinary_avx512"};
  static const VBinaryF32Kernel kAvx2 = {vbinary_f32_avx2,
                                         {"add_f32_vbinary_avx2", "sub_f32_vbinary_avx2", "mul_f32_vbinary_avx2", "div_f32_vbinary_avx2",
       "maximum_f32_vbinary_avx2", "minimum_f32_vbinary_avx2"},
                                         "clamp_f32_vbinary_avx2"};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const VBinaryF32Kernel kNeon = {vbinary_f32_neon,
                                         {"add_f32_vbinary_neon", "sub_f32_vbinary_neon", "mul_f32_vbinary_neon", "div_f32_vbinary_neon",
       "maximum_f32_vbinary_neon", "minimum_f32_vbinary_neon"},
                                         "clamp_f32_vbinary_neon"};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

namespace {

// At least 16K elements per task.
constexpr int64_t kMinBlock = 16384;

// out[i] = a[i * a_inc] OP b[i * b_inc] over n elements.
void run_vbinary(const VBinaryF32Kernel& k, int64_t n, const float* a, size_t a_inc, const float* b, size_t b_inc,
                 float* out, const VBinaryF32Params& params, ThreadPool* pool) {
  parallel_for_elements(pool, n, kMinBlock, [&](int64_t begin, int64_t end) {
    const size_t i = static_cast<size_t>(begin);
    k.ukernel(static_cast<size_t>(end - begin), a + i * a_inc, a_inc, b + i * b_inc, b_inc, out + i, &params);
  });
}

const float kOne = 1.0f;

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_clamp_float_fast(PrepareContext& ctx, float lo, float hi) {
  const VBinaryF32Kernel* k = vbinary_f32_kernel_for(ctx.isa());
  const int64_t n = ctx.output(0).elements();
  if (k == nullptr || n <= 0 || ctx.input(0).elements() != n) return std::unique_ptr<PreparedOp>();
  const VBinaryF32Params params{kVBinaryMul, lo, hi};
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  return bind_kernel(k->clamp_name, [=](const RunContext& c) {
    run_vbinary(*k, n, c.in<float>(ii), 1, &kOne, 0, c.out<float>(io), params, c.pool);
  });
}

Result<std::unique_ptr<PreparedOp>> prepare_binary_float_fast(PrepareContext& ctx, VBinaryF32Op op,
                                                              const BinaryFloatParams& p) {
  const VBinaryF32Kernel* k = vbinary_f32_kernel_for(ctx.isa());
  const BroadcastRows rows = make_broadcast_rows(p.geom);
  if (k == nullptr || p.geom.out_elements <= 0 || rows.rows == 0) return std::unique_ptr<PreparedOp>();
  const VBinaryF32Params params{op, p.act_min, p.act_max};
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);
  return bind_broadcast_rows<float>(k->names[op], k->ukernel, rows, params, kMinBlock, ia, ib, io);
}

}  // namespace eb

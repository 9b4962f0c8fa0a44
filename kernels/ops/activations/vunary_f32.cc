// Dispatch and threading of the float32 LOGISTIC / TANH / HARD_SWISH fast path (vunary_f32.h).
#include "kernels/ops/activations/vunary_f32.h"

#include <cstdint>

#include "kernels/common/thread_pool.h"

namespace eb {

const VUnaryF32Kernels* vunary_f32_kernels_for(Isa isa) {
#if defined(__x86_64__)
  static const VUnaryF32Kernels kAvx512 = {
      {vsigmoid_f32_avx512, vtanh_f32_avx512, vhswish_f32_avx512},
      {"logistic_f32_vsigmoid_avx512", "tanh_f32_vtanh_avx512", "hard_swish_f32_vhswish_avx512"}};
  static const VUnaryF32Kernels kAvx2 = {
      {vsigmoid_f32_avx2, vtanh_f32_avx2, vhswish_f32_avx2},
      {"logistic_f32_vsigmoid_avx2", "tanh_f32_vtanh_avx2", "hard_swish_f32_vhswish_avx2"}};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const VUnaryF32Kernels kNeon = {
      {vsigmoid_f32_neon, vtanh_f32_neon, vhswish_f32_neon},
      {"logistic_f32_vsigmoid_neon", "tanh_f32_vtanh_neon", "hard_swish_f32_vhswish_neon"}};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

// At least 8K elements per task: an element costs a few nanoseconds at most.
constexpr int64_t kMinBlock = 8192;

Result<std::unique_ptr<PreparedOp>> prepare_unary_float_fast(PrepareContext& ctx, VUnaryF32Op op) {
  const VUnaryF32Kernels* k = vunary_f32_kernels_for(ctx.isa());
  const int64_t n = ctx.output(0).elements();
  if (k == nullptr || n <= 0) return std::unique_ptr<PreparedOp>();
  const VUnaryF32Ukernel uk = k->ukernel[op];
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  return bind_kernel(k->names[op], [=](const RunContext& c) {
    const float* x = c.in<float>(ii);
    float* y = c.out<float>(io);
    parallel_for_elements(c.pool, n, kMinBlock, [&](int64_t begin, int64_t end) {
      uk(static_cast<size_t>(end - begin), x + begin, y + begin);
    });
  });
}

}  // namespace eb

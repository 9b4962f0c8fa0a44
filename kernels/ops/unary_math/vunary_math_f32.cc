// Dispatch and threading of the float32 ABS / NEG / SQUARE / SQRT fast path (vunary_math_f32.h).
#include "kernels/ops/unary_math/vunary_math_f32.h"

#include <cstdint>

#include "kernels/common/thread_pool.h"

namespace eb {
namespace {

struct Entry {
  VUnaryMathF32Ukernel ukernel;
  const char* name;
};

Entry lookup(Isa isa, UnaryMathKind kind) {
  const int i = kind == UnaryMathKind::kAbs      ? 0
                : kind == UnaryMathKind::kNeg    ? 1
                : kind == UnaryMathKind::kSquare ? 2
                : kind == UnaryMathKind::kSqrt   ? 3
                                                 : -1;
  if (i < 0) return {nullptr, nullptr};
#if defined(__x86_64__)
  static const Entry kAvx512[] = {{vabs_f32_avx512, "abs_f32_avx512"},
                                  {vneg_f32_avx512, "neg_f32_avx512"},
                                  {vsqr_f32_avx512, "square_f32_avx512"},
                                  {vsqrt_f32_avx512, "sqrt_f32_avx512"}};
  static const Entry kAvx2[] = {{vabs_f32_avx2, "abs_f32_avx2"},
                                {vneg_f32_avx2, "neg_f32_avx2"},
                                {vsqr_f32_avx2, "square_f32_avx2"},
                                {vsqrt_f32_avx2, "sqrt_f32_avx2"}};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return kAvx512[i];
  if (isa == Isa::kAvx2) return kAvx2[i];
#elif defined(__aarch64__)
  static const Entry kNeon[] = {{vabs_f32_neon, "abs_f32_neon"},
                                {vneg_f32_neon, "neg_f32_neon"},
                                {vsqr_f32_neon, "square_f32_neon"},
                                {vsqrt_f32_neon, "sqrt_f32_neon"}};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return kNeon[i];
#endif
  (void)isa;
  return {nullptr, nullptr};
}

// At least 16K elements per task: an element costs well under a nanosecond.
constexpr int64_t kMinBlock = 16384;

}  // namespace

std::unique_ptr<PreparedOp> prepare_unary_math_f32_fast(PrepareContext& ctx, UnaryMathKind kind) {
  if (ctx.isa() == Isa::kReference) return nullptr;
  const Entry e = lookup(ctx.isa(), kind);
  const int64_t n = ctx.output(0).elements();
  if (e.ukernel == nullptr || n <= 0) return nullptr;
  const VUnaryMathF32Ukernel uk = e.ukernel;
  const int ii = ctx.input_index(0), io = ctx.output_index(0);
  return bind_kernel(e.name, [=](const RunContext& c) {
    const float* x = c.in<float>(ii);
    float* y = c.out<float>(io);
    parallel_for_elements(c.pool, n, kMinBlock, [&](int64_t begin, int64_t end) {
      uk(static_cast<size_t>(end - begin), x + begin, y + begin);
    });
  });
}

}  // namespace eb

// Dispatch, shape cases and threading of the quantized ADD / SUB fast path (vadd_q8.h).
#include "kernels/ops/elementwise/vadd_q8.h"

#include <algorithm>
#include <cstdint>

#include "kernels/common/thread_pool.h"

namespace eb {

const VAddQ8Kernel* vadd_q8_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const VAddQ8Kernel kAvx2 = {
      vadd_qs8_avx2, vadd_qu8_avx2, {{"add_qs8_vadd_avx2", "sub_qs8_vadd_avx2"}, {"add_qu8_vadd_avx2", "sub_qu8_vadd_avx2"}}};
  if (isa == Isa::kAvx2 || isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx2;
#elif defined(__aarch64__)
  static const VAddQ8Kernel kNeon = {
      vadd_qs8_neon, vadd_qu8_neon, {{"add_qs8_vadd_neon", "sub_qs8_vadd_neon"}, {"add_qu8_vadd_neon", "sub_qu8_vadd_neon"}}};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

namespace {

// out[i] = a[i * a_inc] + b[i * b_inc] over n elements, at least 64K elements per task (a byte element
// costs a cycle or two: smaller pieces do not pay for waking a thread).
template <typename T, typename Ukernel>
void run_vadd(Ukernel k, int64_t n, const T* a, size_t a_inc, const T* b, size_t b_inc, T* out,
              const VAddQ8Params& params, ThreadPool* pool) {
  parallel_for_elements(pool, n, 65536, [&](int64_t begin, int64_t end) {
    const size_t i = static_cast<size_t>(begin);
    k(static_cast<size_t>(end - begin), a + i * a_inc, a_inc, b + i * b_inc, b_inc, out + i, &params);
  });
}

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_add_quant_fast(PrepareContext& ctx, const AddQuantXnnpackParams& p,
                                                            bool is_unsigned, bool subtract) {
  const VAddQ8Kernel* k = vadd_q8_kernel_for(ctx.isa());
  const int64_t n = ctx.output(0).elements();
  const int64_t na = ctx.input(0).elements(), nb = ctx.input(1).elements();
  // An operand with the output's element count has the output's layout (broadcasting only adds 1s).
  if (k == nullptr || n <= 0 || (na != n && na != 1) || (nb != n && nb != 1)) return std::unique_ptr<PreparedOp>();
  const VAddQ8Params params{p.a_multiplier, p.b_multiplier, p.bias, p.shift, p.out_zp, p.out_min, p.out_max};
  const size_t a_inc = na == n ? 1 : 0, b_inc = nb == n ? 1 : 0;
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);
  const char* name = k->names[is_unsigned ? 1 : 0][subtract ? 1 : 0];
  if (is_unsigned)
    return bind_kernel(name, [=](const RunContext& c) {
      run_vadd(k->qu8, n, c.in<uint8_t>(ia), a_inc, c.in<uint8_t>(ib), b_inc, c.out<uint8_t>(io), params, c.pool);
    });
  return bind_kernel(name, [=](const RunContext& c) {
    run_vadd(k->qs8, n, c.in<int8_t>(ia), a_inc, c.in<int8_t>(ib), b_inc, c.out<int8_t>(io), params, c.pool);
  });
}

}  // namespace eb

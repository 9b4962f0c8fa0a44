// Dispatch, shape cases and threading of the quantized ADD / SUB fast path (vadd_q8.h).
#include "kernels/ops/elementwise/vadd_q8.h"

#include <algorithm>
#include <cstdint>

#include "kernels/ops/elementwise/broadcast_rows.h"

namespace eb {

const VAddQ8Kernel* vadd_q8_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const VAddQ8Kernel kAvx2 = {
      vadd_qs8_avx2,
      vadd_qu8_avx2,
      {{"add_qs8_vadd_avx2", "sub_qs8_vadd_avx2"}, {"add_qu8_vadd_avx2", "sub_qu8_vadd_avx2"}}};
  static const VAddQ8Kernel kAvx512 = {
      vadd_qs8_avx512,
      vadd_qu8_avx512,
      {{"add_qs8_vadd_avx512", "sub_qs8_vadd_avx512"}, {"add_qu8_vadd_avx512", "sub_qu8_vadd_avx512"}}};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const VAddQ8Kernel kNeon = {
      vadd_qs8_neon,
      vadd_qu8_neon,
      {{"add_qs8_vadd_neon", "sub_qs8_vadd_neon"}, {"add_qu8_vadd_neon", "sub_qu8_vadd_neon"}}};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

namespace {

// At least 64K elements per task (a byte element costs a cycle or two: smaller pieces do not pay for
// waking a thread).
constexpr int64_t kMinBlock = 65536;

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_add_quant_fast(PrepareContext& ctx, const BroadcastGeometry& g,
                                                           const AddQuantXnnpackParams& p, bool is_unsigned,
                                                           bool subtract) {
  const VAddQ8Kernel* k = vadd_q8_kernel_for(ctx.isa());
  const BroadcastRows rows = make_broadcast_rows(g);
  if (k == nullptr || g.out_elements <= 0 || rows.rows == 0) return std::unique_ptr<PreparedOp>();
  const VAddQ8Params params{p.a_multiplier, p.b_multiplier, p.bias, p.shift, p.out_zp, p.out_min, p.out_max};
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);
  const char* name = k->names[is_unsigned ? 1 : 0][subtract ? 1 : 0];
  if (is_unsigned) return bind_broadcast_rows<uint8_t>(name, k->qu8, rows, params, kMinBlock, ia, ib, io);
  return bind_broadcast_rows<int8_t>(name, k->qs8, rows, params, kMinBlock, ia, ib, io);
}

}  // namespace eb

// Dispatch and threading of the quantized MUL fast path (vmul_q8.h).
#include "kernels/ops/elementwise/vmul_q8.h"

#include <cstdint>

#include "kernels/ops/elementwise/broadcast_rows.h"

namespace eb {

const VMulQ8Kernel* vmul_q8_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static const VMulQ8Kernel kAvx2 = {vmul_qs8_avx2, vmul_qu8_avx2, {"mul_qs8_vmul_avx2", "mul_qu8_vmul_avx2"}};
  static const VMulQ8Kernel kAvx512 = {
      vmul_qs8_avx512, vmul_qu8_avx512, {"mul_qs8_vmul_avx512", "mul_qu8_vmul_avx512"}};
  if (isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const VMulQ8Kernel kNeon = {vmul_qs8_neon, vmul_qu8_neon, {"mul_qs8_vmul_neon", "mul_qu8_vmul_neon"}};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

namespace {

// At least 32K elements per task: a product and a float requantization cost more than ADD's element.
constexpr int64_t kMinBlock = 32768;

}  // namespace

Result<std::unique_ptr<PreparedOp>> prepare_mul_quant_fast(PrepareContext& ctx, const MulQuantParams& p,
                                                           bool is_unsigned) {
  const VMulQ8Kernel* k = vmul_q8_kernel_for(ctx.isa());
  const BroadcastRows rows = make_broadcast_rows(p.geom);
  if (k == nullptr || p.geom.out_elements <= 0 || rows.rows == 0) return std::unique_ptr<PreparedOp>();
  const VMulQ8Params params{p.a_zp, p.b_zp, p.fp32_scale, p.out_zp, p.out_min, p.out_max};
  const int ia = ctx.input_index(0), ib = ctx.input_index(1), io = ctx.output_index(0);
  if (is_unsigned) return bind_broadcast_rows<uint8_t>(k->names[1], k->qu8, rows, params, kMinBlock, ia, ib, io);
  return bind_broadcast_rows<int8_t>(k->names[0], k->qs8, rows, params, kMinBlock, ia, ib, io);
}

}  // namespace eb

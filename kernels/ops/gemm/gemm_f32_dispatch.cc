// The one place that says which float32 GEMM microkernel runs for which ISA (read at prepare).
#include "kernels/ops/gemm/gemm_f32.h"

namespace eb {

const GemmF32Kernel* gemm_f32_kernel_for(Isa isa, size_t n) {
#if defined(__x86_64__)
  // Two vectors per row from 17 output channels (more accumulators in flight); one up to 16, where the
  // wide tile would compute padding (gemm_f32_avx512.cc).
  static const GemmF32Kernel kAvx512 = {igemm_f32_7x16_avx512, 7, 16, "conv2d_f32_gemm_7x16_avx512",
                                        "conv2d_f32_igemm_7x16_avx512", "fully_connected_f32_gemm_7x16_avx512"};
  static const GemmF32Kernel kAvx512Wide = {igemm_f32_7x32_avx512, 7, 32, "conv2d_f32_gemm_7x32_avx512",
                                            "conv2d_f32_igemm_7x32_avx512", "fully_connected_f32_gemm_7x32_avx512"};
  static const GemmF32Kernel kAvx2 = {igemm_f32_6x16_avx2, 6, 16, "conv2d_f32_gemm_6x16_avx2",
                                      "conv2d_f32_igemm_6x16_avx2", "fully_connected_f32_gemm_6x16_avx2"};
  switch (isa) {
    case Isa::kAvx512:
    case Isa::kAvx512Vnni: return n > 16 ? &kAvx512Wide : &kAvx512;
    case Isa::kAvx2: return &kAvx2;
    default: return nullptr;
  }
#elif defined(__aarch64__)
  (void)n;  // one tile width
  static const GemmF32Kernel kNeon = {igemm_f32_6x8_neon, 6, 8, "conv2d_f32_gemm_6x8_neon",
                                      "conv2d_f32_igemm_6x8_neon", "fully_connected_f32_gemm_6x8_neon"};
  switch (isa) {
    case Isa::kNeon:
    case Isa::kNeonDot: return &kNeon;
    default: return nullptr;
  }
#else
  (void)isa;
  (void)n;
  return nullptr;
#endif
}

}  // namespace eb

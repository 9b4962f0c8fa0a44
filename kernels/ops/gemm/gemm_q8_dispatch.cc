// Which quantized GEMM microkernel runs for which ISA: the one table of the family, read at prepare.
#include "kernels/ops/gemm/gemm_q8.h"

namespace eb {

const Q8GemmKernelInfo* q8_gemm_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static constexpr Q8GemmKernelInfo kAvx2 = {gemm_q8_4x8c2_avx2,
                                             q8_center_avx2,
                                             4,
                                             8,
                                             false,
                                             "conv2d_qs8_igemm_4x8c2_avx2",
                                             "conv2d_qu8_igemm_4x8c2_avx2",
                                             "fully_connected_qs8_gemm_4x8c2_avx2",
                                             "fully_connected_qu8_gemm_4x8c2_avx2"};
  static constexpr Q8GemmKernelInfo kAvx512 = {gemm_q8_4x16c2_avx512,
                                               q8_center_avx512,
                                               4,
                                               16,
                                               false,
                                               "conv2d_qs8_igemm_4x16c2_avx512",
                                               "conv2d_qu8_igemm_4x16c2_avx512",
                                               "fully_connected_qs8_gemm_4x16c2_avx512",
                                               "fully_connected_qu8_gemm_4x16c2_avx512"};
  static constexpr Q8GemmKernelInfo kAvx512Vnni = {gemm_q8_4x16c2_avx512vnni,
                                                   q8_center_avx512,
                                                   4,
                                                   16,
                                                   false,
                                                   "conv2d_qs8_igemm_4x16c2_avx512vnni",
                                                   "conv2d_qu8_igemm_4x16c2_avx512vnni",
                                                   "fully_connected_qs8_gemm_4x16c2_avx512vnni",
                                                   "fully_connected_qu8_gemm_4x16c2_avx512vnni"};
  switch (isa) {
    case Isa::kAvx2:
      return &kAvx2;
    case Isa::kAvx512:
      return &kAvx512;
    case Isa::kAvx512Vnni:
      return &kAvx512Vnni;
    default:
      return nullptr;
  }
#elif defined(__aarch64__)
  // No SDOT kernel yet: the dotprod path uses the ARMv8.0 one (SDOT needs raw int8, not centered int16).
  static constexpr Q8GemmKernelInfo kNeon = {gemm_q8_4x8_neon,
                                             q8_center_neon,
                                             4,
                                             8,
                                             true,
                                             "conv2d_qs8_igemm_4x8_neon",
                                             "conv2d_qu8_igemm_4x8_neon",
                                             "fully_connected_qs8_gemm_4x8_neon",
                                             "fully_connected_qu8_gemm_4x8_neon"};
  switch (isa) {
    case Isa::kNeon:
    case Isa::kNeonDot:
      return &kNeon;
    default:
      return nullptr;
  }
#else
  (void)isa;
  return nullptr;
#endif
}

const Qs8C4KernelInfo* qs8_c4_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static constexpr Qs8C4KernelInfo kAvx512Vnni = {gemm_qs8_4x16c4_avx512vnni, 4, 16,
                                                  "conv2d_qs8_igemm_4x16c4_avx512vnni",
                                                  "fully_connected_qs8_gemm_4x16c4_avx512vnni"};
  if (isa == Isa::kAvx512Vnni) return &kAvx512Vnni;
#endif
  (void)isa;
  return nullptr;
}

}  // namespace eb

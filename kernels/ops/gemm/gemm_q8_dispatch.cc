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
  static constexpr Q8GemmKernelInfo kAvx512Vnni = {gemm_q8_8x32c2_avx512vnni,
                                                   q8_center_avx512,
                                                   8,
                                                   32,
                                                   false,
                                                   "conv2d_qs8_igemm_8x32c2_avx512vnni",
                                                   "conv2d_qu8_igemm_8x32c2_avx512vnni",
                                                   "fully_connected_qs8_gemm_8x32c2_avx512vnni",
                                                   "fully_connected_qu8_gemm_8x32c2_avx512vnni"};
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
  // The 16-bit SMLAL kernel: uint8, and int8 with input channels not a multiple of 4 (or, on ARMv8.0, a
  // filter holding -128); other int8 takes the 4-channel kernel of qs8_c4_kernel_for (SDOT on the
  // dotprod ISA, 8-bit multiplies on ARMv8.0).
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
  static constexpr Qs8C4KernelInfo kAvx512Vnni = {gemm_qs8_8x32c4_avx512vnni, 8, 32,
                                                  "conv2d_qs8_igemm_8x32c4_avx512vnni",
                                                  "fully_connected_qs8_gemm_8x32c4_avx512vnni",
                                                  "conv2d_hybrid_igemm_8x32c4_avx512vnni",
                                                  "conv2d_hybrid_im2col_gemm_8x32c4_avx512vnni", 128, false,
                                                  "fully_connected_hybrid_gemm_8x32c4_avx512vnni"};
  if (isa == Isa::kAvx512Vnni) return &kAvx512Vnni;
#elif defined(__aarch64__)
  // SDOT (ARMv8.2 dot product, Cortex-A76 / Pi 5). uint8 stays on the SMLAL kernel: SDOT is signed x
  // signed and UDOT unsigned x unsigned, neither fits uint8 input with uint8 weights less a zero point.
  static constexpr Qs8C4KernelInfo kNeonDot = {gemm_qs8_4x16c4_neondot, 4, 16, "conv2d_qs8_igemm_4x16c4_neondot",
                                               "fully_connected_qs8_gemm_4x16c4_neondot",
                                               "conv2d_hybrid_igemm_4x16c4_neondot",
                                               "conv2d_hybrid_im2col_gemm_4x16c4_neondot", 0, false,
                                               "fully_connected_hybrid_gemm_4x16c4_neondot"};
  // ARMv8.0 (Cortex-A72 / Pi 4): 8-bit multiplies with int16 pair sums, twice the 16-bit SMLAL
  // kernel's multiply rate (gemm_qs8_c4_neon.cc).
  static constexpr Qs8C4KernelInfo kNeon = {gemm_qs8_4x8c4_neon, 4, 8, "conv2d_qs8_igemm_4x8c4_neon",
                                            "fully_connected_qs8_gemm_4x8c4_neon", "conv2d_hybrid_igemm_4x8c4_neon",
                                            "conv2d_hybrid_im2col_gemm_4x8c4_neon", 0, true,
                                            "fully_connected_hybrid_gemm_4x8c4_neon"};
  if (isa == Isa::kNeonDot) return &kNeonDot;
  if (isa == Isa::kNeon) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

const Qs8C4KernelInfo* qs8_c4_gemv_kernel_for(Isa isa) {
#if defined(__x86_64__)
  static constexpr Qs8C4KernelInfo kAvx512Vnni = {gemv_qs8_1x64c4_avx512vnni, 1, 64,
                                                  "conv2d_qs8_gemv_1x64c4_avx512vnni",
                                                  "fully_connected_qs8_gemv_1x64c4_avx512vnni", nullptr, nullptr, 128,
                                                  false, "fully_connected_hybrid_gemv_1x64c4_avx512vnni"};
  if (isa == Isa::kAvx512Vnni) return &kAvx512Vnni;
#endif
  (void)isa;
  return nullptr;
}

}  // namespace eb

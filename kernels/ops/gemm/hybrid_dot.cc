#include "kernels/ops/gemm/hybrid_dot.h"

namespace eb {

const HybridDotKernel* hybrid_dot_kernel_for(Isa isa) {
#if defined(__x86_64__)
  // AVX2's VPMADDWD path serves the AVX-512 ISAs too: the dot products of hybrid layers are short rows.
  static const HybridDotKernel kAvx2 = {hybrid_dot_s8_avx2, "fully_connected_hybrid_dot_avx2",
                                        "conv2d_hybrid_dot_avx2"};
  if (isa == Isa::kAvx2 || isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx2;
#elif defined(__aarch64__)
  static const HybridDotKernel kNeon = {hybrid_dot_s8_neon, "fully_connected_hybrid_dot_neon", "conv2d_hybrid_dot_neon"};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

}  // namespace eb

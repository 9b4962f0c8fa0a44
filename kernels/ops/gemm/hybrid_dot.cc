#include "kernels/ops/gemm/hybrid_dot.h"

namespace eb {

const HybridDotKernel* hybrid_dot_kernel_for(Isa isa) {
#if defined(__x86_64__)
  // AVX2's VPMADDWD path serves plain AVX-512 too (no byte dot product there), and the convolutions
  // of VNNI machines: on 64-channel taps the 64-byte VNNI kernel measured 15% slower (bench/kernels/
  // ops_bench.cc, conv_hybrid), on FC rows of 640 values 1.4x faster (fc_hybrid).
  static const HybridDotKernel kAvx2 = {hybrid_dot_s8_avx2, hybrid_dot_s8_avx2, "fully_connected_hybrid_dot_avx2",
                                        "conv2d_hybrid_dot_avx2", hybrid_scan_f32_avx2, hybrid_quantize_f32_avx2,
                                        hybrid_output_f32_avx2};
  // The float passes (scan, quantize, conv epilogue) on 16 lanes where AVX-512 is there.
  static const HybridDotKernel kAvx512 = {hybrid_dot_s8_avx2, hybrid_dot_s8_avx2, "fully_connected_hybrid_dot_avx2",
                                          "conv2d_hybrid_dot_avx2", hybrid_scan_f32_avx512,
                                          hybrid_quantize_f32_avx512, hybrid_output_f32_avx512};
  static const HybridDotKernel kVnni = {hybrid_dot_s8_avx512vnni, hybrid_dot_s8_avx2,
                                        "fully_connected_hybrid_dot_avx512vnni", "conv2d_hybrid_dot_avx2",
                                        hybrid_scan_f32_avx512, hybrid_quantize_f32_avx512,
                                        hybrid_output_f32_avx512};
  if (isa == Isa::kAvx512Vnni) return &kVnni;
  if (isa == Isa::kAvx512) return &kAvx512;
  if (isa == Isa::kAvx2) return &kAvx2;
#elif defined(__aarch64__)
  static const HybridDotKernel kNeon = {hybrid_dot_s8_neon, hybrid_dot_s8_neon, "fully_connected_hybrid_dot_neon",
                                        "conv2d_hybrid_dot_neon", hybrid_scan_f32_neon, hybrid_quantize_f32_neon,
                                        hybrid_output_f32_neon};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

}  // namespace eb

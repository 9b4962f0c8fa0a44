// transpose_blocks_for: the block kernels of each fast path (transpose_blocks.h).
#include "kernels/ops/data_movement/transpose_blocks.h"

namespace eb {

const TransposeBlocks* transpose_blocks_for(Isa isa) {
#if defined(__x86_64__)
  static const TransposeBlocks kAvx2 = {transpose_blocks_x8_avx2, transpose_blocks_x16_avx2, transpose_blocks_x32_avx2,
                                        16, 8, 4,
                                        {"transpose_x8_16x16_avx2", "transpose_x16_8x8_avx2", "transpose_x32_4x4_avx2"}};
  if (isa == Isa::kAvx2 || isa == Isa::kAvx512 || isa == Isa::kAvx512Vnni) return &kAvx2;
#elif defined(__aarch64__)
  static const TransposeBlocks kNeon = {transpose_blocks_x8_neon, transpose_blocks_x16_neon, transpose_blocks_x32_neon,
                                        16, 8, 4,
                                        {"transpose_x8_16x16_neon", "transpose_x16_8x8_neon", "transpose_x32_4x4_neon"}};
  if (isa == Isa::kNeon || isa == Isa::kNeonDot) return &kNeon;
#endif
  (void)isa;
  return nullptr;
}

}  // namespace eb

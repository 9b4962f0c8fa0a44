// Quantized depthwise microkernel, AVX-512 (F/BW/VL/DQ): 16 channels at a time, the raw input widened
// to int32 and multiplied by int16 weights with PMADDWD (body: dwconv_q8_avx512_blocks.h).
// GCC 12's AVX-512 conversion intrinsics start from _mm512_undefined_*(), which -Wmaybe-uninitialized
// flags inside the header (a false positive; GCC bug 105593): silenced for this file only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

#include "kernels/ops/depthwise_conv2d/dwconv_q8_avx512_blocks.h"

namespace eb {

namespace {
// acc + PMADDWD(x, w): x holds int32 lanes of widened input, w int16 weights with 0 high halves.
struct MaddAdd {
  static __m512i mac(__m512i acc, __m512i x, __m512i w) { return _mm512_add_epi32(acc, _mm512_madd_epi16(x, w)); }
};
}  // namespace

void dwconv_q8_16c_avx512(const Q8DwArgs* p) { dwconv_q8_16c_blocks<MaddAdd>(p); }

}  // namespace eb

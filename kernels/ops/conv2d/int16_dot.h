// The 16x8 dot-product microkernel of the int16 CONV_2D fast path (conv2d_fast_int16.cc): plain C++ the
// compiler vectorizes, built twice, for the baseline (int16_dot.cc) and with AVX2 (int16_dot_avx2.cc).
// Only <cstddef>/<cstdint> here (an ISA file includes it): the body lives in an anonymous namespace so
// each including file compiles its own copy.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

// Rows of `kp` int16 values (kp a multiple of kInt16DotBlock, zero-padded), weights [n_oc][kp] as int16
// (the int8 filter widened at prepare, zero-padded): sums[o * 4 + r] = sum_k w[o][k] * rows[r][k], exact.
constexpr size_t kInt16DotBlock = 16;
using Int16Dot4Fn = void (*)(const int16_t* const* rows, const int16_t* w, size_t kp, size_t n_oc, int64_t* sums);
void int16_dot4_generic(const int16_t* const* rows, const int16_t* w, size_t kp, size_t n_oc, int64_t* sums);
void int16_dot4_avx2(const int16_t* const* rows, const int16_t* w, size_t kp, size_t n_oc, int64_t* sums);

namespace {

// 16 int32 lanes per row; each lane takes at most kChunk / 16 = 256 products of |w| <= 128 and
// |x| <= 32768 (2^22 each) before it is added into int64: |lane| <= 2^30, no overflow, the sum exact.
inline void int16_dot4_body(const int16_t* const* rows, const int16_t* w, size_t kp, size_t n_oc, int64_t* sums) {
  constexpr size_t kChunk = 4096;
  const int16_t* x0 = rows[0];
  const int16_t* x1 = rows[1];
  const int16_t* x2 = rows[2];
  const int16_t* x3 = rows[3];
  for (size_t o = 0; o < n_oc; ++o) {
    const int16_t* wr = w + o * kp;
    int64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
    for (size_t k0 = 0; k0 < kp; k0 += kChunk) {
      const size_t k1 = kp - k0 < kChunk ? kp : k0 + kChunk;
      int32_t a0[kInt16DotBlock] = {}, a1[kInt16DotBlock] = {}, a2[kInt16DotBlock] = {}, a3[kInt16DotBlock] = {};
      for (size_t k = k0; k < k1; k += kInt16DotBlock) {
        for (size_t i = 0; i < kInt16DotBlock; ++i) {
          const int32_t wv = wr[k + i];
          a0[i] += wv * x0[k + i];
          a1[i] += wv * x1[k + i];
          a2[i] += wv * x2[k + i];
          a3[i] += wv * x3[k + i];
        }
      }
      for (size_t i = 0; i < kInt16DotBlock; ++i) {
        t0 += a0[i];
        t1 += a1[i];
        t2 += a2[i];
        t3 += a3[i];
      }
    }
    sums[o * 4 + 0] = t0;
    sums[o * 4 + 1] = t1;
    sums[o * 4 + 2] = t2;
    sums[o * 4 + 3] = t3;
  }
}

}  // namespace
}  // namespace eb

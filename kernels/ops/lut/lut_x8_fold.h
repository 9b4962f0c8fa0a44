// The folded rows U_k of lut_x8_ukernels.h (x86 kernels): u[16k .. 16k+15] = U_k for the 256-byte
// table t. Each ISA file includes this and compiles its own copy (anonymous namespace: the ISA-linkage
// rule of kernels/CMakeLists.txt).
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {
namespace {

inline void lut_x8_fold_rows(const uint8_t* t, uint8_t* u) {
  for (int i = 0; i < 16; ++i) u[i] = t[i];
  for (int k = 1; k < 16; ++k) {
    for (int i = 0; i < 16; ++i) {
      uint8_t v = static_cast<uint8_t>(t[16 * k + i] ^ t[16 * (k - 1) + i]);
      if (k >= 8) v ^= t[16 * (k - 8) + i];
      if (k >= 9) v ^= t[16 * (k - 9) + i];
      u[16 * k + i] = v;
    }
  }
}

}  // namespace
}  // namespace eb

// Any 8-bit operator whose output byte is a function of its input byte alone (int8/uint8 LOGISTIC,
// TANH, HARD_SWISH, ... precomputed as a 256-entry table at prepare) runs here: the reference loop on
// the reference path, the ISA's table-lookup microkernel (lut_x8_ukernels.h) split over threads on the
// fast paths. Bit for bit the same either way.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "kernels/common/isa.h"
#include "kernels/ops/lut/lut_x8_ukernels.h"
#include "kernels/ops/op.h"

namespace eb {

using LutTable8 = std::array<uint8_t, 256>;

struct LutX8Kernel {
  LutX8Ukernel ukernel;
  const char* isa_suffix;  // "avx2", "avx512", "neon"
};
// The microkernel for `isa`, or nullptr (reference).
const LutX8Kernel* lut_x8_kernel_for(Isa isa);

// y[i] = table[x[i]]: the portable loop (the reference kernel).
void lut_x8_ref(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table);

// Binds tensor `in` -> `out` (n bytes) through `table`, named "<op_type>_lut_<ref|isa>", e.g.
// "logistic_qs8_lut_avx512". `table` holds 256 bytes; they are copied into the bound op.
std::unique_ptr<PreparedOp> bind_lut_x8(Isa isa, const std::string& op_type, const uint8_t* table, int in, int out,
                                        int64_t n);

}  // namespace eb

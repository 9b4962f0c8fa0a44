// Contract of the 8-bit table-lookup microkernels (lut_x8_<isa>.cc): y[i] = table[x[i]] for i in [0, n),
// bytes (int8 values are looked up by their bit pattern, as the reference lookup_table_8bit_ref does), in
// place allowed (y == x), any n and any alignment. Bit for bit the reference by construction.
//
// x86 (AVX2, AVX-512BW): PSHUFB looks up 16 entries and gives 0 where the index byte has its top bit set.
// The 256-entry table is cut into 16 rows T_k of 16 bytes; the index walks down by 16 per row, with
// wrapping subtraction for rows 0..8 and saturating (signed) subtraction after, so that row k's lookup
// is non-zero exactly for the rows of x that can still reach it. XOR-ing rows folded as
//   U_0 = T_0,  U_k = T_k ^ T_{k-1} (k = 1..7),  U_8 = T_8 ^ T_7 ^ T_0,
//   U_k = T_k ^ T_{k-1} ^ T_{k-8} ^ T_{k-9} (k = 9..15)
// then leaves T_j[x & 15] for x in row j: for j <= 7 rows 0..j contribute (the XOR telescopes to T_j);
// for j >= 8 rows j-7..j do (U_{j-7..j} telescopes to T_j as well). lut_x8_fold_rows() builds U.
// NEON: TBL/TBX on four 16-byte registers look up 64 entries at a time; four lookups cover 256.
//
// Included by ISA-specific files: plain declarations and a plain inline helper on bytes only.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

typedef void (*LutX8Ukernel)(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table);

void lut_x8_avx2(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table);
void lut_x8_avx512(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table);
void lut_x8_neon(size_t n, const uint8_t* x, uint8_t* y, const uint8_t* table);

}  // namespace eb

// Transposed 2-d blocks of a strided copy (TRANSPOSE, SPACE_TO_DEPTH, ... once their plan is tiled), on
// the fast paths: whole B x B blocks of 1-, 2- or 4-byte elements go through SIMD registers (16x16
// bytes, 8x8 halfwords, 4x4 words: SSE2 shuffles on x86-64, NEON zips/transposes on aarch64), so
// each block costs B loads, B stores and a few register permutes instead of B*B scalar moves.
// Byte for byte the reference's copy: only the order of the moves differs.
//
// A block kernel transposes the leading floor(n0/B)*B x floor(n1/B)*B region of a tile whose input
// runs contiguously along d0 (in + a + b*in_step1) and whose output runs contiguously along d1
// (out + a*out_step0 + b): out[a][b] = in[b][a]. The caller copies the rest.
#pragma once

#include <cstdint>

#include "kernels/common/isa.h"

namespace eb {

using TransposeBlockFn = void (*)(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0,
                                  int64_t n1);

struct TransposeBlocks {
  TransposeBlockFn x8 = nullptr, x16 = nullptr, x32 = nullptr;  // by element size
  int b8 = 0, b16 = 0, b32 = 0;                                  // their block edges in elements
  const char* names[3] = {};                                     // kernel names per element size
};

// The block kernels of an ISA; null on the reference path and where the ISA has none.
const TransposeBlocks* transpose_blocks_for(Isa isa);

void transpose_blocks_x8_avx2(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0, int64_t n1);
void transpose_blocks_x16_avx2(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0, int64_t n1);
void transpose_blocks_x32_avx2(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0, int64_t n1);
void transpose_blocks_x8_neon(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0, int64_t n1);
void transpose_blocks_x16_neon(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0, int64_t n1);
void transpose_blocks_x32_neon(const uint8_t* in, int64_t in_step1, uint8_t* out, int64_t out_step0, int64_t n0, int64_t n1);

}  // namespace eb

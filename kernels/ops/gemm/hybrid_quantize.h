// The input quantization of the hybrid (dynamic-range) ops, TFLite's tensor_utils::SymmetricQuantizeFloats
// and AsymmetricQuantizeFloats: one scale (and, asymmetric, one integer offset) per batch item or row,
// from the values' range. Split in two so the reference and the fast paths share the arithmetic that
// decides the parameters and differ only in the two passes over the values:
//   - the scan: min, max and whether any value is NaN (scalar here, SIMD in the microkernels);
//   - the quantization: q = clamp(round_half_away(offset + x * inv), qmin, 127), a float multiply then an
//     add (never fused) as the reference computes it; the symmetric form is offset 0 and qmin -127
//     (0.0f + v == v for every v but -0.0, and round(-0.0) == round(+0.0)).
// A non-finite value (NaN/Inf from a hostile or broken model) has no quantized form: the item becomes
// zeros with scale 1 (casting NaN to int is undefined behaviour; TFLite's result is garbage as well).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/ops/gemm/hybrid_dot.h"

namespace eb {

struct HybridQuantization {
  bool zeros = true;  // quantize to all zeros (empty, all-zero range, non-finite values)
  float scale = 1.0f;
  int32_t offset = 0;
  float inv = 0.0f;    // the multiplier of the values
  int32_t qmin = -127;  // -127 symmetric, -128 asymmetric
};

// From the values' min, max and NaN presence (n > 0).
HybridQuantization hybrid_symmetric_quantization(float lo, float hi, bool has_nan);
HybridQuantization hybrid_asymmetric_quantization(float lo, float hi, bool has_nan);

// The reference: scalar scan and quantization. `offset` may be null for symmetric.
void hybrid_quantize_ref(bool symmetric, const float* x, size_t n, int8_t* q, float* scale, int32_t* offset);
// The same bits on k's scan and quantization microkernels.
void hybrid_quantize_fast(const HybridDotKernel& k, bool symmetric, const float* x, size_t n, int8_t* q, float* scale,
                          int32_t* offset);

}  // namespace eb

// Contract of the int8 dot-product microkernels of the hybrid (dynamic-range) fast path
// (hybrid_dot_<isa>.cc): out[r] = sum_i x[i] * w[r * w_stride + i] for r in [0, rows), i in [0, n), in
// int32 with wrapping adds, as the reference's int32 accumulation. Integer sums are exact in any order,
// so every kernel gives the reference's bits.
//
// Included by ISA-specific files: plain declarations only (no inline functions, templates or std::
// types), so nothing compiled with AVX2 / NEON flags can leak into generic code.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

using HybridDotUkernel = void (*)(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows,
                                  int32_t* out);

void hybrid_dot_s8_avx512vnni(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows,
                              int32_t* out);
void hybrid_dot_s8_avx2(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows, int32_t* out);
void hybrid_dot_s8_neon(size_t n, const int8_t* x, const int8_t* w, size_t w_stride, size_t rows, int32_t* out);

// The two passes of the hybrid input quantization (hybrid_quantize.h), n >= 1:
// scan: *lo / *hi the minimum / maximum of x (meaningful only when no value is NaN), *has_nan 1 when one is.
using HybridScanUkernel = void (*)(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan);
// quantize: q[i] = clamp(round_half_away(offset + x[i] * inv), qmin, 127), multiply then add (not fused),
// for finite x and inv: bit-identical to the scalar std::round loop.
using HybridQuantizeUkernel = void (*)(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q);

// The hybrid conv epilogue (conv2d_hybrid_output) over n output channels with its per-channel terms
// precomputed: out[j] = min(max(float(acc[j] - shift[j]) * scale[j] (+ bias[j] when bias), lo), hi), the
// int32 subtraction wrapping, a multiply then an add (not fused), std::max / std::min's choice on ties
// of zeros (the first operand). Bit-identical to the scalar epilogue.
using HybridOutputUkernel = void (*)(const int32_t* acc, size_t n, const int32_t* shift, const float* scale,
                                     const float* bias, float lo, float hi, float* out);

void hybrid_output_f32_avx2(const int32_t* acc, size_t n, const int32_t* shift, const float* scale, const float* bias,
                            float lo, float hi, float* out);
void hybrid_output_f32_neon(const int32_t* acc, size_t n, const int32_t* shift, const float* scale, const float* bias,
                            float lo, float hi, float* out);

// The scalar forms (hybrid_quantize.cc, baseline flags): the reference's passes, and the SIMD kernels'
// tails.
void hybrid_scan_f32_scalar(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan);
void hybrid_quantize_f32_scalar(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q);
void hybrid_output_f32_scalar(const int32_t* acc, size_t n, const int32_t* shift, const float* scale, const float* bias,
                              float lo, float hi, float* out);

void hybrid_scan_f32_avx2(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan);
void hybrid_quantize_f32_avx2(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q);
void hybrid_scan_f32_avx512(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan);
void hybrid_quantize_f32_avx512(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q);
void hybrid_output_f32_avx512(const int32_t* acc, size_t n, const int32_t* shift, const float* scale,
                              const float* bias, float lo, float hi, float* out);
void hybrid_scan_f32_neon(const float* x, size_t n, float* lo, float* hi, int32_t* has_nan);
void hybrid_quantize_f32_neon(const float* x, size_t n, float inv, float offset, int32_t qmin, int8_t* q);

}  // namespace eb

// RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on NHWC tensors, as TFLite's reference kernels define them.
//
// Source coordinate of output index v along a dimension of input size `in` and output size `out`:
//   scale = in / out, or (in - 1) / (out - 1) with align_corners (and out > 1), in float;
//   src = v * scale, or (v + 0.5) * scale - 0.5 with half_pixel_centers.
// Bilinear (float): y0 = max(floor(src), 0), y1 = min(ceil(src), in - 1), weights (1 - (src - y0)) and
//   (src - y0), evaluated in float in TFLite's order (ComputeInterpolationValues / ResizeBilinear).
// Bilinear (int8/uint8): TFLite's ResizeBilinearInteger, with no float at all: the scale in 10-bit fixed
//   point, scale_10 = (1024 * in + out / 2) / out (align_corners: (1024 * (in - 1) + (out - 1) / 2) / (out - 1)),
//   src_10 = v * scale_10 (half pixel: + scale_10 / 2 - 512), y0 = max(src_10 / 1024, 0),
//   y1 = min((src_10 + 1023) / 1024, in - 1) (C division, truncating), the four products summed in 20-bit
//   fixed point and rounded half away from zero: (sum +/- 2^19) / 2^20.
// Bilinear on quantized int8/uint8 (parameters present, equal on both sides): TFLite's default path hands
//   the op to XNNPACK, whose arithmetic differs from ResizeBilinearInteger in its rounding: source
//   coordinates in float as XNNPACK's q11 indirection computes them (half pixel: clamped to the image),
//   weights lrintf(alpha * 2048), t = (tl << 11) + (tr - tl) * wx, likewise b, out = ((t << 11) +
//   (b - t) * wy + 2^21) >> 22. Raw integer images without parameters keep TFLite's own kernel above.
// Nearest neighbour: TFLite's GetNearestNeighbor: floor(src'), or round-half-away(src') with align_corners,
//   where src' = (v + offset) * scale, offset = 0.5 with half_pixel_centers; then min(., in - 1), and with
//   half_pixel_centers max(., 0). It copies elements, so it serves every dtype.
#pragma once

#include <cstddef>
#include <cstdint>

namespace eb {

struct ResizeParams {
  int32_t batches = 1, in_h = 1, in_w = 1, channels = 1;
  int32_t out_h = 1, out_w = 1;
  bool align_corners = false, half_pixel_centers = false;
};

void resize_bilinear_float32_ref(const float* input, const ResizeParams& p, float* output);
void resize_bilinear_int8_ref(const int8_t* input, const ResizeParams& p, int8_t* output);
// Quantized tensors (the XNNPACK delegate takes them on TFLite's default path): XNNPACK's Q11 arithmetic.
void resize_bilinear_int8_xnnpack_ref(const int8_t* input, const ResizeParams& p, int8_t* output);
void resize_bilinear_uint8_xnnpack_ref(const uint8_t* input, const ResizeParams& p, uint8_t* output);
void resize_bilinear_uint8_ref(const uint8_t* input, const ResizeParams& p, uint8_t* output);
// int16 (the converter's 16x8 mode): XNNPACK takes no int16; TFLite's ResizeBilinearInteger runs.
void resize_bilinear_int16_ref(const int16_t* input, const ResizeParams& p, int16_t* output);

// Copies whole elements of `elem_bytes` bytes.
void resize_nearest_neighbor_ref(const void* input, const ResizeParams& p, size_t elem_bytes, void* output);

}  // namespace eb

// From a frame (8-bit BGR or gray cv::Mat) to the bytes of a model's image input tensor:
//   resize to the input's H x W -> colour conversion to its channels (gray, or RGB/BGR order)
//   -> NHWC -> float = (pixel * scale - mean[c]) / std[c] -> for int8/uint8/int16 inputs, quantize with the
//   input's own scale and zero point (round half away from zero, clamp to the type's range).
// The pixel -> value mapping is a 256-entry table per channel computed once, so every pixel value gets
// exactly the formula's result; per frame the work is the resize, the colour conversion and a lookup.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <opencv2/core/mat.hpp>

#include "daemon/pipeline/image_source.h"
#include "daemon/pipeline/preprocess_options.h"
#include "kernels/common/status.h"
#include "kernels/graph/tensor.h"

namespace eb {

// One Preprocessor per thread: run() reuses its working buffers.
class Preprocessor {
 public:
  // Checks the input (rank 4 NHWC or rank 3 NHW, batch 1, C = 1 or 3, dtype float32 / uint8 / int8 /
  // int16, per-tensor quantization for integer types; an integer input without quantization parameters
  // takes values as they are: scale 1, zero point 0) and the options (mean/std sizes, non-zero std,
  // finite values). Errors name the tensor.
  static Result<Preprocessor> create(const Tensor& input, const PreprocessOptions& options = {});
  // Quick form: range_options(lo, hi) with default interpolation and RGB order.
  static Result<Preprocessor> for_range(const Tensor& input, float lo = 0.0f, float hi = 1.0f);

  // Writes one frame (8-bit, 1, 3 or 4 channels; BGR(A) or gray) into `out`, which must be exactly
  // bytes() long. No allocation once the working buffers have the input's size.
  Status run(const cv::Mat& frame, uint8_t* out, size_t out_bytes);
  Status run(const Image& frame, uint8_t* out, size_t out_bytes);

  size_t bytes() const { return bytes_; }
  DType dtype() const { return dtype_; }
  const ImageInputShape& shape() const { return shape_; }
  const PreprocessOptions& options() const { return options_; }
  // The value written for `pixel` (after resize and colour conversion) in channel c: the float, or the
  // quantized integer as a float. For tests and for printing the effective mapping.
  float value_for(int channel, uint8_t pixel) const;

 private:
  Preprocessor() = default;
  Status write_planar(const cv::Mat& src, uint8_t* out) const;

  std::string tensor_name_;
  DType dtype_ = DType::kFloat32;
  ImageInputShape shape_;
  PreprocessOptions options_;
  size_t bytes_ = 0;
  // Per channel, per pixel value: the output element (float32, or the quantized integer).
  std::vector<std::array<float, 256>> lut_f32_;
  std::vector<std::array<int32_t, 256>> lut_int_;
  cv::Mat resized_, converted_;  // working buffers, reused across frames
};

}  // namespace eb

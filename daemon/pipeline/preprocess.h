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

#include "kernels/common/status.h"
#include "kernels/graph/tensor.h"

namespace eb {

enum class Interpolation { kNearest, kBilinear, kArea, kCubic };
// "nearest" | "bilinear" | "area" | "cubic" (also "linear", "inter_area", ...: case-insensitive).
Result<Interpolation> parse_interpolation(std::string_view name);
const char* interpolation_name(Interpolation i);

enum class ChannelOrder { kRGB, kBGR };  // for 3-channel inputs; TFLite image models are nearly all RGB
Result<ChannelOrder> parse_channel_order(std::string_view name);  // "rgb" | "bgr"

// How the input tensor holds the image: [1, H, W, C] (TFLite's own) or [1, C, H, W] (models converted
// from PyTorch/ONNX often keep planar channels).
enum class ImageLayout { kNHWC, kNCHW };
Result<ImageLayout> parse_image_layout(std::string_view name);  // "nhwc" | "nchw"

struct PreprocessOptions {
  Interpolation interpolation = Interpolation::kBilinear;
  ChannelOrder channel_order = ChannelOrder::kRGB;
  float scale = 1.0f;              // pixel (0..255) * scale
  std::vector<float> mean = {0.0f};  // one value for every channel, or one per input channel
  std::vector<float> std = {1.0f};   // likewise; every value must be non-zero
  ImageLayout layout = ImageLayout::kNHWC;
  // What a configuration expects of the input, checked by create() (0: take the input's): a pipeline
  // written for 224x224 RGB must not silently feed a 96x96 gray model.
  int width = 0, height = 0, channels = 0;
};

// The "quick form": pixels 0..255 mapped linearly onto lo..hi (lo + pixel * (hi - lo) / 255), e.g.
// 0..1, -1..1 or 0..255. Integer inputs are then quantized with the input's scale/zero point.
PreprocessOptions range_options(float lo = 0.0f, float hi = 1.0f);

// The input geometry a Preprocessor writes: N = 1; NHWC ([1, H, W, C], or [1, H, W] taken as C = 1) or
// NCHW ([1, C, H, W]).
struct ImageInputShape {
  int height = 0, width = 0, channels = 0;
};
Result<ImageInputShape> image_input_shape(const Tensor& input, ImageLayout layout = ImageLayout::kNHWC);

// The shape an image input with dynamic (-1) dimensions is given for a pipeline, before the engine
// prepares the graph: batch 1, height and width from the pipeline's resize (options.width/height) or,
// without one, from the first image (image_width/height; 0 when not read yet), channels from the
// pipeline (1 gray, 3 colour) unless the model fixes them. nullopt when no dimension is dynamic.
// `how` says where the size came from, for the run's log.
Result<std::optional<Shape>> dynamic_image_input_shape(const Tensor& input, const PreprocessOptions& options,
                                                       int image_width, int image_height, std::string* how);

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

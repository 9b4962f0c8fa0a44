// How a pipeline turns pixels into a model's image input, as options: interpolation, channel order,
// layout, the pixel -> value mapping, the input geometry and the shape a dynamic input is given. No
// OpenCV here: the configuration and the measuring loop use these without the image module; the
// Preprocessor that applies them (preprocess.h) is the module's.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

}  // namespace eb

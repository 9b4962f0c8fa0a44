#include "daemon/pipeline/preprocess_options.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

namespace eb {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<Interpolation> parse_interpolation(std::string_view name) {
  std::string n = lower(name);
  if (n.rfind("inter_", 0) == 0) n = n.substr(6);
  if (n == "nearest") return Interpolation::kNearest;
  if (n == "bilinear" || n == "linear") return Interpolation::kBilinear;
  if (n == "area") return Interpolation::kArea;
  if (n == "cubic" || n == "bicubic") return Interpolation::kCubic;
  const std::string s(name);
  return error("interpolation '%s': expected nearest, bilinear, area or cubic", s.c_str());
}

const char* interpolation_name(Interpolation i) {
  switch (i) {
    case Interpolation::kNearest: return "nearest";
    case Interpolation::kBilinear: return "bilinear";
    case Interpolation::kArea: return "area";
    case Interpolation::kCubic: return "cubic";
  }
  return "?";
}

Result<ChannelOrder> parse_channel_order(std::string_view name) {
  const std::string n = lower(name);
  if (n == "rgb") return ChannelOrder::kRGB;
  if (n == "bgr") return ChannelOrder::kBGR;
  const std::string s(name);
  return error("channel order '%s': expected rgb or bgr", s.c_str());
}

Result<ImageLayout> parse_image_layout(std::string_view name) {
  const std::string n = lower(name);
  if (n == "nhwc") return ImageLayout::kNHWC;
  if (n == "nchw") return ImageLayout::kNCHW;
  const std::string s(name);
  return error("layout '%s': expected nhwc or nchw", s.c_str());
}

PreprocessOptions range_options(float lo, float hi) {
  PreprocessOptions o;
  o.scale = (hi - lo) / 255.0f;
  o.mean = {-lo};
  o.std = {1.0f};
  return o;
}

Result<ImageInputShape> image_input_shape(const Tensor& input, ImageLayout layout) {
  const std::string s = shape_str(input.shape);
  const char* name = input.name.c_str();
  ImageInputShape r;
  if (layout == ImageLayout::kNCHW) {
    if (input.rank() != 4) return error("input '%s' %s: not an NCHW image input (expected [1, C, H, W])", name, s.c_str());
    r = {input.dim(2), input.dim(3), input.dim(1)};
  } else if (input.rank() == 4) {
    r = {input.dim(1), input.dim(2), input.dim(3)};
  } else if (input.rank() == 3) {
    r = {input.dim(1), input.dim(2), 1};
  } else {
    return error("input '%s' %s: not an image input (expected [1, H, W, C] or [1, H, W])", name, s.c_str());
  }
  if (input.dim(0) != 1) return error("input '%s' %s: batch must be 1, not %d", name, s.c_str(), input.dim(0));
  if (r.height <= 0 || r.width <= 0) return error("input '%s' %s: height and width must be positive", name, s.c_str());
  if (r.channels != 1 && r.channels != 3) {
    return error("input '%s' %s: %d channels (images need 1 or 3)", name, s.c_str(), r.channels);
  }
  return r;
}

Result<std::optional<Shape>> dynamic_image_input_shape(const Tensor& input, const PreprocessOptions& options,
                                                       int image_width, int image_height, std::string* how) {
  const Shape& sig = input.signature;
  if (std::find(sig.begin(), sig.end(), -1) == sig.end()) return std::optional<Shape>();
  const char* name = input.name.c_str();
  const bool nchw = options.layout == ImageLayout::kNCHW;
  if (sig.size() != 4 && !(sig.size() == 3 && !nchw))
    return error("input '%s' has dynamic dimensions %s: not an image input ([1, H, W, C], [1, H, W] or [1, C, H, W])",
                 name, shape_str(sig).c_str());
  // Only height and width need a size from outside; a dynamic batch is 1, dynamic channels the pipeline's.
  const size_t h_dim = nchw ? 2 : 1, w_dim = nchw ? 3 : 2;
  int width = options.width, height = options.height;
  if (sig[h_dim] != -1 && sig[w_dim] != -1) {
    width = sig[w_dim];
    height = sig[h_dim];
    *how = "the model";
  } else if (width > 0 && height > 0) {
    *how = strfmt("the pipeline's resize %dx%d", width, height);
  } else if (image_width > 0 && image_height > 0) {
    width = image_width;
    height = image_height;
    *how = strfmt("the first image, %dx%d", width, height);
  } else {
    return error("input '%s' has dynamic dimensions %s and no image gives its size (set a resize)", name,
                 shape_str(sig).c_str());
  }
  const int channels = options.channels > 0 ? options.channels : 3;
  Shape shape;
  if (nchw) {
    shape = {1, channels, height, width};
  } else {
    shape = {1, height, width};
    if (sig.size() == 4) shape.push_back(channels);
  }
  // A dimension the model fixes keeps its value (e.g. [-1, -1, -1, 1]: a gray model stays gray).
  for (size_t d = 0; d < shape.size(); ++d)
    if (sig[d] != -1) shape[d] = sig[d];
  return std::optional<Shape>(shape);
}

}  // namespace eb

#include "daemon/pipeline/preprocess.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <string>

#include <opencv2/core.hpp>
#include <opencv2/imgproc.hpp>

namespace eb {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int cv_interpolation(Interpolation i) {
  switch (i) {
    case Interpolation::kNearest: return cv::INTER_NEAREST;
    case Interpolation::kBilinear: return cv::INTER_LINEAR;
    case Interpolation::kArea: return cv::INTER_AREA;
    case Interpolation::kCubic: return cv::INTER_CUBIC;
  }
  return cv::INTER_LINEAR;
}

struct IntRange {
  int32_t lo, hi;
};
IntRange int_range(DType t) {
  switch (t) {
    case DType::kInt8: return {-128, 127};
    case DType::kUInt8: return {0, 255};
    case DType::kInt16: return {-32768, 32767};
    default: return {0, 0};
  }
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

Result<Preprocessor> Preprocessor::create(const Tensor& input, const PreprocessOptions& options) {
  auto shape = image_input_shape(input, options.layout);
  if (!shape.ok()) return shape.status();
  const char* name = input.name.c_str();
  const int c = shape->channels;
  if ((options.width > 0 && options.width != shape->width) || (options.height > 0 && options.height != shape->height)) {
    return error("input '%s' %s: the pipeline resizes to %dx%d, the model takes %dx%d", name,
                 shape_str(input.shape).c_str(), options.width > 0 ? options.width : shape->width,
                 options.height > 0 ? options.height : shape->height, shape->width, shape->height);
  }
  if (options.channels > 0 && options.channels != c) {
    return error("input '%s' %s: the pipeline gives %s images, the model takes %d channel%s", name,
                 shape_str(input.shape).c_str(), options.channels == 1 ? "gray" : "colour", c, c == 1 ? "" : "s");
  }
  if (options.mean.size() != 1 && options.mean.size() != static_cast<size_t>(c)) {
    return error("input '%s': %zu mean values for %d channels (give 1 or %d)", name, options.mean.size(), c, c);
  }
  if (options.std.size() != 1 && options.std.size() != static_cast<size_t>(c)) {
    return error("input '%s': %zu std values for %d channels (give 1 or %d)", name, options.std.size(), c, c);
  }
  if (!std::isfinite(options.scale)) return error("input '%s': pixel scale is not finite", name);
  for (float m : options.mean) {
    if (!std::isfinite(m)) return error("input '%s': a mean value is not finite", name);
  }
  for (float sd : options.std) {
    if (!std::isfinite(sd) || sd == 0.0f) return error("input '%s': std values must be finite and non-zero", name);
  }

  Preprocessor p;
  p.tensor_name_ = input.name;
  p.dtype_ = input.dtype;
  p.shape_ = *shape;
  p.options_ = options;
  p.bytes_ = static_cast<size_t>(shape->height) * static_cast<size_t>(shape->width) * static_cast<size_t>(c) *
             dtype_size(input.dtype);
  if (p.bytes_ != input.bytes()) return error("input '%s': byte size does not match its shape", name);

  const bool is_float = input.dtype == DType::kFloat32;
  const bool is_int = input.dtype == DType::kInt8 || input.dtype == DType::kUInt8 || input.dtype == DType::kInt16;
  if (!is_float && !is_int) {
    return error("input '%s': dtype %s is not supported for images (float32, uint8, int8, int16)", name,
                 dtype_name(input.dtype));
  }
  double qscale = 1.0;
  int32_t zp = 0;
  if (is_int && input.quant.present()) {
    if (input.quant.per_channel()) return error("input '%s': per-channel quantization of an input is not supported", name);
    qscale = input.quant.scale0();
    zp = input.quant.zp0();
    if (!std::isfinite(qscale) || qscale <= 0.0) return error("input '%s': quantization scale %g is not positive", name, qscale);
  }
  const IntRange range = int_range(input.dtype);

  for (int ch = 0; ch < c; ++ch) {
    const double mean = options.mean.size() == 1 ? options.mean[0] : options.mean[static_cast<size_t>(ch)];
    const double sd = options.std.size() == 1 ? options.std[0] : options.std[static_cast<size_t>(ch)];
    std::array<float, 256> f{};
    std::array<int32_t, 256> q{};
    for (int v = 0; v < 256; ++v) {
      const double x = (static_cast<double>(v) * static_cast<double>(options.scale) - mean) / sd;
      f[static_cast<size_t>(v)] = static_cast<float>(x);
      if (is_int) {
        // TFLite's quantize: zero_point + round(x / scale), std::round = half away from zero; clamped.
        double r = std::round(x / qscale) + zp;
        r = std::clamp(r, static_cast<double>(range.lo), static_cast<double>(range.hi));
        q[static_cast<size_t>(v)] = static_cast<int32_t>(r);
      }
    }
    if (is_int) {
      p.lut_int_.push_back(q);
    } else {
      p.lut_f32_.push_back(f);
    }
  }
  return p;
}

Result<Preprocessor> Preprocessor::for_range(const Tensor& input, float lo, float hi) {
  if (!std::isfinite(lo) || !std::isfinite(hi)) return error("input '%s': range bounds must be finite", input.name.c_str());
  return create(input, range_options(lo, hi));
}

float Preprocessor::value_for(int channel, uint8_t pixel) const {
  const size_t c = static_cast<size_t>(std::clamp(channel, 0, shape_.channels - 1));
  if (!lut_int_.empty()) return static_cast<float>(lut_int_[c][pixel]);
  return lut_f32_[c][pixel];
}

Status Preprocessor::run(const cv::Mat& frame, uint8_t* out, size_t out_bytes) {
  const char* name = tensor_name_.c_str();
  if (out == nullptr || out_bytes != bytes_) {
    return error("input '%s': output buffer is %zu bytes, the tensor needs %zu", name, out_bytes, bytes_);
  }
  if (frame.empty()) return error("input '%s': empty frame", name);
  if (frame.dims != 2 || frame.depth() != CV_8U) return error("input '%s': frames must be 8-bit images", name);
  const int fc = frame.channels();
  if (fc != 1 && fc != 3 && fc != 4) return error("input '%s': frame has %d channels (need 1, 3 or 4)", name, fc);
  const int H = shape_.height, W = shape_.width, C = shape_.channels;
  try {
    const cv::Mat* src = &frame;
    if (frame.rows != H || frame.cols != W) {
      cv::resize(frame, resized_, cv::Size(W, H), 0, 0, cv_interpolation(options_.interpolation));
      src = &resized_;
    }
    int code = -1;
    if (C == 1) {
      if (fc == 3) code = cv::COLOR_BGR2GRAY;
      if (fc == 4) code = cv::COLOR_BGRA2GRAY;
    } else if (options_.channel_order == ChannelOrder::kRGB) {
      code = fc == 1 ? cv::COLOR_GRAY2RGB : fc == 3 ? cv::COLOR_BGR2RGB : cv::COLOR_BGRA2RGB;
    } else {
      if (fc == 1) code = cv::COLOR_GRAY2BGR;
      if (fc == 4) code = cv::COLOR_BGRA2BGR;
    }
    if (code >= 0) {
      cv::cvtColor(*src, converted_, code);
      src = &converted_;
    }
    if (src->rows != H || src->cols != W || src->channels() != C || src->depth() != CV_8U) {
      return error("input '%s': internal error: converted frame has the wrong geometry", name);
    }

    if (options_.layout == ImageLayout::kNCHW) return write_planar(*src, out);
    const size_t row_elems = static_cast<size_t>(W) * static_cast<size_t>(C);
    for (int y = 0; y < H; ++y) {
      const uint8_t* px = src->ptr<uint8_t>(y);
      const size_t base = static_cast<size_t>(y) * row_elems;
      switch (dtype_) {
        case DType::kFloat32: {
          for (size_t i = 0; i < row_elems; ++i) {
            const float v = lut_f32_[i % static_cast<size_t>(C)][px[i]];
            std::memcpy(out + (base + i) * sizeof(float), &v, sizeof(float));
          }
          break;
        }
        case DType::kUInt8:
          for (size_t i = 0; i < row_elems; ++i) out[base + i] = static_cast<uint8_t>(lut_int_[i % static_cast<size_t>(C)][px[i]]);
          break;
        case DType::kInt8:
          for (size_t i = 0; i < row_elems; ++i) {
            const int8_t v = static_cast<int8_t>(lut_int_[i % static_cast<size_t>(C)][px[i]]);
            std::memcpy(out + base + i, &v, 1);
          }
          break;
        case DType::kInt16:
          for (size_t i = 0; i < row_elems; ++i) {
            const int16_t v = static_cast<int16_t>(lut_int_[i % static_cast<size_t>(C)][px[i]]);
            std::memcpy(out + (base + i) * sizeof(int16_t), &v, sizeof(int16_t));
          }
          break;
        default:
          return error("input '%s': unsupported dtype", name);
      }
    }
  } catch (const cv::Exception& e) {
    return error("input '%s': preprocessing failed: %s", name, e.what());
  } catch (const std::exception& e) {
    return error("input '%s': preprocessing failed: %s", name, e.what());
  }
  return Status();
}

// NCHW: element (c, y, x) goes to c * H * W + y * W + x. Kept apart from the interleaved loop above,
// which is the common case and stays a straight row copy through the lookup tables.
Status Preprocessor::write_planar(const cv::Mat& src, uint8_t* out) const {
  const size_t H = static_cast<size_t>(shape_.height), W = static_cast<size_t>(shape_.width);
  const size_t C = static_cast<size_t>(shape_.channels);
  for (size_t y = 0; y < H; ++y) {
    const uint8_t* px = src.ptr<uint8_t>(static_cast<int>(y));
    for (size_t x = 0; x < W; ++x) {
      for (size_t c = 0; c < C; ++c) {
        const uint8_t v = px[x * C + c];
        const size_t at = (c * H + y) * W + x;
        switch (dtype_) {
          case DType::kFloat32: std::memcpy(out + at * sizeof(float), &lut_f32_[c][v], sizeof(float)); break;
          case DType::kUInt8: out[at] = static_cast<uint8_t>(lut_int_[c][v]); break;
          case DType::kInt8: {
            const int8_t q = static_cast<int8_t>(lut_int_[c][v]);
            std::memcpy(out + at, &q, 1);
            break;
          }
          case DType::kInt16: {
            const int16_t q = static_cast<int16_t>(lut_int_[c][v]);
            std::memcpy(out + at * sizeof(int16_t), &q, sizeof(int16_t));
            break;
          }
          default: return error("input '%s': unsupported dtype", tensor_name_.c_str());
        }
      }
    }
  }
  return Status();
}

}  // namespace eb

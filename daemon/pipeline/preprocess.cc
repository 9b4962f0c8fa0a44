#include "daemon/pipeline/preprocess.h"

#include "daemon/pipeline/opencv_io.h"

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
Status Preprocessor::run(const Image& frame, uint8_t* out, size_t out_bytes) { return run(mat_of(frame), out, out_bytes); }

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

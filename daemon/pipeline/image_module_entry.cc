// The image module's side of image_module.h: OpenCV's sources and the Preprocessor behind the API.
// Built into edgebench-images.so only.
#include <cstdlib>
#include <string>

#include "daemon/pipeline/image_header.h"
#include "daemon/pipeline/image_module.h"
#include "daemon/pipeline/opencv_io.h"
#include "daemon/pipeline/preprocess.h"

namespace eb {
namespace {

class ModulePreprocessor final : public FramePreprocessor {
 public:
  explicit ModulePreprocessor(Preprocessor p) : p_(std::move(p)) {}
  size_t bytes() const override { return p_.bytes(); }
  Status run(const Image& frame, uint8_t* out, size_t out_bytes) override { return p_.run(frame, out, out_bytes); }

 private:
  Preprocessor p_;
};

Result<std::unique_ptr<ImageSource>> module_open_image_dir(const std::string& path, const ImageDirOptions& options) {
  return open_image_dir(path, options);
}
Result<std::unique_ptr<ImageSource>> module_open_capture(const std::string& spec, const CaptureOptions& options) {
  return open_capture(spec, options);
}
Result<std::unique_ptr<FramePreprocessor>> module_preprocessor(const Tensor& input, const PreprocessOptions& options) {
  EB_ASSIGN_OR_RETURN(Preprocessor p, Preprocessor::create(input, options));
  return std::unique_ptr<FramePreprocessor>(new ModulePreprocessor(std::move(p)));
}

}  // namespace
}  // namespace eb

extern "C" __attribute__((visibility("default"))) const eb::ImageModuleApi* edgebench_image_module() {
  // OpenCV's own pixel limit, read once at its first decode: the same as the header check of
  // image_header.h, for the formats that check does not read (TIFF, WebP). A value the user set wins.
  static const bool limited = setenv("OPENCV_IO_MAX_IMAGE_PIXELS", std::to_string(eb::kMaxImagePixels).c_str(), 0) == 0;
  (void)limited;
  static const std::string id = eb::image_module_build_id();
  static const eb::ImageModuleApi api = {id.c_str(), eb::module_open_image_dir, eb::module_open_capture,
                                         eb::module_preprocessor};
  return &api;
}

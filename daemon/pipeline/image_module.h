// The image module: the OpenCV half of the input pipeline (decoding, cameras, preprocessing) in a
// library edgebench loads with dlopen the first time a command reads images (`run`, the daemon's jobs).
// Why a module: OpenCV's image and video modules pull in about 250 shared libraries (GStreamer, FFmpeg,
// GDAL, database clients...) and 60 MiB of resident memory at start-up; linked into edgebench they
// were paid by `--version`, `query` and `infer` alike, and they were the memory figure `run` reported.
// Here nothing of them is mapped until images are read.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "daemon/pipeline/image_source.h"
#include "daemon/pipeline/preprocess_options.h"
#include "kernels/common/status.h"
#include "kernels/graph/tensor.h"

namespace eb {

// Writes frames into one model input tensor (preprocess.h's Preprocessor, behind the module boundary).
class FramePreprocessor {
 public:
  virtual ~FramePreprocessor() = default;
  virtual size_t bytes() const = 0;  // the input tensor's size
  // `out` must be exactly bytes() long. Errors name the tensor and what is wrong with the frame.
  virtual Status run(const Image& frame, uint8_t* out, size_t out_bytes) = 0;
};

// What the module offers. Both sides are built from one source tree; `build_id` tells a module left
// over from another build (its struct layouts could differ) from the right one.
struct ImageModuleApi {
  const char* build_id;
  Result<std::unique_ptr<ImageSource>> (*open_image_dir)(const std::string& path, const ImageDirOptions& options);
  Result<std::unique_ptr<ImageSource>> (*open_capture)(const std::string& spec, const CaptureOptions& options);
  Result<std::unique_ptr<FramePreprocessor>> (*preprocessor)(const Tensor& input, const PreprocessOptions& options);
};

// The module's entry point, by this name (extern "C", so dlsym finds it unmangled).
#define EB_IMAGE_MODULE_ENTRY "edgebench_image_module"

// The build identity both sides compare: the version, the git hash and the layout sizes they share.
std::string image_module_build_id();

// Loads the module on first use (installed_files.h: $EDGEBENCH_IMAGE_MODULE, beside the executable, or
// <prefix>/lib/edgebench/edgebench-images.so) and keeps it for the life of the process. Errors name the
// file and the loader's reason ("libopencv_videoio.so.406: cannot open shared object file").
Result<const ImageModuleApi*> image_module();

}  // namespace eb

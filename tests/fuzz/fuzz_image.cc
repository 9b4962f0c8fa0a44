// fuzz_image: the image path of `edgebench run` — file bytes -> read_image_file (format sniffing,
// truncation checks, cv::imdecode) -> Preprocessor::run into a model input tensor.
//
// Input layout: 4 header bytes choose the model input the frame is preprocessed for (dtype, rank,
// channels, height, width, interpolation, channel order, quantization); the rest is the image file.
// The seeds (make_seeds.py) put real image files after such a header.
//
// Decoded image size is capped with OpenCV's own limits (OPENCV_IO_MAX_IMAGE_{PIXELS,WIDTH,HEIGHT}):
// without them a 60-byte PNG header claiming 1e9 pixels makes the decoder allocate gigabytes. OpenCV
// reads those variables once, while the library is loaded, before any code of ours runs, so when they
// are not already set the process sets them and re-executes itself.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "daemon/pipeline/opencv_io.h"
#include "daemon/pipeline/preprocess.h"
#include "tests/fuzz/fuzz_harness.h"

namespace {

constexpr const char* kMaxPixels = "4194304";  // 4 Mpixel: 12 MB as 8-bit BGR, 48 MB as float
constexpr const char* kMaxSide = "16384";
std::string g_image_path;

eb::Tensor input_tensor(const uint8_t* h) {
  static constexpr eb::DType kTypes[] = {eb::DType::kFloat32, eb::DType::kUInt8, eb::DType::kInt8, eb::DType::kInt16};
  eb::Tensor t;
  t.name = "fuzz_input";
  t.dtype = kTypes[h[0] & 3];
  const int channels = (h[0] & 4) ? 3 : 1;
  const bool rank3 = (h[0] & 8) && channels == 1;
  const int height = 1 + h[1] % 64, width = 1 + h[2] % 64;
  t.shape = rank3 ? eb::Shape{1, height, width} : eb::Shape{1, height, width, channels};
  if (t.dtype != eb::DType::kFloat32 && (h[0] & 16)) {
    // A quantized input: 1/255 or 1/128 scale, zero point from the header (in range for the type).
    t.quant.scale = {(h[0] & 32) ? 1.0f / 255.0f : 1.0f / 128.0f};
    const int64_t zp = t.dtype == eb::DType::kUInt8 ? h[3] : static_cast<int8_t>(h[3]);
    t.quant.zero_point = {zp};
  }
  return t;
}

eb::PreprocessOptions options(const uint8_t* h) {
  static constexpr eb::Interpolation kInterp[] = {eb::Interpolation::kNearest, eb::Interpolation::kBilinear,
                                                  eb::Interpolation::kArea, eb::Interpolation::kCubic};
  static constexpr float kRanges[][2] = {{0.0f, 1.0f}, {-1.0f, 1.0f}, {0.0f, 255.0f}, {-128.0f, 127.0f}};
  const float* r = kRanges[(h[3] >> 2) & 3];
  eb::PreprocessOptions o = eb::range_options(r[0], r[1]);
  o.interpolation = kInterp[h[3] & 3];
  o.channel_order = (h[0] & 64) ? eb::ChannelOrder::kBGR : eb::ChannelOrder::kRGB;
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  if (!std::getenv("OPENCV_IO_MAX_IMAGE_PIXELS")) {
    setenv("OPENCV_IO_MAX_IMAGE_PIXELS", kMaxPixels, 1);
    setenv("OPENCV_IO_MAX_IMAGE_WIDTH", kMaxSide, 1);
    setenv("OPENCV_IO_MAX_IMAGE_HEIGHT", kMaxSide, 1);
    execv("/proc/self/exe", *argv);
    std::perror("fuzz_image: re-exec with OpenCV image size limits failed");
    std::exit(1);
  }
  (void)argc;
  const char* tmp = std::getenv("TMPDIR");
  g_image_path = std::string(tmp && *tmp ? tmp : "/tmp") + "/fuzz_image." + std::to_string(getpid()) + ".img";
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  // read_image_file takes a path, as the image sources do: the bytes go through a file.
  std::FILE* f = std::fopen(g_image_path.c_str(), "wb");
  FUZZ_CHECK(f != nullptr, "cannot create the temporary image file");
  const bool written = std::fwrite(data + 4, 1, size - 4, f) == size - 4;
  FUZZ_CHECK(std::fclose(f) == 0 && written, "cannot write the temporary image file");

  auto image = eb::read_image_file(g_image_path, int64_t{8} << 20);
  std::remove(g_image_path.c_str());
  if (!image.ok()) {
    FUZZ_CHECK(image.status().message().find(g_image_path) != std::string::npos, "the error must name the file");
    return 0;
  }
  const cv::Mat& frame = image.value();
  FUZZ_CHECK(!frame.empty() && frame.depth() == CV_8U && (frame.channels() == 1 || frame.channels() == 3),
             "read_image_file returned a frame outside its contract");

  const eb::Tensor input = input_tensor(data);
  auto pre = eb::Preprocessor::create(input, options(data));
  FUZZ_CHECK(pre.ok(), pre.ok() ? "" : pre.status().message().c_str());  // every header gives a valid input
  std::vector<uint8_t> out(pre.value().bytes());
  const eb::Status s = pre.value().run(frame, out.data(), out.size());
  FUZZ_CHECK(s.ok(), s.message().c_str());
  return 0;
}

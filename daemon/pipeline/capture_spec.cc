// looks_like_capture (image_source.h): a string rule, kept out of the OpenCV code so the configuration
// loader can apply it without the image module.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iterator>

#include "daemon/pipeline/image_source.h"
#include "daemon/pipeline/labels.h"

namespace eb {
namespace {

const char* const kVideoExtensions[] = {".avi", ".mp4", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg", ".ts",
                                        ".wmv", ".flv", ".mjpeg", ".mjpg", ".h264", ".264", ".h265", ".hevc", ".ogv", ".3gp"};

}  // namespace

bool looks_like_capture(const std::string& spec) {
  if (parse_class_index(spec).has_value()) return true;
  if (spec.rfind("/dev/", 0) == 0) return true;
  if (spec.find("://") != std::string::npos) return true;
  std::string ext = std::filesystem::path(spec).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return std::any_of(std::begin(kVideoExtensions), std::end(kVideoExtensions), [&](const char* e) { return ext == e; });
}

}  // namespace eb

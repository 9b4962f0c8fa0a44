// The OpenCV side of the input pipeline: what the image module (image_module.h) is built from, and what
// tests that make or inspect pixels use directly. Nothing outside daemon/pipeline/ and tests/ includes it:
// the edgebench binary itself does not link OpenCV.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <opencv2/core/mat.hpp>

#include "daemon/pipeline/image_source.h"
#include "kernels/common/status.h"

namespace eb {

Result<std::unique_ptr<ImageSource>> open_image_dir(const std::string& path, const ImageDirOptions& options = {});
Result<std::unique_ptr<ImageSource>> open_capture(const std::string& spec, const CaptureOptions& options = {});

// Decodes one image file (8-bit BGR or gray, EXIF orientation applied). Errors name the file: cannot
// open, empty, too large, truncated (a JPEG without its end marker, a PNG without IEND), not a
// decodable image.
Result<cv::Mat> read_image_file(const std::string& path, int64_t max_file_bytes = int64_t{256} << 20);

// A frame's Image around a decoded cv::Mat, and the cv::Mat back from one (every Image is made here).
std::shared_ptr<const Image> image_of(cv::Mat mat);
const cv::Mat& mat_of(const Image& image);

}  // namespace eb

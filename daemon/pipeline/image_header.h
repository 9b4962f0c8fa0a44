// The pixel count an image file declares in its header, read before any decoder runs: a 1 MB PNG can
// declare 20000 x 20000 pixels, and decoding it would allocate 1.2 GB before anything could be checked.
// JPEG (its first frame header), PNG (IHDR), BMP (the info header) and PNM (the text header) are read
// here; for TIFF and WebP OpenCV's own limit (OPENCV_IO_MAX_IMAGE_PIXELS, set to the same value by the
// image module) applies in the decoder's header pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace eb {

// Images above this many pixels are refused before decoding (50 megapixels: a 8192 x 6144 photo fits).
constexpr uint64_t kMaxImagePixels = 50'000'000;

struct DeclaredSize {
  uint64_t width = 0, height = 0;
  uint64_t pixels() const { return width * height; }
};

// Width and height as the header of `bytes` declares them, or nullopt when the format is not one read
// here or the header is cut short (the decoder then reports it).
std::optional<DeclaredSize> declared_image_size(const std::vector<unsigned char>& bytes);

}  // namespace eb

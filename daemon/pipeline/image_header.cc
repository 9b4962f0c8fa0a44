#include "daemon/pipeline/image_header.h"

#include <cctype>
#include <cstring>

namespace eb {
namespace {

uint32_t be16(const unsigned char* p) { return static_cast<uint32_t>(p[0]) << 8 | p[1]; }
uint32_t be32(const unsigned char* p) { return be16(p) << 16 | be16(p + 2); }
int64_t le32s(const unsigned char* p) {
  return static_cast<int32_t>(static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
                              static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24);
}

std::optional<DeclaredSize> jpeg(const std::vector<unsigned char>& b) {
  size_t i = 2;  // after SOI
  while (i + 4 <= b.size()) {
    if (b[i] != 0xFF) return std::nullopt;
    const unsigned char m = b[i + 1];
    if (m == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (m == 0xD8 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {  // markers without a length
      i += 2;
      continue;
    }
    const size_t len = be16(&b[i + 2]);
    // SOF0-SOF15 except DHT (C4), JPG (C8) and DAC (CC): height, then width.
    if (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC) {
      if (i + 9 > b.size()) return std::nullopt;
      return DeclaredSize{be16(&b[i + 7]), be16(&b[i + 5])};
    }
    if (m == 0xDA || len < 2) return std::nullopt;  // scan data before a frame header
    i += 2 + len;
  }
  return std::nullopt;
}

std::optional<DeclaredSize> pnm(const std::vector<unsigned char>& b) {
  // "P5 <ws> width <ws> height ...", comments from '#' to the end of a line.
  size_t i = 2;
  uint64_t v[2] = {0, 0};
  for (uint64_t& x : v) {
    for (;;) {
      while (i < b.size() && std::isspace(b[i])) ++i;
      if (i < b.size() && b[i] == '#') {
        while (i < b.size() && b[i] != '\n') ++i;
        continue;
      }
      break;
    }
    size_t digits = 0;
    while (i < b.size() && std::isdigit(b[i]) && digits < 12) x = x * 10 + (b[i++] - '0'), ++digits;
    if (digits == 0) return std::nullopt;
  }
  return DeclaredSize{v[0], v[1]};
}

}  // namespace

std::optional<DeclaredSize> declared_image_size(const std::vector<unsigned char>& b) {
  if (b.size() >= 24 && std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) == 0 && std::memcmp(b.data() + 12, "IHDR", 4) == 0)
    return DeclaredSize{be32(&b[16]), be32(&b[20])};
  if (b.size() >= 4 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return jpeg(b);
  if (b.size() >= 26 && b[0] == 'B' && b[1] == 'M') {
    const int64_t w = le32s(&b[18]), h = le32s(&b[22]);  // a negative height: rows top-down
    return DeclaredSize{static_cast<uint64_t>(w < 0 ? -w : w), static_cast<uint64_t>(h < 0 ? -h : h)};
  }
  if (b.size() >= 3 && b[0] == 'P' && b[1] >= '1' && b[1] <= '6') return pnm(b);
  return std::nullopt;
}

}  // namespace eb

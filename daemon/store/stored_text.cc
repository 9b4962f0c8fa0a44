#include "daemon/store/stored_text.h"

#include <cstdint>
#include <cstdio>

namespace eb::store {
namespace {

// Length of the well-formed UTF-8 sequence at s[i] (Unicode table 3-7: no overlong forms, no
// surrogates, nothing past U+10FFFF), or 0.
size_t utf8_sequence(std::string_view s, size_t i) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const size_t left = s.size() - i;
  const uint8_t c = b(0);
  if (c < 0x80) return 1;
  const auto cont = [&](size_t k, uint8_t lo = 0x80, uint8_t hi = 0xBF) { return k < left && b(k) >= lo && b(k) <= hi; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (c == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (c == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xF1 && c <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

void escape_byte(std::string& out, uint8_t c) {
  char buf[5];
  std::snprintf(buf, sizeof buf, "\\x%02x", c);
  out += buf;
}

}  // namespace

std::string stored_text(std::string_view raw, TextLines lines) {
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size();) {
    const size_t n = utf8_sequence(raw, i);
    if (n == 0) {
      escape_byte(out, static_cast<uint8_t>(raw[i]));
      ++i;
      continue;
    }
    if (n == 1) {
      const auto c = static_cast<uint8_t>(raw[i]);
      const bool keep_break = lines == TextLines::kMulti && (c == '\n' || c == '\r' || c == '\t');
      if ((c < 0x20 || c == 0x7F) && !keep_break)
        escape_byte(out, c);
      else
        out += static_cast<char>(c);
    } else {
      out.append(raw.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace eb::store

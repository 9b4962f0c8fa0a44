// stored_text: whatever bytes a name holds, the stored text is valid UTF-8 with no control character
// (single-line) or none but line breaks and tabs (multi-line); valid text other than those is kept as is.
#include "daemon/store/stored_text.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace eb::store {
namespace {

// An independent check of well-formed UTF-8 (decoding code points and checking their ranges).
bool valid_utf8(const std::string& s, bool allow_breaks) {
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    uint32_t cp = 0;
    size_t n = 0;
    if (c < 0x80) cp = c, n = 1;
    else if ((c & 0xE0) == 0xC0) cp = c & 0x1F, n = 2;
    else if ((c & 0xF0) == 0xE0) cp = c & 0x0F, n = 3;
    else if ((c & 0xF8) == 0xF0) cp = c & 0x07, n = 4;
    else return false;
    if (i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = cp << 6 | (d & 0x3F);
    }
    const uint32_t min_of[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_of[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    const bool is_break = cp == '\n' || cp == '\r' || cp == '\t';
    if ((cp < 0x20 || cp == 0x7F) && !(allow_breaks && is_break)) return false;
    i += n;
  }
  return true;
}

TEST(StoredText, ValidTextIsKept) {
  const std::string text = "fmnist-cnn int8 \xC3\xA9t\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 <b>&\"'\\";
  EXPECT_EQ(stored_text(text), text);
  EXPECT_EQ(stored_text("a: 1\n  b: [2]\r\n\tc\n", TextLines::kMulti), "a: 1\n  b: [2]\r\n\tc\n");
}

TEST(StoredText, EveryKindOfBadByteIsEscaped) {
  EXPECT_EQ(stored_text(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(stored_text("x\ny\tz\r"), "x\\x0ay\\x09z\\x0d");
  EXPECT_EQ(stored_text("\x1b[31mred\x7f"), "\\x1b[31mred\\x7f");
  EXPECT_EQ(stored_text("\xff\xfe"), "\\xff\\xfe");                  // never valid
  EXPECT_EQ(stored_text("\xC0\x80"), "\\xc0\\x80");                  // overlong NUL
  EXPECT_EQ(stored_text("\xE0\x80\xAF"), "\\xe0\\x80\\xaf");          // overlong
  EXPECT_EQ(stored_text("\xED\xA0\x80"), "\\xed\\xa0\\x80");          // a surrogate
  EXPECT_EQ(stored_text("\xF4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // past U+10FFFF
  EXPECT_EQ(stored_text("\x80"), "\\x80");                            // a lone continuation byte
  EXPECT_EQ(stored_text("ok\xE2\x82"), "ok\\xe2\\x82");               // cut at the end
  EXPECT_EQ(stored_text("\xE2\x82" "a"), "\\xe2\\x82a");              // cut in the middle
  EXPECT_EQ(stored_text(std::string("x\0\ny", 4), TextLines::kMulti), "x\\x00\ny");
}

TEST(StoredText, RandomBytesAlwaysGiveValidText) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20000; ++trial) {
    std::string raw(static_cast<size_t>(rng() % 24), '\0');
    for (char& c : raw) c = static_cast<char>(rng() % 4 == 0 ? 0x80 + rng() % 0x80 : rng() % 256);
    const std::string single = stored_text(raw), multi = stored_text(raw, TextLines::kMulti);
    ASSERT_TRUE(valid_utf8(single, false)) << trial;
    ASSERT_TRUE(valid_utf8(multi, true)) << trial;
    EXPECT_EQ(stored_text(single), single) << "escaping is idempotent";
  }
}

}  // namespace
}  // namespace eb::store

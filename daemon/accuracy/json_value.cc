#include "daemon/accuracy/json_value.h"

#include <cerrno>
#include <cctype>
#include <cstdlib>
#include <limits>

#include "kernels/common/input_file.h"

namespace eb::accuracy {
namespace {

// Deeper nesting than any label file has; a hostile file cannot exhaust the stack.
constexpr int kMaxDepth = 64;

class Parser {
 public:
  Parser(const std::string& text, const std::string& name) : s_(text), name_(name) {}

  Result<JsonValue> document() {
    JsonValue v;
    EB_RETURN_IF_ERROR(value(v, 0));
    skip_space();
    if (i_ != s_.size()) return fail("unexpected text after the JSON value");
    return v;
  }

 private:
  Status fail(const char* what) const {
    size_t line = 1, col = 1;
    for (size_t k = 0; k < i_ && k < s_.size(); ++k) {
      if (s_[k] == '\n') {
        ++line;
        col = 1;
      } else {
        ++col;
      }
    }
    return error("%s:%zu:%zu: %s", name_.c_str(), line, col, what);
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
  }
  bool literal(const char* word) {
    size_t n = 0;
    while (word[n] != 0) ++n;
    if (s_.compare(i_, n, word) != 0) return false;
    i_ += n;
    return true;
  }

  Status value(JsonValue& v, int depth) {
    if (depth > kMaxDepth) return fail("nested deeper than 64 levels");
    skip_space();
    if (i_ >= s_.size()) return fail("unexpected end of the file");
    const char c = s_[i_];
    if (c == '{') return object(v, depth);
    if (c == '[') return array(v, depth);
    if (c == '"') {
      v.kind = JsonValue::Kind::kString;
      return string(v.string);
    }
    if (literal("true") || literal("false")) {
      v.kind = JsonValue::Kind::kBool;
      v.boolean = s_[i_ - 1] == 'e' && s_[i_ - 2] == 'u';
      return Status();
    }
    if (literal("null")) {
      v.kind = JsonValue::Kind::kNull;
      return Status();
    }
    // Python's json writes NaN and Infinity for non-finite floats; a score of NaN is refused later.
    if (literal("NaN")) return number_value(v, std::numeric_limits<double>::quiet_NaN());
    if (literal("Infinity")) return number_value(v, std::numeric_limits<double>::infinity());
    if (literal("-Infinity")) return number_value(v, -std::numeric_limits<double>::infinity());
    if (c == '-' || (c >= '0' && c <= '9')) return number(v);
    return fail("expected a JSON value");
  }
  Status number_value(JsonValue& v, double x) {
    v.kind = JsonValue::Kind::kNumber;
    v.number = x;
    return Status();
  }
  Status number(JsonValue& v) {
    size_t end = i_;
    while (end < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[end])) || s_[end] == '-' ||
                               s_[end] == '+' || s_[end] == '.' || s_[end] == 'e' || s_[end] == 'E'))
      ++end;
    const std::string text = s_.substr(i_, end - i_);
    char* stop = nullptr;
    errno = 0;
    const double x = std::strtod(text.c_str(), &stop);
    if (stop != text.c_str() + text.size() || text.empty()) return fail("malformed number");
    i_ = end;
    return number_value(v, x);
  }
  Status string(std::string& out) {
    ++i_;  // the opening quote
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return Status();
      if (static_cast<unsigned char>(c) < 0x20) return fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= s_.size()) break;
      const char e = s_[i_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          EB_ASSIGN_OR_RETURN(uint32_t cp, hex4());
          if (cp >= 0xD800 && cp < 0xDC00 && s_.compare(i_, 2, "\\u") == 0) {  // a surrogate pair
            i_ += 2;
            EB_ASSIGN_OR_RETURN(const uint32_t low, hex4());
            if (low < 0xDC00 || low > 0xDFFF) return fail("unpaired UTF-16 surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          append_utf8(out, cp);
          break;
        }
        default:
          return fail("unknown escape in a string");
      }
    }
    return fail("unterminated string");
  }
  Result<uint32_t> hex4() {
    if (i_ + 4 > s_.size()) return fail("short \\u escape");
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) {
      const char h = s_[i_++];
      v <<= 4;
      if (h >= '0' && h <= '9') v |= static_cast<uint32_t>(h - '0');
      else if (h >= 'a' && h <= 'f') v |= static_cast<uint32_t>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F') v |= static_cast<uint32_t>(h - 'A' + 10);
      else return fail("bad hex digit in a \\u escape");
    }
    return v;
  }
  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  Status array(JsonValue& v, int depth) {
    v.kind = JsonValue::Kind::kArray;
    ++i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == ']') {
      ++i_;
      return Status();
    }
    for (;;) {
      v.array.emplace_back();
      EB_RETURN_IF_ERROR(value(v.array.back(), depth + 1));
      skip_space();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == ']') {
        ++i_;
        return Status();
      }
      return fail("expected ',' or ']'");
    }
  }
  Status object(JsonValue& v, int depth) {
    v.kind = JsonValue::Kind::kObject;
    ++i_;
    skip_space();
    if (i_ < s_.size() && s_[i_] == '}') {
      ++i_;
      return Status();
    }
    for (;;) {
      skip_space();
      if (i_ >= s_.size() || s_[i_] != '"') return fail("expected a quoted key");
      std::string key;
      EB_RETURN_IF_ERROR(string(key));
      skip_space();
      if (i_ >= s_.size() || s_[i_] != ':') return fail("expected ':'");
      ++i_;
      JsonValue member;
      EB_RETURN_IF_ERROR(value(member, depth + 1));
      v.object[key] = std::move(member);
      skip_space();
      if (i_ < s_.size() && s_[i_] == ',') {
        ++i_;
        continue;
      }
      if (i_ < s_.size() && s_[i_] == '}') {
        ++i_;
        return Status();
      }
      return fail("expected ',' or '}'");
    }
  }

  const std::string& s_;
  const std::string& name_;
  size_t i_ = 0;
};

}  // namespace

const JsonValue* JsonValue::find(const std::string& key) const {
  if (kind != Kind::kObject) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &it->second;
}

Result<JsonValue> parse_json(const std::string& text, const std::string& name) { return Parser(text, name).document(); }

Result<JsonValue> read_json_file(const std::string& path, const std::string& what) {
  EB_ASSIGN_OR_RETURN(const std::vector<unsigned char> bytes, read_input_file(path, size_t{1} << 30, what));
  return parse_json(std::string(bytes.begin(), bytes.end()), what + " " + path);
}

}  // namespace eb::accuracy

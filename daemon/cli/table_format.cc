#include "daemon/cli/table_format.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <cstdio>

#include "daemon/cli/json_writer.h"

namespace eb::cli {
namespace {

constexpr const char* kNullText = "-";

// One line of text per cell: tables cannot show line breaks.
std::string one_line(const std::string& text) {
  std::string r;
  r.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') continue;
    r += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  }
  return r;
}

std::string shown(const Cell& cell) { return cell ? one_line(*cell) : kNullText; }

std::string pad(const std::string& text, size_t width, bool right) {
  const size_t w = display_width(text);
  if (w >= width) return text;
  const std::string fill(width - w, ' ');
  return right ? fill + text : text + fill;
}

void rstrip(std::string& s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
}

// Nine significant digits, as json_number(): without binary noise (0.69 - 0.72 shows as -0.03).
std::string plain_double(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.9g", v);
  return buf;
}

}  // namespace

Result<OutputFormat> parse_output_format(const std::string& text) {
  for (OutputFormat f : {OutputFormat::kTable, OutputFormat::kMarkdown, OutputFormat::kCsv, OutputFormat::kJson})
    if (text == format_name(f)) return f;
  return error("--format: '%s' is not one of table, markdown, csv, json", text.c_str());
}

const char* format_name(OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      return "table";
    case OutputFormat::kMarkdown:
      return "markdown";
    case OutputFormat::kCsv:
      return "csv";
    case OutputFormat::kJson:
      return "json";
  }
  return "table";
}

size_t display_width(const std::string& text) {
  size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;  // count lead bytes only
  return n;
}

std::string render_text_table(const Table& table, size_t max_width) {
  const size_t n = table.columns.size();
  // Titles may span lines ("p50\nms"): split them, bottom-aligned.
  std::vector<std::vector<std::string>> titles(n);
  size_t title_lines = 1;
  for (size_t c = 0; c < n; ++c) {
    const std::string& t = table.columns[c].title;
    size_t from = 0;
    for (size_t nl; (nl = t.find('\n', from)) != std::string::npos; from = nl + 1)
      titles[c].push_back(t.substr(from, nl - from));
    titles[c].push_back(t.substr(from));
    title_lines = std::max(title_lines, titles[c].size());
  }
  std::vector<size_t> width(n, 0);
  for (size_t c = 0; c < n; ++c)
    for (const std::string& t : titles[c]) width[c] = std::max(width[c], display_width(t));
  for (const auto& row : table.rows)
    for (size_t c = 0; c < n; ++c)
      width[c] = std::max(width[c], display_width(c < row.size() ? shown(row[c]) : kNullText));
  size_t total = 0;
  for (size_t c = 0; c < n; ++c) total += width[c] + (c ? 2 : 0);
  const std::string gap = total > max_width && n > 1 ? " " : "  ";

  std::string out;
  const auto line = [&](const auto& text_of) {
    std::string l;
    for (size_t c = 0; c < n; ++c) {
      if (c) l += gap;
      l += pad(text_of(c), width[c], table.columns[c].right_aligned);
    }
    rstrip(l);
    out += l + "\n";
  };
  for (size_t k = 0; k < title_lines; ++k) {
    line([&](size_t c) {
      const size_t skip = title_lines - titles[c].size();  // bottom-aligned
      return k < skip ? std::string() : titles[c][k - skip];
    });
  }
  line([&](size_t c) { return std::string(width[c], '-'); });
  for (const auto& row : table.rows) line([&](size_t c) { return c < row.size() ? shown(row[c]) : kNullText; });
  return out;
}

std::string render_markdown_table(const Table& table) {
  const auto escape = [](const std::string& text) {
    std::string line = one_line(text);
    const size_t first = line.find_first_not_of(' '), last = line.find_last_not_of(' ');
    line = first == std::string::npos ? "" : line.substr(first, last - first + 1);  // "\nx" is titled "x"
    std::string r;
    for (char c : line) {
      // HTML in a table cell is rendered by Markdown viewers: a model named "<script>..." stays text.
      if (c == '<') r += "&lt;";
      else if (c == '>') r += "&gt;";
      else if (c == '&') r += "&amp;";
      else {
        if (c == '|' || c == '\\') r += '\\';
        r += c;
      }
    }
    return r;
  };
  std::string out = "|";
  for (const Column& col : table.columns) out += " " + escape(col.title) + " |";
  out += "\n|";
  for (const Column& col : table.columns) out += col.right_aligned ? " ---: |" : " --- |";
  out += "\n";
  for (const auto& row : table.rows) {
    out += "|";
    for (size_t c = 0; c < table.columns.size(); ++c)
      out += " " + escape(c < row.size() ? shown(row[c]) : kNullText) + " |";
    out += "\n";
  }
  return out;
}

std::string csv_field(const std::string& raw) {
  // A cell a spreadsheet would run as a formula (=, +, -, @, tab, CR first: OWASP's CSV injection) is
  // prefixed with a quote mark, unless it is a number ("-0.33" stays a number).
  std::string text = raw;
  if (!text.empty() && std::strchr("=+-@\t\r", text[0]) != nullptr) {
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    (void)v;
    if (end != text.c_str() + text.size()) text.insert(0, 1, '\'');
  }
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string r = "\"";
  for (char c : text) {
    if (c == '"') r += '"';
    r += c;
  }
  return r + "\"";
}

std::string render_csv(const Table& table) {
  std::string out;
  for (size_t c = 0; c < table.columns.size(); ++c) out += (c ? "," : "") + csv_field(table.columns[c].title);
  out += "\r\n";
  for (const auto& row : table.rows) {
    for (size_t c = 0; c < table.columns.size(); ++c) {
      if (c) out += ",";
      if (c < row.size() && row[c]) out += csv_field(*row[c]);
    }
    out += "\r\n";
  }
  return out;
}

std::string json_opt_string(const std::optional<std::string>& v) { return v ? json_string(*v) : "null"; }

std::string json_opt_number(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? plain_double(*v) : "null";
}

std::string json_opt_int(const std::optional<int64_t>& v) { return v ? std::to_string(*v) : "null"; }

std::string json_opt_bool(const std::optional<bool>& v) { return v ? (*v ? "true" : "false") : "null"; }

Cell cell_number(const std::optional<double>& v, const char* fmt) {
  if (!v || !std::isfinite(*v)) return std::nullopt;
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return std::string(buf);
}

Cell cell_int(const std::optional<int64_t>& v) {
  if (!v) return std::nullopt;
  return std::to_string(*v);
}

Cell cell_plain(const std::optional<double>& v) {
  if (!v || !std::isfinite(*v)) return std::nullopt;
  return plain_double(*v);
}

Cell cell_bool(const std::optional<bool>& v, const char* yes, const char* no) {
  if (!v) return std::nullopt;
  return std::string(*v ? yes : no);
}

}  // namespace eb::cli

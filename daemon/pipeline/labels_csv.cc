// The labels CSV of an image list (labels.h: parse_labels_csv): RFC 4180-style rows, then the class rules
// of assign_class_indices and a file listed once.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/pipeline/labels.h"

namespace eb {
namespace {

struct CsvRow {
  int line = 0;
  std::vector<std::string> fields;
};

// RFC 4180-style: comma separated, fields optionally "quoted" with "" for a quote, LF or CRLF rows.
// Unquoted fields are trimmed; blank rows are skipped.
Result<std::vector<CsvRow>> parse_csv(std::string_view text, const std::string& name) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  bool quoted_field = false, in_quotes = false, any = false;
  int line = 1;
  row.line = 1;
  auto end_field = [&] {
    row.fields.push_back(quoted_field ? field : std::string(trim_ascii(field)));
    field.clear();
    quoted_field = false;
  };
  auto end_row = [&] {
    end_field();
    const bool blank = row.fields.size() == 1 && row.fields[0].empty();
    if (!blank) rows.push_back(std::move(row));
    row = CsvRow{};
    row.line = line + 1;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    any = true;
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && !quoted_field && trim_ascii(field).empty()) {
      field.clear();
      in_quotes = true;
      quoted_field = true;
    } else if (quoted_field && c != ',' && c != '\n' && trim_ascii(std::string_view(&c, 1)).empty()) {
      // whitespace between a closing quote and the separator
    } else if (c == ',') {
      end_field();
    } else if (c == '\n') {
      end_row();
      ++line;
    } else if (c != '\r' || (i + 1 < text.size() && text[i + 1] != '\n')) {
      field += c;
    }
  }
  if (in_quotes) return error("%s: line %d: unterminated quoted field", name.c_str(), row.line);
  if (any && (!field.empty() || !row.fields.empty() || quoted_field)) end_row();
  return rows;
}

}  // namespace

Result<std::vector<LabelledFile>> parse_labels_csv(std::string_view text, const std::string& csv_name,
                                                   const std::string& base, const LabelNames* names_file,
                                                   std::vector<std::string>* class_names_out) {
  EB_ASSIGN_OR_RETURN(std::vector<CsvRow> rows, parse_csv(text, csv_name));
  if (!rows.empty() && rows[0].fields.size() >= 2) {
    std::string h = rows[0].fields[1];
    std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (h == "label" || h == "class") rows.erase(rows.begin());
  }
  if (rows.empty()) return error("%s: no rows", csv_name.c_str());
  std::vector<std::string> labels, where;
  std::vector<LabelledFile> files;
  std::map<std::string, int> first_line;  // normalised path -> the line that listed it
  for (const CsvRow& row : rows) {
    if (row.fields.size() < 2 || row.fields[0].empty() || row.fields[1].empty())
      return error("%s: line %d: expected file,label", csv_name.c_str(), row.line);
    std::filesystem::path p(row.fields[0]);
    if (p.is_relative()) p = std::filesystem::path(base) / p;
    LabelledFile f;
    f.path = p.lexically_normal().string();
    f.line = row.line;
    // A file listed twice would be measured and scored twice.
    const auto [it, inserted] = first_line.emplace(f.path, row.line);
    if (!inserted)
      return error("%s: line %d: file '%s' is listed again (first at line %d)", csv_name.c_str(), row.line,
                   row.fields[0].c_str(), it->second);
    files.push_back(std::move(f));
    labels.push_back(row.fields[1]);
    where.push_back("line " + std::to_string(row.line));
  }
  auto indices = assign_class_indices(labels, where, names_file, class_names_out);
  if (!indices.ok()) return indices.status().with_context(csv_name + ": ");
  for (size_t i = 0; i < files.size(); ++i) files[i].label = (*indices)[i];
  return files;
}

}  // namespace eb

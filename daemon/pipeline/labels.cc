#include "daemon/pipeline/labels.h"

#include "kernels/common/input_file.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>

namespace eb {

std::string_view trim_ascii(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

const std::string& LabelNames::name(int index) const {
  static const std::string kEmpty;
  if (index < 0 || index >= size()) return kEmpty;
  return names_[static_cast<size_t>(index)];
}

Result<int> LabelNames::index_of(std::string_view name) const {
  for (size_t i = 0; i < names_.size(); ++i) {
    if (names_[i] == name) return static_cast<int>(i);
  }
  std::vector<int> hits;
  for (size_t i = 0; i < names_.size(); ++i) {
    std::string_view line = names_[i];
    while (!line.empty()) {
      const size_t comma = line.find(',');
      const std::string_view part = trim_ascii(line.substr(0, comma));
      if (!part.empty() && part == name) {
        hits.push_back(static_cast<int>(i));
        break;
      }
      if (comma == std::string_view::npos) break;
      line.remove_prefix(comma + 1);
    }
  }
  const std::string n(name);
  if (hits.empty()) return error("class '%s' not found in the label names", n.c_str());
  if (hits.size() > 1) {
    std::string lines;
    for (int h : hits) lines += (lines.empty() ? "" : ", ") + std::to_string(h + 1);
    return error("class '%s' is ambiguous in the label names (lines %s)", n.c_str(), lines.c_str());
  }
  return hits[0];
}

Result<LabelNames> parse_label_names(std::string_view text, const std::string& name_for_errors) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string> names;
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    names.emplace_back(trim_ascii(text.substr(0, nl)));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  while (!names.empty() && names.back().empty()) names.pop_back();
  if (names.empty()) return error("label names file %s: no names in it", name_for_errors.c_str());
  return LabelNames(std::move(names));
}

Result<LabelNames> read_label_names(const std::string& path) {
  EB_ASSIGN_OR_RETURN(const std::vector<unsigned char> bytes, read_input_file(path, kMaxTextFileBytes, "label names file"));
  return parse_label_names(std::string(bytes.begin(), bytes.end()), path);
}

std::optional<int> parse_class_index(std::string_view s) {
  if (s.empty() || s.size() > 10) return std::nullopt;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(v);
}

namespace {

// Looks like a number (what a user may have meant as a class index): an optional sign, digits, an
// optional fraction and exponent ("-1", "+3", "2.5", "1e3", ".5").
bool looks_numeric(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  size_t digits = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++digits;
  }
  if (digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == s.size();
}

std::string place(const std::vector<std::string>& where, size_t i) { return i < where.size() ? where[i] : "label " + std::to_string(i + 1); }

}  // namespace

Result<std::vector<int>> assign_class_indices(const std::vector<std::string>& labels,
                                              const std::vector<std::string>& where, const LabelNames* names_file,
                                              std::vector<std::string>* class_names_out) {
  std::vector<int> out(labels.size(), -1);
  std::vector<std::string> class_names;
  // The first label of each kind, for the errors.
  std::optional<size_t> first_index, first_bad_number, first_name;
  for (size_t i = 0; i < labels.size(); ++i) {
    if (parse_class_index(labels[i])) {
      if (!first_index) first_index = i;
    } else if (looks_numeric(labels[i])) {
      if (!first_bad_number) first_bad_number = i;
    } else if (!first_name) {
      first_name = i;
    }
  }
  if (first_bad_number) {
    const size_t i = *first_bad_number;
    return error("%s: label '%s' is a number but not a class index (a non-negative integer)", place(where, i).c_str(),
                 labels[i].c_str());
  }
  if (names_file == nullptr && first_index && first_name) {
    return error("%s: label '%s' is a name while %s holds the class index '%s': use class indices everywhere, or "
                 "names (with --label-names for the model's order)",
                 place(where, *first_name).c_str(), labels[*first_name].c_str(), place(where, *first_index).c_str(),
                 labels[*first_index].c_str());
  }
  if (!first_name || names_file != nullptr) {
    for (size_t i = 0; i < labels.size(); ++i) {
      if (auto idx = parse_class_index(labels[i])) {
        if (names_file != nullptr && *idx >= names_file->size())
          return error("%s: class index %d is out of range: the label names have %d classes", place(where, i).c_str(),
                       *idx, names_file->size());
        out[i] = *idx;
        continue;
      }
      auto idx = names_file->index_of(labels[i]);
      if (!idx.ok()) return idx.status().with_context(place(where, i) + ": ");
      out[i] = *idx;
    }
    if (names_file != nullptr) class_names = names_file->names();
  } else {
    std::vector<std::string> sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
    std::map<std::string, int> index;
    for (size_t i = 0; i < sorted.size(); ++i) index.emplace(sorted[i], static_cast<int>(i));
    for (size_t i = 0; i < labels.size(); ++i) out[i] = index.at(labels[i]);
    class_names = std::move(sorted);
  }
  if (class_names_out != nullptr) *class_names_out = std::move(class_names);
  return out;
}

}  // namespace eb

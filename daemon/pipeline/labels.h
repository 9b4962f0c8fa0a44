// Class names and how names become class indices: the label-names file (one name per line, like
// imagenet_labels.txt, where line i names class i) and the rules the image sources use to turn
// class-folder names or CSV label fields into indices.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernels/common/status.h"

namespace eb {

// Text inputs (labels CSV, label-names file): larger ones are refused before they are read.
constexpr size_t kMaxTextFileBytes = size_t{64} << 20;

class LabelNames {
 public:
  LabelNames() = default;
  explicit LabelNames(std::vector<std::string> names) : names_(std::move(names)) {}

  int size() const { return static_cast<int>(names_.size()); }
  bool empty() const { return names_.empty(); }
  const std::vector<std::string>& names() const { return names_; }
  // The name of class `index`, or "" when out of range.
  const std::string& name(int index) const;

  // The index of a class name: a line equal to `name` wins (the first such line when lines repeat);
  // otherwise one of the comma-separated synonyms of a line ("tench, Tinca tinca" matches "tench" and
  // "Tinca tinca"), which must then be unique. Errors say "not found" or "ambiguous (lines 136, 519)".
  Result<int> index_of(std::string_view name) const;

 private:
  std::vector<std::string> names_;
};

// Reads a label-names file: UTF-8 (a BOM is dropped), LF or CRLF, one name per line, surrounding
// whitespace trimmed. Interior empty lines are kept (they are classes with no name); trailing empty
// lines are dropped. An empty file is an error naming `path`.
Result<LabelNames> read_label_names(const std::string& path);
Result<LabelNames> parse_label_names(std::string_view text, const std::string& name_for_errors);

// A non-negative decimal integer ("7", "007") that fits in an int; nullopt otherwise.
std::optional<int> parse_class_index(std::string_view s);

// Turns class names (folder names, CSV label fields) into indices, the same way everywhere, refusing
// anything that would make accuracy silently wrong:
//  - every label a non-negative integer: the integers are the indices (checked against `names_file`
//    when one is given);
//  - with a label-names file: each label maps through it (an integer label is still an index);
//  - with no label looking like a number: the distinct names sorted (byte order) are classes 0, 1, ...
//  - otherwise an error: a number that is not a class index ("-1", "2.5", "1e3"), or numbers mixed with
//    names without a label-names file (one such row used to turn every label into a name, sorted as
//    text, so that class "0" became class 1).
// `where[i]` names label i's place for errors ("line 12", "folder 'cat'"); errors name the label too.
// Returns one index per input label and, in `class_names_out`, the name of every class index when known
// (from the file, or the sorted names; empty when the labels are bare integers).
Result<std::vector<int>> assign_class_indices(const std::vector<std::string>& labels,
                                              const std::vector<std::string>& where, const LabelNames* names_file,
                                              std::vector<std::string>* class_names_out);

// A labels CSV ("file,label" rows; an optional header "file,label" or "...,class"): RFC 4180 quoting, LF
// or CRLF, blank rows skipped, a UTF-8 BOM dropped. Each row names its line. Every rule of
// assign_class_indices applies; a file listed twice (after `base` is applied, lexically normalised) is an
// error naming both lines. Errors are one line starting with `csv_name`.
struct LabelledFile {
  std::string path;  // `base` / the row's file when that is relative, lexically normalised
  int label = 0;
  int line = 0;
};
Result<std::vector<LabelledFile>> parse_labels_csv(std::string_view text, const std::string& csv_name,
                                                   const std::string& base, const LabelNames* names_file,
                                                   std::vector<std::string>* class_names_out);

// Strips ASCII whitespace at both ends.
std::string_view trim_ascii(std::string_view s);

}  // namespace eb

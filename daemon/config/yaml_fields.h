// Typed, located reading of YAML maps: every error names the file, the line and column (1-based) and
// the key path, e.g. "edgebench.yaml:14:9: groups[0].variants[1].path: file 'x.tflite' not found".
// Used by the configuration loader (config.h) and reusable for any section (the daemon's `service:`).
// yaml-cpp throws on bad conversions; nothing here throws: conversions go through YAML::convert<T>::decode,
// which reports failure as a bool.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "kernels/common/status.h"

namespace eb::config {

// "file:line:col: key.path: message". A node without a mark (absent, or built in code) gives "file: ...".
Status yaml_error(const std::string& file, const YAML::Node& at, const std::string& key_path, const std::string& message);

// The closest of `candidates` to `word` when it is a plausible typo (edit distance at most 2, and less
// than half the word's length); empty otherwise. For "did you mean" hints.
std::string closest_name(std::string_view word, const std::vector<std::string>& candidates);

// What a path value must name on disk.
enum class PathKind { kFile, kDirectory, kAny };

// One YAML map at a known key path ("" for the document root, "groups[0].source"...).
class YamlReader {
 public:
  // The node must be a map; a null node (a key with no value, an empty document) reads as an empty map
  // when allow_null is set. Duplicate keys are an error naming the second one.
  static Result<YamlReader> open(const YAML::Node& node, const std::string& file, const std::string& key_path,
                                 bool allow_null = true);

  const std::string& file() const { return file_; }
  const std::string& key_path() const { return path_; }
  const YAML::Node& node() const { return node_; }
  // "groups[0]" + "source" -> "groups[0].source".
  std::string child_path(std::string_view key) const;

  // Every key must be one of `allowed`; the first unknown key is an error at its own position, with a
  // "did you mean" hint when one of `allowed` is close.
  Status check_keys(const std::vector<std::string>& allowed) const;
  bool has(std::string_view key) const;
  // The value of `key` (an undefined/null node when absent).
  YAML::Node value(std::string_view key) const;
  // An error located at the value of `key` (at the key itself when the value is null; at the map when
  // the key is absent).
  Status error_at(std::string_view key, const std::string& message) const;

  // Scalars. Absent or null keys give nullopt; anything else of the wrong type or out of range is an error.
  Result<std::optional<std::string>> string(std::string_view key) const;
  Result<std::optional<int64_t>> integer(std::string_view key, int64_t min_value, int64_t max_value) const;
  Result<std::optional<double>> number(std::string_view key, double min_value, double max_value) const;
  Result<std::optional<bool>> boolean(std::string_view key) const;
  // A path, resolved against base_dir when relative, that must exist as `kind`.
  Result<std::optional<std::string>> path(std::string_view key, const std::string& base_dir, PathKind kind) const;

  // Lists: a sequence of scalars, or one scalar taken as a one-element list. Absent: empty.
  // An empty sequence is an error (a list that measures nothing is always a mistake).
  Result<std::vector<std::string>> strings(std::string_view key) const;
  Result<std::vector<int64_t>> integers(std::string_view key, int64_t min_value, int64_t max_value) const;
  Result<std::vector<double>> numbers(std::string_view key, double min_value, double max_value) const;

  // A nested map (nullopt when absent or null).
  Result<std::optional<YamlReader>> map(std::string_view key) const;
  // A sequence's items (absent: empty); each item's key path is "key[i]".
  Result<std::vector<YAML::Node>> sequence(std::string_view key) const;

 private:
  YamlReader(YAML::Node node, std::string file, std::string path)
      : node_(std::move(node)), file_(std::move(file)), path_(std::move(path)) {}
  Result<std::vector<YAML::Node>> list_items(std::string_view key) const;

  YAML::Node node_;
  std::string file_, path_;
};

}  // namespace eb::config

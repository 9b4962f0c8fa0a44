#include "daemon/config/yaml_fields.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <set>

namespace eb::config {
namespace {

namespace fs = std::filesystem;

const char* kind_name(const YAML::Node& n) {
  if (!n.IsDefined() || n.IsNull()) return "nothing";
  if (n.IsSequence()) return "a list";
  if (n.IsMap()) return "a map";
  return "a scalar";
}

// The node to point at for `key`: a null value's mark is wherever the parser stood next (often the
// following line), so errors about null values point at the key instead.
YAML::Node find(const YAML::Node& map, std::string_view key, YAML::Node* key_node = nullptr) {
  if (!map.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == key) {
      if (key_node) *key_node = it->first;
      return it->second;
    }
  }
  return YAML::Node(YAML::NodeType::Undefined);
}

bool present(const YAML::Node& n) { return n.IsDefined() && !n.IsNull(); }

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string describe_number(double v) { return strfmt("%g", v); }

}  // namespace

Status yaml_error(const std::string& file, const YAML::Node& at, const std::string& key_path, const std::string& message) {
  std::string where = file;
  if (at.IsDefined()) {
    const YAML::Mark m = at.Mark();
    if (m.line >= 0 && m.column >= 0) where += strfmt(":%d:%d", m.line + 1, m.column + 1);
  }
  return Status::error(where + ": " + (key_path.empty() ? "" : key_path + ": ") + message);
}

std::string closest_name(std::string_view word, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_d = 3;
  for (const auto& c : candidates) {
    const size_t d = edit_distance(word, c);
    if (d < best_d && d * 2 < std::max(word.size(), c.size())) {
      best = c;
      best_d = d;
    }
  }
  return best;
}

Result<YamlReader> YamlReader::open(const YAML::Node& node, const std::string& file, const std::string& key_path,
                                    bool allow_null) {
  if (!present(node)) {
    if (allow_null) return YamlReader(YAML::Node(YAML::NodeType::Map), file, key_path);
    return yaml_error(file, node, key_path, "expected a map of keys, got nothing");
  }
  if (!node.IsMap()) return yaml_error(file, node, key_path, std::string("expected a map of keys, got ") + kind_name(node));
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) return yaml_error(file, it->first, key_path, "keys must be plain names");
    if (!seen.insert(it->first.Scalar()).second) {
      const std::string k = it->first.Scalar();
      return yaml_error(file, it->first, key_path.empty() ? k : key_path + "." + k, "key given twice");
    }
  }
  return YamlReader(node, file, key_path);
}

std::string YamlReader::child_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

Status YamlReader::check_keys(const std::vector<std::string>& allowed) const {
  for (auto it = node_.begin(); it != node_.end(); ++it) {
    const std::string k = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), k) != allowed.end()) continue;
    const std::string hint = closest_name(k, allowed);
    std::string known;
    for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
    return yaml_error(file_, it->first, child_path(k),
                      "unknown key" + (hint.empty() ? " (known keys: " + known + ")" : " (did you mean '" + hint + "'?)"));
  }
  return Status();
}

bool YamlReader::has(std::string_view key) const { return present(find(node_, key)); }

YAML::Node YamlReader::value(std::string_view key) const { return find(node_, key); }

Status YamlReader::error_at(std::string_view key, const std::string& message) const {
  YAML::Node k(YAML::NodeType::Undefined);
  const YAML::Node v = find(node_, key, &k);
  if (present(v)) return yaml_error(file_, v, child_path(key), message);
  if (k.IsDefined()) return yaml_error(file_, k, child_path(key), message);
  return yaml_error(file_, node_, child_path(key), message);
}

Result<std::optional<std::string>> YamlReader::string(std::string_view key) const {
  const YAML::Node v = find(node_, key);
  if (!present(v)) return std::optional<std::string>();
  if (!v.IsScalar()) return error_at(key, std::string("expected a string, got ") + kind_name(v));
  return std::optional<std::string>(v.Scalar());
}

Result<std::optional<int64_t>> YamlReader::integer(std::string_view key, int64_t min_value, int64_t max_value) const {
  const YAML::Node v = find(node_, key);
  if (!present(v)) return std::optional<int64_t>();
  long long x = 0;
  if (!v.IsScalar() || !YAML::convert<long long>::decode(v, x))
    return error_at(key, "expected an integer, got " + (v.IsScalar() ? "'" + v.Scalar() + "'" : std::string(kind_name(v))));
  if (x < min_value || x > max_value)
    return error_at(key, strfmt("%lld is out of range (%lld..%lld)", x, static_cast<long long>(min_value),
                                static_cast<long long>(max_value)));
  return std::optional<int64_t>(static_cast<int64_t>(x));
}

Result<std::optional<double>> YamlReader::number(std::string_view key, double min_value, double max_value) const {
  const YAML::Node v = find(node_, key);
  if (!present(v)) return std::optional<double>();
  double x = 0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, x) || !std::isfinite(x))
    return error_at(key, "expected a number, got " + (v.IsScalar() ? "'" + v.Scalar() + "'" : std::string(kind_name(v))));
  if (x < min_value || x > max_value)
    return error_at(key, describe_number(x) + " is out of range (" + describe_number(min_value) + ".." +
                             describe_number(max_value) + ")");
  return std::optional<double>(x);
}

Result<std::optional<bool>> YamlReader::boolean(std::string_view key) const {
  const YAML::Node v = find(node_, key);
  if (!present(v)) return std::optional<bool>();
  bool x = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, x))
    return error_at(key, "expected true or false, got " +
                             (v.IsScalar() ? "'" + v.Scalar() + "'" : std::string(kind_name(v))));
  return std::optional<bool>(x);
}

Result<std::optional<std::string>> YamlReader::path(std::string_view key, const std::string& base_dir,
                                                    PathKind kind) const {
  auto s = string(key);
  if (!s.ok() || !s->has_value()) return s;
  const std::string& given = **s;
  if (given.empty()) return error_at(key, "empty path");
  fs::path p(given);
  if (p.is_relative() && !base_dir.empty()) p = fs::path(base_dir) / p;
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (kind == PathKind::kFile && !fs::is_regular_file(st))
    return error_at(key, fs::exists(st) ? "'" + given + "' is not a file" : "file '" + given + "' not found");
  if (kind == PathKind::kDirectory && !fs::is_directory(st))
    return error_at(key, fs::exists(st) ? "'" + given + "' is not a directory" : "directory '" + given + "' not found");
  if (kind == PathKind::kAny && !fs::exists(st)) return error_at(key, "'" + given + "' not found");
  return std::optional<std::string>(p.lexically_normal().string());
}

Result<std::vector<YAML::Node>> YamlReader::list_items(std::string_view key) const {
  const YAML::Node v = find(node_, key);
  std::vector<YAML::Node> items;
  if (!present(v)) return items;
  if (v.IsScalar()) {
    items.push_back(v);
    return items;
  }
  if (!v.IsSequence()) return error_at(key, std::string("expected a list, got ") + kind_name(v));
  if (v.size() == 0) return error_at(key, "empty list");
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].IsScalar())
      return yaml_error(file_, v[i], child_path(key) + strfmt("[%zu]", i),
                        std::string("expected a scalar, got ") + kind_name(v[i]));
    items.push_back(v[i]);
  }
  return items;
}

Result<std::vector<std::string>> YamlReader::strings(std::string_view key) const {
  auto items = list_items(key);
  if (!items.ok()) return items.status();
  std::vector<std::string> out;
  for (const auto& n : *items) out.push_back(n.Scalar());
  return out;
}

Result<std::vector<int64_t>> YamlReader::integers(std::string_view key, int64_t min_value, int64_t max_value) const {
  auto items = list_items(key);
  if (!items.ok()) return items.status();
  std::vector<int64_t> out;
  const bool scalar = find(node_, key).IsScalar();
  for (size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& n = (*items)[i];
    const std::string where = child_path(key) + (scalar ? "" : strfmt("[%zu]", i));
    long long x = 0;
    if (!YAML::convert<long long>::decode(n, x))
      return yaml_error(file_, n, where, "expected an integer, got '" + n.Scalar() + "'");
    if (x < min_value || x > max_value)
      return yaml_error(file_, n, where,
                        strfmt("%lld is out of range (%lld..%lld)", x, static_cast<long long>(min_value),
                               static_cast<long long>(max_value)));
    out.push_back(static_cast<int64_t>(x));
  }
  return out;
}

Result<std::vector<double>> YamlReader::numbers(std::string_view key, double min_value, double max_value) const {
  auto items = list_items(key);
  if (!items.ok()) return items.status();
  std::vector<double> out;
  const bool scalar = find(node_, key).IsScalar();
  for (size_t i = 0; i < items->size(); ++i) {
    const YAML::Node& n = (*items)[i];
    const std::string where = child_path(key) + (scalar ? "" : strfmt("[%zu]", i));
    double x = 0;
    if (!YAML::convert<double>::decode(n, x) || !std::isfinite(x))
      return yaml_error(file_, n, where, "expected a number, got '" + n.Scalar() + "'");
    if (x < min_value || x > max_value)
      return yaml_error(file_, n, where,
                        describe_number(x) + " is out of range (" + describe_number(min_value) + ".." +
                            describe_number(max_value) + ")");
    out.push_back(x);
  }
  return out;
}

Result<std::optional<YamlReader>> YamlReader::map(std::string_view key) const {
  const YAML::Node v = find(node_, key);
  if (!present(v)) return std::optional<YamlReader>();
  if (!v.IsMap()) return error_at(key, std::string("expected a map of keys, got ") + kind_name(v));
  auto r = open(v, file_, child_path(key), false);
  if (!r.ok()) return r.status();
  return std::optional<YamlReader>(std::move(*r));
}

Result<std::vector<YAML::Node>> YamlReader::sequence(std::string_view key) const {
  const YAML::Node v = find(node_, key);
  std::vector<YAML::Node> items;
  if (!present(v)) return items;
  if (!v.IsSequence()) return error_at(key, std::string("expected a list, got ") + kind_name(v));
  for (size_t i = 0; i < v.size(); ++i) items.push_back(v[i]);
  return items;
}

}  // namespace eb::config

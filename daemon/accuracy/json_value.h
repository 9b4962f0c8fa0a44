// A small JSON reader for the label files detection accuracy reads (COCO annotations, COCO result
// lists) and the test data made by pycocotools. The project writes JSON with its own writer
// (daemon/cli/json_writer.h) and had no reader; a COCO file is a few objects and arrays of numbers, so a
// DOM of plain values is enough. Numbers are doubles (COCO ids fit exactly). Errors name the file and
// the line and column of the bad byte.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/status.h"

namespace eb::accuracy {

struct JsonValue {
  enum class Kind { kNull, kBool, kNumber, kString, kArray, kObject };
  Kind kind = Kind::kNull;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue> object;  // a repeated key keeps its last value, as Python's json does

  bool is_number() const { return kind == Kind::kNumber; }
  bool is_array() const { return kind == Kind::kArray; }
  bool is_object() const { return kind == Kind::kObject; }
  bool is_string() const { return kind == Kind::kString; }
  // The member `key` of an object, or nullptr (absent, or this is not an object).
  const JsonValue* find(const std::string& key) const;
};

// Parses `text`; `name` starts every error ("COCO labels /x/a.json:3:17: expected ',' or '}'").
Result<JsonValue> parse_json(const std::string& text, const std::string& name);
// Reads and parses a file (at most 1 GiB, read as every edgebench input file is: read_input_file).
Result<JsonValue> read_json_file(const std::string& path, const std::string& what);

}  // namespace eb::accuracy

// fuzz_labels: bytes -> parse_labels_csv (a labels CSV of an image list). The first byte picks whether a
// label-names file is given. Beyond "never crashes", checks the rules' promises: an error is one line
// naming the CSV; a success lists each file once, every label a class index (inside the names file when
// there is one), and the class names cover every label when labels came from names.
#include <set>
#include <string>

#include "daemon/pipeline/labels.h"
#include "tests/fuzz/fuzz_harness.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const bool with_names = (data[0] & 1) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const eb::LabelNames names({"background", "cat, felis", "dog", "", "7"});
  std::vector<std::string> classes;
  auto r = eb::parse_labels_csv(text, "labels CSV fuzz.csv", "/base", with_names ? &names : nullptr, &classes);
  if (!r.ok()) {
    const std::string& m = r.status().message();
    FUZZ_CHECK(m.rfind("labels CSV fuzz.csv: ", 0) == 0, "the error must start with the CSV's name");
    FUZZ_CHECK(m.find('\n') == std::string::npos || text.find('\n') != std::string_view::npos,
               "a one-line error unless the input's own text holds a newline");
    return 0;
  }
  std::set<std::string> seen;
  for (const eb::LabelledFile& f : r.value()) {
    FUZZ_CHECK(seen.insert(f.path).second, "a file listed twice was accepted");
    FUZZ_CHECK(f.label >= 0, "a negative class index was accepted");
    FUZZ_CHECK(!with_names || f.label < names.size(), "a class index past the names file was accepted");
    FUZZ_CHECK(classes.empty() || f.label < static_cast<int>(classes.size()), "a label without a class name");
    FUZZ_CHECK(f.line >= 1, "every file names its line");
  }
  return 0;
}

// The Prometheus text the exporter writes: parsed back line by line (HELP/TYPE, labels with escapes,
// values), and written atomically.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "daemon/service/exporter.h"

namespace eb::service {
namespace {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Parsed {
  std::map<std::string, std::string> help, type;
  std::vector<Sample> samples;
  std::string error;
};

// A strict reader of the exposition format's subset the exporter uses; label values are unescaped.
Parsed parse(const std::string& text) {
  Parsed p;
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.rfind("# HELP ", 0) == 0 || line.rfind("# TYPE ", 0) == 0) {
      const std::string rest = line.substr(7);
      const size_t sp = rest.find(' ');
      if (sp == std::string::npos) return p.error = "line " + std::to_string(n) + ": bad comment", p;
      (line[2] == 'H' ? p.help : p.type)[rest.substr(0, sp)] = rest.substr(sp + 1);
      continue;
    }
    Sample s;
    size_t i = 0;
    while (i < line.size() && (std::isalnum(static_cast<unsigned char>(line[i])) || line[i] == '_')) ++i;
    s.name = line.substr(0, i);
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        const size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"')
          return p.error = "line " + std::to_string(n) + ": bad label", p;
        const std::string key = line.substr(i, eq - i);
        std::string value;
        size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) {
            ++j;
            value += line[j] == 'n' ? '\n' : line[j];
          } else {
            value += line[j];
          }
        }
        if (j >= line.size()) return p.error = "line " + std::to_string(n) + ": unterminated label", p;
        s.labels[key] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ') return p.error = "line " + std::to_string(n) + ": no value", p;
    char* end = nullptr;
    s.value = std::strtod(line.c_str() + i + 1, &end);
    if (*end != '\0') return p.error = "line " + std::to_string(n) + ": trailing text", p;
    p.samples.push_back(s);
  }
  return p;
}

store::CompareRow row(const std::string& variant) {
  store::CompareRow r;
  r.device = "pi5-lab";
  r.model_group = "fmnist";
  r.variant = variant;
  r.engine = "auto";
  r.threads = 1;
  r.measured_utc = "2026-03-01T12:00:00.500Z";
  r.p50_ms = 3.35;
  r.p90_ms = 6.34;
  r.p99_ms = 12.69;
  r.peak_rss_bytes = 3407872;
  r.model_memory_bytes = 958464;
  r.size_bytes = 925184;
  r.top1 = 0.906;
  r.throttled = false;
  return r;
}

const Sample* find(const Parsed& p, const std::string& name, const std::string& variant) {
  for (const auto& s : p.samples)
    if (s.name == name && s.labels.at("variant") == variant) return &s;
  return nullptr;
}

TEST(Exporter, RendersEveryFigureWithHelpAndType) {
  auto r = row("float32");
  auto q = row("int8");
  q.agreement_top1 = 0.9944;
  q.throttled = true;
  q.measurement_id = 2;
  const Parsed p = parse(render_prometheus({r, q}));
  ASSERT_TRUE(p.error.empty()) << p.error;
  for (const char* name : {"edgebench_latency_p50_seconds", "edgebench_latency_p99_seconds", "edgebench_top1_ratio",
                           "edgebench_peak_rss_bytes", "edgebench_model_memory_bytes",
                           "edgebench_run_timestamp_seconds", "edgebench_throttled",
                           "edgebench_agreement_top1_ratio", "edgebench_measurement_failed"}) {
    EXPECT_EQ(p.type.count(name), 1u) << name;
    EXPECT_EQ(p.type.at(name), "gauge");
    EXPECT_FALSE(p.help.at(name).empty());
  }
  const Sample* s = find(p, "edgebench_latency_p50_seconds", "float32");
  ASSERT_NE(s, nullptr);
  EXPECT_DOUBLE_EQ(s->value, 0.00335);
  EXPECT_EQ(s->labels.at("group"), "fmnist");
  EXPECT_EQ(s->labels.at("device"), "pi5-lab");
  EXPECT_EQ(s->labels.at("engine"), "auto");
  EXPECT_EQ(s->labels.at("threads"), "1");
  EXPECT_DOUBLE_EQ(find(p, "edgebench_peak_rss_bytes", "float32")->value, 3407872.0);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_model_memory_bytes", "float32")->value, 958464.0);
  EXPECT_EQ(p.help.at("edgebench_model_memory_bytes"),
            "Memory the model costs: the measuring worker's peak resident set over its baseline before loading.");
  EXPECT_NE(p.help.at("edgebench_peak_rss_bytes").find("worker"), std::string::npos);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_run_timestamp_seconds", "float32")->value, 1772366400.5);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_throttled", "int8")->value, 1.0);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_throttled", "float32")->value, 0.0);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_agreement_top1_ratio", "int8")->value, 0.9944);
  // The reference has no agreement with itself: absent, not 0.
  EXPECT_EQ(find(p, "edgebench_agreement_top1_ratio", "float32"), nullptr);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_measurement_failed", "int8")->value, 0.0);
}

// A measurement stored before the worker (schema 1) has a peak but no model memory: its model series is
// left out, not exported as 0 (which would claim the model costs nothing). The two families sit together.
TEST(Exporter, ModelMemoryBesidePeakAndAbsentForOlderRows) {
  auto old_row = row("float32");
  old_row.model_memory_bytes.reset();
  old_row.peak_rss_bytes = 83886080;
  auto q = row("int8");
  q.measurement_id = 2;
  const std::string text = render_prometheus({old_row, q});
  const Parsed p = parse(text);
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_EQ(find(p, "edgebench_model_memory_bytes", "float32"), nullptr);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_peak_rss_bytes", "float32")->value, 83886080.0);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_model_memory_bytes", "int8")->value, 958464.0);
  const size_t peak = text.find("# HELP edgebench_peak_rss_bytes ");
  const size_t model = text.find("# HELP edgebench_model_memory_bytes ");
  ASSERT_NE(peak, std::string::npos);
  ASSERT_NE(model, std::string::npos);
  EXPECT_LT(peak, model);
  EXPECT_EQ(text.find("# HELP ", peak + 1), model) << text;  // no family in between
  // No row with a model figure at all: no empty family either.
  q.model_memory_bytes.reset();
  EXPECT_EQ(render_prometheus({old_row, q}).find("edgebench_model_memory_bytes"), std::string::npos);
}

// A detector's figures: mAP against the labels and against the reference, boxes lost; classifiers (no
// detection figures) export none of those families.
TEST(Exporter, DetectionFamiliesForDetectorsOnly) {
  auto ref = row("float32");
  ref.top1.reset();
  ref.map50 = 0.52;
  ref.map50_95 = 0.37;
  auto q = row("int8");
  q.measurement_id = 2;
  q.top1.reset();
  q.map50 = 0.5;
  q.map50_95 = 0.35;
  q.map50_vs_ref = 0.91;
  q.boxes_lost = 7;
  const Parsed p = parse(render_prometheus({ref, q}));
  ASSERT_TRUE(p.error.empty()) << p.error;
  for (const char* name : {"edgebench_map50_ratio", "edgebench_map50_95_ratio", "edgebench_map50_vs_reference_ratio",
                           "edgebench_boxes_lost"}) {
    EXPECT_EQ(p.type.count(name), 1u) << name;
    EXPECT_FALSE(p.help.at(name).empty());
  }
  EXPECT_DOUBLE_EQ(find(p, "edgebench_map50_ratio", "float32")->value, 0.52);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_map50_95_ratio", "int8")->value, 0.35);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_map50_vs_reference_ratio", "int8")->value, 0.91);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_boxes_lost", "int8")->value, 7.0);
  EXPECT_EQ(find(p, "edgebench_map50_vs_reference_ratio", "float32"), nullptr);  // the reference itself
  EXPECT_EQ(render_prometheus({row("float32")}).find("edgebench_map50"), std::string::npos);
}

TEST(Exporter, LabelValuesAreEscapedAndParseBack) {
  auto r = row("we\"ird\\name\nline2");
  r.device = "lab \"A\"";
  EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  const std::string text = render_prometheus({r});
  // No raw newline inside a sample line: every line is a comment or a complete sample.
  const Parsed p = parse(text);
  ASSERT_TRUE(p.error.empty()) << p.error << "\n" << text;
  const Sample* s = find(p, "edgebench_top1_ratio", "we\"ird\\name\nline2");
  ASSERT_NE(s, nullptr) << text;
  EXPECT_EQ(s->labels.at("device"), "lab \"A\"");
}

TEST(Exporter, FailedNewestMeasurementFlagsWhileLastGoodFiguresStay) {
  auto good = row("int8");
  good.measurement_id = 5;
  store::CompareRow failed = row("int8");
  failed.measurement_id = 9;
  failed.error = "model 'x': flatbuffer verification failed";
  failed.p50_ms.reset();
  const Parsed p = parse(render_prometheus({good, failed}));
  ASSERT_TRUE(p.error.empty()) << p.error;
  EXPECT_DOUBLE_EQ(find(p, "edgebench_measurement_failed", "int8")->value, 1.0);
  EXPECT_DOUBLE_EQ(find(p, "edgebench_latency_p50_seconds", "int8")->value, 0.00335);
  int failed_series = 0;
  for (const auto& s : p.samples) failed_series += s.name == "edgebench_measurement_failed";
  EXPECT_EQ(failed_series, 1);
  // An older failure followed by a success is not flagged.
  good.measurement_id = 10;
  const Parsed q = parse(render_prometheus({good, failed}));
  EXPECT_DOUBLE_EQ(find(q, "edgebench_measurement_failed", "int8")->value, 0.0);
}

TEST(Exporter, WritesAtomicallyAndLeavesNoTemporaryFile) {
  const std::string dir = std::filesystem::temp_directory_path() / ("eb_exporter_" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/edgebench.prom";
  ASSERT_TRUE(write_file_atomically(path, "first\n").ok());
  ASSERT_TRUE(write_file_atomically(path, "second\n").ok());
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "second\n");
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    (void)e;
    ++files;
  }
  EXPECT_EQ(files, 1);
  auto bad = write_file_atomically(dir + "/missing/x.prom", "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("missing"), std::string::npos) << bad.message();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace eb::service

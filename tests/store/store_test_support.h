// Shared helpers of the store tests: a temporary directory, sample runs and measurements, and a raw
// SQLite connection that checks what is really on disk, independently of the store's own connection.
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "daemon/store/records.h"
#include "daemon/store/results_store.h"
#include "gtest/gtest.h"

namespace eb::store::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "eb_store_test_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// A second, plain connection to the database file: what a crash-recovering reader would see.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK)
      ADD_FAILURE() << "raw open of " << path << ": " << sqlite3_errmsg(db_);
    sqlite3_busy_timeout(db_, 5000);
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK)
      ADD_FAILURE() << sql << ": " << (message ? message : "?");
    sqlite3_free(message);
  }
  // First column of the first row as text ("" for NULL or no row).
  std::string text(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    std::string result;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << sql << ": " << sqlite3_errmsg(db_);
    } else if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
      result = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    return result;
  }
  long long integer(const std::string& sql) { return std::stoll("0" + text(sql)); }
  long long count(const std::string& table) { return integer("SELECT count(*) FROM " + table); }

 private:
  sqlite3* db_ = nullptr;
};

inline const std::vector<std::string>& measurement_tables() {
  static const std::vector<std::string> tables = {"measurements", "latency_samples", "class_accuracy",
                                                  "confusion_counts", "op_profile", "device_samples"};
  return tables;
}

inline RunInfo sample_run_info(const std::string& model_group = "mobilenet_v2",
                               const std::string& device_name = "pi4-bench") {
  RunInfo info;
  info.model_group = model_group;
  info.edgebench_version = "0.1.0";
  info.git_hash = "cbe4364";
  info.config_text = "models: /srv/models\nthreads: [1, 4]\n";
  info.device.device_name = device_name;
  info.device.hostname = device_name + "-host";
  info.device.cpu_model = "Cortex-A72";
  info.device.cpu_cores = 4;
  info.device.isa = "neon";
  info.device.kernel = "6.1.0-rpi7-rpi-v8";
  info.device.governor = "performance";
  info.device.throttled = false;
  return info;
}

// A measurement with every field filled; `top1` unset means "no labels".
inline Measurement sample_measurement(const std::string& variant, const std::string& engine, int64_t threads,
                                      std::optional<double> top1, bool is_reference = false,
                                      size_t sample_count = 50) {
  Measurement m;
  m.model_group = "mobilenet_v2";
  m.variant = variant;
  m.model_path = "/srv/models/mobilenet_v2/" + variant + ".tflite";
  m.file_size_bytes = is_reference ? 14000000 : 3500000;
  m.compression_ratio = is_reference ? 1.0 : 4.0;
  m.is_reference = is_reference;
  m.engine = engine;
  m.isa = "neon";
  m.threads = threads;
  m.started_utc = "2024-05-01T12:00:00.000Z";
  m.duration_ms = 1234.5;
  m.load_ms = 12.25;
  m.first_ms = 30.125;
  for (size_t i = 0; i < sample_count; ++i) m.samples_ms.push_back(10.0 + 0.1 * static_cast<double>(i % 7) + 1e-9 * i);
  m.latency = LatencySummaryMs{10.0, 10.3, 0.2, 10.3, 10.6, 10.6, 10.6000001};
  m.throughput_ips = 97.1;
  // The worker's figures (schema 2); rss_increase_bytes is left null as the worker leaves it.
  m.peak_rss_bytes = 9 << 20;
  m.model_memory_bytes = 7 << 20;
  m.baseline_rss_bytes = 2 << 20;
  m.load_rss_bytes = 8 << 20;
  m.first_rss_bytes = (8 << 20) + 4096;
  m.arena_bytes = 6 << 20;
  m.scratch_bytes = 256 << 10;
  m.minor_faults = 17;
  m.major_faults = 1;
  m.cpu_affinity = "2-3";
  m.cpu = 3;
  m.cpu_freq_mhz = 1800.0;
  m.throttled = false;
  if (top1) {
    LabelAccuracy a;
    a.num_images = 1000;
    a.top1 = *top1;
    a.top5 = 0.9;
    a.per_class = {{0, "cat", 90, 100}, {1, "dog", 80, 100}, {2, "ünïcödé 🐟", 0, 0}};
    a.confusion = {{0, 0, 90}, {0, 1, 10}, {1, 0, 20}, {1, 1, 80}};
    m.accuracy = a;
  }
  if (!is_reference) m.drift = ReferenceDrift{0.97, 1.5e-4, 0.01, 0.25};
  m.op_profile = {{0, "CONV_2D", 120.5}, {1, "DEPTHWISE_CONV_2D", 80.25}, {2, "SOFTMAX", 0.5}};
  m.device_samples = {{0.0, "2024-05-01T12:00:00.000Z", 55.3, 1800.0}, {500.0, "2024-05-01T12:00:00.500Z", 56.1, std::nullopt}};
  return m;
}

inline ResultsStore open_or_fail(const std::string& path, const OpenOptions& options = {}) {
  Result<ResultsStore> store = ResultsStore::open(path, options);
  if (!store.ok()) {
    ADD_FAILURE() << store.status().message();
    std::abort();
  }
  return std::move(*store);
}

}  // namespace eb::store::testing

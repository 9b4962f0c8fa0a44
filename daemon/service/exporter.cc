#include "daemon/service/exporter.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <tuple>

namespace eb::service {

namespace {

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  // The shortest text that reads back as the same double ("0.00335", not "0.0033500000000000001").
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, res.ptr);
}

}  // namespace

std::optional<double> parse_utc_seconds(const std::string& iso) {
  std::tm tm{};
  int ms = 0;
  const int n = std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                            &tm.tm_min, &tm.tm_sec, &ms);
  if (n < 6) return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return static_cast<double>(t) + (n == 7 ? ms / 1000.0 : 0.0);
}

namespace {

struct Family {
  const char* name;
  const char* help;
  std::function<std::optional<double>(const store::CompareRow&)> value;
};

std::optional<double> ms_to_s(const std::optional<double>& ms) {
  return ms ? std::optional<double>(*ms / 1000.0) : std::nullopt;
}

// Absent stays absent: a row stored before the worker has no model memory, and its series is left out.
std::optional<double> as_double(const std::optional<int64_t>& v) {
  return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

}  // namespace

std::string escape_label_value(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string render_prometheus(const std::vector<store::CompareRow>& rows) {
  using Row = store::CompareRow;
  const std::vector<Family> families = {
      {"edgebench_latency_p50_seconds", "Median inference latency of the newest measurement.",
       [](const Row& r) { return ms_to_s(r.p50_ms); }},
      {"edgebench_latency_p90_seconds", "90th percentile inference latency of the newest measurement.",
       [](const Row& r) { return ms_to_s(r.p90_ms); }},
      {"edgebench_latency_p99_seconds", "99th percentile inference latency of the newest measurement.",
       [](const Row& r) { return ms_to_s(r.p99_ms); }},
      {"edgebench_top1_ratio", "Top-1 accuracy against the labels (0..1).", [](const Row& r) { return r.top1; }},
      {"edgebench_agreement_top1_ratio", "Top-1 agreement with the reference variant (0..1).",
       [](const Row& r) { return r.agreement_top1; }},
      {"edgebench_map50_ratio", "Detection mAP at IoU 0.5 against the labels (COCO 101-point, 0..1).",
       [](const Row& r) { return r.map50; }},
      {"edgebench_map50_95_ratio", "Detection mAP over IoU 0.5:0.95 against the labels (COCO 101-point, 0..1).",
       [](const Row& r) { return r.map50_95; }},
      {"edgebench_map50_vs_reference_ratio",
       "Detection mAP at IoU 0.5 taking the reference variant's boxes (score >= 0.25) as the ground truth (0..1).",
       [](const Row& r) { return r.map50_vs_ref; }},
      {"edgebench_boxes_lost", "Reference variant's boxes (score >= 0.25) this variant does not find, over the run.",
       [](const Row& r) { return as_double(r.boxes_lost); }},
      {"edgebench_peak_rss_bytes",
       "Peak resident memory of the worker process that ran the measurement alone: what a minimal process "
       "running this model needs (edgebench's own peak for measurements stored before the worker).",
       [](const Row& r) { return as_double(r.peak_rss_bytes); }},
      {"edgebench_model_memory_bytes",
       "Memory the model costs: the measuring worker's peak resident set over its baseline before loading.",
       [](const Row& r) { return as_double(r.model_memory_bytes); }},
      {"edgebench_model_size_bytes", "Size of the model file.",
       [](const Row& r) { return as_double(r.size_bytes); }},
      {"edgebench_run_timestamp_seconds", "When the newest measurement was taken (Unix time).",
       [](const Row& r) { return parse_utc_seconds(r.measured_utc); }},
      {"edgebench_throttled", "1 when the CPU was throttled during the measurement.",
       [](const Row& r) { return r.throttled ? std::optional<double>(*r.throttled ? 1.0 : 0.0) : std::nullopt; }},
      {"edgebench_measurement_failed", "1 when the newest measurement of this variant failed to load or run.",
       [](const Row&) { return std::optional<double>(); }},  // computed per key below
  };
  // One series per key: figures from its newest successful measurement, `failed` when the newest
  // measurement overall failed (export_latest passes both), so an alert fires while the last good
  // figures stay visible.
  using Key = std::tuple<std::string, std::string, std::string, std::string, int64_t>;
  struct Entry {
    const Row* ok = nullptr;
    const Row* failed = nullptr;
  };
  std::map<Key, Entry> entries;
  for (const Row& r : rows) {
    Entry& e = entries[Key{r.device, r.model_group, r.variant, r.engine, r.threads}];
    (r.error ? e.failed : e.ok) = &r;
  }
  std::ostringstream out;
  for (const Family& f : families) {
    const bool is_failed_flag = std::string(f.name) == "edgebench_measurement_failed";
    std::ostringstream series;
    for (const auto& [key, e] : entries) {
      std::optional<double> v;
      const Row* r = e.ok ? e.ok : e.failed;
      if (is_failed_flag) {
        v = e.failed && (!e.ok || e.failed->measurement_id > e.ok->measurement_id) ? 1.0 : 0.0;
      } else if (e.ok) {
        v = f.value(*e.ok);
      }
      if (!v) continue;
      series << f.name << "{device=\"" << escape_label_value(r->device) << "\",group=\""
             << escape_label_value(r->model_group) << "\",variant=\"" << escape_label_value(r->variant)
             << "\",engine=\"" << escape_label_value(r->engine) << "\",threads=\"" << r->threads << "\"} "
             << format_value(*v) << "\n";
    }
    const std::string s = series.str();
    if (s.empty()) continue;  // a family without samples is noise in the collector's output
    out << "# HELP " << f.name << " " << f.help << "\n# TYPE " << f.name << " gauge\n" << s;
  }
  return out.str();
}

Status write_file_atomically(const std::string& path, const std::string& text) {
  namespace fs = std::filesystem;
  const fs::path target(path);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  const std::string tmp = (dir / ("." + target.filename().string() + "." + std::to_string(getpid()) + ".tmp")).string();
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return error("exporter: cannot create '%s': %s", tmp.c_str(), std::strerror(errno));
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = n < 0 ? errno : ENOSPC;
      ::close(fd);
      ::unlink(tmp.c_str());
      return error("exporter: cannot write '%s': %s", tmp.c_str(), std::strerror(e));
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int e = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return error("exporter: fsync '%s': %s", tmp.c_str(), std::strerror(e));
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    ::unlink(tmp.c_str());
    return error("exporter: cannot rename '%s' to '%s': %s", tmp.c_str(), path.c_str(), std::strerror(e));
  }
  // The rename is durable only once the directory entry is on disk.
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
  return Status();
}

Status export_latest(const store::ResultsStore& store, const std::string& path) {
  // The newest successful measurement of each key, plus the newest of any outcome (to flag failures).
  store::CompareSelection good;
  auto rows = store::compare(store, good);
  if (!rows.ok()) return rows.status().with_context("exporter: ");
  store::CompareSelection any;
  any.include_failed = true;
  auto newest = store::compare(store, any);
  if (!newest.ok()) return newest.status().with_context("exporter: ");
  for (auto& r : *newest)
    if (r.error) rows->push_back(std::move(r));
  return write_file_atomically(path, render_prometheus(*rows));
}

}  // namespace eb::service

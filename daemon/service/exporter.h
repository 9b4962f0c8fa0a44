// The latest results in Prometheus' text exposition format, for node_exporter's textfile collector:
// one series per model group x variant x engine x threads (the newest measurement of each, as
// `edgebench query compare` shows them), written atomically so the collector never reads half a file.
//
// Metrics (gauges; labels device, group, variant, engine, threads):
//   edgebench_latency_p50_seconds, edgebench_latency_p90_seconds, edgebench_latency_p99_seconds
//   edgebench_top1_ratio              top-1 accuracy against labels, 0..1
//   edgebench_agreement_top1_ratio    top-1 agreement with the reference variant, 0..1
//   edgebench_peak_rss_bytes          peak resident memory of the worker that ran the measurement alone
//   edgebench_model_memory_bytes      what the model costs: that peak over the worker's baseline before
//                                     loading (absent for measurements stored before the worker)
//   edgebench_model_size_bytes
//   edgebench_run_timestamp_seconds   when the measurement was taken (Unix time)
//   edgebench_throttled               1 when the CPU was throttled during the measurement
//   edgebench_measurement_failed      1 when the newest measurement of the variant failed
// A figure that does not apply (no labels, the reference's own agreement) is left out, not written as 0.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "daemon/store/queries.h"
#include "kernels/common/status.h"

namespace eb::service {

// A label value escaped as the format requires: backslash, double quote and newline.
std::string escape_label_value(const std::string& value);

// "2024-05-01T12:00:00.123Z" (the store's timestamps) -> Unix seconds; nullopt when it does not parse.
std::optional<double> parse_utc_seconds(const std::string& iso);

// The exposition text for these rows. Rows with an error only set edgebench_measurement_failed (to 1
// when newer than the successful row of the same key, if any); the figures come from rows without one.
std::string render_prometheus(const std::vector<store::CompareRow>& rows);

// Writes `text` to `path` atomically: a temporary file in the same directory (named so the textfile
// collector, which reads only *.prom, ignores it), fsync, rename over `path`, fsync the directory.
Status write_file_atomically(const std::string& path, const std::string& text);

// Reads the newest measurements from the store and writes them to `path`.
Status export_latest(const store::ResultsStore& store, const std::string& path);

}  // namespace eb::service

// Reading the results database for `edgebench query runs | compare | show RUN | export`. Everything comes
// back as plain structs (records.h); formatting as table/markdown/CSV/JSON is the CLI's business.
//
// "Newest" means the highest id (the order rows were stored): a Raspberry Pi has no real-time clock and
// its wall clock may jump at boot, so timestamps are shown and filtered on, but never used for order.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/store/records.h"
#include "daemon/store/results_store.h"
#include "kernels/common/status.h"

namespace eb::store {

// `query runs` filters; unset fields match everything.
struct RunFilter {
  std::optional<std::string> model_group;
  std::optional<std::string> variant;    // runs with a measurement of this variant
  std::optional<std::string> since_utc;  // started at or after: ISO-8601 ("2024-05-01", "2024-05-01T08:00:00Z")
  std::optional<std::string> device;     // device name or hostname
  std::optional<RunStatus> status;
  std::optional<int64_t> last_n;         // only the newest N matching runs
};

struct RunSummary {
  RunRecord run;
  int64_t measurement_count = 0;
  int64_t failed_measurement_count = 0;  // measurements with error text (variant failed to load/run)
};

// Matching runs, newest first.
Result<std::vector<RunSummary>> list_runs(const ResultsStore& store, const RunFilter& filter = {});

// Which measurements `query compare` shows.
struct CompareSelection {
  // Non-empty: every measurement of these runs. Empty: for each model group x variant x engine x threads,
  // its newest measurement (of any run, finished or not: each stored measurement is complete).
  std::vector<int64_t> run_ids;
  std::optional<std::string> model_group;
  // Narrow the rows shown; the reference used for delta_top1 is looked up before these apply.
  std::optional<std::string> variant;
  std::optional<std::string> engine;
  std::optional<int64_t> threads;
  // Also show measurements whose variant failed (their figures are null, error says why). When false,
  // the newest *successful* measurement of each key is shown.
  bool include_failed = false;
};

// One compare row: a variant x engine x threads measurement.
struct CompareRow {
  std::string device;  // the run's device name (its hostname when unnamed), or the fleet label
  int64_t run_id = 0;
  int64_t measurement_id = 0;
  std::string measured_utc;
  std::string model_group;
  std::string variant;
  std::string engine;
  std::string isa;
  int64_t threads = 1;
  bool is_reference = false;
  std::optional<int64_t> size_bytes;
  std::optional<double> compression;  // reference size / this size
  std::optional<double> p50_ms, p90_ms, p99_ms;
  // The measuring worker's peak resident set, and that peak over the worker's RSS before it loaded the
  // model (what the model costs). Rows stored before the worker (schema 1) have the whole edgebench
  // process's peak and no model memory.
  std::optional<int64_t> peak_rss_bytes;
  std::optional<int64_t> model_memory_bytes;
  std::optional<double> top1, top5;
  // top1 - the reference's top1. The reference is the is_reference row of the same model group among the
  // selected rows (of the same database) with a top1, preferring the same run, then the same engine, then
  // the same thread count, then the newest. Null when either top1 is missing.
  std::optional<double> delta_top1;
  std::optional<double> agreement_top1, mse, max_abs_diff;
  // Detectors: COCO mAP against labels, precision/recall at the run's score threshold, and against the
  // reference variant's boxes (mAP, boxes gained and lost). Null for classifiers and rows before schema 3.
  std::optional<double> map50, map50_95, det_precision, det_recall;
  std::optional<double> map50_vs_ref, map50_95_vs_ref;
  std::optional<int64_t> boxes_gained, boxes_lost;
  std::optional<bool> throttled;  // during the measurement; else at the start of its run
  std::optional<std::string> error;
};

// Rows ordered by model group, reference first, variant, engine, threads, device.
Result<std::vector<CompareRow>> compare(const ResultsStore& store, const CompareSelection& selection = {});
void sort_compare_rows(std::vector<CompareRow>& rows);

// Fleet comparison: one database per device (copied from each Pi), opened read-only; compare rows of each,
// merged and sorted. device_label names that database's rows (empty: each run's own device name).
// run_ids cannot be used here (ids are per database).
struct FleetDatabase {
  std::string path;
  std::string device_label;
};
Result<std::vector<CompareRow>> compare_fleet(const std::vector<FleetDatabase>& databases,
                                              const CompareSelection& selection = {});

// Everything stored about one run: `query show RUN`.
struct RunDetails {
  RunRecord run;
  std::vector<StoredMeasurement> measurements;  // in the order stored
};
Result<RunDetails> show_run(const ResultsStore& store, int64_t run_id);

// Every matching run with everything stored about it, oldest first: `query export`.
Result<std::vector<RunDetails>> export_runs(const ResultsStore& store, const RunFilter& filter = {});

}  // namespace eb::store

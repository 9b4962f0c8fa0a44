// The benchmark job: one model group measured as a matrix (every variant x engine x thread count) over
// the same inputs, stored as one run. Shared by `edgebench run` (quick form and --config) and the daemon.
//
//  - The source is opened once up front: a source that cannot be opened is an error and nothing is stored.
//  - Per engine x threads the reference variant runs first, so drift is measured against the reference's
//    outputs under the same engine and thread count.
//  - A variant that fails to load or run is stored as a failed measurement with its error; the job goes on.
//  - One transaction per measurement (the store's guarantee); a stop request drops the measurement under
//    way and marks the run 'interrupted', so nothing is ever half-stored.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "daemon/config/config.h"
#include "daemon/store/results_store.h"
#include "kernels/common/status.h"

namespace eb::job {

// Callbacks from the job: the daemon maps them to sd_notify STATUS, watchdog pings and logs; the CLI to
// a progress display. Every callback runs on the job's thread and must be cheap.
struct JobObserver {
  virtual ~JobObserver() = default;
  // One line per step: "benchmarking fmnist/int8 auto x1 (2/4)", "cooling down 5 s (61.2 C)".
  virtual void on_status(const std::string& text) { (void)text; }
  // Items done in the current measurement (called per item).
  virtual void on_progress(int64_t done, std::optional<int64_t> total) {
    (void)done;
    (void)total;
  }
  // A measurement was stored (or recorded as failed: error non-empty).
  virtual void on_measurement(const std::string& variant, const std::string& engine, int threads,
                              const std::string& error) {
    (void)variant;
    (void)engine;
    (void)threads;
    (void)error;
  }
  // Items of the source that could not be used (unreadable files...) in the measurement just stored:
  // how many, and the first few errors.
  virtual void on_skipped_items(int64_t count, const std::vector<std::string>& examples) {
    (void)count;
    (void)examples;
  }
  // Polled per item and during cool-downs: true stops the job, the run is marked 'interrupted'.
  virtual bool stop_requested() { return false; }
};

struct JobResult {
  int64_t run_id = 0;
  store::RunStatus status = store::RunStatus::kComplete;
  std::string error;  // why the run failed (status kFailed)
  int measured = 0;   // measurements stored with figures
  int failed = 0;     // measurements stored as failed (variant did not load or run)
};

// Runs `group` (one of config.groups, or built by the quick form) into `store`. An error Status means
// nothing was stored (the source cannot be opened, the run cannot be begun); once the run exists the
// outcome is in JobResult::status. config.text is stored with the run; config.device_name names the device.
Result<JobResult> run_group(const config::Config& config, const config::GroupConfig& group, store::ResultsStore& store,
                            JobObserver& observer);

}  // namespace eb::job

// The results database of `edgebench run` (writer) and `edgebench query` (reader): runs, and per run one
// measurement per variant x engine x threads with its raw samples, accuracy, profile and device samples.
//
// Guarantees:
//  - WAL mode, foreign keys on, busy_timeout: a reader and the writing daemon coexist.
//  - One transaction per measurement: a crash or error (disk full included) never leaves part of one.
//  - A run is inserted 'running' and set 'complete'/'failed'/'interrupted' by finish_run(); runs left
//    'running' by a process that no longer exists become 'interrupted' when a store opens read-write.
//  - Errors are values naming the database path; nothing throws.
// A ResultsStore is one SQLite connection: use it from one thread at a time (open one per thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "daemon/store/records.h"
#include "daemon/store/sqlite_db.h"
#include "kernels/common/status.h"

namespace eb::store {

struct OpenOptions {
  // For readers (`edgebench query`): opens an existing, current database without writing anything:
  // no migration, no stale-run marking; write calls fail.
  bool read_only = false;
  int busy_timeout_ms = 5000;
  // Read-write only: run mark_stale_runs_interrupted() on open.
  bool mark_stale_runs = true;
  // > 0: cap the database at this many pages (PRAGMA max_page_count); writes beyond fail with
  // SQLITE_FULL as on a full disk. A size limit for small SD cards, and how tests simulate a full disk.
  int64_t max_page_count = 0;
};

// "2024-05-01T12:00:00.123Z": the timestamp format of the store.
std::string utc_now_iso8601();
std::string utc_iso8601(std::chrono::system_clock::time_point t);  // same format, for a given time

class ResultsStore {
 public:
  // Opens (creating the file and its directories, and migrating, unless read_only) the database at path.
  static Result<ResultsStore> open(const std::string& path, const OpenOptions& options = {});

  ResultsStore(ResultsStore&& other) noexcept;
  ResultsStore& operator=(ResultsStore&& other) noexcept;
  ResultsStore(const ResultsStore&) = delete;
  ResultsStore& operator=(const ResultsStore&) = delete;
  // Runs this store began and never finished are marked 'interrupted' (best effort).
  ~ResultsStore();

  const std::string& path() const { return db_.path(); }
  bool read_only() const { return options_.read_only; }

  // Inserts a run with status 'running', owned by this process; returns its id.
  Result<int64_t> begin_run(const RunInfo& info);
  // Ends a running run: 'complete', 'failed' (with error text) or 'interrupted'. Records the finish
  // time and, for runs begun by this store, the monotonic duration.
  Status finish_run(int64_t run_id, RunStatus status, const std::string& error_text = "");
  // Stores one measurement of a running run, with all its detail rows, in one transaction; returns
  // its id. NaN in an optional figure is stored as NULL (SQLite has no NaN); a NaN sample is refused.
  Result<int64_t> add_measurement(int64_t run_id, const Measurement& measurement);

  // Marks 'interrupted' every 'running' run whose writer process is gone (crashed, killed, rebooted);
  // runs of live writers (e.g. the daemon while `edgebench query` opens the database) are untouched.
  // Returns how many runs were marked.
  Result<int> mark_stale_runs_interrupted();

  // The database's PRAGMA user_version.
  Result<int> schema_version() const;

  // The connection, for the query functions (queries.h).
  const SqliteDb& db() const { return db_; }

 private:
  ResultsStore(SqliteDb db, const OpenOptions& options);
  Status writable(const char* what) const;
  void interrupt_open_runs();
  Status in_db(const Status& status, const std::string& what) const;

  SqliteDb db_;
  OpenOptions options_;
  WriterIdentity writer_;
  std::map<int64_t, std::chrono::steady_clock::time_point> open_runs_;  // begun here, not finished
};

}  // namespace eb::store

#include "daemon/store/schema.h"

namespace eb::store {
namespace {

// Version 1: runs, measurements (one row per variant x engine x threads, summary and accuracy columns
// inline, nullable where a value may not exist) and the per-measurement detail tables. Timestamps are
// UTC ISO-8601 text ("2024-05-01T12:00:00.000Z", which SQLite's date functions read); durations are
// milliseconds from the monotonic clock.
constexpr const char* kSchemaV1 = R"sql(
PRAGMA application_id = 1161974355;  -- kResultsApplicationId, 0x45425253 "EBRS"
CREATE TABLE runs (
  id                 INTEGER PRIMARY KEY,
  status             TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
  error              TEXT,
  started_utc        TEXT NOT NULL,
  finished_utc       TEXT,
  duration_ms        REAL,
  model_group        TEXT NOT NULL,
  edgebench_version  TEXT NOT NULL,
  git_hash           TEXT NOT NULL,
  config_text        TEXT NOT NULL DEFAULT '',
  device_name        TEXT NOT NULL DEFAULT '',
  hostname           TEXT NOT NULL DEFAULT '',
  cpu_model          TEXT NOT NULL DEFAULT '',
  cpu_cores          INTEGER,
  isa                TEXT NOT NULL DEFAULT '',
  kernel             TEXT NOT NULL DEFAULT '',
  governor           TEXT NOT NULL DEFAULT '',
  throttled          INTEGER CHECK (throttled IN (0, 1)),
  writer_pid         INTEGER NOT NULL,
  writer_boot_id     TEXT NOT NULL DEFAULT '',
  writer_start_ticks INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX runs_by_started ON runs (started_utc);
CREATE INDEX runs_running ON runs (status) WHERE status = 'running';

CREATE TABLE measurements (
  id                 INTEGER PRIMARY KEY,
  run_id             INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  started_utc        TEXT NOT NULL,
  duration_ms        REAL,
  model_group        TEXT NOT NULL,
  variant            TEXT NOT NULL,
  model_path         TEXT NOT NULL,
  file_size_bytes    INTEGER,
  compression_ratio  REAL,
  is_reference       INTEGER NOT NULL CHECK (is_reference IN (0, 1)),
  engine             TEXT NOT NULL,
  isa                TEXT NOT NULL DEFAULT '',
  threads            INTEGER NOT NULL CHECK (threads >= 1),
  load_ms            REAL,
  first_ms           REAL,
  latency_min_ms     REAL,
  latency_mean_ms    REAL,
  latency_std_ms     REAL,
  latency_p50_ms     REAL,
  latency_p90_ms     REAL,
  latency_p99_ms     REAL,
  latency_max_ms     REAL,
  throughput_ips     REAL,
  peak_rss_bytes     INTEGER,
  rss_increase_bytes INTEGER,
  arena_bytes        INTEGER,
  throttled          INTEGER CHECK (throttled IN (0, 1)),
  num_images         INTEGER CHECK (num_images >= 0),
  top1               REAL CHECK (top1 BETWEEN 0 AND 1),
  top5               REAL CHECK (top5 BETWEEN 0 AND 1),
  agreement_top1     REAL CHECK (agreement_top1 BETWEEN 0 AND 1),
  mse                REAL,
  mae                REAL,
  max_abs_diff       REAL,
  error              TEXT,
  CHECK ((num_images IS NULL) = (top1 IS NULL))
);
CREATE INDEX measurements_by_run ON measurements (run_id);
CREATE INDEX measurements_by_key ON measurements (model_group, variant, engine, threads);

-- Every timed inference, in order.
CREATE TABLE latency_samples (
  measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  seq            INTEGER NOT NULL,
  latency_ms     REAL NOT NULL,
  PRIMARY KEY (measurement_id, seq)
) WITHOUT ROWID;

CREATE TABLE class_accuracy (
  measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  class_index    INTEGER NOT NULL,
  label          TEXT NOT NULL DEFAULT '',
  correct        INTEGER NOT NULL CHECK (correct >= 0),
  total          INTEGER NOT NULL CHECK (total >= correct),
  PRIMARY KEY (measurement_id, class_index)
) WITHOUT ROWID;

-- The confusion matrix as (true, predicted) -> count cells; cells not stored are zero.
CREATE TABLE confusion_counts (
  measurement_id  INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  true_class      INTEGER NOT NULL,
  predicted_class INTEGER NOT NULL,
  count           INTEGER NOT NULL CHECK (count >= 0),
  PRIMARY KEY (measurement_id, true_class, predicted_class)
) WITHOUT ROWID;

-- Time per graph node summed over the timed inferences.
CREATE TABLE op_profile (
  measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  node_index     INTEGER NOT NULL,
  op_type        TEXT NOT NULL,
  total_ms       REAL NOT NULL,
  PRIMARY KEY (measurement_id, node_index)
) WITHOUT ROWID;

-- CPU temperature and frequency sampled while the measurement ran.
CREATE TABLE device_samples (
  measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  seq            INTEGER NOT NULL,
  elapsed_ms     REAL NOT NULL,
  utc            TEXT NOT NULL,
  cpu_temp_c     REAL,
  cpu_freq_mhz   REAL,
  PRIMARY KEY (measurement_id, seq)
) WITHOUT ROWID;
)sql";

// Version 2 (issue 16): each measurement runs in its own worker process, so its memory is the model's,
// not edgebench's. peak_rss_bytes keeps its column but now holds the worker's peak; rows written before
// (the whole edgebench process) are the ones with rss_increase_bytes set, which new rows leave NULL.
// Every new column is nullable with no default: rows written before this migration read back NULL ("not
// measured"), never 0, which would claim a model that costs nothing. No CHECK on them either: a figure
// the worker got wrong should not cost the whole measurement its latency and accuracy.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE measurements ADD COLUMN model_memory_bytes INTEGER;  -- peak_rss_bytes - baseline_rss_bytes
ALTER TABLE measurements ADD COLUMN baseline_rss_bytes INTEGER;  -- the worker before loading the model
ALTER TABLE measurements ADD COLUMN load_rss_bytes     INTEGER;  -- after loading it
ALTER TABLE measurements ADD COLUMN first_rss_bytes    INTEGER;  -- after the first inference
ALTER TABLE measurements ADD COLUMN scratch_bytes      INTEGER;  -- the engine's operator scratch
ALTER TABLE measurements ADD COLUMN minor_faults       INTEGER;  -- page faults during the timed inferences
ALTER TABLE measurements ADD COLUMN major_faults       INTEGER;
ALTER TABLE measurements ADD COLUMN cpu_affinity       TEXT;     -- the CPUs the worker was pinned to ("2-3")
ALTER TABLE measurements ADD COLUMN cpu                INTEGER;  -- the CPU it ran on
ALTER TABLE measurements ADD COLUMN cpu_freq_mhz       REAL;     -- that CPU's median frequency over the loop
)sql";

// Version 3 (issue 22): detection accuracy. Against labels (YOLO text or COCO JSON): the images scored,
// COCO's mAP@0.5 and mAP@0.5:0.95 (101-point interpolation, as pycocotools), precision and recall at the
// score threshold the run used; against the reference variant without labels (its boxes above 0.25
// taken as ground truth): the same mAPs, and the boxes this variant gained and lost. Per-class AP in
// class_ap. All nullable, no default: rows before this migration, and classifiers, read back NULL.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE measurements ADD COLUMN det_images         INTEGER;  -- images scored against detection labels
ALTER TABLE measurements ADD COLUMN map50              REAL;
ALTER TABLE measurements ADD COLUMN map50_95           REAL;
ALTER TABLE measurements ADD COLUMN det_precision      REAL;     -- at the score threshold, IoU 0.5
ALTER TABLE measurements ADD COLUMN det_recall         REAL;
ALTER TABLE measurements ADD COLUMN map50_vs_ref       REAL;     -- the reference's boxes as ground truth
ALTER TABLE measurements ADD COLUMN map50_95_vs_ref    REAL;
ALTER TABLE measurements ADD COLUMN boxes_gained       INTEGER;  -- boxes the reference does not have
ALTER TABLE measurements ADD COLUMN boxes_lost         INTEGER;  -- reference boxes this variant misses
ALTER TABLE measurements ADD COLUMN reference_boxes    INTEGER;  -- the reference's boxes compared against

-- Average precision per class against the labels (classes with ground truth only).
CREATE TABLE class_ap (
  measurement_id INTEGER NOT NULL REFERENCES measurements (id) ON DELETE CASCADE,
  class_index    INTEGER NOT NULL,
  label          TEXT NOT NULL DEFAULT '',
  ground_truths  INTEGER NOT NULL CHECK (ground_truths >= 0),
  ap50           REAL NOT NULL,
  ap50_95        REAL NOT NULL,
  PRIMARY KEY (measurement_id, class_index)
) WITHOUT ROWID;
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema: runs, measurements, samples, accuracy, profiles, device samples", kSchemaV1},
    {2, "measurements: the worker's memory figures, page faults, CPU", kSchemaV2},
    {3, "measurements: detection mAP, against labels and against the reference; class_ap", kSchemaV3},
};

}  // namespace

std::span<const Migration> schema_migrations() { return kMigrations; }

int latest_schema_version() { return kMigrations[std::size(kMigrations) - 1].version; }

Result<int> schema_version(const SqliteDb& db) {
  Result<int64_t> v = db.query_int("PRAGMA user_version");
  if (!v.ok()) return v.status();
  return static_cast<int>(*v);
}

Status migrate(const SqliteDb& db, std::span<const Migration> migrations) {
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  for (size_t i = 0; i < migrations.size(); ++i) {
    const Migration& m = migrations[i];
    if (m.version != static_cast<int>(i) + 1)
      return error("internal error: migration %d is listed at position %zu", m.version, i + 1);
  }
  // Cheap check outside a transaction first, so an up-to-date database (the usual case, and any reader)
  // never takes the write lock.
  Result<int> current = schema_version(db);
  if (!current.ok()) return current.status();
  if (*current > latest)
    return error("schema version %d is newer than this edgebench supports (%d); upgrade edgebench",
                 *current, latest);
  for (const Migration& m : migrations) {
    if (m.version <= *current) continue;
    Result<Transaction> tx = Transaction::begin(db);
    if (!tx.ok()) return tx.status().with_context(strfmt("migration %d: ", m.version));
    // Another process may have migrated while we waited for the lock.
    Result<int> now = schema_version(db);
    if (!now.ok()) return now.status();
    if (*now >= m.version) {
      *current = *now;
      continue;  // tx rolls back an empty transaction
    }
    if (*now != m.version - 1)
      return error("schema version %d cannot take migration %d", *now, m.version);
    Status s = db.exec(m.sql);
    if (!s.ok()) return s.with_context(strfmt("migration %d (%s): ", m.version, m.summary));
    // PRAGMA takes no bound parameters; the value is our own integer.
    s = db.exec(strfmt("PRAGMA user_version = %d", m.version).c_str());
    if (!s.ok()) return s.with_context(strfmt("migration %d: ", m.version));
    s = tx->commit();
    if (!s.ok()) return s.with_context(strfmt("migration %d: ", m.version));
    *current = m.version;
  }
  return Status();
}

}  // namespace eb::store

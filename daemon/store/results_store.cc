#include "daemon/store/results_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "daemon/store/schema.h"
#include "daemon/store/store_paths.h"
#include "daemon/store/writer_identity.h"

namespace eb::store {
namespace {

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

bool is_fraction(double v) { return v >= 0 && v <= 1; }  // false for NaN

Status validate(const Measurement& m) {
  if (m.variant.empty()) return error("the variant label is empty");
  if (m.engine.empty()) return error("the engine name is empty");
  if (m.threads < 1) return error("threads must be >= 1, got %lld", static_cast<long long>(m.threads));
  for (size_t i = 0; i < m.samples_ms.size(); ++i)
    if (!std::isfinite(m.samples_ms[i]) || m.samples_ms[i] < 0)
      return error("latency sample %zu is %g, not a time in ms", i, m.samples_ms[i]);
  if (m.accuracy) {
    const LabelAccuracy& a = *m.accuracy;
    if (a.num_images < 0) return error("num_images is negative");
    if (!is_fraction(a.top1)) return error("top1 must be a fraction in [0, 1], got %g", a.top1);
    if (a.top5 && !is_fraction(*a.top5)) return error("top5 must be a fraction in [0, 1], got %g", *a.top5);
    for (const ClassAccuracy& c : a.per_class)
      if (c.correct < 0 || c.total < c.correct)
        return error("class %lld: correct %lld of total %lld is impossible", static_cast<long long>(c.class_index),
                     static_cast<long long>(c.correct), static_cast<long long>(c.total));
    for (const ConfusionCell& c : a.confusion)
      if (c.count < 0) return error("negative confusion count");
  }
  if (m.detection) {
    const DetectionAccuracy& d = *m.detection;
    if (d.num_images < 0) return error("detection: the number of images is negative");
    for (double v : {d.map50, d.map50_95, d.precision.value_or(0), d.recall.value_or(0)})
      if (!is_fraction(v)) return error("detection: mAP, precision and recall must be fractions in [0, 1], got %g", v);
    for (const ClassAveragePrecision& c : d.per_class)
      if (!is_fraction(c.ap50) || !is_fraction(c.ap50_95) || c.ground_truths < 0)
        return error("detection: class %lld: AP %g / %g of %lld boxes is impossible",
                     static_cast<long long>(c.class_index), c.ap50, c.ap50_95, static_cast<long long>(c.ground_truths));
  }
  if (m.detection_drift) {
    const DetectionDrift& d = *m.detection_drift;
    if (!is_fraction(d.map50) || !is_fraction(d.map50_95))
      return error("detection against the reference: mAP must be a fraction in [0, 1], got %g / %g", d.map50,
                   d.map50_95);
    if (d.boxes_gained < 0 || d.boxes_lost < 0 || d.reference_boxes < 0)
      return error("detection against the reference: negative box counts");
  }
  if (m.drift && !is_fraction(m.drift->agreement_top1))
    return error("agreement_top1 must be a fraction in [0, 1], got %g", m.drift->agreement_top1);
  for (const OpProfileRow& op : m.op_profile)
    if (!std::isfinite(op.total_ms))
      return error("op profile node %lld: total_ms is %g", static_cast<long long>(op.node_index), op.total_ms);
  for (const DeviceSample& d : m.device_samples)
    if (!std::isfinite(d.elapsed_ms)) return error("device sample time is %g", d.elapsed_ms);
  return Status();
}

constexpr const char* kInsertMeasurement = R"sql(
INSERT INTO measurements (
  run_id, started_utc, duration_ms, model_group, variant, model_path, file_size_bytes, compression_ratio,
  is_reference, engine, isa, threads, load_ms, first_ms,
  latency_min_ms, latency_mean_ms, latency_std_ms, latency_p50_ms, latency_p90_ms, latency_p99_ms,
  latency_max_ms, throughput_ips, peak_rss_bytes, model_memory_bytes, baseline_rss_bytes, load_rss_bytes,
  first_rss_bytes, rss_increase_bytes, arena_bytes, scratch_bytes, minor_faults, major_faults, cpu_affinity, cpu,
  cpu_freq_mhz, throttled, num_images, top1, top5, agreement_top1, mse, mae, max_abs_diff, error,
  det_images, map50, map50_95, det_precision, det_recall, map50_vs_ref, map50_95_vs_ref, boxes_gained, boxes_lost,
  reference_boxes)
VALUES (
  :run_id, :started_utc, :duration_ms, :model_group, :variant, :model_path, :file_size_bytes,
  :compression_ratio, :is_reference, :engine, :isa, :threads, :load_ms, :first_ms,
  :latency_min_ms, :latency_mean_ms, :latency_std_ms, :latency_p50_ms, :latency_p90_ms, :latency_p99_ms,
  :latency_max_ms, :throughput_ips, :peak_rss_bytes, :model_memory_bytes, :baseline_rss_bytes, :load_rss_bytes,
  :first_rss_bytes, :rss_increase_bytes, :arena_bytes, :scratch_bytes, :minor_faults, :major_faults, :cpu_affinity,
  :cpu, :cpu_freq_mhz, :throttled, :num_images, :top1, :top5, :agreement_top1, :mse, :mae, :max_abs_diff,
  :error, :det_images, :map50, :map50_95, :det_precision, :det_recall, :map50_vs_ref, :map50_95_vs_ref,
  :boxes_gained, :boxes_lost, :reference_boxes))sql";

Result<int64_t> insert_measurement_row(const SqliteDb& db, int64_t run_id, const std::string& model_group,
                                       const Measurement& m) {
  Result<Statement> st = Statement::prepare(db, kInsertMeasurement);
  if (!st.ok()) return st.status();
  Statement& s = *st;
  s.bind_int(":run_id", run_id)
      .bind_text(":started_utc", m.started_utc.empty() ? utc_now_iso8601() : m.started_utc)
      .bind_opt_double(":duration_ms", m.duration_ms)
      .bind_text(":model_group", model_group)
      .bind_text(":variant", m.variant)
      .bind_text(":model_path", m.model_path)
      .bind_opt_int(":file_size_bytes", m.file_size_bytes)
      .bind_opt_double(":compression_ratio", m.compression_ratio)
      .bind_bool(":is_reference", m.is_reference)
      .bind_text(":engine", m.engine)
      .bind_text(":isa", m.isa)
      .bind_int(":threads", m.threads)
      .bind_opt_double(":load_ms", m.load_ms)
      .bind_opt_double(":first_ms", m.first_ms)
      .bind_opt_double(":throughput_ips", m.throughput_ips)
      .bind_opt_int(":peak_rss_bytes", m.peak_rss_bytes)
      .bind_opt_int(":model_memory_bytes", m.model_memory_bytes)
      .bind_opt_int(":baseline_rss_bytes", m.baseline_rss_bytes)
      .bind_opt_int(":load_rss_bytes", m.load_rss_bytes)
      .bind_opt_int(":first_rss_bytes", m.first_rss_bytes)
      .bind_opt_int(":rss_increase_bytes", m.rss_increase_bytes)
      .bind_opt_int(":arena_bytes", m.arena_bytes)
      .bind_opt_int(":scratch_bytes", m.scratch_bytes)
      .bind_opt_int(":minor_faults", m.minor_faults)
      .bind_opt_int(":major_faults", m.major_faults)
      .bind_opt_text(":cpu_affinity", m.cpu_affinity)
      .bind_opt_int(":cpu", m.cpu)
      .bind_opt_double(":cpu_freq_mhz", m.cpu_freq_mhz)
      .bind_opt_bool(":throttled", m.throttled)
      .bind_opt_text(":error", m.error);
  const auto lat = [&](double LatencySummaryMs::*field) -> std::optional<double> {
    if (!m.latency) return std::nullopt;
    return (*m.latency).*field;
  };
  s.bind_opt_double(":latency_min_ms", lat(&LatencySummaryMs::min))
      .bind_opt_double(":latency_mean_ms", lat(&LatencySummaryMs::mean))
      .bind_opt_double(":latency_std_ms", lat(&LatencySummaryMs::std))
      .bind_opt_double(":latency_p50_ms", lat(&LatencySummaryMs::p50))
      .bind_opt_double(":latency_p90_ms", lat(&LatencySummaryMs::p90))
      .bind_opt_double(":latency_p99_ms", lat(&LatencySummaryMs::p99))
      .bind_opt_double(":latency_max_ms", lat(&LatencySummaryMs::max));
  if (m.accuracy) {
    s.bind_int(":num_images", m.accuracy->num_images)
        .bind_double(":top1", m.accuracy->top1)
        .bind_opt_double(":top5", m.accuracy->top5);
  } else {
    s.bind_null(":num_images").bind_null(":top1").bind_null(":top5");
  }
  if (m.drift) {
    s.bind_double(":agreement_top1", m.drift->agreement_top1)
        .bind_double(":mse", m.drift->mse)
        .bind_double(":mae", m.drift->mae)
        .bind_double(":max_abs_diff", m.drift->max_abs_diff);
  } else {
    s.bind_null(":agreement_top1").bind_null(":mse").bind_null(":mae").bind_null(":max_abs_diff");
  }
  if (m.detection) {
    s.bind_int(":det_images", m.detection->num_images)
        .bind_double(":map50", m.detection->map50)
        .bind_double(":map50_95", m.detection->map50_95)
        .bind_opt_double(":det_precision", m.detection->precision)
        .bind_opt_double(":det_recall", m.detection->recall);
  } else {
    s.bind_null(":det_images").bind_null(":map50").bind_null(":map50_95").bind_null(":det_precision").bind_null(
        ":det_recall");
  }
  if (m.detection_drift) {
    s.bind_double(":map50_vs_ref", m.detection_drift->map50)
        .bind_double(":map50_95_vs_ref", m.detection_drift->map50_95)
        .bind_int(":boxes_gained", m.detection_drift->boxes_gained)
        .bind_int(":boxes_lost", m.detection_drift->boxes_lost)
        .bind_int(":reference_boxes", m.detection_drift->reference_boxes);
  } else {
    s.bind_null(":map50_vs_ref").bind_null(":map50_95_vs_ref").bind_null(":boxes_gained").bind_null(":boxes_lost").bind_null(
        ":reference_boxes");
  }
  EB_RETURN_IF_ERROR(s.run());
  return db.last_insert_rowid();
}

// Inserts one row per element of `items` with one reused statement; `bind` fills row i.
template <typename T, typename Bind>
Status insert_rows(const SqliteDb& db, const char* sql, const std::vector<T>& items, Bind bind) {
  if (items.empty()) return Status();
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st.ok()) return st.status();
  for (size_t i = 0; i < items.size(); ++i) {
    st->reset();
    bind(*st, static_cast<int64_t>(i), items[i]);
    EB_RETURN_IF_ERROR(st->run());
  }
  return Status();
}

Status insert_detail_rows(const SqliteDb& db, int64_t id, const Measurement& m) {
  EB_RETURN_IF_ERROR(insert_rows(
      db, "INSERT INTO latency_samples (measurement_id, seq, latency_ms) VALUES (:id, :seq, :ms)", m.samples_ms,
      [id](Statement& s, int64_t i, double ms) { s.bind_int(":id", id).bind_int(":seq", i).bind_double(":ms", ms); }));
  if (m.accuracy) {
    EB_RETURN_IF_ERROR(insert_rows(db,
                                   "INSERT INTO class_accuracy (measurement_id, class_index, label, correct, total) "
                                   "VALUES (:id, :class_index, :label, :correct, :total)",
                                   m.accuracy->per_class, [id](Statement& s, int64_t, const ClassAccuracy& c) {
                                     s.bind_int(":id", id)
                                         .bind_int(":class_index", c.class_index)
                                         .bind_text(":label", c.label)
                                         .bind_int(":correct", c.correct)
                                         .bind_int(":total", c.total);
                                   }));
    EB_RETURN_IF_ERROR(insert_rows(db,
                                   "INSERT INTO confusion_counts (measurement_id, true_class, predicted_class, count) "
                                   "VALUES (:id, :true_class, :predicted_class, :count)",
                                   m.accuracy->confusion, [id](Statement& s, int64_t, const ConfusionCell& c) {
                                     s.bind_int(":id", id)
                                         .bind_int(":true_class", c.true_class)
                                         .bind_int(":predicted_class", c.predicted_class)
                                         .bind_int(":count", c.count);
                                   }));
  }
  if (m.detection) {
    EB_RETURN_IF_ERROR(insert_rows(db,
                                   "INSERT INTO class_ap (measurement_id, class_index, label, ground_truths, ap50, "
                                   "ap50_95) VALUES (:id, :class_index, :label, :ground_truths, :ap50, :ap50_95)",
                                   m.detection->per_class, [id](Statement& s, int64_t, const ClassAveragePrecision& c) {
                                     s.bind_int(":id", id)
                                         .bind_int(":class_index", c.class_index)
                                         .bind_text(":label", c.label)
                                         .bind_int(":ground_truths", c.ground_truths)
                                         .bind_double(":ap50", c.ap50)
                                         .bind_double(":ap50_95", c.ap50_95);
                                   }));
  }
  EB_RETURN_IF_ERROR(insert_rows(db,
                                 "INSERT INTO op_profile (measurement_id, node_index, op_type, total_ms) "
                                 "VALUES (:id, :node_index, :op_type, :total_ms)",
                                 m.op_profile, [id](Statement& s, int64_t, const OpProfileRow& op) {
                                   s.bind_int(":id", id)
                                       .bind_int(":node_index", op.node_index)
                                       .bind_text(":op_type", op.op_type)
                                       .bind_double(":total_ms", op.total_ms);
                                 }));
  return insert_rows(db,
                     "INSERT INTO device_samples (measurement_id, seq, elapsed_ms, utc, cpu_temp_c, cpu_freq_mhz) "
                     "VALUES (:id, :seq, :elapsed_ms, :utc, :cpu_temp_c, :cpu_freq_mhz)",
                     m.device_samples, [id](Statement& s, int64_t i, const DeviceSample& d) {
                       s.bind_int(":id", id)
                           .bind_int(":seq", i)
                           .bind_double(":elapsed_ms", d.elapsed_ms)
                           .bind_text(":utc", d.utc)
                           .bind_opt_double(":cpu_temp_c", d.cpu_temp_c)
                           .bind_opt_double(":cpu_freq_mhz", d.cpu_freq_mhz);
                     });
}

// Refuses to put our schema into somebody else's database, or to read one that is not ours.
Status check_database_identity(const SqliteDb& db, bool read_only) {
  Result<int> version = schema_version(db);
  if (!version.ok()) return version.status();
  if (*version == 0) {
    Result<int64_t> objects = db.query_int("SELECT count(*) FROM sqlite_schema");
    if (!objects.ok()) return objects.status();
    if (*objects > 0) return error("the file is an SQLite database of another application; refusing to use it");
    if (read_only) return error("the database is empty (no run has been stored yet)");
    return Status();
  }
  Result<int64_t> app = db.query_int("PRAGMA application_id");
  if (!app.ok()) return app.status();
  if (*app != kResultsApplicationId)
    return error("the file is an SQLite database of another application (application_id %lld)",
                 static_cast<long long>(*app));
  if (read_only && *version < latest_schema_version())
    return error("schema version %d is older than this edgebench (%d); open it once read-write to migrate", *version,
                 latest_schema_version());
  if (*version > latest_schema_version())
    return error("schema version %d is newer than this edgebench supports (%d); upgrade edgebench", *version,
                 latest_schema_version());
  return Status();
}

}  // namespace

std::string utc_now_iso8601() { return utc_iso8601(std::chrono::system_clock::now()); }

std::string utc_iso8601(std::chrono::system_clock::time_point now) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  return strfmt("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
}

Result<ResultsStore> ResultsStore::open(const std::string& path, const OpenOptions& options) {
  const auto fail = [&](const Status& s) {
    return Status::error(strfmt("results database '%s': ", path.c_str()) + s.message());
  };
  if (options.read_only) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
      return error("no results database at '%s' (nothing has been stored there yet)", path.c_str());
  } else {
    EB_RETURN_IF_ERROR(ensure_parent_directory(path));
  }
  SqliteDb::Mode mode = options.read_only ? SqliteDb::Mode::kReadOnly : SqliteDb::Mode::kReadWriteCreate;
  if (options.read_only) {
    // A reader of a WAL database needs its -shm file; with no writer holding the database open (no -wal
    // file) and a directory it cannot write (the service's /var/lib/edgebench, read by a user), SQLite
    // cannot create it and fails with SQLITE_READONLY. Nothing can change the file then: open it immutable.
    std::error_code ec;
    const std::filesystem::path parent = std::filesystem::path(path).parent_path();
    const std::string dir = parent.empty() ? "." : parent.string();
    if (access(dir.c_str(), W_OK) != 0 && !std::filesystem::exists(path + "-wal", ec))
      mode = SqliteDb::Mode::kReadOnlyImmutable;
  }
  Result<SqliteDb> db = SqliteDb::open(path, mode);
  if (!db.ok()) return db.status();
  sqlite3_busy_timeout(db->raw(), options.busy_timeout_ms);

  // The first statement reads the header: a file that is not a database fails here.
  Status s = db->exec("PRAGMA foreign_keys = ON");
  if (s.ok()) {
    Result<int64_t> fk = db->query_int("PRAGMA foreign_keys");
    if (!fk.ok())
      s = fk.status();
    else if (*fk != 1)
      s = error("this SQLite build cannot enforce foreign keys");
  }
  if (s.ok() && options.max_page_count > 0)
    s = db->exec(strfmt("PRAGMA max_page_count = %lld", static_cast<long long>(options.max_page_count)).c_str());
  if (s.ok()) s = check_database_identity(*db, options.read_only);
  if (s.ok() && !options.read_only) {
    Result<std::string> mode = db->query_text("PRAGMA journal_mode = WAL");
    if (!mode.ok())
      s = mode.status();
    else if (*mode != "wal")
      s = error("cannot switch to WAL mode (journal mode stays '%s')", mode->c_str());
  }
  // Each committed measurement survives a power cut (the Pi's usual way of stopping).
  if (s.ok() && !options.read_only) s = db->exec("PRAGMA synchronous = FULL");
  if (s.ok() && !options.read_only) s = migrate_to_latest(*db);
  if (!s.ok()) return fail(s);

  ResultsStore store(std::move(*db), options);
  if (!options.read_only && options.mark_stale_runs) {
    Result<int> marked = store.mark_stale_runs_interrupted();
    if (!marked.ok()) return marked.status();
  }
  return store;
}

ResultsStore::ResultsStore(SqliteDb db, const OpenOptions& options)
    : db_(std::move(db)), options_(options), writer_(current_writer_identity()) {}

ResultsStore::ResultsStore(ResultsStore&& other) noexcept
    : db_(std::move(other.db_)),
      options_(other.options_),
      writer_(std::move(other.writer_)),
      open_runs_(std::move(other.open_runs_)) {
  other.open_runs_.clear();
}

ResultsStore& ResultsStore::operator=(ResultsStore&& other) noexcept {
  if (this != &other) {
    interrupt_open_runs();
    db_ = std::move(other.db_);
    options_ = other.options_;
    writer_ = std::move(other.writer_);
    open_runs_ = std::move(other.open_runs_);
    other.open_runs_.clear();
  }
  return *this;
}

ResultsStore::~ResultsStore() { interrupt_open_runs(); }

void ResultsStore::interrupt_open_runs() {
  if (db_.raw() == nullptr || open_runs_.empty()) return;
  Result<Statement> st = Statement::prepare(
      db_,
      "UPDATE runs SET status = 'interrupted', error = :error, finished_utc = :now, duration_ms = :ms "
      "WHERE id = :id AND status = 'running'");
  if (st.ok()) {
    for (const auto& [run_id, started] : open_runs_) {
      st->reset();
      st->bind_text(":error", "the results store was closed before the run finished")
          .bind_text(":now", utc_now_iso8601())
          .bind_double(":ms", ms_since(started))
          .bind_int(":id", run_id);
      (void)st->run();  // best effort: a run left 'running' is marked by the next open instead
    }
  }
  open_runs_.clear();
}

Status ResultsStore::in_db(const Status& status, const std::string& what) const {
  if (status.ok()) return status;
  return Status::error(strfmt("results database '%s': %s: ", path().c_str(), what.c_str()) + status.message());
}

Status ResultsStore::writable(const char* what) const {
  if (!options_.read_only) return Status();
  return error("results database '%s': cannot %s: the store was opened read-only", path().c_str(), what);
}

Result<int> ResultsStore::schema_version() const { return eb::store::schema_version(db_); }

Result<int64_t> ResultsStore::begin_run(const RunInfo& info) {
  const char* what = "cannot record the start of a run";
  EB_RETURN_IF_ERROR(writable("record the start of a run"));
  if (info.model_group.empty()) return in_db(error("the model group is empty"), what);
  Result<Statement> st = Statement::prepare(db_, R"sql(
      INSERT INTO runs (status, started_utc, model_group, edgebench_version, git_hash, config_text,
                        device_name, hostname, cpu_model, cpu_cores, isa, kernel, governor, throttled,
                        writer_pid, writer_boot_id, writer_start_ticks)
      VALUES ('running', :started_utc, :model_group, :version, :git_hash, :config_text,
              :device_name, :hostname, :cpu_model, :cpu_cores, :isa, :kernel, :governor, :throttled,
              :pid, :boot_id, :start_ticks))sql");
  if (!st.ok()) return in_db(st.status(), what);
  const DeviceState& d = info.device;
  st->bind_text(":started_utc", utc_now_iso8601())
      .bind_text(":model_group", info.model_group)
      .bind_text(":version", info.edgebench_version)
      .bind_text(":git_hash", info.git_hash)
      .bind_multiline_text(":config_text", info.config_text)
      .bind_text(":device_name", d.device_name)
      .bind_text(":hostname", d.hostname)
      .bind_text(":cpu_model", d.cpu_model)
      .bind_opt_int(":cpu_cores", d.cpu_cores)
      .bind_text(":isa", d.isa)
      .bind_text(":kernel", d.kernel)
      .bind_text(":governor", d.governor)
      .bind_opt_bool(":throttled", d.throttled)
      .bind_int(":pid", writer_.pid)
      .bind_text(":boot_id", writer_.boot_id)
      .bind_int(":start_ticks", writer_.start_ticks);
  const auto started = std::chrono::steady_clock::now();
  Status s = st->run();
  if (!s.ok()) return in_db(s, what);
  const int64_t id = db_.last_insert_rowid();
  open_runs_[id] = started;
  return id;
}

Status ResultsStore::finish_run(int64_t run_id, RunStatus status, const std::string& error_text) {
  const std::string what = strfmt("cannot finish run %lld", static_cast<long long>(run_id));
  EB_RETURN_IF_ERROR(writable("finish a run"));
  if (status == RunStatus::kRunning) return in_db(error("a run cannot finish as 'running'"), what);
  Result<Statement> st =
      Statement::prepare(db_,
                         "UPDATE runs SET status = :status, error = :error, finished_utc = :now, duration_ms = :ms "
                         "WHERE id = :id AND status = 'running'");
  if (!st.ok()) return in_db(st.status(), what);
  const auto open = open_runs_.find(run_id);
  st->bind_text(":status", to_string(status))
      .bind_opt_text(":error", error_text.empty() ? std::nullopt : std::optional<std::string>(error_text))
      .bind_text(":now", utc_now_iso8601())
      .bind_opt_double(":ms", open != open_runs_.end() ? std::optional<double>(ms_since(open->second)) : std::nullopt)
      .bind_int(":id", run_id);
  Status s = st->run();
  if (!s.ok()) return in_db(s, what);
  if (db_.changes() == 0) {
    Result<Statement> q = Statement::prepare(db_, "SELECT status FROM runs WHERE id = :id");
    if (!q.ok()) return in_db(q.status(), what);
    q->bind_int(":id", run_id);
    Result<bool> row = q->step();
    if (!row.ok()) return in_db(row.status(), what);
    if (!*row) return in_db(error("no such run"), what);
    return in_db(error("the run is already '%s'", q->col_text("status").c_str()), what);
  }
  if (open != open_runs_.end()) open_runs_.erase(open);
  return Status();
}

Result<int64_t> ResultsStore::add_measurement(int64_t run_id, const Measurement& m) {
  const std::string what =
      strfmt("cannot store measurement '%s' (%s, %lld thread%s) of run %lld", m.variant.c_str(), m.engine.c_str(),
             static_cast<long long>(m.threads), m.threads == 1 ? "" : "s", static_cast<long long>(run_id));
  EB_RETURN_IF_ERROR(writable("store a measurement"));
  EB_RETURN_IF_ERROR(in_db(validate(m), what));

  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx.ok()) return in_db(tx.status(), what);
  Result<Statement> run = Statement::prepare(db_, "SELECT status, model_group FROM runs WHERE id = :id");
  if (!run.ok()) return in_db(run.status(), what);
  run->bind_int(":id", run_id);
  Result<bool> found = run->step();
  if (!found.ok()) return in_db(found.status(), what);
  if (!*found) return in_db(error("no such run"), what);
  const std::string status = run->col_text("status");
  if (status != "running") return in_db(error("the run is '%s', not running", status.c_str()), what);
  const std::string model_group = m.model_group.empty() ? run->col_text("model_group") : m.model_group;
  run->reset();

  Result<int64_t> id = insert_measurement_row(db_, run_id, model_group, m);
  if (!id.ok()) return in_db(id.status(), what);
  Status s = insert_detail_rows(db_, *id, m);
  if (s.ok()) s = tx->commit();
  if (!s.ok()) return in_db(s, what);  // tx's destructor rolls everything back
  return *id;
}

Result<int> ResultsStore::mark_stale_runs_interrupted() {
  const char* what = "cannot check for interrupted runs";
  EB_RETURN_IF_ERROR(writable("mark interrupted runs"));
  // Liveness is decided from a plain read, without the write lock: while a daemon is running (the usual
  // case when `edgebench query` opens the database) nothing needs writing, so nothing waits for its lock.
  struct Stale {
    int64_t id;
    WriterIdentity writer;
  };
  std::vector<Stale> stale;
  {
    Result<Statement> q = Statement::prepare(
        db_, "SELECT id, writer_pid, writer_boot_id, writer_start_ticks FROM runs WHERE status = 'running'");
    if (!q.ok()) return in_db(q.status(), what);
    for (;;) {
      Result<bool> row = q->step();
      if (!row.ok()) return in_db(row.status(), what);
      if (!*row) break;
      WriterIdentity w;
      w.pid = q->col_int("writer_pid");
      w.boot_id = q->col_text("writer_boot_id");
      w.start_ticks = q->col_int("writer_start_ticks");
      if (!writer_is_alive(w)) stale.push_back({q->col_int("id"), std::move(w)});
    }
  }
  if (stale.empty()) return 0;

  Result<Transaction> tx = Transaction::begin(db_);
  if (!tx.ok()) return in_db(tx.status(), what);
  Result<Statement> update =
      Statement::prepare(db_,
                         "UPDATE runs SET status = 'interrupted', error = :error WHERE id = :id AND status = 'running' "
                         "AND writer_pid = :pid AND writer_boot_id = :boot_id AND writer_start_ticks = :start_ticks");
  if (!update.ok()) return in_db(update.status(), what);
  const std::string now = utc_now_iso8601();
  int marked = 0;
  for (const Stale& run : stale) {
    update->reset();
    update->bind_int(":id", run.id)
        .bind_int(":pid", run.writer.pid)
        .bind_text(":boot_id", run.writer.boot_id)
        .bind_int(":start_ticks", run.writer.start_ticks)
        .bind_text(":error", strfmt("interrupted: the writing process (pid %lld) ended without finishing the "
                                    "run (found at %s)",
                                    static_cast<long long>(run.writer.pid), now.c_str()));
    Status s = update->run();
    if (!s.ok()) return in_db(s, what);
    marked += static_cast<int>(db_.changes());  // 0 if another process got there first
  }
  Status s = tx->commit();
  if (!s.ok()) return in_db(s, what);
  return marked;
}

}  // namespace eb::store

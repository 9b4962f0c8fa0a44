#include "daemon/store/queries.h"

#include <algorithm>
#include <limits>
#include <tuple>

#include "daemon/store/sqlite_db.h"

namespace eb::store {
namespace {

Status in_db(const ResultsStore& store, const Status& status, const std::string& what) {
  if (status.ok()) return status;
  return Status::error(strfmt("results database '%s': %s: ", store.path().c_str(), what.c_str()) + status.message());
}

// A consistent view across several SELECTs while a writer commits (WAL snapshot); nests by doing nothing
// when a transaction is already open.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(const SqliteDb& db) : db_(db) { began_ = !db.in_transaction() && db.exec("BEGIN").ok(); }
  ~ReadSnapshot() {
    if (began_ && db_.in_transaction()) (void)db_.exec("COMMIT");
  }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  const SqliteDb& db_;
  bool began_ = false;
};

// ---- runs ----

Result<RunRecord> read_run(const Statement& s) {
  RunRecord r;
  r.id = s.col_int("id");
  const std::string status = s.col_text("status");
  const std::optional<RunStatus> parsed = parse_run_status(status);
  if (!parsed) return error("run %lld has an unknown status '%s'", static_cast<long long>(r.id), status.c_str());
  r.status = *parsed;
  r.error = s.col_opt_text("error");
  r.started_utc = s.col_text("started_utc");
  r.finished_utc = s.col_opt_text("finished_utc");
  r.duration_ms = s.col_opt_double("duration_ms");
  r.info.model_group = s.col_text("model_group");
  r.info.edgebench_version = s.col_text("edgebench_version");
  r.info.git_hash = s.col_text("git_hash");
  r.info.config_text = s.col_text("config_text");
  DeviceState& d = r.info.device;
  d.device_name = s.col_text("device_name");
  d.hostname = s.col_text("hostname");
  d.cpu_model = s.col_text("cpu_model");
  d.cpu_cores = s.col_opt_int("cpu_cores");
  d.isa = s.col_text("isa");
  d.kernel = s.col_text("kernel");
  d.governor = s.col_text("governor");
  d.throttled = s.col_opt_bool("throttled");
  r.writer.pid = s.col_int("writer_pid");
  r.writer.boot_id = s.col_text("writer_boot_id");
  r.writer.start_ticks = s.col_int("writer_start_ticks");
  return r;
}

// Validates a --since value with SQLite's own date parser (the one the filter uses).
Status check_timestamp(const ResultsStore& store, const std::string& text) {
  Result<Statement> st = Statement::prepare(store.db(), "SELECT julianday(:t) IS NOT NULL AS valid");
  if (!st.ok()) return st.status();
  st->bind_text(":t", text);
  Result<bool> row = st->step();
  if (!row.ok()) return row.status();
  if (!*row || !st->col_bool("valid"))
    return error("'%s' is not an ISO-8601 date or time (e.g. 2024-05-01 or 2024-05-01T08:00:00Z)", text.c_str());
  return Status();
}

// ---- measurements ----

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

StoredMeasurement read_measurement_row(const Statement& s) {
  StoredMeasurement sm;
  sm.id = s.col_int("id");
  sm.run_id = s.col_int("run_id");
  Measurement& m = sm.measurement;
  m.model_group = s.col_text("model_group");
  m.variant = s.col_text("variant");
  m.model_path = s.col_text("model_path");
  m.file_size_bytes = s.col_opt_int("file_size_bytes");
  m.compression_ratio = s.col_opt_double("compression_ratio");
  m.is_reference = s.col_bool("is_reference");
  m.engine = s.col_text("engine");
  m.isa = s.col_text("isa");
  m.threads = s.col_int("threads");
  m.started_utc = s.col_text("started_utc");
  m.duration_ms = s.col_opt_double("duration_ms");
  m.load_ms = s.col_opt_double("load_ms");
  m.first_ms = s.col_opt_double("first_ms");
  if (!s.is_null("latency_p50_ms")) {
    LatencySummaryMs l;
    // A NaN written into a summary field comes back as NaN (SQLite stored it as NULL).
    const auto v = [&](const char* c) { return s.col_opt_double(c).value_or(kNaN); };
    l.min = v("latency_min_ms");
    l.mean = v("latency_mean_ms");
    l.std = v("latency_std_ms");
    l.p50 = v("latency_p50_ms");
    l.p90 = v("latency_p90_ms");
    l.p99 = v("latency_p99_ms");
    l.max = v("latency_max_ms");
    m.latency = l;
  }
  m.throughput_ips = s.col_opt_double("throughput_ips");
  m.peak_rss_bytes = s.col_opt_int("peak_rss_bytes");
  m.model_memory_bytes = s.col_opt_int("model_memory_bytes");
  m.baseline_rss_bytes = s.col_opt_int("baseline_rss_bytes");
  m.load_rss_bytes = s.col_opt_int("load_rss_bytes");
  m.first_rss_bytes = s.col_opt_int("first_rss_bytes");
  m.rss_increase_bytes = s.col_opt_int("rss_increase_bytes");
  m.arena_bytes = s.col_opt_int("arena_bytes");
  m.scratch_bytes = s.col_opt_int("scratch_bytes");
  m.minor_faults = s.col_opt_int("minor_faults");
  m.major_faults = s.col_opt_int("major_faults");
  m.cpu_affinity = s.col_opt_text("cpu_affinity");
  m.cpu = s.col_opt_int("cpu");
  m.cpu_freq_mhz = s.col_opt_double("cpu_freq_mhz");
  m.throttled = s.col_opt_bool("throttled");
  if (!s.is_null("num_images")) {
    LabelAccuracy a;
    a.num_images = s.col_int("num_images");
    a.top1 = s.col_double("top1");
    a.top5 = s.col_opt_double("top5");
    m.accuracy = a;
  }
  if (!s.is_null("agreement_top1")) {
    ReferenceDrift d;
    d.agreement_top1 = s.col_double("agreement_top1");
    d.mse = s.col_opt_double("mse").value_or(kNaN);
    d.mae = s.col_opt_double("mae").value_or(kNaN);
    d.max_abs_diff = s.col_opt_double("max_abs_diff").value_or(kNaN);
    m.drift = d;
  }
  if (!s.is_null("map50")) {
    DetectionAccuracy d;
    d.num_images = s.col_opt_int("det_images").value_or(0);
    d.map50 = s.col_double("map50");
    d.map50_95 = s.col_opt_double("map50_95").value_or(kNaN);
    d.precision = s.col_opt_double("det_precision");
    d.recall = s.col_opt_double("det_recall");
    m.detection = d;
  }
  if (!s.is_null("map50_vs_ref")) {
    DetectionDrift d;
    d.map50 = s.col_double("map50_vs_ref");
    d.map50_95 = s.col_opt_double("map50_95_vs_ref").value_or(kNaN);
    d.boxes_gained = s.col_opt_int("boxes_gained").value_or(0);
    d.boxes_lost = s.col_opt_int("boxes_lost").value_or(0);
    d.reference_boxes = s.col_opt_int("reference_boxes").value_or(0);
    m.detection_drift = d;
  }
  m.error = s.col_opt_text("error");
  return sm;
}

// Runs `sql` (with :id bound to a measurement id) and hands each row to `read`.
template <typename Read>
Status for_each_row(const SqliteDb& db, const char* sql, int64_t id, Read read) {
  Result<Statement> st = Statement::prepare(db, sql);
  if (!st.ok()) return st.status();
  st->bind_int(":id", id);
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status();
    read(*st);
  }
}

Status read_measurement_details(const SqliteDb& db, StoredMeasurement& sm) {
  Measurement& m = sm.measurement;
  EB_RETURN_IF_ERROR(for_each_row(db, "SELECT latency_ms FROM latency_samples WHERE measurement_id = :id ORDER BY seq",
                                  sm.id, [&](const Statement& s) { m.samples_ms.push_back(s.col_double(0)); }));
  if (m.accuracy) {
    EB_RETURN_IF_ERROR(for_each_row(
        db,
        "SELECT class_index, label, correct, total FROM class_accuracy WHERE measurement_id = :id "
        "ORDER BY class_index",
        sm.id, [&](const Statement& s) {
          m.accuracy->per_class.push_back(
              {s.col_int("class_index"), s.col_text("label"), s.col_int("correct"), s.col_int("total")});
        }));
    EB_RETURN_IF_ERROR(for_each_row(
        db,
        "SELECT true_class, predicted_class, count FROM confusion_counts WHERE measurement_id = :id "
        "ORDER BY true_class, predicted_class",
        sm.id, [&](const Statement& s) {
          m.accuracy->confusion.push_back(
              {s.col_int("true_class"), s.col_int("predicted_class"), s.col_int("count")});
        }));
  }
  if (m.detection) {
    EB_RETURN_IF_ERROR(for_each_row(
        db,
        "SELECT class_index, label, ground_truths, ap50, ap50_95 FROM class_ap WHERE measurement_id = :id "
        "ORDER BY class_index",
        sm.id, [&](const Statement& s) {
          m.detection->per_class.push_back({s.col_int("class_index"), s.col_text("label"), s.col_int("ground_truths"),
                                            s.col_double("ap50"), s.col_double("ap50_95")});
        }));
  }
  EB_RETURN_IF_ERROR(for_each_row(
      db, "SELECT node_index, op_type, total_ms FROM op_profile WHERE measurement_id = :id ORDER BY node_index",
      sm.id, [&](const Statement& s) {
        m.op_profile.push_back({s.col_int("node_index"), s.col_text("op_type"), s.col_double("total_ms")});
      }));
  return for_each_row(
      db,
      "SELECT elapsed_ms, utc, cpu_temp_c, cpu_freq_mhz FROM device_samples WHERE measurement_id = :id "
      "ORDER BY seq",
      sm.id, [&](const Statement& s) {
        m.device_samples.push_back({s.col_double("elapsed_ms"), s.col_text("utc"), s.col_opt_double("cpu_temp_c"),
                                    s.col_opt_double("cpu_freq_mhz")});
      });
}

// ---- compare ----

CompareRow read_compare_row(const Statement& s) {
  CompareRow r;
  r.device = s.col_text("device_name");
  if (r.device.empty()) r.device = s.col_text("hostname");
  r.run_id = s.col_int("run_id");
  r.measurement_id = s.col_int("id");
  r.measured_utc = s.col_text("started_utc");
  r.model_group = s.col_text("model_group");
  r.variant = s.col_text("variant");
  r.engine = s.col_text("engine");
  r.isa = s.col_text("isa");
  r.threads = s.col_int("threads");
  r.is_reference = s.col_bool("is_reference");
  r.size_bytes = s.col_opt_int("file_size_bytes");
  r.compression = s.col_opt_double("compression_ratio");
  r.p50_ms = s.col_opt_double("latency_p50_ms");
  r.p90_ms = s.col_opt_double("latency_p90_ms");
  r.p99_ms = s.col_opt_double("latency_p99_ms");
  r.peak_rss_bytes = s.col_opt_int("peak_rss_bytes");
  r.model_memory_bytes = s.col_opt_int("model_memory_bytes");
  r.top1 = s.col_opt_double("top1");
  r.top5 = s.col_opt_double("top5");
  r.agreement_top1 = s.col_opt_double("agreement_top1");
  r.mse = s.col_opt_double("mse");
  r.max_abs_diff = s.col_opt_double("max_abs_diff");
  r.map50 = s.col_opt_double("map50");
  r.map50_95 = s.col_opt_double("map50_95");
  r.det_precision = s.col_opt_double("det_precision");
  r.det_recall = s.col_opt_double("det_recall");
  r.map50_vs_ref = s.col_opt_double("map50_vs_ref");
  r.map50_95_vs_ref = s.col_opt_double("map50_95_vs_ref");
  r.boxes_gained = s.col_opt_int("boxes_gained");
  r.boxes_lost = s.col_opt_int("boxes_lost");
  r.throttled = s.col_opt_bool("throttled");
  if (!r.throttled) r.throttled = s.col_opt_bool("run_throttled");
  r.error = s.col_opt_text("error");
  return r;
}

// Fills delta_top1 of every row from the best-matching reference row (see CompareRow::delta_top1).
void compute_delta_top1(std::vector<CompareRow>& rows) {
  for (CompareRow& row : rows) {
    if (!row.top1) continue;
    const CompareRow* best = nullptr;
    int best_score = -1;
    for (const CompareRow& ref : rows) {
      if (!ref.is_reference || !ref.top1 || ref.model_group != row.model_group) continue;
      const int score = (ref.run_id == row.run_id ? 4 : 0) + (ref.engine == row.engine ? 2 : 0) +
                        (ref.threads == row.threads ? 1 : 0);
      if (score > best_score || (score == best_score && ref.measurement_id > best->measurement_id)) {
        best = &ref;
        best_score = score;
      }
    }
    if (best != nullptr) row.delta_top1 = *row.top1 - *best->top1;
  }
}

constexpr const char* kCompareColumns =
    "m.id, m.run_id, m.started_utc, m.model_group, m.variant, m.engine, m.isa, m.threads, m.is_reference, "
    "m.file_size_bytes, m.compression_ratio, m.latency_p50_ms, m.latency_p90_ms, m.latency_p99_ms, "
    "m.peak_rss_bytes, m.model_memory_bytes, m.top1, m.top5, m.agreement_top1, m.mse, m.max_abs_diff, m.throttled, "
    "m.map50, m.map50_95, m.det_precision, m.det_recall, m.map50_vs_ref, m.map50_95_vs_ref, m.boxes_gained, "
    "m.boxes_lost, m.error, r.device_name, r.hostname, r.throttled AS run_throttled";

}  // namespace

// ---- public API ----

Result<std::vector<RunSummary>> list_runs(const ResultsStore& store, const RunFilter& filter) {
  const char* what = "cannot list runs";
  if (filter.last_n && *filter.last_n < 0) return in_db(store, error("last N must be >= 0"), what);
  if (filter.since_utc) EB_RETURN_IF_ERROR(in_db(store, check_timestamp(store, *filter.since_utc), what));
  std::string sql =
      "SELECT r.*, "
      "(SELECT count(*) FROM measurements m WHERE m.run_id = r.id) AS measurement_count, "
      "(SELECT count(*) FROM measurements m WHERE m.run_id = r.id AND m.error IS NOT NULL) AS failed_count "
      "FROM runs r WHERE 1";
  if (filter.model_group)
    sql += " AND (r.model_group = :model_group OR EXISTS (SELECT 1 FROM measurements m "
           "WHERE m.run_id = r.id AND m.model_group = :model_group))";
  if (filter.variant)
    sql += " AND EXISTS (SELECT 1 FROM measurements m WHERE m.run_id = r.id AND m.variant = :variant)";
  if (filter.since_utc) sql += " AND julianday(r.started_utc) >= julianday(:since)";
  if (filter.device) sql += " AND (r.device_name = :device OR r.hostname = :device)";
  if (filter.status) sql += " AND r.status = :status";
  sql += " ORDER BY r.id DESC";
  if (filter.last_n) sql += " LIMIT :last_n";

  Result<Statement> st = Statement::prepare(store.db(), sql.c_str());
  if (!st.ok()) return in_db(store, st.status(), what);
  if (filter.model_group) st->bind_text(":model_group", *filter.model_group);
  if (filter.variant) st->bind_text(":variant", *filter.variant);
  if (filter.since_utc) st->bind_text(":since", *filter.since_utc);
  if (filter.device) st->bind_text(":device", *filter.device);
  if (filter.status) st->bind_text(":status", to_string(*filter.status));
  if (filter.last_n) st->bind_int(":last_n", *filter.last_n);
  std::vector<RunSummary> runs;
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return in_db(store, row.status(), what);
    if (!*row) break;
    Result<RunRecord> run = read_run(*st);
    if (!run.ok()) return in_db(store, run.status(), what);
    runs.push_back({std::move(*run), st->col_int("measurement_count"), st->col_int("failed_count")});
  }
  return runs;
}

Result<std::vector<CompareRow>> compare(const ResultsStore& store, const CompareSelection& selection) {
  const char* what = "cannot compare measurements";
  std::string where;
  if (selection.model_group) where += " AND m.model_group = :model_group";
  if (!selection.include_failed) where += " AND m.error IS NULL";
  std::string sql;
  if (!selection.run_ids.empty()) {
    std::string ids;
    for (size_t i = 0; i < selection.run_ids.size(); ++i) ids += strfmt("%s:run%zu", i ? ", " : "", i);
    sql = std::string("SELECT ") + kCompareColumns + " FROM measurements m JOIN runs r ON r.id = m.run_id " +
          "WHERE m.run_id IN (" + ids + ")" + where + " ORDER BY m.id";
  } else {
    // The newest measurement of each key: highest id, not latest clock (see the note in queries.h).
    sql = std::string("SELECT ") + kCompareColumns +
          " FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY model_group, variant, engine, threads "
          "ORDER BY id DESC) AS newest FROM measurements m WHERE 1" + where + ") m " +
          "JOIN runs r ON r.id = m.run_id WHERE m.newest = 1 ORDER BY m.id";
  }
  Result<Statement> st = Statement::prepare(store.db(), sql.c_str());
  if (!st.ok()) return in_db(store, st.status(), what);
  if (selection.model_group) st->bind_text(":model_group", *selection.model_group);
  for (size_t i = 0; i < selection.run_ids.size(); ++i)
    st->bind_int(strfmt(":run%zu", i).c_str(), selection.run_ids[i]);

  std::vector<CompareRow> rows;
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return in_db(store, row.status(), what);
    if (!*row) break;
    rows.push_back(read_compare_row(*st));
  }
  compute_delta_top1(rows);
  std::erase_if(rows, [&](const CompareRow& r) {
    return (selection.variant && r.variant != *selection.variant) ||
           (selection.engine && r.engine != *selection.engine) || (selection.threads && r.threads != *selection.threads);
  });
  sort_compare_rows(rows);
  return rows;
}

void sort_compare_rows(std::vector<CompareRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const CompareRow& a, const CompareRow& b) {
    return std::forward_as_tuple(a.model_group, !a.is_reference, a.variant, a.engine, a.threads, a.device,
                                 a.measurement_id) <
           std::forward_as_tuple(b.model_group, !b.is_reference, b.variant, b.engine, b.threads, b.device,
                                 b.measurement_id);
  });
}

Result<std::vector<CompareRow>> compare_fleet(const std::vector<FleetDatabase>& databases,
                                              const CompareSelection& selection) {
  if (!selection.run_ids.empty())
    return error("a fleet comparison cannot select runs by id (ids differ between databases); "
                 "select a model group instead");
  std::vector<CompareRow> merged;
  for (const FleetDatabase& fleet_db : databases) {
    OpenOptions options;
    options.read_only = true;
    Result<ResultsStore> store = ResultsStore::open(fleet_db.path, options);
    if (!store.ok()) return store.status();
    Result<std::vector<CompareRow>> rows = compare(*store, selection);
    if (!rows.ok()) return rows.status();
    for (CompareRow& row : *rows) {
      if (!fleet_db.device_label.empty()) row.device = fleet_db.device_label;
      merged.push_back(std::move(row));
    }
  }
  sort_compare_rows(merged);
  return merged;
}

Result<RunDetails> show_run(const ResultsStore& store, int64_t run_id) {
  const std::string what = strfmt("cannot read run %lld", static_cast<long long>(run_id));
  const SqliteDb& db = store.db();
  ReadSnapshot snapshot(db);
  Result<Statement> run_st = Statement::prepare(db, "SELECT * FROM runs WHERE id = :id");
  if (!run_st.ok()) return in_db(store, run_st.status(), what);
  run_st->bind_int(":id", run_id);
  Result<bool> found = run_st->step();
  if (!found.ok()) return in_db(store, found.status(), what);
  if (!*found) return in_db(store, error("no such run"), what);
  Result<RunRecord> run = read_run(*run_st);
  if (!run.ok()) return in_db(store, run.status(), what);

  RunDetails details;
  details.run = std::move(*run);
  Result<Statement> m_st = Statement::prepare(db, "SELECT * FROM measurements WHERE run_id = :id ORDER BY id");
  if (!m_st.ok()) return in_db(store, m_st.status(), what);
  m_st->bind_int(":id", run_id);
  for (;;) {
    Result<bool> row = m_st->step();
    if (!row.ok()) return in_db(store, row.status(), what);
    if (!*row) break;
    details.measurements.push_back(read_measurement_row(*m_st));
  }
  for (StoredMeasurement& sm : details.measurements)
    EB_RETURN_IF_ERROR(in_db(store, read_measurement_details(db, sm), what));
  return details;
}

Result<std::vector<RunDetails>> export_runs(const ResultsStore& store, const RunFilter& filter) {
  ReadSnapshot snapshot(store.db());
  Result<std::vector<RunSummary>> runs = list_runs(store, filter);
  if (!runs.ok()) return runs.status();
  std::vector<RunDetails> all;
  all.reserve(runs->size());
  for (auto it = runs->rbegin(); it != runs->rend(); ++it) {
    Result<RunDetails> details = show_run(store, it->run.id);
    if (!details.ok()) return details.status();
    all.push_back(std::move(*details));
  }
  return all;
}

}  // namespace eb::store

#include "daemon/store/report_queries.h"

#include "daemon/store/sqlite_db.h"

namespace eb::store {
namespace {

Status in_db(const ResultsStore& store, const Status& status, int64_t id) {
  if (status.ok()) return status;
  return Status::error(strfmt("results database '%s': measurement %lld: ", store.path().c_str(),
                              static_cast<long long>(id)) +
                       status.message());
}

Status read_header(const SqliteDb& db, int64_t id, MeasurementSeries& out, bool& found) {
  Result<Statement> st =
      Statement::prepare(db, "SELECT model_path, num_images, first_ms FROM measurements WHERE id = :id");
  if (!st.ok()) return st.status();
  st->bind_int(":id", id);
  Result<bool> row = st->step();
  if (!row.ok()) return row.status();
  found = *row;
  if (!found) return Status();
  out.model_path = st->col_text("model_path");
  out.num_images = st->col_opt_int("num_images");
  out.first_ms = st->col_opt_double("first_ms");
  return Status();
}

Status read_samples(const SqliteDb& db, int64_t id, std::vector<double>& out) {
  Result<Statement> st =
      Statement::prepare(db, "SELECT latency_ms FROM latency_samples WHERE measurement_id = :id ORDER BY seq");
  if (!st.ok()) return st.status();
  st->bind_int(":id", id);
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status();
    out.push_back(st->col_double(0));
  }
}

Status read_device_samples(const SqliteDb& db, int64_t id, std::vector<DeviceSample>& out) {
  Result<Statement> st = Statement::prepare(
      db,
      "SELECT elapsed_ms, utc, cpu_temp_c, cpu_freq_mhz FROM device_samples WHERE measurement_id = :id ORDER BY seq");
  if (!st.ok()) return st.status();
  st->bind_int(":id", id);
  for (;;) {
    Result<bool> row = st->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status();
    out.push_back({st->col_double("elapsed_ms"), st->col_text("utc"), st->col_opt_double("cpu_temp_c"),
                   st->col_opt_double("cpu_freq_mhz")});
  }
}

}  // namespace

Result<MeasurementSeries> read_measurement_series(const ResultsStore& store, int64_t measurement_id) {
  const SqliteDb& db = store.db();
  MeasurementSeries out;
  out.measurement_id = measurement_id;
  // One read transaction: a writer committing between the three SELECTs cannot split the view.
  const bool began = !db.in_transaction() && db.exec("BEGIN").ok();
  bool found = false;
  Status s = read_header(db, measurement_id, out, found);
  if (s.ok() && !found) s = error("no such measurement");
  if (s.ok()) s = read_samples(db, measurement_id, out.samples_ms);
  if (s.ok()) s = read_device_samples(db, measurement_id, out.device_samples);
  if (began && db.in_transaction()) (void)db.exec("COMMIT");
  if (!s.ok()) return in_db(store, s, measurement_id);
  return out;
}

}  // namespace eb::store

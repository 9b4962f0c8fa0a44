#include "daemon/report/report_data.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "daemon/store/results_store.h"

namespace eb::report {

Result<ReportData> load_report_data(const std::vector<std::string>& db_paths, const std::vector<RowSource>& rows) {
  ReportData data;
  data.db_paths = db_paths;
  std::map<std::string, store::ResultsStore> stores;
  std::map<std::string, std::set<int64_t>> run_ids;  // per database
  for (const RowSource& src : rows) {
    auto it = stores.find(src.db_path);
    if (it == stores.end()) {
      store::OpenOptions options;
      options.read_only = true;
      Result<store::ResultsStore> db = store::ResultsStore::open(src.db_path, options);
      if (!db.ok()) return db.status();
      it = stores.emplace(src.db_path, std::move(*db)).first;
    }
    Result<store::MeasurementSeries> series = store::read_measurement_series(it->second, src.row.measurement_id);
    if (!series.ok()) return series.status();
    data.measurements.push_back({src.row, std::move(*series)});
    run_ids[src.db_path].insert(src.row.run_id);
  }
  // The run records: list_runs reads the (small) runs table; keep the ones the rows point at.
  for (auto& [path, db] : stores) {
    Result<std::vector<store::RunSummary>> runs = store::list_runs(db);
    if (!runs.ok()) return runs.status();
    for (store::RunSummary& s : *runs)
      if (run_ids[path].count(s.run.id)) data.runs.push_back({path, std::move(s.run)});
  }
  std::stable_sort(data.runs.begin(), data.runs.end(), [&](const ReportRun& a, const ReportRun& b) {
    const auto db_index = [&](const std::string& p) { return std::find(db_paths.begin(), db_paths.end(), p); };
    return std::make_pair(db_index(a.db_path), a.run.id) < std::make_pair(db_index(b.db_path), b.run.id);
  });
  return data;
}

}  // namespace eb::report

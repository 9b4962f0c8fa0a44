// What one HTML report shows, gathered from the results database(s) before any drawing: the compare
// rows (the same rows `query compare` prints for the same flags), each with its raw series, and the
// runs they came from. Loading and rendering are separate so tests can render hand-built data.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "daemon/store/queries.h"
#include "daemon/store/records.h"
#include "daemon/store/report_queries.h"
#include "kernels/common/status.h"

namespace eb::report {

// One compare row and where it is stored.
struct RowSource {
  std::string db_path;
  store::CompareRow row;
};

struct ReportMeasurement {
  store::CompareRow row;
  store::MeasurementSeries series;  // empty samples for a failed variant
  bool failed() const { return row.error.has_value(); }
};

struct ReportRun {
  std::string db_path;
  store::RunRecord run;
};

struct ReportData {
  std::vector<std::string> db_paths;
  std::vector<ReportRun> runs;                  // the runs the measurements belong to, oldest first
  std::vector<ReportMeasurement> measurements;  // in compare order (model group, reference first, ...)
  std::string generated_utc;                    // when the page was written
  std::string edgebench_version;                // of the binary writing the page
};

// Reads the series of every row and the records of their runs (databases opened read-only, each once).
Result<ReportData> load_report_data(const std::vector<std::string>& db_paths, const std::vector<RowSource>& rows);

}  // namespace eb::report

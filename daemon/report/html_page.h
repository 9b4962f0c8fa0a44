// The report page: one self-contained HTML document (inline CSS and inline SVG, no script, no external
// reference) with a header naming devices, runs and versions, the `query compare` table and the charts.
#pragma once

#include <string>

#include "daemon/report/report_data.h"

namespace eb::report {

// Every string taken from the database is HTML-escaped. Empty data gives a page that says so.
std::string render_report_html(const ReportData& data);

}  // namespace eb::report

// edgebench query runs | compare | show RUN | export
//     [--db FILE ...] [--model GROUP] [--variant V] [--since ISO8601] [--device NAME] [--last N]
//     [--format table|markdown|csv|json]
// Reads the results database of `edgebench run` (opened read-only: nothing is ever written) and prints
// it: the runs, the variants side by side (one database per device with several --db), one run in full,
// or everything for a spreadsheet or script. Rendering helpers live in table_format.h.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "daemon/cli/args.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/json_writer.h"
#include "daemon/cli/query_filters.h"
#include "daemon/cli/query_detail.h"
#include "daemon/cli/table_format.h"
#include "daemon/store/queries.h"
#include "daemon/store/results_store.h"
#include "daemon/store/store_paths.h"

namespace eb::cli {
namespace query_detail {

using store::CompareRow;
using store::ResultsStore;
using store::RunDetails;
using store::RunRecord;
using store::RunSummary;
using store::StoredMeasurement;

constexpr const char* kUsage = R"(usage: edgebench query SUBCOMMAND [OPTIONS]

Subcommands:
  runs        one line per run, newest first: id, status, start, model group, device, measurements
              stored and how many of them failed
  compare     the variants side by side: size, compression, latency, memory, accuracy and drift
              against the reference; the newest measurement of each model group x variant x engine x
              threads (of the runs --since/--device/--last select). Several --db: one per device.
              Memory: peak = the peak resident set of the worker process that ran the measurement
              alone (what a minimal process running the model needs); model = that peak over the
              worker's resident set before it loaded the model (what the model costs). Measurements
              stored before the worker existed have no model figure, and their peak is edgebench's own.
  show RUN    everything stored about one run (RUN: a run id, or 'last')
  export      every run with its measurements: json (default) or csv (one line per measurement)

Options:
  --db FILE        the results database, opened read-only; repeat it with compare to compare devices
                   (one database copied from each). Default: %s
  --model GROUP    only this model group
  --variant V      only this variant (runs, export: runs that measured it)
  --since TIME     runs started at or after TIME: ISO 8601, UTC unless an offset is given
                   (2024-05-01, 2024-05-01T08:00, 2024-05-01T08:00:00Z, 2024-05-01T10:00+02:00)
  --device NAME    runs of this device (its configured name or hostname)
  --last N         only the newest N runs
  --format F       table (default), markdown, csv or json; show: table or json; export: json or csv
  --html FILE      compare only: write the comparison as an HTML page with charts instead (the same
                   as edgebench report --html FILE; see edgebench report --help)

In csv and json, sizes are bytes, memory bytes, latencies ms, and accuracies and agreement fractions in
[0, 1] (null, or an empty field, where a value does not apply); tables show kB, MiB and percentages.
)";

// ---- the command line ----

// Everything wrong with the command line is found here, before any database is opened (exit 2).
Result<QueryOptions> parse_query(const Args& args) {
  QueryOptions o;
  if (args.positional.empty()) return error("query needs a subcommand: runs, compare, show RUN or export (see --help)");
  o.subcommand = args.positional[0];
  const size_t want = o.subcommand == "show" ? 2 : 1;
  if (o.subcommand != "runs" && o.subcommand != "compare" && o.subcommand != "show" && o.subcommand != "export")
    return error("unknown query subcommand '%s' (runs, compare, show RUN or export)", o.subcommand.c_str());
  if (o.subcommand == "show" && args.positional.size() < 2)
    return error("query show needs a RUN (a run id, or 'last')");
  if (args.positional.size() > want)
    return error("query %s: unexpected argument '%s'", o.subcommand.c_str(), args.positional[want].c_str());
  if (o.subcommand == "show") {
    o.run = args.positional[1];
    if (o.run != "last") {
      auto id = parse_int("RUN", o.run, 1, 2147483647);
      if (!id.ok())
        return error("query show: RUN must be a run id (a whole number from 1) or 'last', not '%s'", o.run.c_str());
    }
    for (const char* flag : {"--model", "--variant", "--since", "--device", "--last"})
      if (args.has(flag)) return error("query show: %s does not apply (show takes one run)", flag);
  }

  if (args.has("--format")) {
    auto f = parse_output_format(args.get("--format"));
    if (!f.ok()) return f.status();
    o.format = *f;
  } else if (o.subcommand == "export") {
    o.format = OutputFormat::kJson;
  }
  if (o.subcommand == "show" && (o.format == OutputFormat::kMarkdown || o.format == OutputFormat::kCsv))
    return error("--format: query show prints table or json, not %s", format_name(o.format));
  if (o.subcommand == "export" && (o.format == OutputFormat::kTable || o.format == OutputFormat::kMarkdown))
    return error("--format: query export writes json or csv, not %s", format_name(o.format));

  EB_RETURN_IF_ERROR(parse_run_filter(args, o.filter));
  Result<std::vector<std::string>> dbs = parse_db_flags(args);
  if (!dbs.ok()) return dbs.status();
  o.dbs = std::move(*dbs);
  return o;
}

Result<ResultsStore> open_store(const std::string& path) { return open_results_read_only(path); }

// ---- shared formatting ----

std::string device_of(const RunRecord& r) {
  return r.info.device.device_name.empty() ? r.info.device.hostname : r.info.device.device_name;
}

// "2024-05-01T12:00:00.000Z" -> "2024-05-01 12:00:00" for tables (they say UTC in the title).
std::string short_utc(const std::string& t) {
  if (t.size() >= 19 && t[10] == 'T') return t.substr(0, 10) + " " + t.substr(11, 8);
  return t;
}

std::optional<double> percent(const std::optional<double>& fraction) {
  if (!fraction) return std::nullopt;
  return *fraction * 100.0;
}

std::optional<double> scaled(const std::optional<int64_t>& v, double divisor) {
  if (!v) return std::nullopt;
  return static_cast<double>(*v) / divisor;
}

// Latencies: two decimals (three below 1 ms, where the Pi's fastest models run).
Cell cell_ms(const std::optional<double>& ms) { return cell_number(ms, ms && *ms < 1 ? "%.3f" : "%.2f"); }

std::string text_of(const Cell& c) { return c ? *c : "-"; }

std::string render(const Table& table, OutputFormat format) {
  switch (format) {
    case OutputFormat::kMarkdown:
      return render_markdown_table(table);
    case OutputFormat::kCsv:
      return render_csv(table);
    default:
      return render_text_table(table);
  }
}

// Columns of machine-readable names (csv).
std::vector<Column> named_columns(std::initializer_list<const char*> names) {
  std::vector<Column> columns;
  for (const char* name : names) columns.push_back({name});
  return columns;
}

// A JSON array with one element per line.
std::string json_array(const std::vector<std::string>& items) {
  if (items.empty()) return "[]\n";
  std::string s = "[\n";
  for (size_t i = 0; i < items.size(); ++i) s += "  " + items[i] + (i + 1 < items.size() ? ",\n" : "\n");
  return s + "]\n";
}

// ---- runs ----

std::string run_summary_json(const RunSummary& s) {
  const RunRecord& r = s.run;
  return "{\"id\": " + std::to_string(r.id) + ", \"status\": " + json_string(store::to_string(r.status)) +
         ", \"error\": " + json_opt_string(r.error) + ", \"started_utc\": " + json_string(r.started_utc) +
         ", \"finished_utc\": " + json_opt_string(r.finished_utc) +
         ", \"duration_ms\": " + json_opt_number(r.duration_ms) +
         ", \"model_group\": " + json_string(r.info.model_group) + ", \"device\": " + json_string(device_of(r)) +
         ", \"hostname\": " + json_string(r.info.device.hostname) +
         ", \"edgebench_version\": " + json_string(r.info.edgebench_version) +
         ", \"git_hash\": " + json_string(r.info.git_hash) +
         ", \"measurements\": " + std::to_string(s.measurement_count) +
         ", \"failed_measurements\": " + std::to_string(s.failed_measurement_count) + "}";
}

std::string runs_output(const std::vector<RunSummary>& runs, OutputFormat format) {
  if (format == OutputFormat::kJson) {
    std::vector<std::string> items;
    for (const RunSummary& s : runs) items.push_back(run_summary_json(s));
    return json_array(items);
  }
  Table t;
  if (format == OutputFormat::kCsv) {
    t.columns =
        named_columns({"id", "status", "error", "started_utc", "finished_utc", "duration_ms", "model_group", "device",
                       "hostname", "edgebench_version", "git_hash", "measurements", "failed_measurements"});
    for (const RunSummary& s : runs) {
      const RunRecord& r = s.run;
      t.rows.push_back({std::to_string(r.id), store::to_string(r.status), r.error, r.started_utc, r.finished_utc,
                        cell_plain(r.duration_ms), r.info.model_group, device_of(r), r.info.device.hostname,
                        r.info.edgebench_version, r.info.git_hash, std::to_string(s.measurement_count),
                        std::to_string(s.failed_measurement_count)});
    }
    return render_csv(t);
  }
  t.columns = {{"id", true},           {"status"},      {"started (UTC)"}, {"model group"}, {"device"},
               {"measurements", true}, {"failed", true}};
  for (const RunSummary& s : runs) {
    const RunRecord& r = s.run;
    t.rows.push_back({std::to_string(r.id), store::to_string(r.status), short_utc(r.started_utc), r.info.model_group,
                      device_of(r), std::to_string(s.measurement_count), std::to_string(s.failed_measurement_count)});
  }
  return render(t, format);
}

Status query_runs(const QueryOptions& o, std::string& out) {
  Result<ResultsStore> db = open_store(o.dbs[0]);
  if (!db.ok()) return db.status();
  Result<std::vector<RunSummary>> runs = store::list_runs(*db, o.filter);
  if (!runs.ok()) return runs.status();
  out = runs->empty() && o.format == OutputFormat::kTable ? "no runs match in " + o.dbs[0] + "\n"
                                                          : runs_output(*runs, o.format);
  return Status();
}

// ---- compare ----

std::string compare_row_json(const CompareRow& r) {
  return "{\"device\": " + json_string(r.device) + ", \"run_id\": " + std::to_string(r.run_id) +
         ", \"measurement_id\": " + std::to_string(r.measurement_id) +
         ", \"measured_utc\": " + json_string(r.measured_utc) + ", \"model\": " + json_string(r.model_group) +
         ", \"variant\": " + json_string(r.variant) + ", \"is_reference\": " + (r.is_reference ? "true" : "false") +
         ", \"engine\": " + json_string(r.engine) + ", \"isa\": " + json_string(r.isa) +
         ", \"threads\": " + std::to_string(r.threads) + ", \"size_bytes\": " + json_opt_int(r.size_bytes) +
         ", \"compression\": " + json_opt_number(r.compression) +
         ", \"latency_ms\": {\"p50\": " + json_opt_number(r.p50_ms) + ", \"p90\": " + json_opt_number(r.p90_ms) +
         ", \"p99\": " + json_opt_number(r.p99_ms) + "}, \"peak_rss_bytes\": " + json_opt_int(r.peak_rss_bytes) +
         ", \"model_memory_bytes\": " + json_opt_int(r.model_memory_bytes) + ", \"top1\": " + json_opt_number(r.top1) +
         ", \"top5\": " + json_opt_number(r.top5) + ", \"delta_top1\": " + json_opt_number(r.delta_top1) +
         ", \"agreement_top1\": " + json_opt_number(r.agreement_top1) + ", \"mse\": " + json_opt_number(r.mse) +
         ", \"max_abs_diff\": " + json_opt_number(r.max_abs_diff) + ", \"map50\": " + json_opt_number(r.map50) +
         ", \"map50_95\": " + json_opt_number(r.map50_95) + ", \"det_precision\": " + json_opt_number(r.det_precision) +
         ", \"det_recall\": " + json_opt_number(r.det_recall) + ", \"map50_vs_ref\": " + json_opt_number(r.map50_vs_ref) +
         ", \"map50_95_vs_ref\": " + json_opt_number(r.map50_95_vs_ref) +
         ", \"boxes_gained\": " + json_opt_int(r.boxes_gained) + ", \"boxes_lost\": " + json_opt_int(r.boxes_lost) +
         ", \"throttled\": " + json_opt_bool(r.throttled) +
         ", \"error\": " + json_opt_string(r.error) + "}";
}

std::string compare_output(const std::vector<CompareRow>& rows, OutputFormat format, bool several_dbs) {
  if (format == OutputFormat::kJson) {
    std::vector<std::string> items;
    for (const CompareRow& r : rows) items.push_back(compare_row_json(r));
    return json_array(items);
  }
  Table t;
  if (format == OutputFormat::kCsv) {
    t.columns = named_columns({"device", "model", "variant", "is_reference", "engine", "isa", "threads", "size_bytes",
                               "compression", "p50_ms", "p90_ms", "p99_ms", "peak_rss_bytes", "model_memory_bytes",
                               "top1", "top5", "delta_top1", "agreement_top1", "mse", "max_abs_diff", "map50",
                               "map50_95", "det_precision", "det_recall", "map50_vs_ref", "map50_95_vs_ref",
                               "boxes_gained", "boxes_lost", "throttled", "run_id", "measurement_id", "measured_utc",
                               "error"});
    for (const CompareRow& r : rows)
      t.rows.push_back({r.device,
                        r.model_group,
                        r.variant,
                        r.is_reference ? "true" : "false",
                        r.engine,
                        r.isa,
                        std::to_string(r.threads),
                        cell_int(r.size_bytes),
                        cell_plain(r.compression),
                        cell_plain(r.p50_ms),
                        cell_plain(r.p90_ms),
                        cell_plain(r.p99_ms),
                        cell_int(r.peak_rss_bytes),
                        cell_int(r.model_memory_bytes),
                        cell_plain(r.top1),
                        cell_plain(r.top5),
                        cell_plain(r.delta_top1),
                        cell_plain(r.agreement_top1),
                        cell_plain(r.mse),
                        cell_plain(r.max_abs_diff),
                        cell_plain(r.map50),
                        cell_plain(r.map50_95),
                        cell_plain(r.det_precision),
                        cell_plain(r.det_recall),
                        cell_plain(r.map50_vs_ref),
                        cell_plain(r.map50_95_vs_ref),
                        cell_int(r.boxes_gained),
                        cell_int(r.boxes_lost),
                        cell_bool(r.throttled, "true", "false"),
                        std::to_string(r.run_id),
                        std::to_string(r.measurement_id),
                        r.measured_utc,
                        r.error});
    return render_csv(t);
  }
  // Table and markdown: a device column when rows come from several devices.
  std::set<std::string> devices;
  for (const CompareRow& r : rows) devices.insert(r.device);
  const bool device_column = several_dbs || devices.size() > 1;
  if (device_column) t.columns.push_back({"device"});
  // peak: the measuring worker's peak resident set; model: that peak over the worker's baseline before it
  // loaded the model (two decimals: a small model costs well under 1 MiB, which %.1f would round to 0).
  const std::vector<Column> columns = {
      {"model"},           {"variant"},          {"engine"},           {"thr", true},         {"size\nkB", true},
      {"\nx", true},       {"p50\nms", true},    {"p90\nms", true},    {"p99\nms", true},     {"peak\nMiB", true},
      {"model\nMiB", true}, {"top1\n%", true},    {"vs ref\npts", true}, {"agree\n%", true},    {"\nMSE", true},
      {"max\ndiff", true},  {"throttled"}};
  t.columns.insert(t.columns.end(), columns.begin(), columns.end());
  // Detectors' columns only when a row has detection figures: a classifier comparison stays as wide as it was.
  const bool detection_columns = std::any_of(rows.begin(), rows.end(), [](const CompareRow& r) {
    return r.map50 || r.map50_vs_ref || r.boxes_gained;
  });
  if (detection_columns) {
    const std::vector<Column> det = {{"mAP50\n%", true},       {"mAP\n50-95 %", true}, {"mAP50\nvs ref %", true},
                                     {"mAP 50-95\nvs ref %", true}, {"boxes\n+", true},     {"boxes\n-", true}};
    t.columns.insert(t.columns.end() - 1, det.begin(), det.end());  // before "throttled"
  }
  for (const CompareRow& r : rows) {
    std::vector<Cell> row;
    if (device_column) row.push_back(r.device);
    const Cell delta = r.is_reference ? Cell("ref") : cell_number(percent(r.delta_top1), "%+.2f");
    const std::vector<Cell> cells = {r.model_group,
                                     r.variant,
                                     r.engine,
                                     std::to_string(r.threads),
                                     cell_number(scaled(r.size_bytes, 1000.0), "%.1f"),
                                     cell_number(r.compression, "%.2f"),
                                     cell_ms(r.p50_ms),
                                     cell_ms(r.p90_ms),
                                     cell_ms(r.p99_ms),
                                     cell_number(scaled(r.peak_rss_bytes, 1048576.0), "%.1f"),
                                     cell_number(scaled(r.model_memory_bytes, 1048576.0), "%.2f"),
                                     cell_number(percent(r.top1), "%.2f"),
                                     delta,
                                     cell_number(percent(r.agreement_top1), "%.2f"),
                                     cell_number(r.mse, "%.2g"),
                                     cell_number(r.max_abs_diff, "%.3g"),
                                     cell_bool(r.throttled)};
    row.insert(row.end(), cells.begin(), cells.end());
    if (detection_columns) {
      const std::vector<Cell> det = {cell_number(percent(r.map50), "%.2f"),
                                     cell_number(percent(r.map50_95), "%.2f"),
                                     r.is_reference ? Cell("ref") : cell_number(percent(r.map50_vs_ref), "%.2f"),
                                     r.is_reference ? Cell("ref") : cell_number(percent(r.map50_95_vs_ref), "%.2f"),
                                     cell_int(r.boxes_gained),
                                     cell_int(r.boxes_lost)};
      row.insert(row.end() - 1, det.begin(), det.end());
    }
    t.rows.push_back(std::move(row));
  }
  return render(t, format);
}

Status query_compare(const QueryOptions& o, std::string& out) {
  Result<std::vector<FleetRow>> fleet = fleet_rows(o.dbs, o.filter);
  if (!fleet.ok()) return fleet.status();
  std::vector<CompareRow> rows;
  for (FleetRow& f : *fleet) rows.push_back(std::move(f.row));
  std::string paths;
  for (const std::string& db : o.dbs) paths += (paths.empty() ? "" : ", ") + db;
  out = rows.empty() && o.format == OutputFormat::kTable ? "no measurements match in " + paths + "\n"
                                                         : compare_output(rows, o.format, o.dbs.size() > 1);
  return Status();
}

}  // namespace query_detail

using namespace query_detail;

int run_query(const std::vector<std::string>& argv) {
  auto args =
      parse_args(argv, {"--db", "--model", "--variant", "--since", "--device", "--last", "--format", "--html"},
                 {"--help"});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  if (args->has("--help") ||
      (!args->positional.empty() && (args->positional[0] == "help" || args->positional[0] == "-h"))) {
    Result<std::string> location = store::results_db_location(false);
    std::printf(kUsage, location.ok() ? location->c_str() : "$XDG_DATA_HOME/edgebench/results.db");
    return kExitOk;
  }
  // `query compare ... --html FILE` is `report --html FILE ...`: the same rows, drawn as a page.
  if (args->has("--html")) {
    if (args->positional.size() != 1 || args->positional[0] != "compare") {
      print_error("--html: only 'query compare' writes a report page (or use 'edgebench report --html FILE')");
      return kExitUsage;
    }
    if (args->has("--format")) {
      print_error("--html writes an HTML page; --format does not apply");
      return kExitUsage;
    }
    std::vector<std::string> report_argv;
    for (const auto& [flag, values] : args->values)
      for (const std::string& v : values) report_argv.push_back(flag + "=" + v);  // (v may start with "--")
    return run_report(report_argv);
  }
  Result<QueryOptions> options = parse_query(*args);
  if (!options.ok()) {
    print_error(options.status().message());
    return kExitUsage;
  }
  QueryOptions& o = *options;
  if (o.dbs.empty()) {
    Result<std::string> location = store::results_db_location(false);
    if (!location.ok()) {
      print_error(location.status().message());
      return kExitError;
    }
    o.dbs.push_back(*location);
  }
  // Output is built whole and written at the end: a failure leaves nothing half-printed.
  std::string out;
  Status s = o.subcommand == "runs"      ? query_runs(o, out)
             : o.subcommand == "compare" ? query_compare(o, out)
             : o.subcommand == "show"    ? query_show(o, out)
                                         : query_export(o, out);
  if (!s.ok()) {
    print_error(s.message());
    return kExitError;
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) {
    print_error("cannot write the output");
    return kExitError;
  }
  return kExitOk;
}

}  // namespace eb::cli

// edgebench report --html FILE [--db FILE ...] [--model GROUP] [--variant V] [--since ISO8601]
//                  [--device NAME] [--last N] [--run ID|last ...]
// (also `edgebench query compare ... --html FILE`). Selects measurements exactly as `query compare` does
// (query_filters.h), plus the measurements of failed variants so the page says what failed; reads their
// raw series and writes one self-contained HTML page (daemon/report/). The file is replaced atomically:
// a reader (a browser reloading, a web server) never sees half a page, and a failure leaves no file.
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/cli/args.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/query_filters.h"
#include "daemon/report/html_page.h"
#include "daemon/report/report_data.h"
#include "daemon/store/queries.h"
#include "daemon/store/results_store.h"
#include "daemon/store/store_paths.h"

#ifndef EDGEBENCH_VERSION
#define EDGEBENCH_VERSION "unknown"
#endif

namespace eb::cli {
namespace {

constexpr const char* kUsage = R"(usage: edgebench report --html FILE [OPTIONS]

Writes one self-contained HTML page (inline CSS and SVG: opens offline, nothing is fetched): the
devices, runs and versions; the comparison table of `edgebench query compare`; the latency
distribution of each variant x engine x threads (box plots from every timed inference); accuracy
against p50 latency (top-1, or agreement with the reference when the images have no labels); latency,
CPU temperature and frequency over time. Variants that failed are listed in the table.
`edgebench query compare [OPTIONS] --html FILE` is the same command.

Options:
  --html FILE      the page to write (replaced atomically)
  --db FILE        the results database, opened read-only; repeat it to compare devices (one database
                   copied from each). Default: %s
  --model GROUP    only this model group
  --variant V      only this variant
  --since TIME     runs started at or after TIME (ISO 8601, UTC unless an offset is given)
  --device NAME    runs of this device (its configured name or hostname)
  --last N         only the newest N runs
  --run ID         every measurement of this run (a run id, or 'last'); repeatable; one --db only

As with query compare, the newest measurement of each model group x variant x engine x threads of the
selected runs is shown.
)";

// --run ID|last ... -> run ids of `db`; each must exist.
Result<std::vector<int64_t>> resolve_runs(const store::ResultsStore& db, const std::vector<std::string>& specs) {
  Result<std::vector<store::RunSummary>> runs = store::list_runs(db);
  if (!runs.ok()) return runs.status();
  std::set<int64_t> known;
  for (const store::RunSummary& s : *runs) known.insert(s.run.id);
  std::vector<int64_t> ids;
  for (const std::string& spec : specs) {
    int64_t id = 0;
    if (spec == "last") {
      if (runs->empty()) return error("--run last: no runs in %s", db.path().c_str());
      id = runs->front().run.id;  // list_runs is newest first
    } else {
      id = *parse_int("--run", spec, 1, 2147483647);  // checked by the caller
      if (!known.count(id)) return error("--run %lld: no such run in %s", static_cast<long long>(id), db.path().c_str());
    }
    ids.push_back(id);
  }
  return ids;
}

// The compare rows to draw, each with its database.
Result<std::vector<report::RowSource>> select_rows(const std::vector<std::string>& dbs, const store::RunFilter& filter,
                                                   const std::vector<std::string>& run_specs) {
  std::vector<report::RowSource> out;
  if (run_specs.empty()) {
    Result<std::vector<FleetRow>> rows = fleet_rows(dbs, filter, /*include_failed=*/true);
    if (!rows.ok()) return rows.status();
    for (FleetRow& f : *rows) out.push_back({dbs[f.db_index], std::move(f.row)});
    return out;
  }
  Result<store::ResultsStore> db = open_results_read_only(dbs[0]);
  if (!db.ok()) return db.status();
  Result<std::vector<int64_t>> ids = resolve_runs(*db, run_specs);
  if (!ids.ok()) return ids.status();
  store::CompareSelection selection;
  selection.run_ids = *ids;
  selection.model_group = filter.model_group;
  selection.variant = filter.variant;
  selection.include_failed = true;
  Result<std::vector<store::CompareRow>> rows = store::compare(*db, selection);
  if (!rows.ok()) return rows.status();
  for (store::CompareRow& r : *rows) out.push_back({dbs[0], std::move(r)});
  return out;
}

// Writes `text` to path.tmp-PID, then renames it over `path`.
Status write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return error("cannot write the report '%s': %s", path.c_str(), std::strerror(errno));
  const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  const int write_errno = errno;
  const bool flushed = std::fflush(f) == 0 && ::fsync(::fileno(f)) == 0;
  const int flush_errno = errno;
  const bool closed = std::fclose(f) == 0;
  if (!written || !flushed || !closed) {
    std::remove(tmp.c_str());
    return error("cannot write the report '%s': %s", path.c_str(),
                 std::strerror(!written ? write_errno : !flushed ? flush_errno : errno));
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const int e = errno;
    std::remove(tmp.c_str());
    return error("cannot write the report '%s': %s", path.c_str(), std::strerror(e));
  }
  return Status();
}

// The page may only replace an HTML page: refuses a path that is one of the databases read (`--html X
// --db X` once overwrote the results with HTML), an SQLite database, a symbolic link, anything not a
// regular file (a FIFO would block, a directory cannot be replaced), or an existing file that does not
// start as an HTML page. Checked before any database is opened: a bad command line (exit 2).
Status check_report_path(const std::string& path, const std::vector<std::string>& dbs) {
  struct stat out {};
  if (::lstat(path.c_str(), &out) != 0) {
    if (errno == ENOENT) return Status();  // a new page
    return error("--html %s: %s", path.c_str(), std::strerror(errno));
  }
  for (const std::string& db : dbs) {
    struct stat d {};
    if (::stat(db.c_str(), &d) == 0 && d.st_dev == out.st_dev && d.st_ino == out.st_ino)
      return error("--html %s is the results database given as --db %s: choose another file for the page",
                   path.c_str(), db.c_str());
  }
  if (S_ISLNK(out.st_mode)) return error("--html %s is a symbolic link: give the page's real path", path.c_str());
  if (!S_ISREG(out.st_mode)) return error("--html %s exists and is not a regular file", path.c_str());
  const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return error("--html %s: %s", path.c_str(), std::strerror(errno));
  char head[512];
  const ssize_t n = ::read(fd, head, sizeof head);
  ::close(fd);
  std::string start(head, n > 0 ? static_cast<size_t>(n) : 0);
  if (start.compare(0, 16, std::string("SQLite format 3\0", 16)) == 0)
    return error("--html %s is an SQLite database: refusing to replace it with a page", path.c_str());
  if (start.compare(0, 3, "\xEF\xBB\xBF") == 0) start.erase(0, 3);
  const size_t first = start.find_first_not_of(" \t\r\n");
  std::string lead = first == std::string::npos ? "" : start.substr(first, 14);
  std::transform(lead.begin(), lead.end(), lead.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool html = lead.rfind("<!doctype html", 0) == 0 || lead.rfind("<html", 0) == 0;
  if (n > 0 && !html)
    return error("--html %s exists and is not an HTML page: refusing to replace it", path.c_str());
  return Status();
}

}  // namespace

int run_report(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"--html", "--db", "--model", "--variant", "--since", "--device", "--last", "--run"},
                         {"--help"});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  if (args->has("--help")) {
    Result<std::string> location = store::results_db_location(false);
    std::printf(kUsage, location.ok() ? location->c_str() : "$XDG_DATA_HOME/edgebench/results.db");
    return kExitOk;
  }
  // The whole command line is checked before any database is opened (exit 2).
  const auto usage = [](const std::string& message) {
    print_error(message);
    return kExitUsage;
  };
  if (!args->positional.empty()) return usage("report: unexpected argument '" + args->positional[0] + "'");
  if (!args->has("--html")) return usage("report needs --html FILE (the page to write)");
  const std::string out_path = args->get("--html");
  if (out_path.empty()) return usage("--html: the file name is empty");
  if (args->all("--html").size() > 1) return usage("--html is given more than once");
  store::RunFilter filter;
  if (Status s = parse_run_filter(*args, filter); !s.ok()) return usage(s.message());
  Result<std::vector<std::string>> dbs = parse_db_flags(*args);
  if (!dbs.ok()) return usage(dbs.status().message());
  const std::vector<std::string>& run_specs = args->all("--run");
  for (const std::string& spec : run_specs)
    if (spec != "last" && !parse_int("--run", spec, 1, 2147483647).ok())
      return usage("--run: '" + spec + "' is not a run id (a whole number from 1) or 'last'");
  if (!run_specs.empty() && selects_runs(filter))
    return usage("--run picks the runs itself: --since, --device and --last do not apply");
  if (!run_specs.empty() && dbs->size() > 1)
    return usage("--run needs a single --db (run ids differ between databases)");
  if (dbs->empty()) {
    Result<std::string> location = store::results_db_location(false);
    if (!location.ok()) {
      print_error(location.status().message());
      return kExitError;
    }
    dbs->push_back(*location);
  }
  if (Status s = check_report_path(out_path, *dbs); !s.ok()) return usage(s.message());

  Result<std::vector<report::RowSource>> rows = select_rows(*dbs, filter, run_specs);
  if (!rows.ok()) {
    print_error(rows.status().message());
    return kExitError;
  }
  Result<report::ReportData> data = report::load_report_data(*dbs, *rows);
  if (!data.ok()) {
    print_error(data.status().message());
    return kExitError;
  }
  data->generated_utc = store::utc_now_iso8601();
  data->edgebench_version = EDGEBENCH_VERSION;
  if (Status s = write_atomically(out_path, report::render_report_html(*data)); !s.ok()) {
    print_error(s.message());
    return kExitError;
  }
  std::printf("report of %zu measurement%s written to %s\n", data->measurements.size(),
              data->measurements.size() == 1 ? "" : "s", out_path.c_str());
  return kExitOk;
}

}  // namespace eb::cli

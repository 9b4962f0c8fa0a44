#include "daemon/cli/query_filters.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace eb::cli {
namespace {

bool read_digits(const std::string& s, size_t& pos, size_t count, int& out) {
  if (pos + count > s.size()) return false;
  out = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + (c - '0');
  }
  pos += count;
  return true;
}

}  // namespace

// A subset of what SQLite's date functions read (the filter compares with julianday()), checked here so
// a typo is a usage error before any database is opened.
bool valid_iso8601(const std::string& s) {
  size_t p = 0;
  int year, month, day, hour, minute, second;
  if (!read_digits(s, p, 4, year) || p >= s.size() || s[p++] != '-' || !read_digits(s, p, 2, month) || p >= s.size() ||
      s[p++] != '-' || !read_digits(s, p, 2, day))
    return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return false;
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return false;
  if (p == s.size()) return true;
  if (s[p] != 'T' && s[p] != ' ') return false;
  ++p;
  if (!read_digits(s, p, 2, hour) || p >= s.size() || s[p++] != ':' || !read_digits(s, p, 2, minute) || hour > 23 ||
      minute > 59)
    return false;
  if (p < s.size() && s[p] == ':') {
    ++p;
    if (!read_digits(s, p, 2, second) || second > 59) return false;
    if (p < s.size() && s[p] == '.') {
      const size_t first = ++p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
      if (p == first) return false;
    }
  }
  if (p == s.size()) return true;
  if (s[p] == 'Z') return p + 1 == s.size();
  if (s[p] != '+' && s[p] != '-') return false;
  ++p;
  int tz_hour, tz_minute;
  return read_digits(s, p, 2, tz_hour) && p < s.size() && s[p++] == ':' && read_digits(s, p, 2, tz_minute) &&
         tz_hour <= 14 && tz_minute <= 59 && p == s.size();
}

Status parse_run_filter(const Args& args, store::RunFilter& filter) {
  if (args.has("--model")) filter.model_group = args.get("--model");
  if (args.has("--variant")) filter.variant = args.get("--variant");
  if (args.has("--device")) filter.device = args.get("--device");
  if (args.has("--since")) {
    const std::string since = args.get("--since");
    if (!valid_iso8601(since))
      return error("--since: '%s' is not an ISO 8601 date or time (e.g. 2024-05-01 or 2024-05-01T08:00:00Z)",
                   since.c_str());
    filter.since_utc = since;
  }
  if (args.has("--last")) {
    auto n = parse_int("--last", args.get("--last"), 1, 2147483647);
    if (!n.ok()) return n.status();
    filter.last_n = *n;
  }
  return Status();
}

Result<std::vector<std::string>> parse_db_flags(const Args& args) {
  std::vector<std::string> dbs;
  std::set<std::string> seen;
  for (const std::string& db : args.all("--db")) {
    if (db.empty()) return error("--db: the database path is empty");
    if (!seen.insert(db).second) return error("--db: '%s' is given twice", db.c_str());
    dbs.push_back(db);
  }
  return dbs;
}

Result<store::ResultsStore> open_results_read_only(const std::string& path) {
  store::OpenOptions options;
  options.read_only = true;
  return store::ResultsStore::open(path, options);
}

bool selects_runs(const store::RunFilter& filter) { return filter.since_utc || filter.device || filter.last_n; }

Result<std::vector<store::CompareRow>> compare_rows(const store::ResultsStore& db, const store::RunFilter& filter,
                                                    bool include_failed) {
  store::CompareSelection selection;
  selection.model_group = filter.model_group;
  selection.variant = filter.variant;
  selection.include_failed = include_failed;
  if (!selects_runs(filter)) return store::compare(db, selection);
  Result<std::vector<store::RunSummary>> runs = store::list_runs(db, filter);
  if (!runs.ok()) return runs.status();
  if (runs->empty()) return std::vector<store::CompareRow>();  // (no run ids would mean "every run")
  for (const store::RunSummary& s : *runs) selection.run_ids.push_back(s.run.id);
  Result<std::vector<store::CompareRow>> rows = store::compare(db, selection);
  if (!rows.ok()) return rows;
  // compare() with run ids returns every measurement of those runs: keep the newest of each key.
  std::map<std::tuple<std::string, std::string, std::string, int64_t>, int64_t> newest;
  for (const store::CompareRow& r : *rows) {
    int64_t& id = newest[{r.model_group, r.variant, r.engine, r.threads}];
    id = std::max(id, r.measurement_id);
  }
  std::erase_if(*rows, [&](const store::CompareRow& r) {
    return newest[{r.model_group, r.variant, r.engine, r.threads}] != r.measurement_id;
  });
  return rows;
}

Result<std::vector<FleetRow>> fleet_rows(const std::vector<std::string>& dbs, const store::RunFilter& filter,
                                         bool include_failed) {
  std::vector<std::vector<store::CompareRow>> per_db;
  std::map<std::string, std::set<size_t>> dbs_of_device;
  for (size_t i = 0; i < dbs.size(); ++i) {
    Result<store::ResultsStore> db = open_results_read_only(dbs[i]);
    if (!db.ok()) return db.status();
    Result<std::vector<store::CompareRow>> rows = compare_rows(*db, filter, include_failed);
    if (!rows.ok()) return rows.status();
    for (const store::CompareRow& r : *rows) dbs_of_device[r.device].insert(i);
    per_db.push_back(std::move(*rows));
  }
  std::vector<FleetRow> merged;
  for (size_t i = 0; i < per_db.size(); ++i) {
    for (store::CompareRow& r : per_db[i]) {
      if (dbs_of_device[r.device].size() > 1) r.device += " (" + dbs[i] + ")";
      merged.push_back({i, std::move(r)});
    }
  }
  // The order of store::sort_compare_rows, carried over to the pairs.
  std::vector<store::CompareRow> sorted;
  for (const FleetRow& f : merged) sorted.push_back(f.row);
  store::sort_compare_rows(sorted);
  std::vector<FleetRow> out;
  for (const store::CompareRow& r : sorted) {
    auto it = std::find_if(merged.begin(), merged.end(), [&](const FleetRow& f) {
      return f.row.measurement_id == r.measurement_id && f.row.device == r.device && f.row.run_id == r.run_id;
    });
    out.push_back(std::move(*it));
    merged.erase(it);
  }
  return out;
}

}  // namespace eb::cli

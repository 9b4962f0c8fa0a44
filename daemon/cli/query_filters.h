// The measurement selection shared by `edgebench query` and `edgebench report`: the filter flags
// (--model --variant --since --device --last), the --db list, and the compare rows they select in one
// database or across several (one per device). One parser and one selection, so a report always shows
// exactly the rows `query compare` prints for the same flags.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "daemon/cli/args.h"
#include "daemon/store/queries.h"
#include "daemon/store/results_store.h"
#include "kernels/common/status.h"

namespace eb::cli {

// The flags parse_run_filter reads (for parse_args' list of flags that take a value).
inline constexpr const char* kRunFilterFlags[] = {"--model", "--variant", "--since", "--device", "--last"};

// YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH:MM], with real calendar dates.
bool valid_iso8601(const std::string& s);

// --model --variant --since --device --last into `filter`; an error names the flag and its value.
Status parse_run_filter(const Args& args, store::RunFilter& filter);

// Every --db FILE (none: empty); an empty or repeated path is an error.
Result<std::vector<std::string>> parse_db_flags(const Args& args);

// Opens a results database read-only; a missing database is an error naming the path.
Result<store::ResultsStore> open_results_read_only(const std::string& path);

// True when the filter picks runs (--since, --device, --last) rather than only narrowing rows.
bool selects_runs(const store::RunFilter& filter);

// The compare rows of one database: the newest measurement of each model group x variant x engine x
// threads among the runs the filter selects (all runs when it selects none). include_failed also keeps
// measurements whose variant failed (the newest of a key may then be a failure).
Result<std::vector<store::CompareRow>> compare_rows(const store::ResultsStore& db, const store::RunFilter& filter,
                                                    bool include_failed = false);

// A compare row and the database (index into the --db list) it came from.
struct FleetRow {
  size_t db_index = 0;
  store::CompareRow row;
};

// Every database's rows, merged and sorted. A device name found in several databases (two Pis both
// left as "raspberrypi") is told apart by appending the database path.
Result<std::vector<FleetRow>> fleet_rows(const std::vector<std::string>& dbs, const store::RunFilter& filter,
                                         bool include_failed = false);

}  // namespace eb::cli

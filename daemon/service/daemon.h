// `edgebench daemon`: the systemd service's main loop. One process, one thread: the loop polls the
// signalfd, the models-directory inotify fd and its next deadline (debounce, schedule, cool-down,
// watchdog), and runs one benchmark at a time in the same thread.
#pragma once

#include <string>

namespace eb::service {

struct DaemonOptions {
  std::string config_path = "/etc/edgebench/edgebench.yaml";
  std::string db_path;  // empty: the config's `database`, else $STATE_DIRECTORY/results.db, else
                        // /var/lib/edgebench/results.db
  bool once = false;    // run what is due or pending (dropped models, due groups) once, then exit
  std::string log_target;  // "journal" | "stderr" | "" (journal when JOURNAL_STREAM is set)
};

// Runs until SIGTERM/SIGINT (or, with once, until nothing is left to do). Returns the exit code:
// 0 on a clean stop, 1 when start-up failed (bad configuration, database cannot be opened).
int run_daemon(const DaemonOptions& options);

}  // namespace eb::service

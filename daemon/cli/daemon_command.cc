// edgebench daemon [--config FILE] [--db FILE] [--once] [--log journal|stderr]
// The systemd service's program; the loop itself lives in daemon/service/.
#include <cstdio>

#include "daemon/cli/args.h"
#include "daemon/cli/commands.h"
#include "daemon/service/daemon.h"

namespace eb::cli {

namespace {
constexpr const char* kDaemonUsage = R"(usage: edgebench daemon [--config FILE] [--db FILE] [--once] [--log journal|stderr]

Runs the benchmark service (systemd Type=notify): benchmarks models dropped into service.models_dir
once they are fully written, re-runs groups on service.schedule, and keeps results in SQLite.
  --config FILE   configuration (default /etc/edgebench/edgebench.yaml)
  --db FILE       results database (default: the config's database, else $STATE_DIRECTORY/results.db,
                  else /var/lib/edgebench/results.db)
  --once          run what is pending or due now, then exit (for cron and tests)
  --log TARGET    journal or stderr (default: journal when started by systemd with JOURNAL_STREAM)
Signals: SIGHUP reloads the configuration (an invalid one is logged and the old one kept);
SIGTERM/SIGINT stop, marking a run in progress 'interrupted'.
)";
}  // namespace

int run_daemon(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"--config", "--db", "--log"}, {"--once", "--help"});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  if (args->has("--help")) {
    std::fputs(kDaemonUsage, stdout);
    return kExitOk;
  }
  if (!args->positional.empty()) {
    print_error("daemon takes no positional arguments ('" + args->positional[0] + "')");
    return kExitUsage;
  }
  service::DaemonOptions o;
  o.config_path = args->get("--config", o.config_path);
  o.db_path = args->get("--db");
  o.once = args->has("--once");
  o.log_target = args->get("--log");
  if (!o.log_target.empty() && o.log_target != "journal" && o.log_target != "stderr") {
    print_error("--log '" + o.log_target + "': expected journal or stderr");
    return kExitUsage;
  }
  return service::run_daemon(o);
}

}  // namespace eb::cli

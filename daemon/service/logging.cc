#include "daemon/service/logging.h"

#include <cstdlib>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/systemd_sink.h>

namespace eb::service {

std::shared_ptr<spdlog::logger> make_daemon_logger(const std::string& target) {
  const char* stream = std::getenv("JOURNAL_STREAM");
  const bool journal = target == "journal" || (target.empty() && stream != nullptr && stream[0] != '\0');
  std::shared_ptr<spdlog::logger> logger;
  if (journal) {
    // SYSLOG_IDENTIFIER=edgebench; priorities follow the level (info -> 6, error -> 3).
    logger = std::make_shared<spdlog::logger>("edgebench", std::make_shared<spdlog::sinks::systemd_sink_st>("edgebench"));
    logger->set_pattern("%v");
  } else {
    logger = std::make_shared<spdlog::logger>("edgebench", std::make_shared<spdlog::sinks::stderr_sink_st>());
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l: %v");
  }
  logger->set_level(spdlog::level::info);
  // Every line reaches the journal or the test's pipe at once (a daemon killed with SIGKILL loses nothing).
  logger->flush_on(spdlog::level::trace);
  return logger;
}

}  // namespace eb::service

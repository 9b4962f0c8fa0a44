#include "daemon/service/logging.h"

#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "daemon/store/stored_text.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/sink.h>
#include <spdlog/sinks/systemd_sink.h>

namespace eb::service {
namespace {

// Every log line quotes names from dropped files, configs and models. Escaped as they are stored
// (stored_text.h: control characters, NUL and invalid UTF-8 become \xNN), a name with a newline cannot
// forge a second log line nor an escape sequence reach a terminal running journalctl. The line is
// escaped once, here, for every message of the daemon. The pattern and formatter go to the inner sink.
class EscapingSink : public spdlog::sinks::sink {
 public:
  explicit EscapingSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}
  void log(const spdlog::details::log_msg& msg) override {
    const std::string text = store::stored_text(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg escaped = msg;
    escaped.payload = spdlog::string_view_t(text.data(), text.size());
    inner_->log(escaped);
  }
  void flush() override { inner_->flush(); }
  void set_pattern(const std::string& pattern) override { inner_->set_pattern(pattern); }
  void set_formatter(std::unique_ptr<spdlog::formatter> formatter) override { inner_->set_formatter(std::move(formatter)); }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
};

}  // namespace

std::shared_ptr<spdlog::logger> make_daemon_logger(const std::string& target) {
  const char* stream = std::getenv("JOURNAL_STREAM");
  const bool journal = target == "journal" || (target.empty() && stream != nullptr && stream[0] != '\0');
  std::shared_ptr<spdlog::logger> logger;
  if (journal) {
    // SYSLOG_IDENTIFIER=edgebench; priorities follow the level (info -> 6, error -> 3).
    logger = std::make_shared<spdlog::logger>(
        "edgebench", std::make_shared<EscapingSink>(std::make_shared<spdlog::sinks::systemd_sink_st>("edgebench")));
    logger->set_pattern("%v");
  } else {
    logger = std::make_shared<spdlog::logger>(
        "edgebench", std::make_shared<EscapingSink>(std::make_shared<spdlog::sinks::stderr_sink_st>()));
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %l: %v");
  }
  logger->set_level(spdlog::level::info);
  // Every line reaches the journal or the test's pipe at once (a daemon killed with SIGKILL loses nothing).
  logger->flush_on(spdlog::level::trace);
  return logger;
}

}  // namespace eb::service

// The daemon's logger (spdlog): to the journal (spdlog's systemd sink, with syslog priorities) when
// started by systemd (JOURNAL_STREAM set) or asked to, else to stderr with timestamps.
#pragma once

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace eb::service {

// target: "journal", "stderr", or "" (journal when JOURNAL_STREAM is set). The journal sink adds its own
// timestamp and priority, so the journal pattern is the bare message.
std::shared_ptr<spdlog::logger> make_daemon_logger(const std::string& target);

}  // namespace eb::service

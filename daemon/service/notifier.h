// The daemon's side of systemd's notify protocol (Type=notify, WatchdogSec=): READY=1, STATUS=...,
// WATCHDOG=1, RELOADING=1, STOPPING=1, sent with sd_notify(3) to $NOTIFY_SOCKET. Without NOTIFY_SOCKET
// (run by hand, from cron, in tests that do not listen) every call is a no-op, so the daemon's code never
// asks whether it runs under systemd.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace eb::service {

class Notifier {
 public:
  using Clock = std::chrono::steady_clock;

  // Reads NOTIFY_SOCKET and the watchdog interval (WATCHDOG_USEC, via sd_watchdog_enabled) once.
  Notifier();

  bool active() const { return active_; }
  // The watchdog interval systemd expects pings within; nullopt when the watchdog is off.
  std::optional<std::chrono::microseconds> watchdog_interval() const { return watchdog_; }

  void ready();
  void reloading();
  void stopping();
  // STATUS=text. Repeats of the same text are not sent again.
  void status(const std::string& text);
  // WATCHDOG=1 now.
  void ping_watchdog();
  // WATCHDOG=1 when half the interval has passed since the last ping (systemd's advice: ping at
  // interval/2 so one late wake-up does not kill the service). Cheap enough to call per item of a run.
  void ping_watchdog_if_due(Clock::time_point now = Clock::now());
  // When the next ping is due (nullopt: no watchdog); the main loop never sleeps past it.
  std::optional<Clock::time_point> next_ping_due() const;

 private:
  void send(const std::string& state);

  bool active_ = false;
  std::optional<std::chrono::microseconds> watchdog_;
  Clock::time_point last_ping_{};
  std::string last_status_;
};

}  // namespace eb::service

#include "daemon/service/notifier.h"

#include <systemd/sd-daemon.h>

#include <cstdlib>

namespace eb::service {

Notifier::Notifier() {
  const char* socket = std::getenv("NOTIFY_SOCKET");
  active_ = socket != nullptr && socket[0] != '\0';
  uint64_t usec = 0;
  // > 0: the watchdog is on for this process (WATCHDOG_USEC set, WATCHDOG_PID unset or ours).
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) watchdog_ = std::chrono::microseconds(usec);
  last_ping_ = Clock::now();
}

void Notifier::send(const std::string& state) {
  if (!active_) return;
  // A failed send cannot be reported anywhere useful (the service manager is the listener); systemd's
  // own watchdog catches a daemon whose notifications do not arrive.
  (void)sd_notify(0, state.c_str());
}

void Notifier::ready() { send("READY=1"); }

void Notifier::reloading() {
  // RELOADING=1 with MONOTONIC_USEC lets newer systemd (253+) match the reload to the request;
  // older ones ignore the extra field.
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  const long long usec = static_cast<long long>(ts.tv_sec) * 1000000LL + ts.tv_nsec / 1000;
  send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void Notifier::stopping() { send("STOPPING=1"); }

void Notifier::status(const std::string& text) {
  if (text == last_status_) return;
  last_status_ = text;
  send("STATUS=" + text);
}

void Notifier::ping_watchdog() {
  last_ping_ = Clock::now();
  send("WATCHDOG=1");
}

void Notifier::ping_watchdog_if_due(Clock::time_point now) {
  if (!watchdog_) return;
  if (now - last_ping_ >= *watchdog_ / 2) ping_watchdog();
}

std::optional<Notifier::Clock::time_point> Notifier::next_ping_due() const {
  if (!watchdog_) return std::nullopt;
  return last_ping_ + std::chrono::duration_cast<Clock::duration>(*watchdog_ / 2);
}

}  // namespace eb::service

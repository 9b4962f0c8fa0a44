#include "daemon/service/debounce.h"

#include <algorithm>

namespace eb::service {

void DebounceTracker::on_event(const std::string& path, Clock::time_point now, std::optional<FileState> state) {
  auto it = files_.find(path);
  if (it == files_.end()) {
    files_.emplace(path, Pending{now, now, state});
    return;
  }
  Pending& p = it->second;
  p.last_event = now;
  if (p.state != state) {
    p.state = state;
    p.stable_since = now;
  }
}

std::vector<std::string> DebounceTracker::take_ready(Clock::time_point now, const StatFn& stat) {
  std::vector<std::string> ready;
  for (auto it = files_.begin(); it != files_.end();) {
    Pending& p = it->second;
    if (now - p.last_event < quiet_) {
      ++it;
      continue;
    }
    const std::optional<FileState> current = stat(it->first);
    if (!current) {  // gone (or replaced by something that is not a file): nothing to benchmark
      it = files_.erase(it);
      continue;
    }
    if (current != p.state) {  // still changing without events (e.g. a paused copy resumed quietly)
      p.state = current;
      p.stable_since = now;
      ++it;
      continue;
    }
    if (now - p.stable_since < quiet_) {
      ++it;
      continue;
    }
    ready.push_back(it->first);
    it = files_.erase(it);
  }
  return ready;  // std::map iteration: already sorted by path
}

std::optional<DebounceTracker::Clock::time_point> DebounceTracker::next_check() const {
  std::optional<Clock::time_point> next;
  for (const auto& [path, p] : files_) {
    const Clock::time_point t = std::max(p.last_event, p.stable_since) + quiet_;
    if (!next || t < *next) next = t;
  }
  return next;
}

}  // namespace eb::service

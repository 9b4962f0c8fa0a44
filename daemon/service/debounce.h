// When is a dropped model file fully written? The pure decision, without file descriptors or clocks of
// its own, so tests drive it with a fake clock and fake file states.
//
// A file is ready when, for `quiet` seconds, it has had no inotify event AND its size and mtime have not
// changed. Both are needed: a copy that pauses between chunks sends no event while paused (so events
// alone would call it done), and a writer that keeps the size (rewriting in place) changes the mtime.
// A file that disappears before it is ready is dropped silently (a temporary file renamed away).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace eb::service {

struct FileState {
  int64_t size = 0;
  int64_t mtime_ns = 0;
  bool operator==(const FileState&) const = default;
};

class DebounceTracker {
 public:
  using Clock = std::chrono::steady_clock;
  // Returns the file's state now, or nullopt when it is gone (or not a regular file).
  using StatFn = std::function<std::optional<FileState>(const std::string& path)>;

  explicit DebounceTracker(Clock::duration quiet) : quiet_(quiet) {}

  void set_quiet(Clock::duration quiet) { quiet_ = quiet; }
  // An inotify event (or a start-up/rescan sighting) for `path`, with its state at that moment.
  void on_event(const std::string& path, Clock::time_point now, std::optional<FileState> state);
  // Files that became ready by `now`, sorted by path; they leave the tracker. Files that changed since
  // they were last looked at restart their quiet period; files that are gone are forgotten.
  std::vector<std::string> take_ready(Clock::time_point now, const StatFn& stat);
  // The earliest moment take_ready() could return something; nullopt when nothing is pending.
  std::optional<Clock::time_point> next_check() const;

  bool pending(const std::string& path) const { return files_.count(path) != 0; }
  size_t pending_count() const { return files_.size(); }

 private:
  struct Pending {
    Clock::time_point last_event;
    Clock::time_point stable_since;  // when `state` was first seen as it is
    std::optional<FileState> state;
  };
  Clock::duration quiet_;
  std::map<std::string, Pending> files_;
};

}  // namespace eb::service

// The debounce state machine with a fake clock and fake file states: a file is ready only after a quiet
// period with no events and an unchanged size and mtime.
#include <gtest/gtest.h>

#include <map>

#include "daemon/service/debounce.h"

namespace eb::service {
namespace {

using namespace std::chrono_literals;
using Clock = DebounceTracker::Clock;

class FakeFiles {
 public:
  void set(const std::string& path, int64_t size, int64_t mtime) { files_[path] = FileState{size, mtime}; }
  void remove(const std::string& path) { files_.erase(path); }
  std::optional<FileState> stat(const std::string& path) const {
    auto it = files_.find(path);
    return it == files_.end() ? std::nullopt : std::optional<FileState>(it->second);
  }
  DebounceTracker::StatFn fn() const {
    return [this](const std::string& p) { return stat(p); };
  }

 private:
  std::map<std::string, FileState> files_;
};

TEST(Debounce, ReadyAfterQuietPeriodWithoutChange) {
  FakeFiles files;
  DebounceTracker t(2s);
  const Clock::time_point t0{};
  files.set("m/a.tflite", 100, 1);
  t.on_event("m/a.tflite", t0, files.stat("m/a.tflite"));
  EXPECT_TRUE(t.take_ready(t0 + 1s, files.fn()).empty());
  EXPECT_TRUE(t.take_ready(t0 + 1999ms, files.fn()).empty());
  ASSERT_EQ(t.next_check(), t0 + 2s);
  EXPECT_EQ(t.take_ready(t0 + 2s, files.fn()), std::vector<std::string>{"m/a.tflite"});
  EXPECT_EQ(t.pending_count(), 0u);
  EXPECT_FALSE(t.next_check().has_value());
  // Taken once: not reported again.
  EXPECT_TRUE(t.take_ready(t0 + 10s, files.fn()).empty());
}

TEST(Debounce, SlowCopyInChunksIsNotReadUntilItStops) {
  FakeFiles files;
  DebounceTracker t(2s);
  const Clock::time_point t0{};
  // 4 KiB every 50 ms for 5 s, each write an event.
  int64_t size = 0;
  for (int i = 0; i <= 100; ++i) {
    const Clock::time_point now = t0 + i * 50ms;
    size += 4096;
    files.set("m/g/b.tflite", size, i);
    t.on_event("m/g/b.tflite", now, files.stat("m/g/b.tflite"));
    EXPECT_TRUE(t.take_ready(now, files.fn()).empty()) << "ready while still being written, at chunk " << i;
  }
  const Clock::time_point last = t0 + 5s;
  EXPECT_TRUE(t.take_ready(last + 1500ms, files.fn()).empty());
  EXPECT_EQ(t.take_ready(last + 2s, files.fn()).size(), 1u);
}

TEST(Debounce, CopyThatPausesWithoutEventsIsNotReady) {
  // The writer is silent for longer than the quiet period but the size moved meanwhile (events were
  // lost, or the writer used a path we do not see): the size change restarts the quiet period.
  FakeFiles files;
  DebounceTracker t(2s);
  const Clock::time_point t0{};
  files.set("m/c.tflite", 4096, 1);
  t.on_event("m/c.tflite", t0, files.stat("m/c.tflite"));
  files.set("m/c.tflite", 8192, 2);  // changed, no event
  EXPECT_TRUE(t.take_ready(t0 + 3s, files.fn()).empty());
  ASSERT_TRUE(t.next_check().has_value());
  EXPECT_EQ(*t.next_check(), t0 + 5s);
  EXPECT_TRUE(t.take_ready(t0 + 4s, files.fn()).empty());
  EXPECT_EQ(t.take_ready(t0 + 5s, files.fn()).size(), 1u);
}

TEST(Debounce, MtimeChangeAloneRestartsQuietPeriod) {
  FakeFiles files;
  DebounceTracker t(1s);
  const Clock::time_point t0{};
  files.set("x.tflite", 10, 1);
  t.on_event("x.tflite", t0, files.stat("x.tflite"));
  files.set("x.tflite", 10, 2);  // rewritten in place, same size
  EXPECT_TRUE(t.take_ready(t0 + 1s, files.fn()).empty());
  EXPECT_EQ(t.take_ready(t0 + 2s, files.fn()).size(), 1u);
}

TEST(Debounce, FileThatVanishesIsForgotten) {
  FakeFiles files;
  DebounceTracker t(1s);
  const Clock::time_point t0{};
  files.set("tmp.tflite", 10, 1);
  t.on_event("tmp.tflite", t0, files.stat("tmp.tflite"));
  files.remove("tmp.tflite");
  EXPECT_TRUE(t.take_ready(t0 + 5s, files.fn()).empty());
  EXPECT_EQ(t.pending_count(), 0u);
}

TEST(Debounce, EventsRestartQuietPeriodEvenWithoutStateChange) {
  FakeFiles files;
  DebounceTracker t(2s);
  const Clock::time_point t0{};
  files.set("a.tflite", 10, 1);
  t.on_event("a.tflite", t0, files.stat("a.tflite"));
  t.on_event("a.tflite", t0 + 1500ms, files.stat("a.tflite"));
  EXPECT_TRUE(t.take_ready(t0 + 2s, files.fn()).empty());
  EXPECT_EQ(*t.next_check(), t0 + 3500ms);
  EXPECT_EQ(t.take_ready(t0 + 3500ms, files.fn()).size(), 1u);
}

TEST(Debounce, SeveralFilesReadyIndependentlyInPathOrder) {
  FakeFiles files;
  DebounceTracker t(1s);
  const Clock::time_point t0{};
  for (const char* p : {"b.tflite", "a.tflite"}) {
    files.set(p, 1, 1);
    t.on_event(p, t0, files.stat(p));
  }
  files.set("c.tflite", 1, 1);
  t.on_event("c.tflite", t0 + 500ms, files.stat("c.tflite"));
  EXPECT_EQ(t.take_ready(t0 + 1s, files.fn()), (std::vector<std::string>{"a.tflite", "b.tflite"}));
  EXPECT_EQ(t.take_ready(t0 + 1500ms, files.fn()), std::vector<std::string>{"c.tflite"});
}

}  // namespace
}  // namespace eb::service

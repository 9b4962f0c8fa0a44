// Next-due computation of the scheduler: every_hours, at times of day (local time, DST), both.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "daemon/service/scheduler.h"

namespace eb::service {
namespace {

using namespace std::chrono_literals;

// Sets TZ for one test and restores it afterwards.
class ScopedTz {
 public:
  explicit ScopedTz(const char* tz) {
    const char* old = std::getenv("TZ");
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv("TZ", tz, 1);
    tzset();
  }
  ~ScopedTz() {
    if (had_)
      setenv("TZ", old_.c_str(), 1);
    else
      unsetenv("TZ");
    tzset();
  }

 private:
  bool had_ = false;
  std::string old_;
};

// A wall-clock instant from a UTC calendar time.
WallClock::time_point utc(int y, int mo, int d, int h, int mi, int s = 0) {
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = s;
  return WallClock::from_time_t(timegm(&tm));
}

TEST(Scheduler, ParsesTimesOfDay) {
  auto t = parse_time_of_day("03:00");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, (TimeOfDay{3, 0}));
  ASSERT_TRUE(parse_time_of_day("23:59").ok());
  ASSERT_TRUE(parse_time_of_day("7:05").ok());
  for (const char* bad : {"24:00", "12:60", "3", "03:00:00", "ab:cd", "", "03:00x", "-1:00"}) {
    auto r = parse_time_of_day(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("time of day"), std::string::npos) << r.status().message();
  }
}

TEST(Scheduler, EveryHoursFromLastRunOrAtOnceWhenNeverRun) {
  ScopedTz tz("UTC");
  Schedule s;
  s.every_hours = 6;
  const auto start = utc(2026, 3, 1, 10, 0);
  EXPECT_EQ(next_due(s, std::nullopt, start), start);
  EXPECT_EQ(next_due(s, utc(2026, 3, 1, 9, 30), start), utc(2026, 3, 1, 15, 30));
  s.every_hours = 0.5;
  EXPECT_EQ(next_due(s, utc(2026, 3, 1, 9, 30), start), utc(2026, 3, 1, 10, 0));
}

TEST(Scheduler, AtTimesNextOccurrenceStrictlyAfter) {
  ScopedTz tz("UTC");
  Schedule s;
  s.at = {{15, 0}, {3, 0}};
  // Never run: the next listed time after the daemon started (nothing at start-up).
  EXPECT_EQ(next_due(s, std::nullopt, utc(2026, 3, 1, 10, 0)), utc(2026, 3, 1, 15, 0));
  EXPECT_EQ(next_due(s, std::nullopt, utc(2026, 3, 1, 16, 0)), utc(2026, 3, 2, 3, 0));
  // Exactly at a listed time: strictly after, so the next one.
  EXPECT_EQ(next_due(s, utc(2026, 3, 1, 15, 0), utc(2026, 3, 1, 15, 0)), utc(2026, 3, 2, 3, 0));
  // Last run long ago (device was off): due at the first time after it, i.e. in the past: caught up once.
  EXPECT_EQ(next_due(s, utc(2026, 2, 20, 4, 0), utc(2026, 3, 1, 10, 0)), utc(2026, 2, 20, 15, 0));
  // Month and year roll-over.
  EXPECT_EQ(next_time_of_day({{3, 0}}, utc(2026, 12, 31, 23, 0)), utc(2027, 1, 1, 3, 0));
}

TEST(Scheduler, AtTimesAreLocalTime) {
  ScopedTz tz("EST5EDT,M3.2.0,M11.1.0");  // POSIX rule: no tzdata needed; UTC-5, DST UTC-4
  // 2026-01-15: EST. 03:00 local = 08:00 UTC.
  EXPECT_EQ(next_time_of_day({{3, 0}}, utc(2026, 1, 15, 0, 0)), utc(2026, 1, 15, 8, 0));
  // 2026-07-15: EDT. 03:00 local = 07:00 UTC.
  EXPECT_EQ(next_time_of_day({{3, 0}}, utc(2026, 7, 15, 0, 0)), utc(2026, 7, 15, 7, 0));
  // Spring forward 2026-03-08 02:00 -> 03:00: 02:30 does not exist; it falls after the jump, once.
  const auto gap = next_time_of_day({{2, 30}}, utc(2026, 3, 8, 5, 0));  // 00:00 EST
  ASSERT_TRUE(gap.has_value());
  EXPECT_GT(*gap, utc(2026, 3, 8, 7, 0));  // after 03:00 EDT
  EXPECT_LT(*gap, utc(2026, 3, 8, 8, 0));
}

TEST(Scheduler, BothTakesWhicheverComesFirstAndNoneIsNever) {
  ScopedTz tz("UTC");
  Schedule s;
  s.every_hours = 24;
  s.at = {{3, 0}};
  const auto last = utc(2026, 3, 1, 12, 0);
  EXPECT_EQ(next_due(s, last, last), utc(2026, 3, 2, 3, 0));
  s.at = {{13, 0}};
  EXPECT_EQ(next_due(s, last, last), utc(2026, 3, 1, 13, 0));
  s.at = {};
  EXPECT_EQ(next_due(s, last, last), utc(2026, 3, 2, 12, 0));
  EXPECT_FALSE(next_due(Schedule{}, last, last).has_value());
}

}  // namespace
}  // namespace eb::service

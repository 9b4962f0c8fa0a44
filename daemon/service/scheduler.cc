#include "daemon/service/scheduler.h"

#include <cstdio>
#include <ctime>

namespace eb::service {

Result<TimeOfDay> parse_time_of_day(const std::string& text) {
  int h = -1, m = -1;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || h > 23 || m < 0 || m > 59 ||
      text.size() < 4 || text.size() > 5)
    return error("'%s' is not a time of day (expected HH:MM, 00:00 to 23:59)", text.c_str());
  return TimeOfDay{h, m};
}

std::optional<WallClock::time_point> next_time_of_day(const std::vector<TimeOfDay>& times, WallClock::time_point after) {
  if (times.empty()) return std::nullopt;
  const std::time_t base = WallClock::to_time_t(after);
  std::tm day{};
  localtime_r(&base, &day);
  std::optional<WallClock::time_point> best;
  // Today and the next two days cover every case (a DST gap can push a time past midnight at most).
  for (int d = 0; d <= 2; ++d) {
    for (const TimeOfDay& t : times) {
      std::tm c{};
      c.tm_year = day.tm_year;
      c.tm_mon = day.tm_mon;
      c.tm_mday = day.tm_mday + d;  // mktime normalises month/year overflow
      c.tm_hour = t.hour;
      c.tm_min = t.minute;
      c.tm_isdst = -1;  // let the C library decide whether DST applies on that date
      const std::time_t when = std::mktime(&c);
      if (when == static_cast<std::time_t>(-1)) continue;
      const auto tp = WallClock::from_time_t(when);
      if (tp > after && (!best || tp < *best)) best = tp;
    }
    if (best) break;
  }
  return best;
}

std::optional<WallClock::time_point> next_due(const Schedule& schedule, std::optional<WallClock::time_point> last_run,
                                              WallClock::time_point since) {
  std::optional<WallClock::time_point> due;
  if (schedule.every_hours) {
    const auto period = std::chrono::duration_cast<WallClock::duration>(std::chrono::duration<double>(*schedule.every_hours * 3600.0));
    due = last_run ? *last_run + period : since;
  }
  const auto at = next_time_of_day(schedule.at, last_run ? *last_run : since);
  if (at && (!due || *at < *due)) due = at;
  return due;
}

}  // namespace eb::service

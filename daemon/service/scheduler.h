// When is a configured group due again? `every_hours: N` and/or `at: ["03:00", ...]` (local time).
//
//  - every_hours: due N hours after the group's last run started; a group never run is due at once.
//  - at: due at the first listed time of day strictly after the last run (or, for a group never run,
//    after the daemon started: a fresh install does not benchmark everything at start-up because of an
//    `at` schedule). A time missed while the device was off is caught up once, not once per day missed.
//  - Both: whichever comes first. Neither: never (groups then run only when their models change).
// Wall-clock times, because "03:00" is a wall-clock notion; the main loop re-evaluates after every
// wake-up, so a clock that jumps (a Pi without RTC setting its time from NTP) only moves the due time.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "kernels/common/status.h"

namespace eb::service {

using WallClock = std::chrono::system_clock;

struct TimeOfDay {
  int hour = 0, minute = 0;
  bool operator==(const TimeOfDay&) const = default;
};

// "03:00", "3:00", "23:59"; the error names the text.
Result<TimeOfDay> parse_time_of_day(const std::string& text);

struct Schedule {
  std::optional<double> every_hours;
  std::vector<TimeOfDay> at;  // local time
  bool empty() const { return !every_hours && at.empty(); }
};

// The first moment strictly after `after` whose local time is one of `times` (DST-aware through the C
// library's local time; a time that does not exist on a spring-forward day falls on the next valid one).
std::optional<WallClock::time_point> next_time_of_day(const std::vector<TimeOfDay>& times, WallClock::time_point after);

// When the group is next due. `last_run`: start of its last finished run (complete or failed; an
// interrupted run does not count, so a killed run is resumed at once after a restart); `since`:
// when the daemon started (the base for `at` when there is no last run). nullopt: never.
std::optional<WallClock::time_point> next_due(const Schedule& schedule, std::optional<WallClock::time_point> last_run,
                                              WallClock::time_point since);

}  // namespace eb::service

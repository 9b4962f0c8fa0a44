// throttled_between(): the per-measurement throttling flag stored with every measurement, from the
// Raspberry Pi firmware's flags or the x86 thermal throttling counters read at its start and end.
#include "daemon/measure/device_state.h"

#include <gtest/gtest.h>

namespace eb {
namespace {

ThrottleState firmware(uint32_t flags) {
  ThrottleState t;
  t.firmware_flags = flags;
  return t;
}

ThrottleState events(uint64_t n) {
  ThrottleState t;
  t.throttle_events = n;
  return t;
}

TEST(Throttling, UnknownWithoutASource) {
  EXPECT_FALSE(throttled_between(ThrottleState{}, ThrottleState{}).has_value());
  // A source read at one end only (vcgencmd failed once) says nothing either.
  EXPECT_FALSE(throttled_between(firmware(0), ThrottleState{}).has_value());
}

TEST(Throttling, FirmwareFlags) {
  EXPECT_EQ(throttled_between(firmware(0), firmware(0)), false);
  // Throttled now (bit 2) or frequency capped (bit 1) at either end.
  EXPECT_EQ(throttled_between(firmware(0x4), firmware(0)), true);
  EXPECT_EQ(throttled_between(firmware(0), firmware(0x2)), true);
  // A "since boot" flag set during the measurement (throttled and recovered in between).
  EXPECT_EQ(throttled_between(firmware(0), firmware(0x40000)), true);
  // Since-boot flags already set before the measurement, nothing now: an earlier episode, not this one.
  EXPECT_EQ(throttled_between(firmware(0x50000), firmware(0x50000)), false);
}

TEST(Throttling, ThermalThrottleCounters) {
  EXPECT_EQ(throttled_between(events(12), events(12)), false);
  EXPECT_EQ(throttled_between(events(12), events(13)), true);
}

TEST(Throttling, EitherSourceSuffices) {
  ThrottleState a = firmware(0), b = firmware(0);
  a.throttle_events = 5;
  b.throttle_events = 9;
  EXPECT_EQ(throttled_between(a, b), true);
  b.throttle_events = 5;
  EXPECT_EQ(throttled_between(a, b), false);
}

TEST(Throttling, ReadingThisMachineNeverFails) {
  // Values depend on the machine (none on most VMs); reading must work and agree with itself.
  const ThrottleState s = read_throttle_state();
  const auto t = throttled_between(s, s);
  EXPECT_EQ(t.has_value(), s.firmware_flags.has_value() || s.throttle_events.has_value());
  if (t) {
    EXPECT_EQ(*t, (s.firmware_flags.value_or(0) & 0xFu) != 0);  // same counters: only "now" flags count
  }
}

}  // namespace
}  // namespace eb

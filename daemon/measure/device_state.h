// What the device is doing while edgebench measures: CPU identity, governor, temperature, frequency,
// firmware throttling. Linux /proc and /sys; every reading is optional (absent on this machine or VM).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace eb {

struct DeviceInfo {
  std::string hostname;
  std::string cpu_model;  // "Raspberry Pi 4 Model B Rev 1.4" / "Cortex-A72" / "Intel(R) Xeon(R)..."
  int cpu_cores = 0;
  std::string kernel;     // uname release
  std::string governor;   // cpufreq scaling governor of cpu0
  std::optional<bool> throttled;  // `vcgencmd get_throttled` (Raspberry Pi firmware), when it exists
};

struct DeviceReading {
  std::optional<double> cpu_temp_c;    // /sys/class/thermal/thermal_zone0/temp
  std::optional<double> cpu_freq_mhz;  // scaling_cur_freq of the CPU asked for (cpu0 by default)
};

// Throttling counters read at the start and the end of a measurement. Either may be absent.
struct ThrottleState {
  // Raspberry Pi firmware flags (`get_throttled`): bits 0-3 "now" (under-voltage, frequency capped,
  // throttled, soft temperature limit), bits 16-19 the same "has occurred since boot".
  std::optional<uint32_t> firmware_flags;
  // x86 Linux: thermal throttling events so far (sum of cpu*/thermal_throttle/*_throttle_count).
  std::optional<uint64_t> throttle_events;
};

DeviceInfo read_device_info();
DeviceReading read_device_sample(int cpu = 0);
ThrottleState read_throttle_state();
// Whether the CPU was throttled between two readings: firmware flags throttled now at either end or a
// "since boot" flag newly set, or throttle events counted meanwhile. nullopt when neither source exists.
std::optional<bool> throttled_between(const ThrottleState& start, const ThrottleState& end);

}  // namespace eb

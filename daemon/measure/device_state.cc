#include "daemon/measure/device_state.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "kernels/common/status.h"

namespace eb {
namespace {

std::optional<std::string> read_first_line(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  if (!f || !std::getline(f, line)) return std::nullopt;
  return line;
}

std::optional<double> read_number(const std::string& path, double divisor) {
  auto line = read_first_line(path);
  if (!line) return std::nullopt;
  try {
    return std::stod(*line) / divisor;
  } catch (...) {
    return std::nullopt;
  }
}

std::string cpu_model_name() {
  std::ifstream f("/proc/cpuinfo");
  std::string line, model, hardware;
  while (std::getline(f, line)) {
    auto value = [&] { return line.substr(line.find(':') + 2); };
    if (line.rfind("model name", 0) == 0 && model.empty() && line.find(':') != std::string::npos) model = value();
    if (line.rfind("Model", 0) == 0 && line.find(':') != std::string::npos) hardware = value();  // Raspberry Pi
  }
  if (auto dt = read_first_line("/proc/device-tree/model"); dt && !dt->empty()) hardware = std::string(dt->c_str());
  return !hardware.empty() ? hardware : model;
}

// The Raspberry Pi firmware's throttling flags: the kernel's sysfs file when it has one (Raspberry Pi
// OS kernels; cheap), else `vcgencmd get_throttled`, which prints "throttled=0x50005".
std::optional<uint32_t> firmware_throttle_flags() {
  if (auto line = read_first_line("/sys/devices/platform/soc/soc:firmware/get_throttled")) {
    char* end = nullptr;
    const unsigned long v = std::strtoul(line->c_str(), &end, 16);
    if (end != line->c_str()) return static_cast<uint32_t>(v);
  }
  if (access("/usr/bin/vcgencmd", X_OK) != 0) return std::nullopt;
  FILE* p = popen("/usr/bin/vcgencmd get_throttled 2>/dev/null", "r");
  if (!p) return std::nullopt;
  char buf[64] = {0};
  const bool got = std::fgets(buf, sizeof buf, p) != nullptr;
  pclose(p);
  if (!got) return std::nullopt;
  const std::string s(buf);
  const auto eq = s.find('=');
  if (eq == std::string::npos) return std::nullopt;
  return static_cast<uint32_t>(std::strtoul(s.c_str() + eq + 1, nullptr, 16));
}

std::optional<bool> firmware_throttled() {
  auto flags = firmware_throttle_flags();
  if (!flags) return std::nullopt;
  return *flags != 0;  // throttling now or since boot
}

// Sum of the x86 thermal throttling counters of every CPU (core and package), or nullopt without any.
std::optional<uint64_t> thermal_throttle_events() {
  std::optional<uint64_t> sum;
  for (int cpu = 0; cpu < 4096; ++cpu) {
    const std::string dir = "/sys/devices/system/cpu/cpu" + std::to_string(cpu);
    if (access(dir.c_str(), F_OK) != 0) break;
    for (const char* name : {"/thermal_throttle/core_throttle_count", "/thermal_throttle/package_throttle_count"}) {
      if (auto v = read_number((dir + name).c_str(), 1.0)) sum = sum.value_or(0) + static_cast<uint64_t>(*v);
    }
  }
  return sum;
}

}  // namespace

DeviceInfo read_device_info() {
  DeviceInfo d;
  char host[256] = {0};
  if (gethostname(host, sizeof host - 1) == 0) d.hostname = host;
  d.cpu_model = cpu_model_name();
  d.cpu_cores = static_cast<int>(std::thread::hardware_concurrency());
  struct utsname u {};
  if (uname(&u) == 0) d.kernel = u.release;
  d.governor = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor").value_or("");
  d.throttled = firmware_throttled();
  return d;
}

ThrottleState read_throttle_state() {
  ThrottleState t;
  t.firmware_flags = firmware_throttle_flags();
  t.throttle_events = thermal_throttle_events();
  return t;
}

std::optional<bool> throttled_between(const ThrottleState& start, const ThrottleState& end) {
  std::optional<bool> r;
  if (start.firmware_flags && end.firmware_flags) {
    const uint32_t now_bits = 0xFu, since_boot_bits = 0xF0000u;
    r = ((*start.firmware_flags | *end.firmware_flags) & now_bits) != 0 ||
        ((*end.firmware_flags & ~*start.firmware_flags) & since_boot_bits) != 0;
  }
  if (start.throttle_events && end.throttle_events)
    r = r.value_or(false) || *end.throttle_events > *start.throttle_events;
  return r;
}

DeviceReading read_device_sample(int cpu) {
  DeviceReading r;
  r.cpu_temp_c = read_number("/sys/class/thermal/thermal_zone0/temp", 1000.0);
  r.cpu_freq_mhz = read_number(strfmt("/sys/devices/system/cpu/cpu%d/cpufreq/scaling_cur_freq", cpu < 0 ? 0 : cpu), 1000.0);
  return r;
}

}  // namespace eb

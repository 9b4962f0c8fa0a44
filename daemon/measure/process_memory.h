// Resident memory of this process or of a child (the measuring worker), from /proc/<pid>/status (Linux).
#pragma once

#include <cstddef>
#include <fstream>
#include <string>

namespace eb {

// VmHWM (peak resident set) or VmRSS (current) of process `pid` (0: this process), in bytes; 0 when
// unavailable.
inline size_t proc_status_kb_field(const char* field, int pid = 0) {
  std::ifstream f(pid > 0 ? "/proc/" + std::to_string(pid) + "/status" : std::string("/proc/self/status"));
  std::string line;
  const std::string key = std::string(field) + ":";
  while (std::getline(f, line))
    if (line.compare(0, key.size(), key) == 0) return std::stoul(line.substr(key.size())) * 1024;
  return 0;
}
// Resets VmHWM to the current RSS (Linux >= 4.0: "5" to /proc/self/clear_refs), so the peak of one
// measurement is not the peak of an earlier one in the same process. False when unsupported.
inline bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}
inline size_t peak_rss_bytes(int pid = 0) { return proc_status_kb_field("VmHWM", pid); }
inline size_t current_rss_bytes(int pid = 0) { return proc_status_kb_field("VmRSS", pid); }

}  // namespace eb

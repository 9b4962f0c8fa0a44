#include "daemon/measure/cpu_list.h"

#include <algorithm>
#include <cctype>

namespace eb {
namespace {

constexpr int kMaxCpu = 1023;  // CPU_SETSIZE - 1: the largest CPU a cpu_set_t holds

bool parse_cpu(const std::string& s, int* out) {
  if (s.empty() || s.size() > 4 || !std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); }))
    return false;
  *out = std::stoi(s);
  return *out <= kMaxCpu;
}

}  // namespace

Result<std::vector<int>> parse_cpu_list(const std::string& list) {
  std::vector<int> cpus;
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string item = list.substr(start, comma - start);
    const size_t dash = item.find('-');
    int lo = 0, hi = 0;
    const bool ok = dash == std::string::npos
                        ? parse_cpu(item, &lo) && parse_cpu(item, &hi)
                        : parse_cpu(item.substr(0, dash), &lo) && parse_cpu(item.substr(dash + 1), &hi);
    if (!ok || lo > hi)
      return error("CPU list '%s': '%s' is not a CPU number (0-%d) or a range LO-HI", list.c_str(), item.c_str(), kMaxCpu);
    for (int c = lo; c <= hi; ++c) cpus.push_back(c);
    start = comma + 1;
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  return cpus;
}

}  // namespace eb

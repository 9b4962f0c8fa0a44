// Summary statistics of latency samples (milliseconds): what `bench`, `run` and `query` report.
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

namespace eb {

struct LatencySummary {
  double min = 0, mean = 0, std = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
  size_t count = 0;
};

// Percentiles by linear interpolation between closest ranks (NumPy's default), so figures agree with
// what users compute from the raw samples.
inline double percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double pos = p / 100.0 * static_cast<double>(sorted.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(pos));
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - static_cast<double>(lo));
}

inline LatencySummary summarize(std::vector<double> samples) {
  LatencySummary s;
  s.count = samples.size();
  if (samples.empty()) return s;
  std::sort(samples.begin(), samples.end());
  double sum = 0;
  for (double v : samples) sum += v;
  s.mean = sum / static_cast<double>(samples.size());
  double var = 0;
  for (double v : samples) var += (v - s.mean) * (v - s.mean);
  s.std = samples.size() > 1 ? std::sqrt(var / static_cast<double>(samples.size() - 1)) : 0.0;
  s.min = samples.front();
  s.max = samples.back();
  s.p50 = percentile(samples, 50);
  s.p90 = percentile(samples, 90);
  s.p99 = percentile(samples, 99);
  return s;
}

}  // namespace eb

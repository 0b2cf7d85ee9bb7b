#include "suanli/sim/metrics.h"

#include <algorithm>
#include <cmath>

namespace suanli {

double ShareStat::share_device_hours() const {
  const double total = device_hours_domestic + device_hours_imported;
  return total > 0 ? device_hours_domestic / total : 1.0;
}

double ShareStat::share_compute() const {
  const double total = compute_domestic + compute_imported;
  return total > 0 ? compute_domestic / total : 1.0;
}

Stats make_stats(std::vector<double> v) {
  Stats s;
  s.count = static_cast<int>(v.size());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  double sum = 0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  auto pct = [&](double q) {
    const double rank = q * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(rank));
    const auto hi = static_cast<std::size_t>(std::ceil(rank));
    return v[lo] + (v[hi] - v[lo]) * (rank - static_cast<double>(lo));
  };
  s.p50 = pct(0.5);
  s.p99 = pct(0.99);
  s.max = v.back();
  return s;
}

}  // namespace suanli

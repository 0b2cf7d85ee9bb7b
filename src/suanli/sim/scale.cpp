#include "suanli/sim/scale.h"

#include <algorithm>
#include <string>

#include "suanli/model/error.h"

namespace suanli {

Scenario scale(const Scenario& s, int k, int fleet_k) {
  SUANLI_ASSERT(k >= 1 && fleet_k >= 1);
  Scenario out = s;
  out.name = s.name + " x" + std::to_string(k) + (fleet_k != k ? " (fleet x" + std::to_string(fleet_k) + ")" : "");
  for (NodeGroup& g : out.fleet) g.count *= fleet_k;
  for (Purchase& p : out.purchases) p.group.count *= fleet_k;
  for (Event& e : out.events) {
    if (e.kind == Event::Kind::NodesLeave) e.group.count *= fleet_k;
  }
  for (Tenant& t : out.tenants) t.quota_devices *= fleet_k;
  for (ArrivalProcess& a : out.arrivals) a.per_day *= k;
  // Explicit jobs: copy c of job id i is id c x (largest id) + i, so ids stay unique.
  std::int64_t top = 0;
  for (const Job& j : s.jobs) top = std::max(top, j.id);
  out.jobs.clear();
  out.jobs.reserve(s.jobs.size() * static_cast<std::size_t>(k));
  for (int copy = 0; copy < k; ++copy) {
    for (const Job& j : s.jobs) {
      out.jobs.push_back(j);
      out.jobs.back().id = copy * top + j.id;
    }
  }
  return out;
}

}  // namespace suanli

// scale(): the same scenario K times larger, for national-scale runs and
// benchmarks.
//
// Every quantity that sizes the fleet or the load is multiplied by K: node
// groups (installed and purchased), nodes lost in failure events, tenant
// quotas, arrival rates and explicit jobs (each repeated K times at the same
// arrival). Per-job sizes, shares, targets, priorities and the policy stay as
// they are, so the load per device is the same and a scheduler sees the same
// situation with K times the nodes and the jobs. `fleet_k` (default K) scales
// the fleet alone: fleet_k < K is the same fleet with more demand.
//
// Pure; O(size of the scenario x K) for the explicit jobs, else O(size).
#pragma once

#include "suanli/model/scenario.h"

namespace suanli {

// REQUIRES: k >= 1, fleet_k >= 1.
Scenario scale(const Scenario& s, int k, int fleet_k);
inline Scenario scale(const Scenario& s, int k) { return scale(s, k, k); }

}  // namespace suanli

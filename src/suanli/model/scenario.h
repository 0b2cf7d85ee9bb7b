// Scenario: one file tying fleet, tenants, policy, workload and events over a
// period (DESIGN.md section 2). Parsed by config/, run by sim/.
//
// Plain value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "suanli/model/event.h"
#include "suanli/model/fleet.h"
#include "suanli/model/job.h"
#include "suanli/model/policy_spec.h"
#include "suanli/model/time.h"

namespace suanli {

// A seeded generator: Poisson arrivals per class.
struct ArrivalProcess {
  int cls = 0;                   // index into Scenario::classes
  double per_day = 1.0;          // mean arrivals per day
  Seconds start = 0;             // first possible arrival (defaults to the period start)
  Seconds end = 0;               // last possible arrival (defaults to the period end)
  double size_jitter = 0.0;      // work/duration drawn from [1-j, 1+j] x nominal

  bool operator==(const ArrivalProcess&) const = default;
};

// A procurement order: nodes that join after a lead time unless supply is cut first.
struct Purchase {
  NodeGroup group;               // group.join = delivery date
  Seconds ordered = 0;
  std::string note;

  bool operator==(const Purchase&) const = default;
};

struct Scenario {
  std::string name;
  std::string description;
  std::string source;            // file it came from
  Seconds start = 0;
  Seconds end = 0;
  std::uint64_t seed = 42;
  std::vector<NodeGroup> fleet;
  std::vector<Purchase> purchases;
  std::vector<Tenant> tenants;
  PolicySpec policy;
  std::vector<JobClass> classes;
  std::vector<ArrivalProcess> arrivals;
  std::vector<Job> jobs;         // explicit jobs (job list), in addition to generated ones
  std::vector<Event> events;     // supply events, failures, ...
  Seconds sample_interval = 6 * kHour;  // metrics time-series resolution
  // Scheduler knobs the scenario fixes (the CLI may override the scheduler name).
  bool preemption = true;
  Seconds checkpoint_interval = kHour;  // preempted jobs lose the work since their last checkpoint
  std::vector<std::string> notes;       // documentation of chosen numbers

  bool operator==(const Scenario&) const = default;
};

}  // namespace suanli

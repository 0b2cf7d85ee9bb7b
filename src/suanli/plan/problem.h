// The planning problem and the plan: plain value types (DESIGN.md section 2,
// "Plan"). config/plan_loader builds a PlanProblem from a plan file; plan()
// in planner.h turns it into a PlanResult.
//
// Units: money in US dollars, power in watts or kilowatts as named, time in
// Seconds. Thread-compatible.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "suanli/model/fleet.h"
#include "suanli/model/job.h"
#include "suanli/model/policy_spec.h"
#include "suanli/model/time.h"

namespace suanli::plan {

// An accelerator model the centre may buy, as whole nodes.
struct Candidate {
  std::string accelerator;        // catalog id
  int devices_per_node = 8;
  double usd_per_node = 0;        // node price, devices and host included
  bool price_estimate = true;     // true unless the vendor publishes the price
  std::string price_source;       // where the figure comes from
  int max_nodes = -1;             // supply cap; -1 = none
  Seconds lead_time = 0;          // order to delivery
  double host_overhead_w = 3000;  // node power beyond the devices' TDP (CPUs, memory, NICs, fans)
  bool available = true;          // licensed/buyable at the purchase date
  std::string availability_why;   // the event that decided it

  bool operator==(const Candidate&) const = default;
};

// Demand of one workload class, steady over the horizon.
//   train, finetune, batch-infer: `work_tokens` within `within` (a deadline
//     from the purchase date, or a time budget);
//   serve: `tokens_per_s` in total, each replica meeting the class's SLO
//     (max TPOT, per-replica minimum throughput).
struct Demand {
  JobClass shape;
  double work_tokens = 0;
  Seconds within = 0;
  double tokens_per_s = 0;

  bool operator==(const Demand&) const = default;
};

struct PlanProblem {
  std::string name;
  std::string description;
  std::string source;
  Seconds purchase_date = 0;
  Seconds horizon = 365 * kDay;            // energy is counted over this span
  std::vector<NodeGroup> fleet;            // existing nodes (joined by the purchase date)
  std::vector<Tenant> tenants;
  PolicySpec policy;                       // cii-domestic-only, gap-only, sectors
  std::vector<Candidate> candidates;
  std::vector<Demand> demand;

  double budget_usd = 0;                   // capex cap; 0 = none
  double power_cap_kw = 0;                 // installed IT power cap, existing + bought; 0 = none
  int space_nodes = 0;                     // node slots, existing + bought; 0 = none
  double electricity_usd_per_kwh = 0.08;
  double pue = 1.3;                        // facility power / IT power
  double existing_host_overhead_w = 3000;  // per existing node, for the power cap
  // Power per device including its share of the host, W, by accelerator id
  // (from the price file; most domestic TDPs are unpublished). A model not
  // listed uses TDP + host overhead / devices per node.
  std::map<std::string, double> device_power_w;

  double domestic_share_target = 0;        // of used device-hours on domestic chips (0..1)
  double imported_scope_cap = 1;           // imported devices in use <= cap x all devices (0..1)
  double resilience_all = 0;               // share of all demand domestic capacity alone must serve (0..1)
  bool resilience_critical = true;         // critical demand fully served by domestic capacity alone

  std::vector<std::string> notes;

  bool operator==(const PlanProblem&) const = default;
};

}  // namespace suanli::plan

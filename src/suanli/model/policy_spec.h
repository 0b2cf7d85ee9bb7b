// The sovereignty policy as data: rules with ids and one-line reasons that
// audits quote. Evaluated by src/suanli/policy/.
//
// Plain value type; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "suanli/model/time.h"

namespace suanli {

struct PolicySpec {
  std::string name = "seed";
  std::string source;  // where it was loaded from

  // Rule cii-domestic-only: tenants in these sectors run on domestic chips only.
  bool cii_domestic_only = true;
  std::vector<std::string> critical_sectors = {"telecom", "energy", "finance", "transport", "government"};
  std::string cii_reason = "critical-infrastructure tenants run on domestic accelerators only";

  // Rule gap-only: an imported chip may serve a job only if no domestic
  // accelerator model in the fleet can (memory fit, ported stack, SLO).
  bool gap_only = true;
  std::string gap_reason = "imported accelerators serve only jobs that no domestic accelerator in the fleet can run";

  // Rule imported-cap: imported devices in use stay within these shares,
  // checked at every placement. fleet: of the fleet's devices; tenant: of the
  // tenant's quota (or of the fleet's devices when it has no quota). 1 = no
  // cap. Holding the cap at every moment bounds the imported share of
  // device-hour capacity over any window; reports show that share over the
  // sliding `cap_window`.
  double imported_cap_fleet = 1.0;
  double imported_cap_tenant = 1.0;
  Seconds cap_window = 30 * kDay;
  std::string cap_reason = "imported use stays inside its capped scope";

  // Reporting target: fleet-wide domestic share (device-hours and delivered compute).
  double domestic_target = 0.0;

  // Rule ported-stack is physical, not optional: a job runs only on chips
  // whose software stack it is ported to. Listed here so audits quote it.
  std::string stack_reason = "the job is not ported to this accelerator's software stack";

  bool operator==(const PolicySpec&) const = default;
};

}  // namespace suanli

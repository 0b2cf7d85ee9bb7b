// The sovereignty policy, evaluated per (job, accelerator model) into a Verdict.
//
// Rules (ids quoted in every verdict; see model/policy_spec.h for the data):
//   ported-stack       the job must be ported to the chip's stack (physical)
//   cii-domestic-only  critical-infrastructure tenants: domestic chips only
//   gap-only           imported chips only for "gap" jobs: no domestic model
//                      in the fleet can run them (fit, stack, SLO)
//   imported-cap       imported devices in use stay within the capped scope:
//                      at most cap_fleet x fleet devices, and at most
//                      cap_tenant x the tenant's quota (or the fleet). Holding
//                      the cap at every moment bounds the imported share of
//                      device-hours over any window by the same fraction.
//                      A fraction of a device (a shared device) counts as
//                      milli/1000 devices, so device counts here are doubles.
//
// Pure: same inputs, same verdict; no I/O, no clock; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/decision.h"
#include "suanli/model/fleet.h"
#include "suanli/model/policy_spec.h"
#include "suanli/policy/capability.h"

namespace suanli {

// Which domestic models of the fleet could run a job, and why each cannot.
struct GapAnalysis {
  bool gap = false;                        // no domestic model can
  std::vector<std::string> domestic_can;   // ids that can
  std::vector<std::string> domestic_why;   // "ascend-910c: not ported to cann", ...
};

// Imported devices in use, for the cap rule (fractions as milli/1000).
struct ImportedUse {
  int fleet_devices = 0;           // all devices in the fleet now
  double fleet_imported_in_use = 0;
  double tenant_imported_in_use = 0;
  int tenant_quota = 0;            // 0 = none: the tenant cap applies to the fleet size
};

class Policy {
 public:
  explicit Policy(PolicySpec spec) : spec_(std::move(spec)) {}

  const PolicySpec& spec() const { return spec_; }
  bool critical(const Tenant& t) const;

  // `fleet_models` are the accelerator models present in the fleet, with the
  // devices each has in total (a job needing more than that cannot run there).
  struct FleetModel {
    const Accelerator* accelerator;
    int total_devices;
  };
  GapAnalysis analyse_gap(const JobClass& shape, const std::vector<FleetModel>& fleet_models,
                          CapabilityCache& capabilities) const;

  // The verdict on running a job of `tenant` on accelerator `a`, taking
  // `devices` devices, for a job whose gap status is `gap`: judge_rules then
  // judge_cap.
  Verdict judge(const Tenant& tenant, const Accelerator& a, const GapAnalysis& gap, double devices,
                const ImportedUse& use) const;
  // The rules that do not depend on load: cii-domestic-only, gap-only.
  Verdict judge_rules(const Tenant& tenant, const Accelerator& a, const GapAnalysis& gap) const;
  // Whether `devices` more imported devices would break the imported cap (cheap; no strings).
  bool cap_exceeded(double devices, const ImportedUse& use) const;
  // The imported-cap verdict, with its reason (allowed when within the cap).
  Verdict judge_cap(const Accelerator& a, const std::string& tenant, double devices, const ImportedUse& use) const;

 private:
  PolicySpec spec_;
};

}  // namespace suanli

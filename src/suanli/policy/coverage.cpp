#include "suanli/policy/coverage.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

namespace suanli {

Coverage analyse_coverage(const Scenario& s, const Catalog& catalog) {
  Coverage cov;
  std::map<std::string, int> devices;  // total devices per model over the period (fleet + purchases)
  auto note = [&](const NodeGroup& g) {
    if (!devices.count(g.accelerator)) cov.fleet_models.push_back(g.accelerator);
    devices[g.accelerator] += g.count * g.devices_per_node;
  };
  for (const NodeGroup& g : s.fleet) note(g);
  for (const Purchase& p : s.purchases) note(p.group);

  const Policy policy(s.policy);
  CapabilityCache caps(catalog);
  std::vector<Policy::FleetModel> models;
  for (const std::string& id : cov.fleet_models) models.push_back({&catalog.accelerator(id), devices[id]});

  for (const JobClass& jc : s.classes) {
    ClassCoverage cc;
    cc.cls = jc.name;
    cc.tenant = jc.tenant;
    const Tenant* tenant = nullptr;
    for (const Tenant& t : s.tenants) {
      if (t.name == jc.tenant) tenant = &t;
    }
    Tenant unknown{jc.tenant, "other", 0, 0, 0.0, ""};
    if (!tenant) tenant = &unknown;
    cc.critical = policy.critical(*tenant);
    const GapAnalysis gap = policy.analyse_gap(jc, models, caps);
    cc.gap = gap.gap;
    cc.domestic_covers = !gap.gap;
    ImportedUse unlimited;
    for (const auto& fm : models) unlimited.fleet_devices += fm.total_devices;
    for (const auto& fm : models) {
      ModelCoverage mc;
      const Accelerator& a = *fm.accelerator;
      mc.accelerator = a.id;
      mc.origin = a.origin;
      const Capability& cap = caps.get(jc, a);
      mc.devices = cap.devices;
      mc.tokens_per_s = cap.tokens_per_s;
      mc.measured = cap.measured;
      mc.fleet_devices = fm.total_devices;
      if (!cap.feasible) {
        mc.why = cap.why;
        mc.not_feasible = cap.not_ported ? ModelCoverage::NotFeasible::NotPorted : ModelCoverage::NotFeasible::Other;
      } else if (cap.devices > fm.total_devices) {
        mc.why = fmt::format("needs {} devices, the fleet has {}", cap.devices, fm.total_devices);
        mc.not_feasible = ModelCoverage::NotFeasible::FleetTooSmall;
      } else {
        mc.feasible = true;
        mc.runtime = runtime(jc, cap, jc.work_tokens);
      }
      mc.verdict = policy.judge(*tenant, a, gap, 0, unlimited);
      if (mc.feasible && mc.verdict.allowed) cc.servable = true;
      cc.models.push_back(std::move(mc));
    }
    using Kind = CoverageWarning::Kind;
    if (cc.critical && cc.gap) {
      const std::string detail = fmt::format("{}", fmt::join(gap.domestic_why, "; "));
      cov.warnings.push_back(fmt::format(
          "critical-infrastructure class '{}' ({}) cannot be served by any domestic model in the fleet: {}", jc.name,
          jc.tenant, detail));
      cov.warning_list.push_back({Kind::CriticalGap, jc.name, jc.tenant, detail});
    }
    if (!cc.servable) {
      bool any = false;
      for (const auto& m : cc.models) any = any || m.feasible;
      cov.warnings.push_back(any ? fmt::format("class '{}' can run only where the policy denies it: its jobs will be rejected",
                                               jc.name)
                                 : fmt::format("class '{}' cannot run on any accelerator in the fleet", jc.name));
      cov.warning_list.push_back({any ? Kind::DeniedOnly : Kind::Unservable, jc.name, jc.tenant, ""});
    }
    if (cc.gap && cc.servable) {
      cov.warnings.push_back(fmt::format("class '{}' is a gap job: only imported accelerators can serve it today", jc.name));
      cov.warning_list.push_back({Kind::GapJob, jc.name, jc.tenant, ""});
    }
    cov.classes.push_back(std::move(cc));
  }
  return cov;
}

}  // namespace suanli

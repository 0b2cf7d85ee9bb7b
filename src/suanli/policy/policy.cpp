#include "suanli/policy/policy.h"

#include <algorithm>

#include <fmt/format.h>

namespace suanli {

bool Policy::critical(const Tenant& t) const {
  const auto& s = spec_.critical_sectors;
  return std::find(s.begin(), s.end(), t.sector) != s.end();
}

GapAnalysis Policy::analyse_gap(const JobClass& shape, const std::vector<FleetModel>& fleet_models,
                                CapabilityCache& capabilities) const {
  GapAnalysis g;
  for (const FleetModel& fm : fleet_models) {
    if (fm.accelerator->origin != Origin::Domestic) continue;
    const Capability& cap = capabilities.get(shape, *fm.accelerator);
    if (!cap.feasible) {
      g.domestic_why.push_back(fmt::format("{}: {}", fm.accelerator->id, cap.why));
    } else if (cap.devices > fm.total_devices) {
      g.domestic_why.push_back(fmt::format("{}: needs {} devices, the fleet has {}", fm.accelerator->id, cap.devices,
                                           fm.total_devices));
    } else {
      g.domestic_can.push_back(fm.accelerator->id);
    }
  }
  g.gap = g.domestic_can.empty();
  return g;
}

Verdict Policy::judge(const Tenant& tenant, const Accelerator& a, const GapAnalysis& gap, int devices,
                      const ImportedUse& use) const {
  Verdict v;
  v.accelerator = a.id;
  if (a.origin == Origin::Domestic) {
    v.reason = "domestic accelerator";
    return v;
  }
  if (spec_.cii_domestic_only && critical(tenant)) {
    v.allowed = false;
    v.rule = "cii-domestic-only";
    v.reason = fmt::format("{} ({}): {}", tenant.name, tenant.sector, spec_.cii_reason);
    return v;
  }
  if (spec_.gap_only && !gap.gap) {
    v.allowed = false;
    v.rule = "gap-only";
    v.reason = fmt::format("{}; domestic {} can run this job", spec_.gap_reason,
                           fmt::join(gap.domestic_can, ", "));
    return v;
  }
  if (spec_.imported_cap_fleet < 1.0) {
    const double limit = spec_.imported_cap_fleet * use.fleet_devices;
    if (use.fleet_imported_in_use + devices > limit + 1e-9) {
      v.allowed = false;
      v.rule = "imported-cap";
      v.reason = fmt::format("{}: fleet imported devices in use would be {} of {} allowed ({:.0f}% of {})",
                             spec_.cap_reason, use.fleet_imported_in_use + devices, static_cast<int>(limit),
                             spec_.imported_cap_fleet * 100, use.fleet_devices);
      return v;
    }
  }
  if (spec_.imported_cap_tenant < 1.0) {
    const int base = use.tenant_quota > 0 ? use.tenant_quota : use.fleet_devices;
    const double limit = spec_.imported_cap_tenant * base;
    if (use.tenant_imported_in_use + devices > limit + 1e-9) {
      v.allowed = false;
      v.rule = "imported-cap";
      v.reason = fmt::format("{}: {} imported devices in use would be {} of {} allowed", spec_.cap_reason, tenant.name,
                             use.tenant_imported_in_use + devices, static_cast<int>(limit));
      return v;
    }
  }
  v.reason = gap.gap ? "gap job: no domestic accelerator in the fleet can run it" : "imported use allowed";
  return v;
}

}  // namespace suanli

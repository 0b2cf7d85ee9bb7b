#include "suanli/policy/policy.h"

#include "suanli/policy/rule_reason.h"

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

Verdict Policy::judge_rules(const Tenant& tenant, const Accelerator& a, const GapAnalysis& gap) const {
  Verdict v;
  v.accelerator = a.id;
  if (a.origin == Origin::Domestic) {
    v.reason = "domestic accelerator";
    return v;
  }
  if (spec_.cii_domestic_only && critical(tenant)) {
    v.allowed = false;
    v.rule = "cii-domestic-only";
    v.reason = fmt::format("{} ({}): {}", tenant.name, tenant.sector, rule_reason(spec_, Rule::CiiDomesticOnly, i18n::Lang::En));
    return v;
  }
  if (spec_.gap_only && !gap.gap) {
    v.allowed = false;
    v.rule = "gap-only";
    v.reason = fmt::format("{}; domestic {} can run this job", rule_reason(spec_, Rule::GapOnly, i18n::Lang::En), fmt::join(gap.domestic_can, ", "));
    return v;
  }
  v.reason = gap.gap ? "gap job: no domestic accelerator in the fleet can run it" : "imported use allowed";
  return v;
}

namespace {

double tenant_cap_base(const ImportedUse& use) { return use.tenant_quota > 0 ? use.tenant_quota : use.fleet_devices; }

}  // namespace

bool Policy::cap_exceeded(double devices, const ImportedUse& use) const {
  if (spec_.imported_cap_fleet < 1.0 &&
      use.fleet_imported_in_use + devices > spec_.imported_cap_fleet * use.fleet_devices + 1e-9) {
    return true;
  }
  return spec_.imported_cap_tenant < 1.0 &&
         use.tenant_imported_in_use + devices > spec_.imported_cap_tenant * tenant_cap_base(use) + 1e-9;
}

Verdict Policy::judge_cap(const Accelerator& a, const std::string& tenant, double devices, const ImportedUse& use) const {
  Verdict v;
  v.accelerator = a.id;
  if (a.origin == Origin::Domestic || !cap_exceeded(devices, use)) {
    v.reason = "within the imported cap";
    return v;
  }
  v.allowed = false;
  v.rule = "imported-cap";
  const double fleet_limit = spec_.imported_cap_fleet * use.fleet_devices;
  if (spec_.imported_cap_fleet < 1.0 && use.fleet_imported_in_use + devices > fleet_limit + 1e-9) {
    v.reason = fmt::format("{}: fleet imported devices in use would be {} of {:.0f} allowed ({:.0f}% of {})",
                           rule_reason(spec_, Rule::ImportedCap, i18n::Lang::En), use.fleet_imported_in_use + devices, fleet_limit,
                           spec_.imported_cap_fleet * 100, use.fleet_devices);
  } else {
    v.reason = fmt::format("{}: {}'s imported devices in use would be {} of {:.0f} allowed",
                           rule_reason(spec_, Rule::ImportedCap, i18n::Lang::En), tenant,
                           use.tenant_imported_in_use + devices, spec_.imported_cap_tenant * tenant_cap_base(use));
  }
  return v;
}

Verdict Policy::judge(const Tenant& tenant, const Accelerator& a, const GapAnalysis& gap, double devices,
                      const ImportedUse& use) const {
  Verdict v = judge_rules(tenant, a, gap);
  if (!v.allowed || a.origin == Origin::Domestic) return v;
  Verdict cap = judge_cap(a, tenant.name, devices, use);
  return cap.allowed ? v : cap;
}

}  // namespace suanli

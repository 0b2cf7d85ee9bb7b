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

Verdict Policy::judge_rules(const Tenant& tenant, const Accelerator& a, const GapAnalysis& gap) const {
  Verdict v;
  v.accelerator = a.id;
  if (a.origin == Origin::Domestic) return v;  // VerdictWhy::Domestic
  if (spec_.cii_domestic_only && critical(tenant)) {
    v.allowed = false;
    v.rule = rule::kCiiDomesticOnly;
    v.why = VerdictWhy::CriticalTenant;
    v.tenant = tenant.name;
    v.sector = tenant.sector;
    return v;
  }
  if (spec_.gap_only && !gap.gap) {
    v.allowed = false;
    v.rule = rule::kGapOnly;
    v.why = VerdictWhy::DomesticCan;
    v.domestic = std::make_shared<const std::vector<std::string>>(gap.domestic_can);
    return v;
  }
  v.why = gap.gap ? VerdictWhy::GapJob : VerdictWhy::ImportedAllowed;
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
  v.why = VerdictWhy::WithinCap;
  if (a.origin == Origin::Domestic || !cap_exceeded(devices, use)) return v;
  v.allowed = false;
  v.rule = rule::kImportedCap;
  const double fleet_limit = spec_.imported_cap_fleet * use.fleet_devices;
  if (spec_.imported_cap_fleet < 1.0 && use.fleet_imported_in_use + devices > fleet_limit + 1e-9) {
    v.why = VerdictWhy::FleetCap;
    v.in_use = use.fleet_imported_in_use + devices;
    v.limit = fleet_limit;
    v.cap_share = spec_.imported_cap_fleet;
    v.fleet_devices = use.fleet_devices;
  } else {
    v.why = VerdictWhy::TenantCap;
    v.tenant = tenant;
    v.in_use = use.tenant_imported_in_use + devices;
    v.limit = spec_.imported_cap_tenant * tenant_cap_base(use);
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

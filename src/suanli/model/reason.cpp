#include "suanli/model/reason.h"

#include <fmt/format.h>

#include "suanli/model/accelerator.h"
#include "suanli/model/decision.h"
#include "suanli/model/error.h"

namespace suanli {

bool Verdict::operator==(const Verdict& o) const {
  const bool same_domestic = domestic == o.domestic || (domestic && o.domestic && *domestic == *o.domestic);
  return accelerator == o.accelerator && allowed == o.allowed && rule == o.rule && why == o.why &&
         tenant == o.tenant && sector == o.sector && same_domestic && in_use == o.in_use && limit == o.limit &&
         cap_share == o.cap_share && fleet_devices == o.fleet_devices;
}

namespace {

std::string share(int milli) { return fmt::format("{:g}", milli / 1000.0); }

// A part of a wait ("no h200 capacity free (8 devices needed)") or of a
// rejection ("h200: needs 64 devices, the fleet has 32").
std::string part_text(const ReasonPart& p, bool rejection) {
  using K = ReasonPart::Kind;
  switch (p.kind) {
    case K::Busy:
      return p.milli > 0 ? fmt::format("no {} capacity free (a {} share with {:.1f} GB needed)", p.accelerator,
                                       share(p.milli), gb_from_mib(p.mem_mib))
                         : fmt::format("no {} capacity free ({} devices needed)", p.accelerator, p.devices);
    case K::Quota: return fmt::format("{}: tenant quota of {} devices reached", p.accelerator, p.count);
    case K::Capped: return fmt::format("{} denied by {}", p.accelerator, rule::kImportedCap);
    case K::Denied:
      return rejection ? fmt::format("{}: denied by {}", p.accelerator, p.rule)
                       : fmt::format("{} denied by {}", p.accelerator, p.rule);
    case K::CannotRun: return fmt::format("{}: {}", p.accelerator, p.text);
    case K::TooFew: return fmt::format("{}: needs {} devices, the fleet has {}", p.accelerator, p.devices, p.count);
  }
  return "";
}

std::string parts_text(const std::vector<ReasonPart>& parts, bool rejection) {
  std::string out;
  for (const ReasonPart& p : parts) {
    if (!out.empty()) out += "; ";
    out += part_text(p, rejection);
  }
  return out;
}

std::string ended(const char* what, const std::string& note) {
  return note.empty() ? std::string(what) : fmt::format("{}: {}", what, note);
}

std::string reason_text(const Reason& r) {
  using C = Reason::Code;
  switch (r.code) {
    case C::None: return "";
    case C::Queued: return "queued; not yet considered";
    case C::Waits: return r.parts.empty() ? "no accelerator can run it now" : parts_text(r.parts, false);
    case C::Preempted: return fmt::format("preempted by job {} (priority {} > {})", r.job, r.priority, r.other);
    case C::GroupLeft: return fmt::format("displaced: nodes of {} left the fleet", r.name);
    case C::NodesDown:
      return fmt::format("displaced: {} {}{}", r.name.empty() ? fmt::format("{} nodes", r.count) : "node " + r.name,
                         r.drain ? "drained" : "failed", r.text.empty() ? "" : " (" + r.text + ")");
    case C::NotInFleet: return fmt::format("node {} is not in the fleet", r.name);
    case C::NodeOut: return fmt::format("node {} is out of placement (drained, failed or gone)", r.name);
    case C::NodeTooSmall:
      return fmt::format("{}: needs {} devices, node {} has {}", r.accelerator, r.devices, r.name, r.count);
    case C::CannotRunOn: return fmt::format("{} cannot run it: {}", r.accelerator, r.text);
    case C::QuotaReached: return fmt::format("tenant quota of {} devices reached", r.count);
    case C::NoRoomForShare: return fmt::format("node {} has no room for a {} share", r.name, share(r.milli));
    case C::NodeBusy: return fmt::format("node {} has {} free devices, {} needed", r.name, r.count, r.devices);
    case C::NoAccelerators: return "the fleet has no accelerators";
    case C::NothingCanRun:
      return fmt::format("no accelerator in the fleet can run it ({})", parts_text(r.parts, true));
    case C::NothingAllowed:
      return fmt::format("no accelerator the policy allows can run it ({})", parts_text(r.parts, true));
    case C::Finished: return ended("finished", r.text);
    case C::Failed: return ended("failed", r.text);
    case C::Cancelled: return ended("cancelled", r.text);
    case C::Placed:
    case C::PinnedDenied: SUANLI_ASSERT(!"rendered with the decision's verdict");
  }
  return "";
}

}  // namespace

std::string english(const Verdict& v, const PolicySpec& policy) {
  switch (v.why) {
    case VerdictWhy::Domestic: return "domestic accelerator";
    case VerdictWhy::GapJob: return "gap job: no domestic accelerator in the fleet can run it";
    case VerdictWhy::ImportedAllowed: return "imported use allowed";
    case VerdictWhy::WithinCap: return "within the imported cap";
    case VerdictWhy::CriticalTenant: return fmt::format("{} ({}): {}", v.tenant, v.sector, policy.cii_reason);
    case VerdictWhy::DomesticCan:
      return fmt::format("{}; domestic {} can run this job", policy.gap_reason,
                         v.domestic ? fmt::format("{}", fmt::join(*v.domestic, ", ")) : "");
    case VerdictWhy::FleetCap:
      return fmt::format("{}: fleet imported devices in use would be {} of {:.0f} allowed ({:.0f}% of {})",
                         policy.cap_reason, v.in_use, v.limit, v.cap_share * 100, v.fleet_devices);
    case VerdictWhy::TenantCap:
      return fmt::format("{}: {}'s imported devices in use would be {} of {:.0f} allowed", policy.cap_reason,
                         v.tenant, v.in_use, v.limit);
  }
  return "";
}

std::string english(const Reason& r, const PolicySpec& /*policy*/) {
  std::string out = reason_text(r);
  if (r.not_requeued) out += "; placed by an outside scheduler, so not requeued";
  return out;
}

std::string english(const Decision& d, const PolicySpec& policy) {
  if (d.reason.code == Reason::Code::Placed) {
    SUANLI_ASSERT(!d.verdicts.empty());
    const Verdict& v = d.verdicts.front();
    const std::string where =
        d.reason.milli > 0 ? fmt::format("{} ({} share)", d.accelerator, share(d.reason.milli)) : d.accelerator;
    return d.violation ? fmt::format("placed on {} against {}: {}", where, v.rule, english(v, policy))
                       : fmt::format("placed on {}: {}", where, english(v, policy));
  }
  if (d.reason.code == Reason::Code::PinnedDenied) {
    SUANLI_ASSERT(!d.verdicts.empty());
    const Verdict& v = d.verdicts.front();
    return fmt::format("{} denied by {}: {}", v.accelerator, v.rule, english(v, policy));
  }
  std::string out = english(d.reason, policy);
  if (d.kind == Decision::Kind::Preempt) {
    out += fmt::format("; {} of {} kept", format_duration(d.kept), format_duration(d.elapsed));
  }
  return out;
}

}  // namespace suanli

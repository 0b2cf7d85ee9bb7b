#include "suanli/policy/reason_text.h"

#include <fmt/format.h>

#include "suanli/i18n/catalogue.h"
#include "suanli/i18n/format.h"
#include "suanli/i18n/terms.h"
#include "suanli/model/accelerator.h"
#include "suanli/model/error.h"
#include "suanli/policy/rule_reason.h"

namespace suanli {
namespace {

using i18n::arg;
using i18n::Lang;
using i18n::tr;

std::string share(int milli) { return fmt::format("{:g}", milli / 1000.0); }

// Lists and clauses join with the language's punctuation.
std::string_view list_separator(Lang lang) { return lang == Lang::Zh ? "、" : ", "; }
std::string_view clause_separator(Lang lang) { return lang == Lang::Zh ? "；" : "; "; }

// Text suanli has in English only (the performance model's), marked in Chinese.
std::string english_only(const std::string& text, Lang lang) {
  return lang == Lang::Zh ? std::string(kMarkEnglish) + text : text;
}

// Why a chip cannot run a job: not ported to its stack (in either language),
// or the performance model's words (English only).
std::string cannot_run(std::string_view rule, const std::string& text, Lang lang) {
  if (rule == rule::kPortedStack) return tr(lang, "check.not_ported", arg("stack", text));
  return english_only(text, lang);
}

// A part of a wait ("no h200 capacity free (8 devices needed)") or of a
// rejection ("h200: needs 64 devices, the fleet has 32").
std::string part_text(const ReasonPart& p, bool rejection, Lang lang) {
  using K = ReasonPart::Kind;
  const auto acc = arg("acc", p.accelerator);
  switch (p.kind) {
    case K::Busy:
      return p.milli > 0 ? tr(lang, "reason.part_busy_share", acc, arg("share", share(p.milli)),
                              arg("gb", gb_from_mib(p.mem_mib)))
                         : tr(lang, "reason.part_busy", acc, arg("devices", p.devices));
    case K::Quota: return tr(lang, "reason.part_quota", acc, arg("count", p.count));
    case K::Capped: return tr(lang, "reason.part_denied", acc, arg("rule", rule::kImportedCap));
    case K::Denied:
      return tr(lang, rejection ? "reason.part_denied_rejection" : "reason.part_denied", acc, arg("rule", p.rule));
    case K::CannotRun: return tr(lang, "reason.part_cannot_run", acc, arg("text", cannot_run(p.rule, p.text, lang)));
    case K::TooFew: return tr(lang, "reason.part_too_few", acc, arg("devices", p.devices), arg("count", p.count));
  }
  return "";
}

std::string parts_text(const std::vector<ReasonPart>& parts, bool rejection, Lang lang) {
  std::string out;
  for (const ReasonPart& p : parts) {
    if (!out.empty()) out += clause_separator(lang);
    out += part_text(p, rejection, lang);
  }
  return out;
}

std::string ended(std::string_view id, std::string_view id_with_note, const std::string& note, Lang lang) {
  return note.empty() ? tr(lang, id) : tr(lang, id_with_note, arg("note", note));
}

std::string nodes_down(const Reason& r, Lang lang) {
  const std::string note = r.text.empty() ? "" : tr(lang, "reason.note", arg("text", r.text));
  if (r.name.empty()) {
    return tr(lang, r.drain ? "reason.nodes_drained" : "reason.nodes_failed", arg("count", r.count), arg("note", note));
  }
  return tr(lang, r.drain ? "reason.node_drained" : "reason.node_failed", arg("name", r.name), arg("note", note));
}

std::string reason_text(const Reason& r, Lang lang) {
  using C = Reason::Code;
  const auto name = arg("name", r.name);
  switch (r.code) {
    case C::None: return "";
    case C::Queued: return tr(lang, "reason.queued");
    case C::Waits: return r.parts.empty() ? tr(lang, "reason.nothing_now") : parts_text(r.parts, false, lang);
    case C::Preempted:
      return tr(lang, "reason.preempted", arg("job", r.job), arg("priority", r.priority), arg("other", r.other));
    case C::GroupLeft: return tr(lang, "reason.group_left", name);
    case C::NodesDown: return nodes_down(r, lang);
    case C::NotInFleet: return tr(lang, "reason.not_in_fleet", name);
    case C::NodeOut: return tr(lang, "reason.node_out", name);
    case C::NodeTooSmall:
      return tr(lang, "reason.node_too_small", arg("acc", r.accelerator), arg("devices", r.devices), name,
                arg("count", r.count));
    case C::CannotRunOn:
      return tr(lang, "reason.cannot_run_on", arg("acc", r.accelerator), arg("text", cannot_run(r.rule, r.text, lang)));
    case C::QuotaReached: return tr(lang, "reason.quota_reached", arg("count", r.count));
    case C::NoRoomForShare: return tr(lang, "reason.no_room_for_share", name, arg("share", share(r.milli)));
    case C::NodeBusy: return tr(lang, "reason.node_busy", name, arg("count", r.count), arg("devices", r.devices));
    case C::NoAccelerators: return tr(lang, "reason.no_accelerators");
    case C::NotInService:
      return tr(lang, "reason.not_in_service",
                arg("models", fmt::format("{}", fmt::join(r.asked, lang == Lang::Zh ? "或" : " or "))));
    case C::NothingCanRun: return tr(lang, "reason.nothing_can_run", arg("parts", parts_text(r.parts, true, lang)));
    case C::NothingAllowed: return tr(lang, "reason.nothing_allowed", arg("parts", parts_text(r.parts, true, lang)));
    case C::Finished: return ended("reason.finished", "reason.finished_note", r.text, lang);
    case C::Failed: return ended("reason.failed", "reason.failed_note", r.text, lang);
    case C::Cancelled: return ended("reason.cancelled", "reason.cancelled_note", r.text, lang);
    case C::Placed:
    case C::PinnedDenied: SUANLI_ASSERT(!"rendered with the decision's verdict");
  }
  return "";
}

std::string domestic_list(const Verdict& v, Lang lang) {
  return v.domestic ? fmt::format("{}", fmt::join(*v.domestic, list_separator(lang))) : "";
}

}  // namespace

std::string render(const Verdict& v, const PolicySpec& policy, Lang lang) {
  switch (v.why) {
    case VerdictWhy::Domestic: return tr(lang, "reason.v_domestic");
    case VerdictWhy::GapJob: return tr(lang, "reason.v_gap_job");
    case VerdictWhy::ImportedAllowed: return tr(lang, "reason.v_imported_allowed");
    case VerdictWhy::WithinCap: return tr(lang, "reason.v_within_cap");
    case VerdictWhy::CriticalTenant:
      return tr(lang, "reason.v_critical", arg("tenant", v.tenant),
                arg("sector", lang == Lang::Zh ? i18n::sector_name(v.sector, lang) : v.sector),
                arg("reason", rule_reason(policy, Rule::CiiDomesticOnly, lang)));
    case VerdictWhy::DomesticCan:
      return tr(lang, "reason.v_domestic_can", arg("reason", rule_reason(policy, Rule::GapOnly, lang)),
                arg("list", domestic_list(v, lang)));
    case VerdictWhy::FleetCap:
      return tr(lang, "reason.v_fleet_cap", arg("reason", rule_reason(policy, Rule::ImportedCap, lang)),
                arg("in_use", v.in_use), arg("limit", v.limit), arg("pct", v.cap_share * 100),
                arg("fleet", v.fleet_devices));
    case VerdictWhy::TenantCap:
      return tr(lang, "reason.v_tenant_cap", arg("reason", rule_reason(policy, Rule::ImportedCap, lang)),
                arg("tenant", v.tenant), arg("in_use", v.in_use), arg("limit", v.limit));
  }
  return "";
}

std::string render(const Reason& r, const PolicySpec& /*policy*/, Lang lang) {
  std::string out = reason_text(r, lang);
  if (r.not_requeued) out += tr(lang, "reason.not_requeued");
  return out;
}

std::string render(const Decision& d, const PolicySpec& policy, Lang lang) {
  if (d.reason.code == Reason::Code::Placed) {
    SUANLI_ASSERT(!d.verdicts.empty());
    const Verdict& v = d.verdicts.front();
    const std::string where = d.reason.milli > 0 ? tr(lang, "reason.placed_share", arg("acc", d.accelerator),
                                                      arg("share", share(d.reason.milli)))
                                                 : d.accelerator;
    const std::string verdict = render(v, policy, lang);
    return d.violation ? tr(lang, "reason.placed_violation", arg("where", where), arg("rule", v.rule),
                            arg("verdict", verdict))
                       : tr(lang, "reason.placed", arg("where", where), arg("verdict", verdict));
  }
  if (d.reason.code == Reason::Code::PinnedDenied) {
    SUANLI_ASSERT(!d.verdicts.empty());
    const Verdict& v = d.verdicts.front();
    return tr(lang, "reason.pinned_denied", arg("acc", v.accelerator), arg("rule", v.rule),
              arg("verdict", render(v, policy, lang)));
  }
  std::string out = render(d.reason, policy, lang);
  if (d.kind == Decision::Kind::Preempt) {
    out += tr(lang, "reason.kept", arg("kept", i18n::duration(lang, d.kept)),
              arg("elapsed", i18n::duration(lang, d.elapsed)));
  }
  return out;
}

}  // namespace suanli

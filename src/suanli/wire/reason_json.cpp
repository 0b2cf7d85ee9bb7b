#include "suanli/wire/reason_json.h"

#include <array>
#include <utility>

#include <fmt/format.h>

#include "suanli/policy/reason_text.h"
#include "suanli/policy/rule_reason.h"

namespace suanli::wire {
namespace {

// Each enum's values with their names on the wire, in declaration order.
template <typename E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

using C = Reason::Code;
constexpr Names<C, 22> kCodes{{{C::None, "none"},
                               {C::Queued, "queued"},
                               {C::Placed, "placed"},
                               {C::Waits, "waits"},
                               {C::Preempted, "preempted"},
                               {C::GroupLeft, "group-left"},
                               {C::NodesDown, "nodes-down"},
                               {C::NotInFleet, "not-in-fleet"},
                               {C::NodeOut, "node-out"},
                               {C::PinnedDenied, "pinned-denied"},
                               {C::NodeTooSmall, "node-too-small"},
                               {C::CannotRunOn, "cannot-run-on"},
                               {C::QuotaReached, "quota-reached"},
                               {C::NoRoomForShare, "no-room-for-share"},
                               {C::NodeBusy, "node-busy"},
                               {C::NoAccelerators, "no-accelerators"},
                               {C::NotInService, "not-in-service"},
                               {C::NothingCanRun, "nothing-can-run"},
                               {C::NothingAllowed, "nothing-allowed"},
                               {C::Finished, "finished"},
                               {C::Failed, "failed"},
                               {C::Cancelled, "cancelled"}}};

using K = ReasonPart::Kind;
constexpr Names<K, 6> kParts{{{K::Busy, "busy"},
                              {K::Quota, "quota"},
                              {K::Capped, "capped"},
                              {K::Denied, "denied"},
                              {K::CannotRun, "cannot-run"},
                              {K::TooFew, "too-few"}}};

using W = VerdictWhy;
constexpr Names<W, 8> kWhys{{{W::Domestic, "domestic"},
                             {W::GapJob, "gap-job"},
                             {W::ImportedAllowed, "imported-allowed"},
                             {W::WithinCap, "within-cap"},
                             {W::CriticalTenant, "critical-tenant"},
                             {W::DomesticCan, "domestic-can"},
                             {W::FleetCap, "fleet-cap"},
                             {W::TenantCap, "tenant-cap"}}};

using D = Decision::Kind;
constexpr Names<D, 4> kKinds{{{D::Place, "place"}, {D::Preempt, "preempt"}, {D::Reject, "reject"}, {D::Defer, "defer"}}};

template <typename E, std::size_t N>
std::string_view to_name(const Names<E, N>& names, E e) {
  for (const auto& [value, text] : names) {
    if (value == e) return text;
  }
  return "";
}

template <typename E, std::size_t N>
E from_name(const Names<E, N>& names, const JsonReader& r) {
  const std::string text = r.text();
  std::string all;
  for (const auto& [value, name] : names) {
    if (name == text) return value;
    all += all.empty() ? std::string(name) : ", " + std::string(name);
  }
  r.fail(fmt::format("found '{}', expected one of {}", text, all));
}

// A rule id as the verdicts hold it: a view of the rule::k* constant.
std::string_view read_rule(const JsonReader& r) {
  const std::string text = r.text();
  if (text.empty()) return {};
  for (std::string_view id : {rule::kPortedStack, rule::kCiiDomesticOnly, rule::kGapOnly, rule::kImportedCap}) {
    if (id == text) return id;
  }
  r.fail(fmt::format("found '{}', expected a rule id (cii-domestic-only, gap-only, imported-cap, ported-stack)", text));
}

// Members left out when zero or empty, so the log stays small.
void put(Json& j, const char* key, const std::string& v) {
  if (!v.empty()) j[key] = v;
}
void put(Json& j, const char* key, std::string_view v) {
  if (!v.empty()) j[key] = std::string(v);
}
void put(Json& j, const char* key, std::int64_t v) {
  if (v != 0) j[key] = v;
}
void put(Json& j, const char* key, double v) {
  if (v != 0) j[key] = v;
}
void put(Json& j, const char* key, bool v) {
  if (v) j[key] = true;
}

std::string opt_text(const JsonReader& r, std::string_view key) { return r.opt_text(key).value_or(""); }
int opt_int(const JsonReader& r, std::string_view key) { return static_cast<int>(r.opt_integer(key).value_or(0)); }

// A time run, in seconds: 0 up to a century.
Seconds read_seconds(const JsonReader& r, std::string_view key) {
  const std::int64_t s = r.opt_integer(key).value_or(0);
  if (s < 0 || s > 100 * 365 * kDay) r.at(key).fail(fmt::format("found {}, expected seconds from 0 to a century", s));
  return s;
}

Json part_json(const ReasonPart& p) {
  Json j = {{"kind", to_name(kParts, p.kind)}};
  put(j, "accelerator", p.accelerator);
  put(j, "rule", p.rule);
  put(j, "devices", std::int64_t{p.devices});
  put(j, "milli", std::int64_t{p.milli});
  put(j, "mem_mib", std::int64_t{p.mem_mib});
  put(j, "count", std::int64_t{p.count});
  put(j, "text", p.text);
  return j;
}

ReasonPart read_part(const JsonReader& r) {
  r.expect_object({"kind", "accelerator", "rule", "devices", "milli", "mem_mib", "count", "text"});
  ReasonPart p;
  p.kind = from_name(kParts, r.at("kind"));
  p.accelerator = opt_text(r, "accelerator");
  if (r.has("rule")) p.rule = read_rule(r.at("rule"));
  p.devices = opt_int(r, "devices");
  p.milli = opt_int(r, "milli");
  p.mem_mib = opt_int(r, "mem_mib");
  p.count = opt_int(r, "count");
  p.text = opt_text(r, "text");
  return p;
}

Reason read_reason(const JsonReader& r) {
  Reason x;
  x.code = from_name(kCodes, r.at("code"));
  x.accelerator = opt_text(r, "accelerator");
  x.name = opt_text(r, "name");
  x.text = opt_text(r, "text");
  if (r.has("rule")) x.rule = read_rule(r.at("rule"));
  x.job = r.opt_integer("job").value_or(0);
  x.priority = opt_int(r, "priority");
  x.other = opt_int(r, "other");
  x.devices = opt_int(r, "devices");
  x.milli = opt_int(r, "milli");
  x.count = opt_int(r, "count");
  x.drain = r.opt_bool("drain").value_or(false);
  x.not_requeued = r.opt_bool("not_requeued").value_or(false);
  if (r.has("parts")) {
    for (const JsonReader& p : r.at("parts").elements("an array of reason parts")) x.parts.push_back(read_part(p));
  }
  if (r.has("asked")) x.asked = r.at("asked").strings("accelerator ids");
  return x;
}

Verdict read_verdict(const JsonReader& v) {
  Verdict out;
  out.accelerator = opt_text(v, "accelerator");
  out.allowed = v.opt_bool("allowed").value_or(true);
  if (v.has("rule")) out.rule = read_rule(v.at("rule"));
  const JsonReader r = v.at("why");
  r.expect_object({"why", "tenant", "sector", "domestic", "in_use", "limit", "cap_share", "fleet_devices"});
  out.why = from_name(kWhys, r.at("why"));
  out.tenant = opt_text(r, "tenant");
  out.sector = opt_text(r, "sector");
  if (r.has("domestic")) {
    out.domestic = std::make_shared<const std::vector<std::string>>(r.at("domestic").strings("accelerator ids"));
  }
  out.in_use = r.opt_number("in_use").value_or(0);
  out.limit = r.opt_number("limit").value_or(0);
  out.cap_share = r.opt_number("cap_share").value_or(0);
  out.fleet_devices = opt_int(r, "fleet_devices");
  return out;
}

}  // namespace

Json why_json(const Decision& d) {
  const Reason& x = d.reason;
  Json j = {{"code", to_name(kCodes, x.code)}};
  put(j, "accelerator", x.accelerator);
  put(j, "name", x.name);
  put(j, "text", x.text);
  put(j, "rule", x.rule);
  put(j, "job", x.job);
  put(j, "priority", std::int64_t{x.priority});
  put(j, "other", std::int64_t{x.other});
  put(j, "devices", std::int64_t{x.devices});
  put(j, "milli", std::int64_t{x.milli});
  put(j, "count", std::int64_t{x.count});
  put(j, "drain", x.drain);
  put(j, "not_requeued", x.not_requeued);
  if (!x.parts.empty()) {
    Json parts = Json::array();
    for (const ReasonPart& p : x.parts) parts.push_back(part_json(p));
    j["parts"] = std::move(parts);
  }
  if (!x.asked.empty()) j["asked"] = x.asked;
  if (d.kind == Decision::Kind::Preempt) {
    j["kept"] = d.kept;
    j["elapsed"] = d.elapsed;
  }
  return j;
}

Json why_json(const Verdict& v) {
  Json j = {{"why", to_name(kWhys, v.why)}};
  put(j, "tenant", v.tenant);
  put(j, "sector", v.sector);
  if (v.domestic) j["domestic"] = *v.domestic;
  put(j, "in_use", v.in_use);
  put(j, "limit", v.limit);
  put(j, "cap_share", v.cap_share);
  put(j, "fleet_devices", std::int64_t{v.fleet_devices});
  return j;
}

Decision read_decision_why(const JsonReader& r) {
  Decision d;
  d.kind = from_name(kKinds, r.at("kind"));
  d.accelerator = opt_text(r, "accelerator");
  d.violation = r.opt_bool("violation").value_or(false);
  const JsonReader why = r.at("why");
  why.expect_object({"code", "accelerator", "name", "text", "rule", "job", "priority", "other", "devices", "milli", "count",
                     "drain", "not_requeued", "parts", "asked", "kept", "elapsed"});
  d.reason = read_reason(why);
  d.kept = read_seconds(why, "kept");
  d.elapsed = read_seconds(why, "elapsed");
  if (r.has("verdicts")) {
    std::vector<Verdict> verdicts;
    for (const JsonReader& v : r.at("verdicts").elements("an array of verdicts")) verdicts.push_back(read_verdict(v));
    d.verdicts = std::move(verdicts);
  }
  if ((d.reason.code == C::Placed || d.reason.code == C::PinnedDenied) && d.verdicts.empty()) {
    r.at("verdicts").fail(fmt::format("found none, expected the verdict a '{}' reason quotes", to_name(kCodes, d.reason.code)));
  }
  return d;
}

bool has_why(const Json& decision) { return decision.is_object() && decision.contains("why"); }

namespace {

// The stored English, marked as such for a Chinese reader.
Json english_marked(Json decision) {
  auto mark = [](Json& j) {
    if (j.is_object() && j.contains("reason") && j["reason"].is_string()) {
      j["reason"] = std::string(kMarkEnglish) + j["reason"].get<std::string>();
    }
  };
  mark(decision);
  if (decision.is_object() && decision.contains("verdicts") && decision["verdicts"].is_array()) {
    for (Json& v : decision["verdicts"]) mark(v);
  }
  return decision;
}

}  // namespace

Json localized(Json decision, const PolicySpec& policy, i18n::Lang lang) {
  if (lang == i18n::Lang::En && !has_why(decision)) return decision;
  Decision d;
  try {
    if (!has_why(decision)) return english_marked(std::move(decision));
    d = read_decision_why(JsonReader(decision, "$"));
  } catch (const InputError&) {
    // A damaged record: its stored English text is still the truth of what was decided.
    return lang == i18n::Lang::En ? decision : english_marked(std::move(decision));
  }
  decision["reason"] = render(d, policy, lang);
  for (std::size_t i = 0; i < d.verdicts.size(); ++i) decision["verdicts"][i]["reason"] = render(d.verdicts[i], policy, lang);
  return decision;
}

Json without_why(Json decision) {
  if (!decision.is_object()) return decision;
  decision.erase("why");
  if (decision.contains("verdicts") && decision["verdicts"].is_array()) {
    for (Json& v : decision["verdicts"]) {
      if (v.is_object()) v.erase("why");
    }
  }
  return decision;
}

}  // namespace suanli::wire

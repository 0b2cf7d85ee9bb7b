#include "suanli/server/views.h"

#include <algorithm>
#include <map>

#include "suanli/wire/codec.h"
#include "suanli/policy/reason_text.h"

namespace suanli::server {
namespace {

using wire::Json;

Json optional_time(Seconds t) { return t >= 0 ? Json(t) : Json(nullptr); }

Json optional_share(std::optional<double> v) { return v ? Json(*v) : Json(nullptr); }

bool critical(const live::LiveState& s, const Tenant& t) {
  const PolicySpec& p = s.policy();
  return p.cii_domestic_only &&
         std::find(p.critical_sectors.begin(), p.critical_sectors.end(), t.sector) != p.critical_sectors.end();
}

}  // namespace

Json usage_json(const live::Usage& u) {
  return {{"device_hours_domestic", u.device_hours_domestic},
          {"device_hours_imported", u.device_hours_imported},
          {"compute_domestic", u.compute_domestic},
          {"compute_imported", u.compute_imported},
          {"share_devices", optional_share(u.share_devices())},
          {"share_compute", optional_share(u.share_compute())}};
}

Json job_view(const live::LiveState& s, const live::JobRecord& r, i18n::Lang lang) {
  Json verdicts = Json::array();
  for (const Verdict& v : r.last.verdicts) verdicts.push_back(wire::verdict_json(v, s.policy(), lang));
  Json j = {{"id", r.id},
            {"tenant", r.tenant},
            {"class", r.class_name.empty() ? Json(nullptr) : Json(r.class_name)},
            {"external_id", r.external_id.empty() ? Json(nullptr) : Json(r.external_id)},
            {"status", live::name(r.status)},
            {"submitted_at", r.submitted},
            {"first_start_at", optional_time(r.first_start)},
            {"placed_at", optional_time(r.placed_at)},
            {"started_at", optional_time(r.started_at)},
            {"ended_at", optional_time(r.ended)},
            {"epoch", r.epoch},
            {"accelerator", r.accelerator.empty() ? Json(nullptr) : Json(r.accelerator)},
            {"nodes", r.nodes},
            {"devices", r.devices},
            {"reason", s.reason(r, lang)},
            {"verdicts", verdicts},
            {"placements", r.placements},
            {"preemptions", r.preemptions},
            {"job", wire::job_shape_json(r.shape)}};
  if (!r.accelerator.empty()) j["origin"] = name(s.catalog().accelerator(r.accelerator).origin);
  if (!r.runner.empty()) j["runner"] = r.runner;
  if (r.status == live::JobStatus::Placed || r.status == live::JobStatus::Running) {
    j["tokens_per_s"] = r.tokens_per_s;
    j["expected_end_at"] = r.expected_end;
  }
  return j;
}

Json explain_view(const live::LiveState& s, const live::JobRecord& r, i18n::Lang lang) {
  Json j = {{"job", r.id}, {"status", live::name(r.status)}, {"reason", s.reason(r, lang)}};
  if (r.status == live::JobStatus::Placed || r.status == live::JobStatus::Running) {
    j["runs_on"] = {{"accelerator", r.accelerator}, {"nodes", r.nodes}, {"devices", r.devices},
                    {"since", r.placed_at}, {"expected_end_at", r.expected_end}};
  }
  Json candidates = Json::array();
  if (const JobState* sj = s.scheduler().job(r.id)) {
    const auto& pools = s.scheduler().cluster().pools();
    for (const Option& o : s.scheduler().options(*sj)) {
      const Accelerator& a = *pools[static_cast<std::size_t>(o.pool)].accelerator;
      candidates.push_back({{"accelerator", a.id},
                            {"origin", name(a.origin)},
                            {"devices", o.cap->device_units()},
                            {"runtime_s", o.runtime},
                            {"tokens_per_s", o.cap->tokens_per_s},
                            {"allowed", o.verdict.allowed},
                            {"reason", render(o.verdict, s.policy(), lang)},
                            {"pool_free_devices", pools[static_cast<std::size_t>(o.pool)].free_devices}});
    }
    for (const Verdict& v : s.scheduler().denied(*sj)) {
      Json c = wire::verdict_json(v, s.policy(), lang);
      c["origin"] = name(s.catalog().accelerator(v.accelerator).origin);
      candidates.push_back(std::move(c));
    }
  }
  j["candidates"] = std::move(candidates);
  Json verdicts = Json::array();
  for (const Verdict& v : r.last.verdicts) verdicts.push_back(wire::verdict_json(v, s.policy(), lang));
  j["verdicts"] = std::move(verdicts);
  return j;
}

Json nodes_view(const live::LiveState& s, i18n::Lang lang) {
  const auto& cluster = s.scheduler().cluster();
  const auto by_node = s.jobs_by_node();
  Json out = Json::array();
  for (std::size_t i = 0; i < cluster.nodes().size(); ++i) {
    const Node& n = cluster.nodes()[i];
    const Pool& p = cluster.pools()[static_cast<std::size_t>(n.pool)];
    const live::NodeRecord& rec = s.node(static_cast<int>(i));
    const NodeGroup& g = s.groups()[static_cast<std::size_t>(n.group)];
    int shared = 0;
    for (int d = 0; d < n.devices; ++d) shared += cluster.shared_device(static_cast<int>(i), d) ? 1 : 0;
    out.push_back({{"name", n.name},
                   {"group", g.id},
                   {"accelerator", p.accelerator->id},
                   {"origin", name(p.accelerator->origin)},
                   {"zone", g.zone},
                   {"domain", g.domain},
                   {"devices", n.devices},
                   {"free", n.alive ? n.free : 0},
                   {"shared", shared},
                   {"status", live::name(rec.status)},
                   {"reason", rec.reason(lang)},
                   {"since", rec.since},
                   {"jobs", by_node[i]}});
  }
  return out;
}

Json fleet_view(const live::LiveState& s, Seconds from, Seconds to, Seconds now) {
  struct Model {
    const Accelerator* a = nullptr;
    int nodes_up = 0, devices = 0, free = 0;
    double in_use = 0;
  };
  std::map<std::string, Model> models;
  int devices = 0, imported = 0;
  for (const Pool& p : s.scheduler().cluster().pools()) {
    Model& m = models[p.accelerator->id];
    m.a = p.accelerator;
    m.nodes_up += p.alive_nodes;
    m.devices += p.total_devices;
    m.free += p.free_devices;
    m.in_use += p.used_devices();
    devices += p.total_devices;
    if (p.accelerator->origin == Origin::Imported) imported += p.total_devices;
  }
  Json list = Json::array();
  for (const auto& [id, m] : models) {
    list.push_back({{"accelerator", id},
                    {"name", m.a->name},
                    {"name_zh", m.a->name_zh.text.empty() ? Json(nullptr) : Json(m.a->name_zh.text)},
                    {"vendor", m.a->vendor},
                    {"origin", name(m.a->origin)},
                    {"nodes_up", m.nodes_up},
                    {"devices", m.devices},
                    {"in_use", m.in_use},
                    {"free", m.free}});
  }
  Json cut = Json::array();
  for (const auto& [acc, since] : s.supply_cut()) cut.push_back({{"accelerator", acc}, {"since", since}});
  const PolicySpec& p = s.policy();
  const live::Usage u = s.usage("", from, to, now);
  return {{"at", now},
          {"log_start", s.first()},
          {"devices", devices},
          {"devices_in_use", s.devices_in_use("")},
          {"imported_devices", imported},
          {"imported_in_use", s.imported_in_use("")},
          {"imported_cap", p.imported_cap_fleet},
          {"imported_cap_devices", p.imported_cap_fleet * devices},
          {"imported_capacity_share", s.imported_capacity_share(from, to, now)},
          {"domestic_target", p.domestic_target},
          {"window", {{"from", from}, {"to", to}}},
          {"usage", usage_json(u)},
          {"pending", s.scheduler().pending()},
          {"running", s.scheduler().running()},
          {"models", list},
          {"supply_cut", cut}};
}

Json tenant_view(const live::LiveState& s, const Tenant& t, Seconds from, Seconds to, Seconds now) {
  const live::Usage u = s.usage(t.name, from, to, now);
  const PolicySpec& p = s.policy();
  const int fleet = s.scheduler().cluster().total_devices();
  const double cap_base = t.quota_devices > 0 ? t.quota_devices : fleet;
  const auto share = u.share_devices();
  int running = 0;
  s.scheduler().for_each_job([&](const JobState& j) {
    running += j.running && s.tenants()[static_cast<std::size_t>(j.tenant)].name == t.name ? 1 : 0;
  });
  return {{"name", t.name},
          {"sector", t.sector},
          {"critical", critical(s, t)},
          {"priority", t.priority},
          {"quota_devices", t.quota_devices},
          {"domestic_target", t.domestic_target},
          {"devices_in_use", s.devices_in_use(t.name)},
          {"imported_in_use", s.imported_in_use(t.name)},
          {"imported_cap_devices", p.imported_cap_tenant * cap_base},
          {"pending", s.pending_of(t.name)},
          {"running", running},
          {"window", {{"from", from}, {"to", to}}},
          {"usage", usage_json(u)},
          {"meets_target", share ? Json(*share + 1e-12 >= t.domestic_target) : Json(nullptr)}};
}

Json share_view(const live::LiveState& s, const std::string& tenant, Seconds from, Seconds to, int points,
                Seconds now) {
  Json series = Json::array();
  const Seconds step = std::max<Seconds>(1, (to - from + points - 1) / points);
  for (Seconds t = from; t < to; t += step) {
    const Seconds end = std::min(to, t + step);
    const live::Usage u = s.usage(tenant, t, end, now);
    series.push_back({{"from", t},
                      {"to", end},
                      {"share_devices", optional_share(u.share_devices())},
                      {"share_compute", optional_share(u.share_compute())},
                      {"device_hours_domestic", u.device_hours_domestic},
                      {"device_hours_imported", u.device_hours_imported}});
  }
  const Tenant* t = tenant.empty() ? nullptr : s.tenant(tenant);
  return {{"tenant", tenant.empty() ? Json(nullptr) : Json(tenant)},
          {"target", t ? t->domestic_target : s.policy().domestic_target},
          {"window", {{"from", from}, {"to", to}}},
          {"total", usage_json(s.usage(tenant, from, to, now))},
          {"series", series}};
}

Json export_view(const live::LiveState& s) {
  Json events = Json::array();
  for (const live::ExportRecord& e : s.export_events()) {
    events.push_back({{"at", e.at},
                      {"effect", name(e.effect)},
                      {"accelerators", e.accelerators},
                      {"grace", e.grace},
                      {"label", e.label},
                      {"nodes_affected", e.nodes_affected}});
  }
  Json cut = Json::array();
  for (const auto& [acc, since] : s.supply_cut()) cut.push_back({{"accelerator", acc}, {"since", since}});
  const auto due = s.next_due();
  return {{"events", events}, {"supply_cut", cut}, {"next_retirement_at", due ? Json(*due) : Json(nullptr)}};
}

}  // namespace suanli::server

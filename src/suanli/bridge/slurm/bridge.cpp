#include "suanli/bridge/slurm/bridge.h"

#include <httplib.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <random>
#include <set>

#include <fmt/format.h>

#include "suanli/bridge/slurm/share.h"
#include "suanli/model/error.h"
#include "suanli/policy/reason_text.h"
#include "suanli/wire/codec.h"

namespace suanli::bridge::slurm {
namespace {

using wire::Json;
using wire::JsonReader;

// The sbatch option behind a JSON path of the submission body (or a live-state field).
std::string option_of(const std::string& where) {
  if (where.rfind("$.devices", 0) == 0) return "--gres/--gpus";
  if (where.rfind("$.accelerators", 0) == 0) return "--gres (GPU type)";
  if (where.rfind("$.tenant", 0) == 0 || where == "tenant") return "-A";
  if (where.rfind("$", 0) == 0) {
    const std::string field = where.size() > 2 ? where.substr(2) : "";
    return field.empty() ? "--comment" : "--comment suanli:" + field;
  }
  return where;
}

// sbatch's error line for a rejected job (English: Slurm's own messages are). `reason` is the job's.
std::string reject_message(const live::JobRecord& r, const std::string& reason, const PolicySpec& policy) {
  std::vector<std::string_view> rules;
  std::vector<std::string> parts;
  for (const Verdict& v : r.last.verdicts) {
    if (v.allowed || v.rule.empty()) continue;
    if (std::find(rules.begin(), rules.end(), v.rule) != rules.end()) continue;
    rules.push_back(v.rule);
    std::vector<std::string> models;
    for (const Verdict& w : r.last.verdicts) {
      if (!w.allowed && w.rule == v.rule) models.push_back(w.accelerator);
    }
    parts.push_back(fmt::format("denied by {} ({}): {}", v.rule, fmt::join(models, ", "), english(v, policy)));
  }
  if (parts.empty()) return fmt::format("suanli: rejected: {} [suanli job {}]", reason, r.id);
  return fmt::format("suanli: {} [{}; suanli job {}]", fmt::join(parts, "; "), reason, r.id);
}

}  // namespace

SlurmBridge::SlurmBridge(server::Service& service, SlurmBridgeOptions options)
    : service_(&service), options_(std::move(options)), cli_(options_.cli) {
  for (const NodeGroup& g : service.scenario().fleet) {
    const std::string id = service.catalog().accelerator(g.accelerator).id;
    if (std::find(fleet_models_.begin(), fleet_models_.end(), id) == fleet_models_.end()) fleet_models_.push_back(id);
    max_node_devices_ = std::max(max_node_devices_, g.devices_per_node);
  }
  std::random_device rd;
  key_prefix_ = fmt::format("slurm:{:08x}{:08x}-", rd(), rd());
}

SlurmBridge::~SlurmBridge() { stop(); }

void SlurmBridge::start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void SlurmBridge::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void SlurmBridge::loop() {
  const auto poll = std::chrono::duration<double>(options_.poll_s);
  for (;;) {
    const bool busy = round();
    std::unique_lock lock(mu_);
    // After a change, look again soon: suanli may have placed what waited.
    wake_.wait_for(lock, busy ? std::chrono::duration<double>(0.05) : poll, [this] { return stopping_; });
    if (stopping_) return;
  }
}

void SlurmBridge::note(std::string line) {
  std::fprintf(stderr, "suanli slurm: %s\n", line.c_str());
  std::lock_guard lock(mu_);
  log_.push_back(fmt::format("{} {}", format_time(service_->clock().now()), std::move(line)));
  while (log_.size() > 100) log_.pop_front();
}

bool SlurmBridge::round() {
  SlurmSnapshot snap;
  try {
    snap = cli_.snapshot();
  } catch (const std::exception& e) {
    std::lock_guard lock(mu_);
    if (last_error_ != e.what()) std::fprintf(stderr, "suanli slurm: %s\n", e.what());
    last_error_ = e.what();
    return false;
  }
  std::vector<std::int64_t> linked;
  for (const SlurmJob& j : snap.jobs) {
    if (j.suanli_job > 0) linked.push_back(j.suanli_job);
  }
  const Seconds now = service_->clock().now();
  const SuanliView view = service_->read([&](const live::LiveState& st) { return suanli_view(st, linked, now); });
  const Plan plan = reconcile(snap, view, options_.reconcile);
  std::int64_t sent = 0, done = 0;
  for (const live::Command& c : plan.commands) {
    const server::Outcome o = service_->execute(c);
    const std::string what = c.node.empty() ? fmt::format("{} job {}", live::name(c.kind), c.job)
                                            : fmt::format("{} node {}", live::name(c.kind), c.node);
    if (o.status == server::Outcome::Status::Applied) {
      ++sent;
      note(fmt::format("{} ({})", what, c.note));
    } else {
      note(fmt::format("{} refused: {}", what, o.message));
    }
  }
  for (const SlurmAction& a : plan.actions) {
    std::string error;
    const std::string what = a.job > 0 ? fmt::format("{} slurm job {}", name(a.kind), a.job)
                                       : fmt::format("{} slurm node {}", name(a.kind), a.node);
    if (cli_.apply(a, error)) {
      ++done;
      note(fmt::format("{} ({})", what, a.reason));
    } else {
      note(fmt::format("{} failed: {}", what, error));
    }
  }
  std::lock_guard lock(mu_);
  last_ = std::move(snap);
  last_round_ = now;
  rounds_ += 1;
  commands_sent_ += sent;
  actions_done_ += done;
  last_error_.clear();
  return sent + done > 0;
}

Json SlurmBridge::admit(const SlurmSubmission& s, const server::Principal& who) {
  server::Service& svc = *service_;
  const std::string key = key_prefix_ + std::to_string(++key_counter_);
  std::optional<Json> body;
  live::Command c;
  try {
    body = submit_body(s, svc.catalog(), svc.scenario().classes, fleet_models_, key);
    if (!body) return {{"verdict", "pass"}, {"message", "no GPU asked and no suanli: comment: not suanli's"}};
    c = wire::read_submit(JsonReader(*body, "$"), svc.catalog(), svc.scenario().classes);
  } catch (const InputError& e) {
    throw InputError(option_of(e.where()), e.message());
  }
  c.actor = who.token_id;
  const server::Outcome o = svc.execute(std::move(c));
  if (o.status == server::Outcome::Status::Invalid) throw InputError(option_of(o.where), o.message);
  if (o.status != server::Outcome::Status::Applied && o.status != server::Outcome::Status::Duplicate) {
    server::fail(o.status == server::Outcome::Status::NotFound ? 404 : o.status == server::Outcome::Status::Conflict ? 409 : 503,
                 o.message);
  }
  struct Seen {
    live::JobRecord record;
    std::string reason;  // the record's, in English
    PolicySpec policy;
    int options = 0;     // what the policy allows it, while pending
    int devices = 0;     // of its preferred option
  };
  const Seen seen = svc.read([&](const live::LiveState& st) {
    Seen x;
    x.record = *st.job(o.job);
    x.reason = st.reason(x.record);
    x.policy = st.policy();
    if (const JobState* j = st.scheduler().job(o.job)) {
      const std::vector<Option> options = st.scheduler().options(*j);
      x.options = static_cast<int>(options.size());
      if (!options.empty()) x.devices = options.front().cap->devices;
    }
    return x;
  });
  const live::JobRecord& r = seen.record;
  Json out = {{"job", r.id}, {"link", link_comment(r.id)}, {"message", seen.reason}};
  if (r.status == live::JobStatus::Rejected) {
    std::string rule;
    for (const Verdict& v : r.last.verdicts) {
      if (!v.allowed && !v.rule.empty()) {
        rule = v.rule;
        break;
      }
    }
    out["verdict"] = "reject";
    out["rule"] = rule;
    out["message"] = reject_message(r, seen.reason, seen.policy);
    return out;
  }
  if (r.status == live::JobStatus::Placed || r.status == live::JobStatus::Running) {
    const Placement p = placement_of(r, svc.catalog());
    out["verdict"] = "place";
    out["epoch"] = r.epoch;
    out["accelerator"] = p.accelerator;
    out["nodes"] = fmt::format("{}", fmt::join(p.nodes, ","));
    out["nodes_count"] = p.nodes.size();
    out["partition"] = p.partition;
    if (p.per_node <= 0) server::fail(503, fmt::format("suanli job {}: devices differ across its nodes; Slurm's per-node GPU count cannot say it", r.id));
    out["tres_per_node"] = "gres:" + p.gres();
    return out;
  }
  if (r.status != live::JobStatus::Pending) server::fail(409, fmt::format("suanli job {} is {} already", r.id, live::name(r.status)));
  // Waiting: refused when the imported cap is all that holds it back.
  const int capped = static_cast<int>(std::count_if(r.last.verdicts.begin(), r.last.verdicts.end(), [](const Verdict& v) {
    return !v.allowed && v.rule == "imported-cap";
  }));
  if (capped > 0 && capped == seen.options) {
    live::Command cancel;
    cancel.kind = live::Command::Kind::Cancel;
    cancel.job = r.id;
    cancel.note = "refused at submission: only the imported cap holds it back (Slurm plugin, deny on limit)";
    cancel.actor = who.token_id;
    svc.execute(std::move(cancel));
    out["verdict"] = "reject";
    out["rule"] = "imported-cap";
    out["message"] = reject_message(r, seen.reason, seen.policy);
    return out;
  }
  // Held: a shape Slurm accepts now (the bridge sets nodes, count and
  // partition when suanli places it).
  const int total = std::max(1, r.shape.devices > 0 ? r.shape.devices : seen.devices);
  const int per = std::min(total, max_node_devices_);
  out["verdict"] = "hold";
  out["nodes_count"] = (total + per - 1) / per;
  out["tres_per_node"] = fmt::format("gres:gpu:{}", per);
  return out;
}

Json SlurmBridge::cluster_view(i18n::Lang lang) {
  SlurmSnapshot snap;
  Json bridge;
  {
    std::lock_guard lock(mu_);
    snap = last_;
    bridge = {{"rounds", rounds_},
              {"last_round", last_round_},
              {"poll_s", options_.poll_s},
              {"commands_sent", commands_sent_},
              {"actions_done", actions_done_},
              {"error", last_error_.empty() ? Json(nullptr) : Json(last_error_)},
              {"log", Json(std::vector<std::string>(log_.begin(), log_.end()))}};
  }
  return service_->read([&](const live::LiveState& st) {
    std::map<std::string, const live::NodeRecord*> suanli_nodes;
    const auto& nodes = st.scheduler().cluster().nodes();
    for (std::size_t i = 0; i < nodes.size(); ++i) suanli_nodes[nodes[i].name] = &st.node(static_cast<int>(i));
    Json ns = Json::array();
    for (const SlurmNode& n : snap.nodes) {
      Json j = {{"name", n.name}, {"state", n.state}, {"drain", n.drain}, {"reason", n.reason},
                {"gres", n.gres},  {"gres_used", n.gres_used}};
      auto it = suanli_nodes.find(n.name);
      if (it != suanli_nodes.end()) {
        j["suanli"] = {{"status", live::name(it->second->status)}, {"reason", it->second->reason(lang)}};
      } else {
        j["suanli"] = nullptr;  // not in suanli's fleet
      }
      ns.push_back(std::move(j));
    }
    Json js = Json::array();
    for (const SlurmJob& j : snap.jobs) {
      Json x = {{"slurm_job", j.id},  {"state", j.state},       {"reason", j.reason}, {"held", j.held},
                {"nodes", j.nodes},   {"account", j.account},   {"partition", j.partition},
                {"name", j.name},     {"restarts", j.restarts}, {"start", j.start}, {"end", j.end}};
      const live::JobRecord* r = j.suanli_job > 0 ? st.job(j.suanli_job) : nullptr;
      if (r) {
        x["suanli"] = {{"job", r->id},           {"status", live::name(r->status)}, {"epoch", r->epoch},
                       {"accelerator", r->accelerator}, {"nodes", r->nodes},        {"reason", st.reason(*r, lang)}};
      } else {
        x["suanli"] = nullptr;  // not admitted by suanli (submitted before the plugin, or not a GPU job)
      }
      js.push_back(std::move(x));
    }
    return Json{{"nodes", ns}, {"jobs", js}, {"bridge", bridge}};
  });
}

Json SlurmBridge::share_view(Seconds from, Seconds to) {
  const Seconds now = service_->clock().now();
  const CommandResult res = cli_.sacct(from, to);
  if (!res.ok()) server::fail(503, fmt::format("sacct failed: {}", res.err.empty() ? res.out : res.err));
  const ShareReport report =
      share_report(parse_sacct(res.out), service_->scenario(), service_->catalog(), from, to, now);
  Json out = Json::parse(share_json(report));
  // suanli's own record of the same window, per tenant, beside Slurm's.
  Json own = Json::array();
  service_->read([&](const live::LiveState& st) {
    for (const Tenant& t : st.tenants()) {
      const live::Usage u = st.usage(t.name, from, to, now);
      own.push_back({{"tenant", t.name},
                     {"domestic_hours", u.device_hours_domestic},
                     {"imported_hours", u.device_hours_imported},
                     {"share", u.share_devices() ? Json(*u.share_devices()) : Json(nullptr)}});
    }
    return 0;
  });
  out["suanli"] = own;
  return out;
}

void add_routes(server::HttpServer& http, SlurmBridge* bridge) {
  using server::Need;
  using server::Principal;
  auto on = [bridge]() -> SlurmBridge& {
    if (!bridge) server::fail(404, "the Slurm bridge is off: start suanli serve --slurm (README: Slurm)");
    return *bridge;
  };
  http.add_route("POST", "/v1/slurm/admit", "POST /v1/slurm/admit", Need::Operator,
                 [on](const httplib::Request& req, httplib::Response& res, const Principal& who) {
                   SlurmBridge& b = on();
                   const Json body = wire::parse_json(req.body.empty() ? "{}" : req.body);
                   const SlurmSubmission s = read_submission(JsonReader(body, "$"));
                   server::reply(res, 200, b.admit(s, who));
                 });
  http.add_route("GET", "/v1/slurm/cluster", "GET /v1/slurm/cluster", Need::ReadAll,
                 [on](const httplib::Request& req, httplib::Response& res, const Principal&) {
                   server::reply(res, 200, on().cluster_view(server::request_lang(req)));
                 });
  http.add_route("GET", "/v1/slurm/share", "GET /v1/slurm/share", Need::ReadAll,
                 [on](const httplib::Request& req, httplib::Response& res, const Principal&) {
                   SlurmBridge& b = on();
                   auto time_param = [&](const char* key, Seconds fallback) {
                     if (!req.has_param(key)) return fallback;
                     const std::string v = req.get_param_value(key);
                     std::int64_t n = 0;
                     const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                     if (ec == std::errc() && p == v.data() + v.size()) return n;
                     if (auto t = parse_time(v)) return *t;
                     throw InputError(std::string("?") + key,
                                      fmt::format("found '{}', expected seconds since 1970 or yyyy-mm-dd[Thh:mm[:ss]]", v));
                   };
                   const Seconds now = b.now();
                   const Seconds to = time_param("to", now + 1);
                   const Seconds from = time_param("from", to - b.service().scenario().policy.cap_window);
                   if (from >= to) throw InputError("?from", "found a window that ends before it starts, expected from < to");
                   server::reply(res, 200, b.share_view(from, to));
                 });
}

}  // namespace suanli::bridge::slurm

#include "suanli/server/http_api.h"

#include <httplib.h>
#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <limits>
#include <optional>

#include <fmt/format.h>

#include "suanli/config/plan_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/plan/planner.h"
#include "suanli/i18n/lang.h"
#include "suanli/model/error.h"
#include "suanli/policy/rule_reason.h"
#include "suanli/policy/coverage.h"
#include "suanli/report/coverage_report.h"
#include "suanli/report/plan_report.h"
#include "suanli/server/openapi.h"
#include "suanli/server/prometheus.h"
#include "suanli/server/views.h"
#include "suanli/server/web_assets.h"
#include "suanli/wire/codec.h"
#include "suanli/wire/reason_json.h"

namespace suanli::server {
namespace {

using httplib::Request;
using httplib::Response;
using wire::Json;
using wire::JsonReader;

std::string_view code_of(int status) {
  switch (status) {
    case 400: return "invalid";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "too_large";
    case 503: return "unavailable";
    default: return status >= 500 ? "internal" : "error";
  }
}


void error_reply(Response& res, int status, std::string_view message, const std::string& path = "") {
  Json e = {{"status", status}, {"code", code_of(status)}, {"message", message}};
  if (!path.empty()) e["path"] = path;
  reply(res, status, Json{{"error", e}});
}


// Query parameters with located errors ("?limit: found 'x', expected ...").
class Query {
 public:
  explicit Query(const Request& req) : req_(req) {}
  std::string text(const char* key, std::string fallback = "") const {
    return req_.has_param(key) ? req_.get_param_value(key) : fallback;
  }
  std::optional<std::int64_t> integer(const char* key, std::int64_t lo, std::int64_t hi) const {
    if (!req_.has_param(key)) return std::nullopt;
    const std::string v = req_.get_param_value(key);
    std::int64_t n = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size() || n < lo || n > hi) {
      throw InputError(fmt::format("?{}", key), fmt::format("found '{}', expected an integer {}..{}", v, lo, hi));
    }
    return n;
  }
  // The language the answer's reasons are written in: ?lang= (en, zh, or a
  // tag such as zh-CN), else the Accept-Language header, else English.
  i18n::Lang lang() const { return request_lang(req_); }
  std::optional<Seconds> time(const char* key) const {
    if (!req_.has_param(key)) return std::nullopt;
    const std::string v = req_.get_param_value(key);
    std::int64_t n = 0;
    const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec == std::errc() && p == v.data() + v.size()) return n;
    if (auto t = parse_time(v)) return *t;
    throw InputError(fmt::format("?{}", key),
                     fmt::format("found '{}', expected seconds since 1970 or a UTC time yyyy-mm-dd[Thh:mm[:ss]]", v));
  }

 private:
  const Request& req_;
};

// "a,b,,c" -> {"a", "b", "c"}
std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Json body_of(const Request& req) {
  if (req.body.empty()) return Json::object();
  return wire::parse_json(req.body);
}

std::int64_t path_id(const Request& req) {
  const std::string v = req.matches[1];
  std::int64_t n = 0;
  const auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || p != v.data() + v.size()) fail(404, "no job " + v);
  return n;
}

int outcome_status(const Outcome& o) {
  switch (o.status) {
    case Outcome::Status::Applied: return 200;
    case Outcome::Status::Duplicate: return 200;
    case Outcome::Status::NotFound: return 404;
    case Outcome::Status::Conflict: return 409;
    case Outcome::Status::Invalid: return 400;
    case Outcome::Status::Unavailable: return 503;
  }
  return 500;
}

// Turns a refused outcome into its HTTP error; returns for applied ones.
void check(const Outcome& o) {
  if (o.status == Outcome::Status::Invalid) throw InputError(o.where, o.message);
  if (o.status != Outcome::Status::Applied && o.status != Outcome::Status::Duplicate) fail(outcome_status(o), o.message);
}

// The policy the service runs under (fixed for its life: the log replays under it), a copy.
PolicySpec policy_of(Service& svc) {
  return svc.read([](const live::LiveState& st) -> const PolicySpec& { return st.policy(); });
}

// What a command did, its decisions' reasons in the request's language.
Json applied_json(Service& svc, const Outcome& o, const Request& req) {
  const i18n::Lang lang = Query(req).lang();
  const PolicySpec policy = policy_of(svc);
  Json decisions = Json::array();
  for (const Json& d : o.decisions) decisions.push_back(wire::localized(d, policy, lang));
  return {{"seq", o.seq}, {"at", o.at}, {"decisions", std::move(decisions)}};
}

std::optional<std::string> optional_reason(const Json& body) {
  const JsonReader r(body, "$");
  r.expect_object({"reason", "epoch"});
  return r.opt_text("reason");
}

// The served scenario as it stands: the fleet that is up, the tenants and
// policy of the log, the export events applied (as supply events, after the
// scenario's own), no pending purchases (what was delivered is in the fleet).
Scenario live_scenario(Service& svc) {
  Scenario s = svc.scenario();
  svc.read([&](const live::LiveState& st) {
    s.fleet = st.fleet_now();
    s.tenants = st.tenants();
    s.policy = st.policy();
    for (const live::ExportRecord& x : st.export_events()) {
      Event e;
      e.kind = Event::Kind::Supply;
      e.at = x.at;
      e.accelerators = x.accelerators;
      e.effect = x.effect;
      e.grace = x.grace;
      e.label = x.label;
      s.events.push_back(std::move(e));
    }
    return 0;
  });
  s.purchases.clear();
  return s;
}

}  // namespace

void reply(Response& res, int status, const Json& body) {
  res.status = status;
  // An error message may quote the bytes of a malformed body, which need not
  // be UTF-8: they are replaced (U+FFFD), never a reason to fail the answer.
  res.set_content(body.dump(-1, ' ', false, Json::error_handler_t::replace), "application/json");
}

void fail(int status, std::string message) { throw HttpError{status, std::move(message)}; }

i18n::Lang request_lang(const Request& req) {
  if (!req.has_param("lang")) return i18n::lang_from_accept_language(req.get_header_value("Accept-Language"));
  const std::string v = req.get_param_value("lang");
  if (auto l = i18n::parse_lang(v)) return *l;
  throw InputError("?lang", fmt::format("found '{}', expected en or zh (or a language tag such as zh-CN)", v));
}

HttpServer::HttpServer(Service& service, Access& access, HttpOptions options)
    : service_(&service), access_(&access), options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {
  const int threads = options_.threads;
  server_->new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  server_->set_payload_max_length(options_.max_body);
  server_->set_keep_alive_max_count(100000);
  server_->set_keep_alive_timeout(2);  // an idle connection holds a worker thread; a stop waits for it
  server_->set_tcp_nodelay(true);  // answers are small: no Nagle delay behind the client's delayed ACK
  // httplib's default sets SO_REUSEPORT, which would let a second service
  // share this port silently; REUSEADDR alone allows a quick restart. The
  // socket is kept to raise its listen backlog after bind (httplib's is 5:
  // a burst of new connections would wait out a 1 s SYN retry).
  server_->set_socket_options([this](int sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listen_fd_ = sock;
  });
  server_->set_read_timeout(30, 0);
  server_->set_write_timeout(30, 0);
  server_->set_error_handler([](const Request&, Response& res) {
    if (!res.body.empty()) return;
    const std::string msg = res.status == 404   ? "no such route"
                            : res.status == 413 ? "the request body is too large"
                                                : "the request could not be served";
    error_reply(res, res.status, msg);
  });
  server_->set_exception_handler([](const Request&, Response& res, std::exception_ptr) {
    error_reply(res, 500, "internal error");
  });
  routes();
}

HttpServer::~HttpServer() { stop(); }

void HttpServer::static_files() {
  // The dashboard's files: anything else under / that is not an API route.
  // Registered last (at bind), after every API route, bridges' included.
  server_->Get(R"(/(.*))", [](const Request& req, Response& res) {
    const std::string path = req.matches[1];
    if (path.rfind("v1/", 0) == 0) {
      error_reply(res, 404, "no such route");
      return;
    }
    const WebAsset* a = find_web_asset(path.empty() ? "index.html" : path);
    if (!a && path.find('.') == std::string::npos) a = find_web_asset("index.html");  // client-side routes
    if (!a) {
      if (web_assets_count() == 0) {
        error_reply(res, 503, "the dashboard's files were not built into this binary: run scripts/build-web.sh, then rebuild");
      } else {
        error_reply(res, 404, "no such file");
      }
      return;
    }
    res.set_content(std::string(a->bytes), std::string(a->mime));
    if (path.rfind("assets/", 0) == 0) res.set_header("Cache-Control", "public, max-age=31536000, immutable");
  });
}

void HttpServer::bind() {
  static_files();
  if (options_.port == 0) {
    port_ = server_->bind_to_any_port(options_.host);
    if (port_ <= 0) throw std::runtime_error(fmt::format("cannot listen on {}: no free port", options_.host));
  } else {
    if (!server_->bind_to_port(options_.host, options_.port)) {
      throw std::runtime_error(fmt::format("cannot listen on {}:{} (in use, or not an address of this host)",
                                           options_.host, options_.port));
    }
    port_ = options_.port;
  }
  if (listen_fd_ >= 0) ::listen(listen_fd_, 1024);
}

void HttpServer::serve() { server_->listen_after_bind(); }

void HttpServer::stop() {
  if (server_ && server_->is_running()) server_->stop();
}

void HttpServer::add_route(const char* method, const std::string& pattern, const std::string& label, Need need,
                           Handler h) {
  auto wrapped = [this, label, need, h = std::move(h)](const Request& req, Response& res) {
    const auto t0 = std::chrono::steady_clock::now();
    try {
      Principal who;
      if (need != Need::None) {
        const auto p = access_->authenticate(req.get_header_value("Authorization"));
        if (!p) {
          res.set_header("WWW-Authenticate", "Bearer realm=\"suanli\"");
          fail(401, "a valid bearer token is required: Authorization: Bearer sl_... (suanli serve token create)");
        }
        who = *p;
        if (need == Need::Operator && !who.can_operate()) fail(403, fmt::format("the {} role may not do this", name(who.role)));
        if (need == Need::ReadAll && !who.can_read_all()) fail(403, "a tenant token may not read this");
      }
      (void)Query(req).lang();  // a bad ?lang is refused before anything is done
      h(req, res, who);
    } catch (const HttpError& e) {
      error_reply(res, e.status, e.message);
    } catch (const InputError& e) {
      error_reply(res, 400, e.what(), e.where());
    } catch (const store::StoreError& e) {
      error_reply(res, 503, e.what());
    }
    service_->metrics().request(label).observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  };
  labels_.push_back(label);
  const std::string m = method;
  if (m == "GET") server_->Get(pattern, wrapped);
  else if (m == "POST") server_->Post(pattern, wrapped);
  else if (m == "PUT") server_->Put(pattern, wrapped);
  else if (m == "DELETE") server_->Delete(pattern, wrapped);
}

void HttpServer::routes() {
  Service& svc = *service_;
  Access& access = *access_;
  auto route = [this](const char* method, const std::string& pattern, const std::string& label, Need need, Handler h) {
    add_route(method, pattern, label, need, std::move(h));
  };
  auto get_job = [&svc](const Principal& who, std::int64_t id, auto f) {
    return svc.read([&](const live::LiveState& s) {
      const live::JobRecord* r = s.job(id);
      if (!r || !who.sees(r->tenant)) fail(404, fmt::format("no job {}", id));
      return f(s, *r);
    });
  };
  auto window = [&svc](const Query& q) {
    const Seconds now = svc.read([](const live::LiveState& s) { return s.now(); });
    const Seconds to = q.time("to").value_or(now + 1);
    const Seconds from = q.time("from").value_or(to - svc.read([](const live::LiveState& s) { return s.policy().cap_window; }));
    if (from >= to) throw InputError("?from", "found a window that ends before it starts, expected from < to");
    return std::pair{from, to};
  };
  auto now_of = [&svc] { return std::max(svc.read([](const live::LiveState& s) { return s.now(); }), svc.clock().now()); };

  // --- health, documents ---------------------------------------------------------------
  route("GET", "/healthz", "GET /healthz", Need::None,
        [](const Request&, Response& res, const Principal&) { reply(res, 200, {{"status", "ok"}}); });
  route("GET", "/readyz", "GET /readyz", Need::None, [&svc](const Request&, Response& res, const Principal&) {
    const bool ready = svc.ready();
    reply(res, ready ? 200 : 503,
          {{"ready", ready}, {"events", svc.read([](const live::LiveState& s) { return s.commands(); })},
           {"replayed", svc.replay_report().events}, {"replay_seconds", svc.replay_report().seconds}});
  });
  route("GET", "/v1/openapi.json", "GET /v1/openapi.json", Need::None,
        [](const Request&, Response& res, const Principal&) { res.set_content(std::string(openapi_json()), "application/json"); });
  route("GET", "/v1/whoami", "GET /v1/whoami", Need::Any, [](const Request&, Response& res, const Principal& who) {
    reply(res, 200, {{"role", name(who.role)}, {"tenant", who.tenant.empty() ? Json(nullptr) : Json(who.tenant)},
                     {"token_id", who.token_id}});
  });
  route("GET", "/v1/scenario", "GET /v1/scenario", Need::Any, [&svc](const Request& req, Response& res, const Principal& who) {
    const i18n::Lang lang = Query(req).lang();
    const Scenario& s = svc.scenario();
    Json classes = Json::array();
    for (const JobClass& jc : s.classes) {
      if (!who.sees(jc.tenant)) continue;
      classes.push_back({{"name", jc.name}, {"tenant", jc.tenant}, {"kind", name(jc.kind)}, {"model", jc.model},
                         {"note", jc.note}});
    }
    const PolicySpec p = policy_of(svc);
    auto rule = [&](Rule id, bool on) {
      return Json{{"id", rule_id(id)}, {"on", on}, {"title", rule_title(id, lang)}, {"reason", rule_reason(p, id, lang)}};
    };
    Json rules = Json::array({rule(Rule::CiiDomesticOnly, p.cii_domestic_only), rule(Rule::GapOnly, p.gap_only),
                              rule(Rule::ImportedCap, p.imported_cap_fleet < 1 || p.imported_cap_tenant < 1),
                              rule(Rule::PortedStack, true)});
    const std::string& description =
        lang == i18n::Lang::Zh && !s.description_zh.empty() ? s.description_zh : s.description;
    reply(res, 200, {{"name", s.name}, {"description", description}, {"start", s.start}, {"end", s.end},
                     {"policy", {{"name", p.name}, {"critical_sectors", p.critical_sectors},
                                 {"imported_cap_fleet", p.imported_cap_fleet},
                                 {"imported_cap_tenant", p.imported_cap_tenant},
                                 {"domestic_target", p.domestic_target}, {"rules", rules}}},
                     {"classes", classes}, {"speedup", svc.clock().speedup()}});
  });

  // --- jobs ---------------------------------------------------------------------------------
  route("POST", "/v1/jobs", "POST /v1/jobs", Need::Any, [&svc, get_job](const Request& req, Response& res, const Principal& who) {
    if (who.role == Role::Auditor) fail(403, "the auditor role may not submit jobs");
    const Json body = body_of(req);
    live::Command c = wire::read_submit(JsonReader(body, "$"), svc.catalog(), svc.scenario().classes, who.tenant);
    if (who.role == Role::Tenant && c.shape.tenant != who.tenant) {
      fail(403, fmt::format("a token of tenant '{}' may not submit for '{}'", who.tenant, c.shape.tenant));
    }
    c.actor = who.token_id;
    const Outcome o = svc.execute(std::move(c));
    check(o);
    const i18n::Lang lang = Query(req).lang();
    Json out = get_job(who, o.job, [lang](const live::LiveState& s, const live::JobRecord& r) { return job_view(s, r, lang); });
    reply(res, o.status == Outcome::Status::Duplicate ? 200 : 201,
          o.status == Outcome::Status::Duplicate ? Json{{"job", out}, {"duplicate", true}}
                                                 : Json{{"job", out}, {"applied", applied_json(svc, o, req)}});
  });
  route("GET", "/v1/jobs", "GET /v1/jobs", Need::Any, [&svc](const Request& req, Response& res, const Principal& who) {
    const Query q(req);
    live::JobFilter f;
    f.tenant = q.text("tenant");
    if (who.role == Role::Tenant) {
      if (!f.tenant.empty() && f.tenant != who.tenant) fail(403, "a tenant token lists only its own jobs");
      f.tenant = who.tenant;
    }
    for (const std::string& st : split(q.text("status"))) {
      const auto status = live::parse_job_status(st);
      if (!status) {
        throw InputError("?status", fmt::format("found '{}', expected pending, placed, running, finished, failed, "
                                                "cancelled or rejected (or several, comma-separated)", st));
      }
      f.statuses.push_back(*status);
    }
    f.class_name = q.text("class");
    f.before = q.integer("before", 1, std::numeric_limits<std::int64_t>::max()).value_or(0);
    f.limit = static_cast<int>(q.integer("limit", 1, 1000).value_or(100));
    svc.read([&](const live::LiveState& s) {
      std::int64_t next = 0;
      Json jobs = Json::array();
      for (const live::JobRecord* r : s.jobs(f, &next)) jobs.push_back(job_view(s, *r, q.lang()));
      reply(res, 200, {{"jobs", jobs}, {"next", next ? Json(next) : Json(nullptr)}});
      return 0;
    });
  });
  route("GET", R"(/v1/jobs/(\d+))", "GET /v1/jobs/{id}", Need::Any, [get_job](const Request& req, Response& res, const Principal& who) {
    const i18n::Lang lang = Query(req).lang();
    reply(res, 200, get_job(who, path_id(req), [lang](const live::LiveState& s, const live::JobRecord& r) { return job_view(s, r, lang); }));
  });
  route("GET", R"(/v1/jobs/(\d+)/explain)", "GET /v1/jobs/{id}/explain", Need::Any,
        [&svc, get_job](const Request& req, Response& res, const Principal& who) {
          const std::int64_t id = path_id(req);
          const i18n::Lang lang = Query(req).lang();
          const PolicySpec policy = policy_of(svc);
          Json out = get_job(who, id, [lang](const live::LiveState& s, const live::JobRecord& r) { return explain_view(s, r, lang); });
          store::AuditQuery q;
          q.job = id;
          q.limit = 50;
          Json trail = Json::array();
          for (const store::AuditRow& row : svc.store().decisions(q)) {
            Json d = wire::localized(wire::parse_json(row.body), policy, lang);
            d["seq"] = row.seq;
            trail.push_back(std::move(d));
          }
          out["trail"] = std::move(trail);
          reply(res, 200, out);
        });
  route("POST", R"(/v1/jobs/(\d+)/cancel)", "POST /v1/jobs/{id}/cancel", Need::Any,
        [&svc, get_job](const Request& req, Response& res, const Principal& who) {
          if (who.role == Role::Auditor) fail(403, "the auditor role may not cancel jobs");
          const std::int64_t id = path_id(req);
          get_job(who, id, [](const live::LiveState&, const live::JobRecord&) { return 0; });  // visible?
          live::Command c;
          c.kind = live::Command::Kind::Cancel;
          c.job = id;
          c.note = optional_reason(body_of(req)).value_or("");
          c.actor = who.token_id;
          const Outcome o = svc.execute(std::move(c));
          check(o);
          const i18n::Lang lang = Query(req).lang();
          reply(res, 200, {{"job", get_job(who, id, [lang](const live::LiveState& s, const live::JobRecord& r) { return job_view(s, r, lang); })},
                           {"applied", applied_json(svc, o, req)}});
        });
  for (const auto& [verb, kind] : {std::pair{"started", live::Command::Kind::Started},
                                   std::pair{"finished", live::Command::Kind::Finished},
                                   std::pair{"failed", live::Command::Kind::Failed}}) {
    route("POST", fmt::format(R"(/v1/jobs/(\d+)/{})", verb), fmt::format("POST /v1/jobs/{{id}}/{}", verb), Need::Operator,
          [&svc, get_job, kind = kind](const Request& req, Response& res, const Principal& who) {
            const Json body = body_of(req);
            const JsonReader r(body, "$");
            r.expect_object({"epoch", "reason"});
            if (!r.has("epoch")) r.fail("missing field 'epoch' (the placement this report is about, from the job)");
            const std::int64_t id = path_id(req);
            live::Command c;
            c.kind = kind;
            c.job = id;
            c.epoch = static_cast<int>(r.at("epoch").integer("a placement epoch"));
            c.note = r.opt_text("reason").value_or("");
            c.actor = who.token_id;
            const Outcome o = svc.execute(std::move(c));
            check(o);
            reply(res, 200, {{"job", get_job(who, id, [](const live::LiveState& s, const live::JobRecord& j) { return job_view(s, j); })},
                             {"applied", applied_json(svc, o, req)}});
          });
  }

  // --- nodes, fleet, export events ---------------------------------------------------------
  route("GET", "/v1/nodes", "GET /v1/nodes", Need::ReadAll, [&svc](const Request& req, Response& res, const Principal&) {
    const i18n::Lang lang = Query(req).lang();
    reply(res, 200, {{"nodes", svc.read([lang](const live::LiveState& s) { return nodes_view(s, lang); })}});
  });
  route("POST", "/v1/nodes", "POST /v1/nodes", Need::Operator, [&svc](const Request& req, Response& res, const Principal& who) {
    const Json body = body_of(req);
    live::Command c;
    c.kind = live::Command::Kind::NodesJoin;
    c.group = wire::read_node_group(JsonReader(body, "$"), svc.catalog());
    c.actor = who.token_id;
    const Outcome o = svc.execute(std::move(c));
    check(o);
    reply(res, 201, {{"applied", applied_json(svc, o, req)}});
  });
  for (const auto& [verb, kind] : {std::pair{"drain", live::Command::Kind::NodeDrain},
                                   std::pair{"fail", live::Command::Kind::NodeFail},
                                   std::pair{"resume", live::Command::Kind::NodeResume}}) {
    route("POST", fmt::format(R"(/v1/nodes/([A-Za-z0-9_.\-]+)/{})", verb), fmt::format("POST /v1/nodes/{{name}}/{}", verb),
          Need::Operator, [&svc, kind = kind](const Request& req, Response& res, const Principal& who) {
            live::Command c;
            c.kind = kind;
            c.node = req.matches[1];
            c.note = optional_reason(body_of(req)).value_or("");
            c.actor = who.token_id;
            const Outcome o = svc.execute(std::move(c));
            check(o);
            reply(res, 200, {{"applied", applied_json(svc, o, req)}});
          });
  }
  route("GET", "/v1/fleet", "GET /v1/fleet", Need::Any, [&svc, window, now_of](const Request& req, Response& res, const Principal&) {
    const auto span = window(Query(req));
    const Seconds from = span.first, to = span.second;
    const Seconds now = now_of();
    reply(res, 200, svc.read([&](const live::LiveState& s) { return fleet_view(s, from, to, now); }));
  });
  route("GET", "/v1/export-events", "GET /v1/export-events", Need::Any, [&svc](const Request&, Response& res, const Principal&) {
    reply(res, 200, svc.read([](const live::LiveState& s) { return export_view(s); }));
  });
  route("POST", "/v1/export-events", "POST /v1/export-events", Need::Operator,
        [&svc](const Request& req, Response& res, const Principal& who) {
          const Json body = body_of(req);
          const JsonReader r(body, "$");
          r.expect_object({"accelerators", "effect", "grace", "label"});
          live::Command c;
          wire::read_export(r, svc.catalog(), c);
          c.note = r.opt_text("label").value_or("");
          c.actor = who.token_id;
          const Outcome o = svc.execute(std::move(c));
          check(o);
          reply(res, 201, {{"applied", applied_json(svc, o, req)}, {"export", svc.read([](const live::LiveState& s) { return export_view(s); })}});
        });

  // --- tenants and the domestic share --------------------------------------------------------
  route("GET", "/v1/tenants", "GET /v1/tenants", Need::Any, [&svc, window, now_of](const Request& req, Response& res, const Principal& who) {
    const auto span = window(Query(req));
    const Seconds from = span.first, to = span.second;
    const Seconds now = now_of();
    reply(res, 200, svc.read([&](const live::LiveState& s) {
      Json out = Json::array();
      for (const Tenant& t : s.tenants()) {
        if (who.sees(t.name)) out.push_back(tenant_view(s, t, from, to, now));
      }
      return Json{{"tenants", out}};
    }));
  });
  route("GET", R"(/v1/tenants/([A-Za-z0-9_.\-]+))", "GET /v1/tenants/{name}", Need::Any,
        [&svc, window, now_of](const Request& req, Response& res, const Principal& who) {
          const std::string tenant = req.matches[1];
          const auto span = window(Query(req));
    const Seconds from = span.first, to = span.second;
          const Seconds now = now_of();
          reply(res, 200, svc.read([&](const live::LiveState& s) {
            const Tenant* t = s.tenant(tenant);
            if (!t || !who.sees(tenant)) fail(404, "no tenant '" + tenant + "'");
            return tenant_view(s, *t, from, to, now);
          }));
        });
  route("PUT", R"(/v1/tenants/([A-Za-z0-9_.\-]+))", "PUT /v1/tenants/{name}", Need::Operator,
        [&svc](const Request& req, Response& res, const Principal& who) {
          Json body = body_of(req);
          const std::string tenant = req.matches[1];
          if (body.is_object() && !body.contains("name")) body["name"] = tenant;
          live::Command c;
          c.kind = live::Command::Kind::TenantSet;
          c.tenant = wire::read_tenant(JsonReader(body, "$"), config::known_sectors());
          if (c.tenant.name != tenant) throw InputError("$.name", fmt::format("found '{}', expected the tenant of the path, '{}'", c.tenant.name, tenant));
          c.actor = who.token_id;
          const Outcome o = svc.execute(std::move(c));
          check(o);
          reply(res, 200, {{"applied", applied_json(svc, o, req)}});
        });
  route("GET", "/v1/share", "GET /v1/share", Need::Any, [&svc, window, now_of](const Request& req, Response& res, const Principal& who) {
    const Query q(req);
    const std::string tenant = q.text("tenant");
    if (!tenant.empty() && !who.sees(tenant)) fail(404, "no tenant '" + tenant + "'");
    const auto span = window(q);
    const Seconds from = span.first, to = span.second;
    const int points = static_cast<int>(q.integer("points", 1, 500).value_or(30));
    const Seconds now = now_of();
    reply(res, 200, svc.read([&](const live::LiveState& s) {
      if (!tenant.empty() && !s.tenant(tenant)) fail(404, "no tenant '" + tenant + "'");
      return share_view(s, tenant, from, to, points, now);
    }));
  });

  // --- the audit log, check -----------------------------------------------------------------
  route("GET", "/v1/decisions", "GET /v1/decisions", Need::Any, [&svc](const Request& req, Response& res, const Principal& who) {
    const Query q(req);
    store::AuditQuery a;
    a.tenant = q.text("tenant");
    if (who.role == Role::Tenant) {
      if (!a.tenant.empty() && a.tenant != who.tenant) fail(403, "a tenant token reads only its own decisions");
      a.tenant = who.tenant;
    }
    a.job = q.integer("job", 1, std::numeric_limits<std::int64_t>::max()).value_or(0);
    a.rule = q.text("rule");
    a.kind = q.text("kind");
    if (!a.kind.empty() && a.kind != "place" && a.kind != "preempt" && a.kind != "reject" && a.kind != "defer") {
      throw InputError("?kind", fmt::format("found '{}', expected place, preempt, reject or defer", a.kind));
    }
    a.from = q.time("from");
    a.to = q.time("to");
    a.before = q.integer("before", 1, std::numeric_limits<std::int64_t>::max()).value_or(0);
    a.limit = static_cast<int>(q.integer("limit", 1, 1000).value_or(100));
    const i18n::Lang lang = q.lang();
    const PolicySpec policy = policy_of(svc);
    Json out = Json::array();
    const auto rows = svc.store().decisions(a);
    for (const store::AuditRow& row : rows) {
      Json d = wire::localized(wire::parse_json(row.body), policy, lang);
      d["seq"] = row.seq;
      d["cursor"] = row.cursor;
      d["tenant"] = row.tenant;
      out.push_back(std::move(d));
    }
    const bool more = static_cast<int>(rows.size()) == a.limit;
    reply(res, 200, {{"decisions", out}, {"next", more ? Json(rows.back().cursor) : Json(nullptr)}});
  });
  route("GET", "/v1/check", "GET /v1/check", Need::Any, [&svc](const Request& req, Response& res, const Principal& who) {
    Scenario s = live_scenario(svc);
    std::erase_if(s.classes, [&](const JobClass& jc) { return !who.sees(jc.tenant); });
    const Coverage cov = analyse_coverage(s, svc.catalog());
    res.set_content(report::coverage_json(s, cov, Query(req).lang()), "application/json");
  });

  route("POST", "/v1/plan", "POST /v1/plan", Need::ReadAll, [&svc](const Request& req, Response& res, const Principal&) {
    // A plan file's text (YAML or JSON) over the live fleet: no scenario or price files are read.
    const Scenario live = live_scenario(svc);
    config::PlanSources sources;
    sources.scenario = &live;
    sources.files = false;
    const plan::PlanProblem problem = config::parse_plan(svc.catalog(), req.body, "body", "", sources);
    const plan::PlanResult result = plan::plan(problem, svc.catalog());
    res.set_content(report::plan_json(problem, result), "application/json");
  });

  // --- tokens ---------------------------------------------------------------------------------
  route("POST", "/v1/tokens", "POST /v1/tokens", Need::Operator, [&svc](const Request& req, Response& res, const Principal&) {
    const Json body = body_of(req);
    const JsonReader r(body, "$");
    r.expect_object({"role", "tenant", "note"});
    const std::string role_text = r.at("role").text("a role: tenant, operator or auditor");
    const auto role = parse_role(role_text);
    if (!role) r.at("role").fail(fmt::format("found \"{}\", expected tenant, operator or auditor", role_text));
    const std::string tenant = r.opt_text("tenant").value_or("");
    if (*role == Role::Tenant) {
      if (tenant.empty()) r.fail("missing field 'tenant' (a tenant token belongs to one tenant)");
      if (!svc.read([&](const live::LiveState& s) { return s.tenant(tenant) != nullptr; })) {
        r.at("tenant").fail(fmt::format("found \"{}\", expected a tenant of the service", tenant));
      }
    } else if (!tenant.empty()) {
      r.at("tenant").fail("found a tenant, expected none for an operator or auditor token");
    }
    const NewToken t = make_token(*role, tenant, r.opt_text("note").value_or(""), svc.clock().now());
    svc.store().add_token(t.row);
    reply(res, 201, {{"token", t.token}, {"id", t.row.id}, {"role", t.row.role},
                     {"tenant", tenant.empty() ? Json(nullptr) : Json(tenant)}});
  });
  route("GET", "/v1/tokens", "GET /v1/tokens", Need::Operator, [&svc](const Request&, Response& res, const Principal&) {
    Json out = Json::array();
    for (const store::TokenRow& t : svc.store().tokens()) {
      out.push_back({{"id", t.id}, {"role", t.role}, {"tenant", t.tenant.empty() ? Json(nullptr) : Json(t.tenant)},
                     {"created", t.created}, {"revoked", t.revoked ? Json(*t.revoked) : Json(nullptr)}, {"note", t.note}});
    }
    reply(res, 200, {{"tokens", out}});
  });
  route("DELETE", R"(/v1/tokens/([0-9a-f]+))", "DELETE /v1/tokens/{id}", Need::Operator,
        [&svc, &access](const Request& req, Response& res, const Principal&) {
          const std::string id = req.matches[1];
          if (!svc.store().revoke_token(id, svc.clock().now())) fail(404, "no live token '" + id + "'");
          access.forget(id);
          reply(res, 200, {{"revoked", id}});
        });

  // --- metrics ----------------------------------------------------------------------------------
  route("GET", "/metrics", "GET /metrics", Need::Any, [&svc, now_of](const Request&, Response& res, const Principal& who) {
    res.set_content(prometheus_text(svc, who, now_of()), "text/plain; version=0.0.4; charset=utf-8");
  });

}

}  // namespace suanli::server

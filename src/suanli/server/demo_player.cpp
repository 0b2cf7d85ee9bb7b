#include "suanli/server/demo_player.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "suanli/sim/simulator.h"
#include "suanli/wire/codec.h"

namespace suanli::server {
namespace {

using wire::Json;

// One thing the scenario makes happen at a time other than job arrivals.
struct Happening {
  Seconds at = 0;
  enum class Kind { Join, Export, Fail } kind = Kind::Join;
  NodeGroup group;          // Join; Fail: id and count
  const Event* event = nullptr;  // Export
  bool purchase = false;
};

// `from`: the clock's start; fleet groups that joined by then were bootstrapped.
std::vector<Happening> timeline(const Scenario& s, Seconds from) {
  std::vector<Happening> out;
  for (const NodeGroup& g : s.fleet) {
    if (g.join > from) out.push_back({g.join, Happening::Kind::Join, g, nullptr, false});
    if (g.retire && *g.retire <= s.end) {
      NodeGroup leave = g;
      out.push_back({*g.retire, Happening::Kind::Fail, leave, nullptr, false});
    }
  }
  for (const Purchase& p : s.purchases) out.push_back({p.group.join, Happening::Kind::Join, p.group, nullptr, true});
  for (const Event& e : s.events) {
    if (e.kind == Event::Kind::Supply) out.push_back({e.at, Happening::Kind::Export, {}, &e, false});
    if (e.kind == Event::Kind::NodesLeave) out.push_back({e.at, Happening::Kind::Fail, e.group, nullptr, false});
  }
  std::stable_sort(out.begin(), out.end(), [](const Happening& a, const Happening& b) { return a.at < b.at; });
  return out;
}

class Api {
 public:
  Api(const std::string& host, int port, const std::string& token) : client_(host, port) {
    client_.set_keep_alive(true);
    client_.set_tcp_nodelay(true);
    client_.set_read_timeout(30, 0);
    headers_ = {{"Authorization", "Bearer " + token}};
  }
  // The JSON answer, or nullopt (and a line on stderr) for an error status.
  std::optional<Json> call(const char* method, const std::string& path, const Json& body, DemoStats& stats,
                           bool quiet_conflict = false) {
    httplib::Result r = std::string(method) == "GET" ? client_.Get(path.c_str(), headers_)
                                                     : client_.Post(path.c_str(), headers_, body.dump(), "application/json");
    if (!r) {
      stats.errors += 1;
      std::fprintf(stderr, "suanli demo: %s %s: %s\n", method, path.c_str(), httplib::to_string(r.error()).c_str());
      return std::nullopt;
    }
    if (r->status >= 300) {
      if (!(quiet_conflict && r->status == 409)) {
        stats.errors += 1;
        std::fprintf(stderr, "suanli demo: %s %s: %d %s\n", method, path.c_str(), r->status, r->body.c_str());
      }
      return std::nullopt;
    }
    return wire::parse_json(r->body);
  }

 private:
  httplib::Client client_;
  httplib::Headers headers_;
};

}  // namespace

Seconds DemoPlayer::start_of(const Scenario& scenario) {
  const std::vector<Job> jobs = generate_jobs(scenario, scenario.seed);
  Seconds first = scenario.end;
  for (const Job& j : jobs) first = std::min(first, j.arrival);
  return std::max(scenario.start, first - kHour);
}

DemoPlayer::DemoPlayer(const Scenario& scenario, Clock& clock, std::string host, int port, std::string token)
    : scenario_(&scenario), clock_(&clock), host_(std::move(host)), port_(port), token_(std::move(token)) {}

DemoStats DemoPlayer::run() {
  DemoStats stats;
  const Scenario& s = *scenario_;
  Api api(host_, port_, token_);
  std::vector<Job> jobs = generate_jobs(s, s.seed);  // explicit jobs first, then the draws: order them by arrival
  std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.arrival < b.arrival; });
  const std::vector<Happening> happenings = timeline(s, start_of(s));
  std::size_t next_job = 0, next_happening = 0;
  struct Running {
    int epoch = 0;
    Seconds end = 0;
  };
  std::map<std::int64_t, Running> running;  // live job id -> current placement
  while (!stop_) {
    const Seconds now = clock_->now();
    if (now > s.end) break;
    for (; next_happening < happenings.size() && happenings[next_happening].at <= now; ++next_happening) {
      const Happening& h = happenings[next_happening];
      stats.events += 1;
      if (h.kind == Happening::Kind::Join) {
        if (h.purchase) {
          const auto cut = api.call("GET", "/v1/export-events", {}, stats);
          bool blocked = false;
          for (const Json& c : cut ? (*cut)["supply_cut"] : Json::array()) blocked = blocked || c["accelerator"] == h.group.accelerator;
          if (blocked) continue;  // the purchase is cancelled: its supply was cut
        }
        api.call("POST", "/v1/nodes", wire::node_group_json(h.group), stats);
      } else if (h.kind == Happening::Kind::Export) {
        const Event& e = *h.event;
        api.call("POST", "/v1/export-events",
                 {{"accelerators", e.accelerators}, {"effect", name(e.effect)}, {"grace", e.grace}, {"label", e.label}},
                 stats);
      } else {
        for (int k = h.group.count; k >= 1; --k) {
          api.call("POST", fmt::format("/v1/nodes/{}-{}/fail", h.group.id, k), {{"reason", "scenario: failure or retirement"}},
                   stats, true);
        }
      }
    }
    for (; next_job < jobs.size() && jobs[next_job].arrival <= now; ++next_job) {
      const Job& j = jobs[next_job];
      Json body = wire::job_shape_json(j.shape);
      body["class"] = j.shape.name;
      body["external_id"] = fmt::format("demo-{}", j.id);
      if (api.call("POST", "/v1/jobs", body, stats)) stats.submitted += 1;
    }
    // Start what was placed; finish what has run its modelled time.
    std::string path = "/v1/jobs?status=placed&limit=1000";
    while (auto page = api.call("GET", path, {}, stats)) {
      for (const Json& j : (*page)["jobs"]) {
        const std::int64_t id = j["id"].get<std::int64_t>();
        const int epoch = j["epoch"].get<int>();
        if (api.call("POST", fmt::format("/v1/jobs/{}/started", id), {{"epoch", epoch}}, stats, true)) {
          stats.started += 1;
          running[id] = Running{epoch, j["expected_end_at"].get<Seconds>()};
        }
      }
      if ((*page)["next"].is_null()) break;
      path = fmt::format("/v1/jobs?status=placed&limit=1000&before={}", (*page)["next"].get<std::int64_t>());
    }
    for (auto it = running.begin(); it != running.end();) {
      if (it->second.end > now) {
        ++it;
        continue;
      }
      if (api.call("POST", fmt::format("/v1/jobs/{}/finished", it->first), {{"epoch", it->second.epoch}}, stats, true)) {
        stats.finished += 1;
      }
      it = running.erase(it);  // a 409 means it was preempted or displaced: it will be placed again
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return stats;
}

}  // namespace suanli::server

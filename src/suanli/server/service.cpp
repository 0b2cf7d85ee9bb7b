#include "suanli/server/service.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <fmt/format.h>

#include "suanli/config/scenario_loader.h"
#include "suanli/model/error.h"
#include "suanli/wire/codec.h"
#include "suanli/wire/reason_json.h"

namespace suanli::server {
namespace {

using Steady = std::chrono::steady_clock;

SchedulerOptions scheduler_options(const Scenario& s) {
  SchedulerOptions o;
  o.preemption = s.preemption;
  o.checkpoint_interval = s.checkpoint_interval;
  return o;
}

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// ",a,b," for the rules that denied something in `d`.
std::string denying_rules(const Decision& d) {
  std::string out;
  for (const Verdict& v : d.verdicts) {
    const std::string rule(v.rule);
    if (v.allowed || rule.empty() || out.find("," + rule + ",") != std::string::npos) continue;
    out += (out.empty() ? "," : "") + rule + ",";
  }
  return out;
}

}  // namespace

Service::Service(const Catalog& catalog, Scenario scenario, std::unique_ptr<store::Store> store, Clock& clock,
                 ServiceOptions options)
    : catalog_(&catalog),
      scenario_(std::move(scenario)),
      store_(std::move(store)),
      clock_(&clock),
      options_(options),
      state_(catalog, scenario_.policy, scheduler_options(scenario_)) {
  const auto made_for = store_->meta("scenario");
  if (made_for && *made_for != scenario_.name) {
    throw InputError("--scenario", fmt::format("the database {} holds the log of scenario '{}', not '{}': start with "
                                               "--scenario {} or give another --db",
                                               store_->url(), *made_for, scenario_.name, *made_for));
  }
  if (!made_for) store_->set_meta("scenario", scenario_.name);
  replay();
  if (last_seq_ == 0) bootstrap();
  ready_ = true;
  sequencer_ = std::thread([this] { loop(); });
}

Service::~Service() { stop(); }

void Service::stop() {
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_ && !sequencer_.joinable()) return;
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (sequencer_.joinable()) sequencer_.join();
  ready_ = false;
}

// --- start: replay or bootstrap ---------------------------------------------------------

namespace {

// A replayed decision in the format of the stored one: logs written before
// decisions carried their structured reason ("why") are compared without it.
wire::Json same_format(const wire::Json& replayed, const std::string& stored) {
  return stored.find("\"why\"") == std::string::npos ? wire::without_why(replayed) : replayed;
}

}  // namespace

void Service::replay() {
  const auto t0 = Steady::now();
  const auto& sectors = config::known_sectors();
  std::unique_lock lock(state_mu_);
  store_->scan(0, [&](store::Record&& r) {
    const wire::Json body = wire::parse_json(r.command);
    const live::Command c = wire::read_command(wire::JsonReader(body, fmt::format("event {}", r.seq)), *catalog_, sectors);
    const live::Applied a = state_.apply(c, r.at);
    const std::vector<wire::Json> replayed = decisions_json(a.decisions);
    replay_.events += 1;
    replay_.decisions += static_cast<std::int64_t>(r.decisions.size());
    const std::size_t n = std::max(replayed.size(), r.decisions.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::string stored = i < r.decisions.size() ? r.decisions[i].body : "(none)";
      const std::string again = i >= replayed.size() ? "(none)" : same_format(replayed[i], stored).dump();
      if (again == stored) continue;
      if (replay_.mismatched++ == 0) {
        replay_.first_mismatch = fmt::format("event {} ({}), decision {}: stored {} but the replay gives {}", r.seq,
                                             r.kind, i, stored, again);
      }
    }
    last_seq_ = r.seq;
  });
  replay_.seconds = std::chrono::duration<double>(Steady::now() - t0).count();
  if (replay_.mismatched > 0 && !options_.accept_replay_changes) {
    throw ReplayMismatch(fmt::format(
        "replaying {} events of {} gave {} decisions that differ from the stored ones (first: {}); the catalog, policy "
        "or scheduler changed since they were made. Start with --accept-replay-changes to run on the replayed state",
        replay_.events, store_->url(), replay_.mismatched, replay_.first_mismatch));
  }
}

void Service::bootstrap() {
  // The scenario's tenants and the fleet present now become the log's first commands.
  std::vector<store::Record> batch;
  std::unique_lock lock(state_mu_);
  const Seconds now = next_now();
  for (const Tenant& t : scenario_.tenants) {
    live::Command c;
    c.kind = live::Command::Kind::TenantSet;
    c.tenant = t;
    c.actor = "scenario";
    apply(c, batch);
  }
  for (const NodeGroup& g : scenario_.fleet) {
    if (options_.demo ? g.join > now : false) continue;  // the demo player adds them when they join
    if (g.retire && *g.retire <= now) continue;
    live::Command c;
    c.kind = live::Command::Kind::NodesJoin;
    c.group = g;
    c.actor = "scenario";
    apply(c, batch);
  }
  store_->append(batch);
}

// --- writes -------------------------------------------------------------------------------

Outcome Service::execute(live::Command c) {
  auto p = std::make_unique<Pending>();
  p->command = std::move(c);
  p->queued = Steady::now();
  std::future<Outcome> done = p->done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) {
      Outcome o;
      o.status = Outcome::Status::Unavailable;
      o.message = "the service is stopping";
      return o;
    }
    queue_.push_back(std::move(p));
  }
  queue_cv_.notify_one();
  return done.get();
}

Seconds Service::next_now() { return std::max(state_.now(), clock_->now()); }

void Service::loop() {
  std::vector<std::unique_ptr<Pending>> take;
  std::vector<store::Record> batch;
  std::vector<Outcome> outcomes;
  while (true) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) {
        for (auto& p : queue_) {
          Outcome o;
          o.status = Outcome::Status::Unavailable;
          o.message = "the service is stopping";
          p->done.set_value(std::move(o));
        }
        queue_.clear();
        return;
      }
      while (!queue_.empty() && static_cast<int>(take.size()) < options_.max_batch) {
        take.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    const auto due = state_.next_due();  // the sequencer is the only writer: no lock needed to read
    const bool timer = due && *due <= clock_->now();
    if (take.empty() && !timer) continue;
    batch.clear();
    outcomes.clear();
    {
      std::unique_lock lock(state_mu_);
      if (timer) {
        live::Command t;
        t.kind = live::Command::Kind::Timer;
        t.actor = "timer";
        apply(t, batch);
      }
      for (auto& p : take) outcomes.push_back(apply(p->command, batch));
      if (!batch.empty()) {
        const auto t0 = Steady::now();
        try {
          store_->append(batch);
        } catch (const std::exception& e) {
          // The state ran ahead of the log: stop, and let a restart replay the truth.
          std::fprintf(stderr, "suanli serve: fatal: the store failed (%s); stopping\n", e.what());
          std::fflush(stderr);
          std::_Exit(75);
        }
        metrics_.commit_latency.observe(std::chrono::duration<double>(Steady::now() - t0).count());
      }
    }
    const auto done = Steady::now();
    for (std::size_t i = 0; i < take.size(); ++i) {
      metrics_.decision_latency.observe(std::chrono::duration<double>(done - take[i]->queued).count());
      take[i]->done.set_value(std::move(outcomes[i]));
    }
    metrics_.batches.fetch_add(1, std::memory_order_relaxed);
    metrics_.batched_commands.fetch_add(take.size(), std::memory_order_relaxed);
    take.clear();
  }
}

Outcome Service::apply(const live::Command& c, std::vector<store::Record>& batch) {
  Outcome o;
  const Seconds now = next_now();
  o.at = now;
  try {
    const live::Applied a = state_.apply(c, now);
    o.job = a.job;
    if (a.duplicate) {
      o.status = Outcome::Status::Duplicate;
      return o;
    }
    o.decisions = decisions_json(a.decisions);
    store::Record r = record_of(c, a, now, o.decisions);
    r.seq = ++last_seq_;
    o.seq = r.seq;
    batch.push_back(std::move(r));
  } catch (const live::Refused& e) {
    o.status = e.code() == live::Refused::Code::NotFound ? Outcome::Status::NotFound : Outcome::Status::Conflict;
    o.message = e.what();
  } catch (const InputError& e) {
    o.status = Outcome::Status::Invalid;
    o.where = e.where();
    o.message = e.what();
  }
  return o;
}

std::vector<wire::Json> Service::decisions_json(const std::vector<Decision>& ds) const {
  const auto& nodes = state_.scheduler().cluster().nodes();
  auto node_name = [&](int i) { return nodes[static_cast<std::size_t>(i)].name; };
  std::vector<wire::Json> out;
  out.reserve(ds.size());
  for (const Decision& d : ds) out.push_back(wire::decision_json(d, node_name, state_.policy()));
  return out;
}

store::Record Service::record_of(const live::Command& c, const live::Applied& a, Seconds at,
                                 const std::vector<wire::Json>& decisions) const {
  using K = live::Command::Kind;
  store::Record r;
  r.at = at;
  r.wall_ms = wall_ms();
  r.kind = std::string(live::name(c.kind));
  r.command = wire::command_json(c).dump();
  if (c.kind == K::Submit) {
    r.job = a.job;
    r.tenant = c.shape.tenant;
  } else if (c.kind == K::Cancel || c.kind == K::Started || c.kind == K::Finished || c.kind == K::Failed) {
    r.job = c.job;
    if (const auto* j = state_.job(c.job)) r.tenant = j->tenant;
  } else if (c.kind == K::TenantSet) {
    r.tenant = c.tenant.name;
  }
  for (std::size_t i = 0; i < a.decisions.size(); ++i) {
    const Decision& d = a.decisions[i];
    const auto* j = state_.job(d.job);
    r.decisions.push_back(store::DecisionRow{std::string(name(d.kind)), d.job, j ? j->tenant : "", denying_rules(d),
                                             d.accelerator, decisions[i].dump()});
  }
  return r;
}

}  // namespace suanli::server

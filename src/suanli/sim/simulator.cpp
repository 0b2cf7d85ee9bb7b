#include "suanli/sim/simulator.h"

#include <algorithm>
#include <cmath>
#include <queue>
#include <random>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

#include "suanli/model/error.h"
#include "suanli/policy/reason_text.h"
#include "suanli/sched/id_map.h"

namespace suanli {
namespace {

// Order of simultaneous events: completions free devices before anything
// else looks at them; the scheduling pass comes last.
enum Cls { kFinish = 0, kLeave = 1, kJoin = 2, kSupply = 3, kArrival = 4, kTick = 5 };

// The heap holds small keys; events themselves (jobs carry strings) stay in
// a side store and are moved out once, when popped.
struct Queued {
  Seconds at = 0;
  int cls = kTick;
  std::uint64_t seq = 0;
  std::size_t slot = 0;  // index into the event store
  int purchase = -1;     // NodesJoin from a purchase: its index
  int shock = -1;        // NodesLeave caused by a shock: its index
};

struct Later {
  bool operator()(const Queued& a, const Queued& b) const {
    return std::tie(a.at, a.cls, a.seq) > std::tie(b.at, b.cls, b.seq);
  }
};

// A job's arrival, compactly (40 bytes rather than a Job's copy of its class):
// a generated job is its class's shape with its own work and duration.
struct Arrival {
  Seconds at = 0;
  std::int64_t id = 0;
  double work_tokens = 0;
  Seconds duration = 0;
  int cls = -1;
  int explicit_index = -1;  // >= 0: Scenario::jobs[explicit_index]
};

Job job_of(const Scenario& s, const Arrival& a) {
  if (a.explicit_index >= 0) return s.jobs[static_cast<std::size_t>(a.explicit_index)];
  Job j;
  j.id = a.id;
  j.cls = a.cls;
  j.shape = s.classes[static_cast<std::size_t>(a.cls)];
  j.shape.work_tokens = a.work_tokens;
  j.shape.duration = a.duration;
  j.arrival = a.at;
  return j;
}

// The scenario's jobs: its explicit jobs, then the generators' draws in
// (time, process, draw) order with ids after the explicit ones.
std::vector<Arrival> draw_arrivals(const Scenario& s, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  struct Draw {
    Seconds at;
    int process;
    int n;
    double work_tokens;
    Seconds duration;
  };
  std::vector<Draw> draws;
  for (std::size_t p = 0; p < s.arrivals.size(); ++p) {
    const ArrivalProcess& ap = s.arrivals[p];
    const Seconds from = ap.start > 0 ? std::max(ap.start, s.start) : s.start;
    const Seconds to = ap.end > 0 ? std::min(ap.end, s.end) : s.end;
    if (ap.per_day <= 0 || to <= from) continue;
    std::exponential_distribution<double> gap(ap.per_day / static_cast<double>(kDay));
    std::uniform_real_distribution<double> jitter(1.0 - ap.size_jitter, 1.0 + ap.size_jitter);
    const JobClass& shape = s.classes[static_cast<std::size_t>(ap.cls)];
    double t = static_cast<double>(from);
    int n = 0;
    while (true) {
      t += gap(rng);
      if (t > static_cast<double>(to)) break;
      const double f = ap.size_jitter > 0 ? jitter(rng) : 1.0;
      draws.push_back({static_cast<Seconds>(t), static_cast<int>(p), n++, shape.work_tokens * f,
                       static_cast<Seconds>(static_cast<double>(shape.duration) * f)});
    }
  }
  std::stable_sort(draws.begin(), draws.end(), [](const Draw& a, const Draw& b) {
    return std::tie(a.at, a.process, a.n) < std::tie(b.at, b.process, b.n);
  });
  std::vector<Arrival> out;
  out.reserve(s.jobs.size() + draws.size());
  std::int64_t next_id = 1;
  for (std::size_t k = 0; k < s.jobs.size(); ++k) {
    const Job& j = s.jobs[k];
    out.push_back({j.arrival, j.id, j.shape.work_tokens, j.shape.duration, j.cls, static_cast<int>(k)});
    next_id = std::max(next_id, j.id + 1);
  }
  for (const Draw& d : draws) {
    out.push_back({d.at, next_id++, d.work_tokens, d.duration, s.arrivals[static_cast<std::size_t>(d.process)].cls, -1});
  }
  return out;
}

struct RunningInfo {
  Seconds since = 0;
  double devices = 0;  // a fraction of a shared device counts as milli/1000
  bool imported = false;
  double tflops = 0;
  int epoch = 0;
  Seconds expected_end = 0;
};

class Run {
 public:
  Run(const Scenario& s, const Catalog& c, const SimOptions& o)
      : s_(s), c_(c), o_(o), sched_(c, s.policy, s.tenants, make_options(s, o)) {}

  SimResult go();

 private:
  static SchedulerOptions make_options(const Scenario& s, const SimOptions& o) {
    SchedulerOptions so;
    so.algorithm = o.algorithm;
    so.preemption = s.preemption;
    so.checkpoint_interval = s.checkpoint_interval;
    return so;
  }

  void push(Seconds at, int cls, Event e, int purchase = -1, int shock = -1) {
    e.at = at;
    std::size_t slot = store_.size();
    if (free_store_.empty()) {
      store_.push_back(std::move(e));
    } else {
      slot = free_store_.back();
      free_store_.pop_back();
      store_[slot] = std::move(e);
    }
    q_.push(Queued{at, cls, seq_++, slot, purchase, shock});
  }
  // The next event: the queue's or the next arrival's, whichever comes first
  // in (time, class, sequence) order. Arrivals are not queued (a million
  // events of a job's size each): they are read in order from arrivals_,
  // and since they would have been queued before any event of their class,
  // they come first among equals.
  bool next(Queued& item, Event& e);
  // The scheduler's decisions on e, in a list reused from event to event.
  const std::vector<Decision>& step(const Event& e, Seconds now) {
    decisions_.clear();
    sched_.on(e, now, decisions_);
    return decisions_;
  }
  // The catalog's accelerator of a placement, looked up by exact id once
  // (the catalog's lookup folds case and aliases: slow for every placement).
  const Accelerator& accelerator(const std::string& id) {
    auto it = accelerators_.find(id);
    if (it == accelerators_.end()) it = accelerators_.emplace(id, &c_.accelerator(id)).first;
    return *it->second;
  }
  std::size_t record(std::int64_t job) const { return static_cast<std::size_t>(record_of_.find(job)); }
  void advance(Seconds now);
  void sample(Seconds t);
  void handle(const std::vector<Decision>& decisions, Seconds now, int shock);
  void account_stop(JobRecord& r, const RunningInfo& info, Seconds now);
  void supply(const Event& e, Seconds now);
  bool logging() const { return o_.keep_log || o_.log_sink; }
  // Logs line() at t; line is called only when the run logs (formatting a
  // decision's reason costs more than the decision).
  template <class Line>
  void log(Seconds t, Line line) {
    if (!logging()) return;
    result_.log_lines += 1;
    std::string text = format_time(t) + " " + line();
    if (o_.log_sink) {
      o_.log_sink(text);
    } else {
      result_.log.push_back(std::move(text));
    }
  }
  // A decision's line (its reason rendered only when the run logs: words cost ~1 us a decision).
  void log_decision(Seconds t, const char* what, const Decision& d) {
    log(t, [&] {
      const std::string acc = d.kind == Decision::Kind::Preempt ? fmt::format(" acc={}", d.accelerator) : "";
      return fmt::format("{} job={}{} reason=\"{}\"", what, d.job, acc, english(d, s_.policy));
    });
  }
  void finish_stats();

  const Scenario& s_;
  const Catalog& c_;
  const SimOptions& o_;
  Scheduler sched_;
  std::priority_queue<Queued, std::vector<Queued>, Later> q_;
  std::vector<Event> store_;
  std::vector<std::size_t> free_store_;  // slots of store_ whose event was taken
  std::uint64_t seq_ = 0;
  std::vector<Arrival> arrivals_;        // in result_.jobs order
  std::vector<int> arrival_order_;       // indices into arrivals_ by (time, queue order)
  std::size_t next_arrival_ = 0;
  SimResult result_;
  IdMap record_of_;                      // job id -> index into result_.jobs
  std::unordered_map<std::string, const Accelerator*> accelerators_;
  std::vector<Decision> decisions_;
  std::unordered_map<std::int64_t, RunningInfo> running_;
  std::set<std::string> cut_;                     // accelerator models whose supply is cut now
  std::unordered_map<std::string, Seconds> last_cut_;
  std::vector<bool> cancelled_;                   // per purchase
  Seconds last_t_ = 0;
  Seconds next_sample_ = 0;
  Seconds last_tick_ = -1;
  std::map<std::string, double> avail_s_, used_s_;  // device-seconds per model
  double avail_dom_ = 0, avail_imp_ = 0, used_dom_ = 0, used_imp_ = 0;
  // Per day of the period: imported device-seconds used and fleet capacity.
  std::vector<double> day_imported_, day_capacity_;
  // Shocks: displaced jobs still waiting to run again, and their unserved demand.
  std::vector<std::set<std::int64_t>> outstanding_;
  std::unordered_map<std::int64_t, std::pair<int, double>> displaced_by_;  // job -> (shock, device-hours left)
};

void Run::advance(Seconds now) {
  if (now <= last_t_) return;
  while (next_sample_ <= now && next_sample_ <= s_.end) {
    sample(next_sample_);
    next_sample_ += s_.sample_interval;
  }
  // Split the interval at day boundaries for the windowed imported share.
  double used_imported_now = 0, capacity_now = 0;
  for (const Pool& p : sched_.cluster().pools()) {
    capacity_now += p.total_devices;
    if (p.accelerator->origin == Origin::Imported) used_imported_now += p.used_devices();
  }
  for (Seconds t = last_t_; t < now;) {
    const Seconds day_end = (t - s_.start) / kDay * kDay + kDay + s_.start;
    const Seconds until = std::min(now, day_end);
    const auto day = static_cast<std::size_t>((t - s_.start) / kDay);
    if (day_imported_.size() <= day) {
      day_imported_.resize(day + 1, 0.0);
      day_capacity_.resize(day + 1, 0.0);
    }
    day_imported_[day] += used_imported_now * static_cast<double>(until - t);
    day_capacity_[day] += capacity_now * static_cast<double>(until - t);
    t = until;
  }
  const double dt = static_cast<double>(now - last_t_);
  for (const Pool& p : sched_.cluster().pools()) {
    const std::string& id = p.accelerator->id;
    const double total = p.total_devices, used = p.used_devices();
    avail_s_[id] += total * dt;
    used_s_[id] += used * dt;
    if (p.accelerator->origin == Origin::Domestic) {
      avail_dom_ += total * dt;
      used_dom_ += used * dt;
    } else {
      avail_imp_ += total * dt;
      used_imp_ += used * dt;
    }
  }
  last_t_ = now;
}

void Run::sample(Seconds t) {
  Sample smp;
  smp.t = t;
  for (const Pool& p : sched_.cluster().pools()) {
    const std::string& id = p.accelerator->id;
    smp.total_by_model[id] += p.total_devices;
    smp.used_by_model[id] += p.used_devices();
    if (p.accelerator->origin == Origin::Domestic) {
      smp.total_domestic += p.total_devices;
      smp.used_domestic += p.used_devices();
    } else {
      smp.total_imported += p.total_devices;
      smp.used_imported += p.used_devices();
    }
  }
  smp.pending = static_cast<int>(sched_.pending());
  smp.running = static_cast<int>(sched_.running());
  const double dom = used_dom_, imp = used_imp_;
  smp.domestic_share = dom + imp > 0 ? dom / (dom + imp) : 1.0;
  smp.imported_cap_devices = s_.policy.imported_cap_fleet * (smp.total_domestic + smp.total_imported);
  result_.samples.push_back(std::move(smp));
}

void Run::account_stop(JobRecord& r, const RunningInfo& info, Seconds now) {
  const double ds = static_cast<double>(now - info.since) * info.devices;
  r.running_s += static_cast<double>(now - info.since);
  if (info.imported) {
    r.device_s_imported += ds;
    r.compute_imported += ds * info.tflops;
  } else {
    r.device_s_domestic += ds;
    r.compute_domestic += ds * info.tflops;
  }
}

void Run::handle(const std::vector<Decision>& decisions, Seconds now, int shock) {
  result_.decisions += static_cast<std::int64_t>(decisions.size());
  // The imported peak is measured at every change, not only at samples.
  if (const int fleet = sched_.cluster().total_devices(); fleet > 0) {
    result_.imported_peak_share =
        std::max(result_.imported_peak_share, sched_.imported_in_use() / fleet);
  }
  for (const Decision& d : decisions) {
    JobRecord& r = result_.jobs[record(d.job)];
    switch (d.kind) {
      case Decision::Kind::Place: {
        const Accelerator& a = accelerator(d.accelerator);
        double devices = 0;  // device units: a fraction counts as milli/1000
        int touched = 0;     // devices the job runs on (a shared one counts once)
        for (const NodeShare& ns : d.nodes) {
          devices += ns.device_units();
          touched += ns.fractional() ? 1 : ns.devices;
        }
        if (r.first_start < 0) {
          r.first_start = now;
          r.requested_device_s = devices * static_cast<double>(d.expected_runtime);
        }
        r.accelerator = a.id;
        r.devices = touched;
        r.placements += 1;
        r.violation = r.violation || d.violation;
        r.imported = r.imported || a.origin == Origin::Imported;
        if (d.violation) result_.violations += 1;
        running_[d.job] = RunningInfo{now, devices, a.origin == Origin::Imported,
                                      a.bf16_tflops.known() ? a.bf16_tflops.value : 0.0, d.epoch,
                                      now + d.expected_runtime};
        Event fin;
        fin.kind = Event::Kind::JobFinish;
        fin.job_id = d.job;
        fin.epoch = d.epoch;
        push(now + d.expected_runtime, kFinish, std::move(fin));
        if (auto it = displaced_by_.find(d.job); it != displaced_by_.end()) {
          ShockRecord& sh = result_.shocks[it->second.first];
          sh.displaced_resumed += 1;
          outstanding_[it->second.first].erase(d.job);
          if (outstanding_[it->second.first].empty() && sh.recovered_after < 0) sh.recovered_after = now - sh.lost_at;
          displaced_by_.erase(it);
        }
        log(now, [&] {
          return fmt::format("place job={} acc={} devices={} runtime={} epoch={}{}", d.job, d.accelerator, devices,
                             format_duration(d.expected_runtime), d.epoch, d.violation ? " VIOLATION" : "");
        });
        break;
      }
      case Decision::Kind::Preempt: {
        auto it = running_.find(d.job);
        SUANLI_ASSERT(it != running_.end());
        account_stop(r, it->second, now);
        r.preemptions += 1;
        if (shock >= 0 && d.reason.displaced()) {
          ShockRecord& sh = result_.shocks[shock];
          sh.displaced_jobs += 1;
          sh.recovered_after = -1;  // a new wave of displaced jobs
          outstanding_[shock].insert(d.job);
          const double left_h = static_cast<double>(std::max<Seconds>(0, it->second.expected_end - now)) / kHour;
          displaced_by_[d.job] = {shock, left_h * it->second.devices};
        }
        running_.erase(it);
        log_decision(now, "preempt", d);
        break;
      }
      case Decision::Kind::Reject: {
        r.rejected = true;
        r.reject_reason = english(d, s_.policy);
        if (auto it = displaced_by_.find(d.job); it != displaced_by_.end()) {
          ShockRecord& sh = result_.shocks[it->second.first];
          sh.displaced_rejected += 1;
          sh.unserved_device_hours += it->second.second;
          outstanding_[it->second.first].erase(d.job);
          if (outstanding_[it->second.first].empty() && sh.displaced_resumed > 0 && sh.recovered_after < 0) {
            sh.recovered_after = now - sh.lost_at;
          }
          displaced_by_.erase(it);
        }
        log(now, [&] { return fmt::format("reject job={} reason=\"{}\"", d.job, r.reject_reason); });
        break;
      }
      case Decision::Kind::Defer:
        log_decision(now, "defer", d);
        break;
    }
  }
}

void Run::supply(const Event& e, Seconds now) {
  ShockRecord shock;
  shock.label = e.label.empty() ? fmt::format("{} {}", name(e.effect), fmt::join(e.accelerators, ",")) : e.label;
  shock.at = now;
  shock.effect = std::string(name(e.effect));
  shock.accelerators = e.accelerators;
  const int index = static_cast<int>(result_.shocks.size());
  bool is_shock = false;
  for (const std::string& acc : e.accelerators) {
    if (e.effect == SupplyEffect::Restored) {
      cut_.erase(acc);
      continue;
    }
    cut_.insert(acc);
    last_cut_[acc] = now;
    is_shock = true;
    // Undelivered purchases of this model are cancelled.
    for (std::size_t i = 0; i < s_.purchases.size(); ++i) {
      if (s_.purchases[i].group.accelerator == acc && s_.purchases[i].group.join > now && !cancelled_[i]) {
        cancelled_[i] = true;
        shock.purchases_cancelled += s_.purchases[i].group.count;
      }
    }
    if (e.effect == SupplyEffect::NoNewSupply) continue;
    // Installed nodes leave now, or after the grace period.
    const Seconds when = e.effect == SupplyEffect::ImmediateLoss ? now : now + e.grace;
    std::map<std::string, int> alive_by_group;
    for (const Node& n : sched_.cluster().nodes()) {
      if (n.alive && sched_.cluster().pools()[n.pool].accelerator->id == acc) {
        alive_by_group[n.name.substr(0, n.name.rfind('-'))] += 1;
      }
    }
    for (const auto& [group, count] : alive_by_group) {
      Event leave;
      leave.kind = Event::Kind::NodesLeave;
      leave.group.id = group;
      leave.group.count = count;
      leave.label = shock.label;
      push(when, kLeave, std::move(leave), -1, index);
    }
  }
  if (is_shock) {
    result_.shocks.push_back(std::move(shock));
    outstanding_.emplace_back();
  }
}

SimResult Run::go() {
  result_.scenario = s_.name;
  result_.scheduler = std::string(name(o_.algorithm));
  result_.seed = o_.seed ? o_.seed : s_.seed;
  result_.start = s_.start;
  result_.end = s_.end;
  result_.imported_cap = s_.policy.imported_cap_fleet;
  last_t_ = s_.start;
  next_sample_ = s_.start;
  cancelled_.assign(s_.purchases.size(), false);

  for (const NodeGroup& g : s_.fleet) {
    Event join;
    join.kind = Event::Kind::NodesJoin;
    join.group = g;
    push(std::max(g.join, s_.start), kJoin, join);
    if (g.retire && *g.retire <= s_.end) {
      Event leave;
      leave.kind = Event::Kind::NodesLeave;
      leave.group.id = g.id;
      leave.group.count = g.count;
      leave.label = "retirement of " + g.id;
      push(std::max(*g.retire, s_.start), kLeave, leave);
    }
  }
  for (std::size_t i = 0; i < s_.purchases.size(); ++i) {
    Event join;
    join.kind = Event::Kind::NodesJoin;
    join.group = s_.purchases[i].group;
    if (join.group.join <= s_.end) push(std::max(join.group.join, s_.start), kJoin, join, static_cast<int>(i));
  }
  for (const Event& e : s_.events) {
    const int cls = e.kind == Event::Kind::NodesLeave ? kLeave : kSupply;
    push(std::max(e.at, s_.start), cls, e);
  }
  arrivals_ = draw_arrivals(s_, result_.seed);
  result_.jobs.reserve(arrivals_.size());
  for (const Arrival& a : arrivals_) {
    const JobClass& shape = a.explicit_index >= 0 ? s_.jobs[static_cast<std::size_t>(a.explicit_index)].shape
                                                  : s_.classes[static_cast<std::size_t>(a.cls)];
    JobRecord r;
    r.id = a.id;
    r.tenant = shape.tenant;
    r.cls = shape.name;
    r.kind = shape.kind;
    r.arrival = a.at;
    record_of_.insert(a.id, static_cast<int>(result_.jobs.size()));
    result_.jobs.push_back(std::move(r));
  }
  arrival_order_.resize(arrivals_.size());
  for (std::size_t k = 0; k < arrivals_.size(); ++k) arrival_order_[k] = static_cast<int>(k);
  std::stable_sort(arrival_order_.begin(), arrival_order_.end(), [&](int a, int b) {
    return arrivals_[static_cast<std::size_t>(a)].at < arrivals_[static_cast<std::size_t>(b)].at;
  });

  double reported = -1;
  Queued item;
  Event e;
  while (next(item, e)) {
    const Seconds now = item.at;
    advance(now);
    if (o_.progress && s_.end > s_.start) {
      const double f = static_cast<double>(now - s_.start) / static_cast<double>(s_.end - s_.start);
      if (f - reported >= 0.01) {
        o_.progress(f);
        reported = f;
      }
    }
    result_.events += 1;
    switch (e.kind) {
      case Event::Kind::JobFinish: {
        auto it = running_.find(e.job_id);
        if (it == running_.end() || it->second.epoch != e.epoch) continue;  // stale: preempted since
        JobRecord& r = result_.jobs[record(e.job_id)];
        account_stop(r, it->second, now);
        r.finish = now;
        running_.erase(it);
        sched_.on(e, now);
        log(now, [&] { return fmt::format("finish job={}", e.job_id); });
        break;
      }
      case Event::Kind::NodesJoin: {
        if (item.purchase >= 0) {
          const Purchase& p = s_.purchases[item.purchase];
          const auto last = last_cut_.find(p.group.accelerator);
          if (cancelled_[item.purchase] || cut_.count(p.group.accelerator) ||
              (last != last_cut_.end() && last->second >= p.ordered)) {
            log(now, [&] {
              return fmt::format("purchase {} cancelled: supply of {} cut", p.group.id, p.group.accelerator);
            });
            continue;
          }
        }
        handle(step(e, now), now, -1);
        log(now, [&] {
          return fmt::format("nodes-join group={} acc={} nodes={} devices={}", e.group.id, e.group.accelerator,
                             e.group.count, e.group.count * e.group.devices_per_node);
        });
        break;
      }
      case Event::Kind::NodesLeave: {
        int shock = item.shock;
        if (shock < 0) {
          // A failure or a planned retirement is a shock of its own.
          ShockRecord sh;
          sh.label = e.label.empty() ? "failure of " + e.group.id : e.label;
          sh.at = now;
          sh.effect = e.label.rfind("retirement", 0) == 0 ? "retirement" : "failure";
          shock = static_cast<int>(result_.shocks.size());
          result_.shocks.push_back(std::move(sh));
          outstanding_.emplace_back();
        }
        if (result_.shocks[shock].lost_at < 0) result_.shocks[shock].lost_at = now;
        const int before = sched_.cluster().total_devices();
        const std::vector<Decision>& ds = step(e, now);
        result_.shocks[shock].devices_lost += before - sched_.cluster().total_devices();
        log(now, [&] {
          return fmt::format("nodes-leave group={} nodes={} ({})", e.group.id, e.group.count,
                             result_.shocks[shock].label);
        });
        handle(ds, now, shock);
        break;
      }
      case Event::Kind::Supply:
        log(now,
            [&] { return fmt::format("supply {} {} ({})", name(e.effect), fmt::join(e.accelerators, ","), e.label); });
        supply(e, now);
        sched_.on(e, now);
        break;
      case Event::Kind::JobArrival:
        log(now, [&] {
          return fmt::format("arrive job={} tenant={} class={}", e.job.id, e.job.shape.tenant, e.job.shape.name);
        });
        handle(step(e, now), now, -1);
        break;
      case Event::Kind::JobCancel:
      case Event::Kind::NodeDown:
      case Event::Kind::NodeUp:
      case Event::Kind::TenantSet:  // sent by the live half; scenarios do not produce them
        handle(step(e, now), now, -1);
        break;
      case Event::Kind::Tick:
        handle(step(e, now), now, -1);
        continue;  // a tick does not schedule another tick
    }
    if (last_tick_ != now) {
      last_tick_ = now;
      Event tick;
      tick.kind = Event::Kind::Tick;
      push(now, kTick, std::move(tick));
    }
  }
  advance(s_.end);
  // Close the books: running jobs account up to the end of the period.
  for (auto& [id, info] : running_) account_stop(result_.jobs[record(id)], info, s_.end);
  for (auto& [id, entry] : displaced_by_) result_.shocks[entry.first].unserved_device_hours += entry.second;
  for (ShockRecord& sh : result_.shocks) {
    if (sh.lost_at >= 0 && sh.displaced_jobs == 0) sh.recovered_after = 0;  // nothing was running there
  }
  if (o_.progress) o_.progress(1.0);
  finish_stats();
  return std::move(result_);
}

bool Run::next(Queued& item, Event& e) {
  const bool queued = !q_.empty() && q_.top().at <= s_.end;
  if (next_arrival_ < arrival_order_.size()) {
    const Arrival& a = arrivals_[static_cast<std::size_t>(arrival_order_[next_arrival_])];
    if (a.at <= s_.end && (!queued || std::pair{a.at, int{kArrival}} < std::pair{q_.top().at, q_.top().cls})) {
      ++next_arrival_;
      item = Queued{a.at, kArrival, 0, 0, -1, -1};
      e = Event{};
      e.kind = Event::Kind::JobArrival;
      e.at = a.at;
      e.job = job_of(s_, a);
      return true;
    }
  }
  if (!queued) return false;
  item = q_.top();
  q_.pop();
  e = std::move(store_[item.slot]);
  free_store_.push_back(item.slot);
  return true;
}

void Run::finish_stats() {
  std::map<std::string, GroupStats> tenants, classes;
  GroupStats fleet;
  fleet.name = "fleet";
  fleet.share.target = s_.policy.domestic_target;
  std::map<std::string, std::vector<double>> jct, wait;
  std::map<std::string, std::pair<double, int>> slo;
  auto add = [&](GroupStats& g, const std::string& key, const JobRecord& r) {
    g.submitted += 1;
    if (r.rejected) g.rejected += 1;
    else if (r.finish >= 0) g.completed += 1;
    else g.unfinished += 1;
    if (r.violation) g.violations += 1;
    g.share.device_hours_domestic += r.device_s_domestic / kHour;
    g.share.device_hours_imported += r.device_s_imported / kHour;
    g.share.compute_domestic += r.compute_domestic / kHour / 1000.0;
    g.share.compute_imported += r.compute_imported / kHour / 1000.0;
    if (r.finish >= 0) jct[key].push_back(static_cast<double>(r.finish - r.arrival) / kHour);
    if (r.first_start >= 0) wait[key].push_back(static_cast<double>(r.first_start - r.arrival) / kHour);
    if (r.kind == JobKind::Serve && !r.rejected) {
      const Seconds until = r.finish >= 0 ? r.finish : s_.end;
      if (until > r.arrival) {
        slo[key].first += std::min(1.0, r.running_s / static_cast<double>(until - r.arrival));
        slo[key].second += 1;
      }
    }
  };
  for (const JobRecord& r : result_.jobs) {
    GroupStats& t = tenants[r.tenant];
    t.name = r.tenant;
    add(t, "t:" + r.tenant, r);
    GroupStats& c = classes[r.cls];
    c.name = r.cls;
    add(c, "c:" + r.cls, r);
    add(fleet, "fleet", r);
  }
  auto close = [&](GroupStats& g, const std::string& key) {
    g.jct_h = make_stats(jct[key]);
    g.wait_h = make_stats(wait[key]);
    if (slo[key].second > 0) g.slo_attainment = slo[key].first / slo[key].second;
  };
  for (const Tenant& t : s_.tenants) {
    GroupStats& g = tenants[t.name];
    g.name = t.name;
    g.share.target = t.domestic_target;
    close(g, "t:" + t.name);
    result_.tenants.push_back(g);
  }
  for (const JobClass& jc : s_.classes) {
    auto it = classes.find(jc.name);
    if (it == classes.end()) continue;
    close(it->second, "c:" + jc.name);
    result_.classes.push_back(it->second);
  }
  close(fleet, "fleet");
  result_.fleet = fleet;
  for (const auto& [model, avail] : avail_s_) {
    result_.utilisation_by_model[model] = avail > 0 ? used_s_[model] / avail : 0.0;
  }
  result_.utilisation_domestic = avail_dom_ > 0 ? used_dom_ / avail_dom_ : 0.0;
  result_.utilisation_imported = avail_imp_ > 0 ? used_imp_ / avail_imp_ : 0.0;
  result_.imported_device_hours_share = used_dom_ + used_imp_ > 0 ? used_imp_ / (used_dom_ + used_imp_) : 0.0;
  const auto window = static_cast<std::size_t>(std::max<Seconds>(1, s_.policy.cap_window / kDay));
  result_.imported_window_days = static_cast<int>(window);
  double used = 0, capacity = 0;
  for (std::size_t d = 0; d < day_imported_.size(); ++d) {
    used += day_imported_[d];
    capacity += day_capacity_[d];
    if (d >= window) {
      used -= day_imported_[d - window];
      capacity -= day_capacity_[d - window];
    }
    if (capacity > 0) result_.imported_window_share = std::max(result_.imported_window_share, used / capacity);
  }
}

}  // namespace

std::vector<Job> generate_jobs(const Scenario& s, std::uint64_t seed) {
  std::vector<Job> jobs = s.jobs;  // explicit jobs keep their ids (1..k)
  const std::vector<Arrival> drawn = draw_arrivals(s, seed);
  jobs.reserve(jobs.size() + drawn.size());
  for (const Arrival& a : drawn) {
    if (a.explicit_index < 0) jobs.push_back(job_of(s, a));
  }
  return jobs;
}

SimResult simulate(const Scenario& scenario, const Catalog& catalog, const SimOptions& options) {
  Run run(scenario, catalog, options);
  return run.go();
}

}  // namespace suanli

#include "suanli/sched/scheduler.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli {

std::string_view name(Algorithm a) {
  switch (a) {
    case Algorithm::Sovereign: return "suanli";
    case Algorithm::FifoFirstFit: return "fifo-firstfit";
    case Algorithm::FastestFirst: return "fastest-first";
  }
  return "suanli";
}

std::optional<Algorithm> parse_algorithm(std::string_view text) {
  for (Algorithm a : {Algorithm::Sovereign, Algorithm::FifoFirstFit, Algorithm::FastestFirst}) {
    if (name(a) == text) return a;
  }
  return std::nullopt;
}

Scheduler::Scheduler(const Catalog& catalog, PolicySpec policy, std::vector<Tenant> tenants, SchedulerOptions options)
    : catalog_(&catalog),
      policy_(std::move(policy)),
      tenants_(std::move(tenants)),
      options_(options),
      capabilities_(catalog),
      tenant_in_use_(tenants_.size(), 0),
      tenant_imported_in_use_(tenants_.size(), 0) {}

std::vector<Decision> Scheduler::on(const Event& e, Seconds now) {
  std::vector<Decision> out;
  switch (e.kind) {
    case Event::Kind::JobArrival: arrive(e.job, now, out); break;
    case Event::Kind::JobFinish: finish(e.job_id, e.epoch, now); break;
    case Event::Kind::NodesJoin: nodes_join(e.group); break;
    case Event::Kind::NodesLeave: nodes_leave(e.group.id, e.group.count, now, out); break;
    case Event::Kind::Supply: break;  // effects arrive as node events (the simulator or bridge translates them)
    case Event::Kind::Tick: pass(now, out); break;
  }
  return out;
}

std::string Scheduler::why_pending(std::int64_t id) const {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.running) return "";
  return it->second.wait_reason.empty() ? "queued; not yet considered" : it->second.wait_reason;
}

// --- events -----------------------------------------------------------------

void Scheduler::arrive(const Job& job, Seconds now, std::vector<Decision>& out) {
  if (jobs_.count(job.id)) throw InputError("job " + std::to_string(job.id), "duplicate job id");
  int tenant = -1;
  for (std::size_t i = 0; i < tenants_.size(); ++i) {
    if (tenants_[i].name == job.shape.tenant) tenant = static_cast<int>(i);
  }
  if (tenant < 0) throw InputError("job " + std::to_string(job.id), "unknown tenant '" + job.shape.tenant + "'");
  catalog_->model(job.shape.model, "job " + std::to_string(job.id));  // throws for an unknown model

  JobState j;
  j.job = job;
  j.tenant = tenant;
  j.priority = tenants_[tenant].priority + job.shape.priority;
  j.remaining = job.shape.kind == JobKind::Serve ? static_cast<double>(job.shape.duration) : job.shape.work_tokens;
  j.queue_seq = queue_seq_++;
  JobState& ref = jobs_.emplace(job.id, std::move(j)).first->second;
  if (auto why = infeasible_everywhere(ref)) {
    std::vector<Verdict> none;
    reject(ref, now, *why, none, out);
    return;
  }
  pending_.push_back(job.id);
}

void Scheduler::finish(std::int64_t id, int epoch, Seconds /*now*/) {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || !it->second.running || it->second.epoch != epoch) return;  // stale: preempted since
  JobState& j = it->second;
  cluster_.release(j.shares);
  int devices = 0;
  for (const NodeShare& s : j.shares) devices += s.devices;
  tenant_in_use_[j.tenant] -= devices;
  if (j.imported) {
    imported_in_use_ -= devices;
    tenant_imported_in_use_[j.tenant] -= devices;
  }
  --running_count_;
  jobs_.erase(it);
}

void Scheduler::nodes_join(const NodeGroup& group) {
  const Accelerator& a = catalog_->accelerator(group.accelerator, "nodes " + group.id);
  groups_.push_back(group);
  cluster_.add_nodes(group, a, static_cast<int>(groups_.size() - 1));
  ++fleet_version_;
}

void Scheduler::nodes_leave(const std::string& group, int count, Seconds now, std::vector<Decision>& out) {
  // The newest alive nodes of the group leave first.
  std::vector<int> leaving;
  const auto& nodes = cluster_.nodes();
  for (int i = static_cast<int>(nodes.size()) - 1; i >= 0 && static_cast<int>(leaving.size()) < count; --i) {
    if (nodes[i].alive && groups_[nodes[i].group].id == group) leaving.push_back(i);
  }
  if (leaving.empty()) return;
  // Displace every job with devices on a leaving node.
  std::vector<std::int64_t> displaced;
  for (auto& [id, j] : jobs_) {
    if (!j.running) continue;
    for (const NodeShare& s : j.shares) {
      if (std::find(leaving.begin(), leaving.end(), s.node) != leaving.end()) {
        displaced.push_back(id);
        break;
      }
    }
  }
  for (std::int64_t id : displaced) {
    stop(jobs_.at(id), now, fmt::format("displaced: nodes of {} left the fleet", group), out);
  }
  for (int node : leaving) cluster_.remove_node(node);
  ++fleet_version_;
  // Pending jobs that nothing left can run are rejected now, with the reason.
  std::vector<std::int64_t> still;
  for (std::int64_t id : pending_) {
    JobState& j = jobs_.at(id);
    if (auto why = infeasible_everywhere(j)) {
      std::vector<Verdict> none;
      reject(j, now, *why, none, out);
    } else {
      still.push_back(id);
    }
  }
  pending_ = std::move(still);
}

// Stops a running job (preemption or displacement): it keeps its progress up
// to its last checkpoint and goes back to the queue.
void Scheduler::stop(JobState& j, Seconds now, const std::string& why, std::vector<Decision>& out) {
  SUANLI_ASSERT(j.running);
  const Seconds elapsed = now - j.started;
  Seconds kept = elapsed;
  if (j.job.shape.kind != JobKind::Serve && options_.checkpoint_interval > 0) {
    kept = elapsed - elapsed % options_.checkpoint_interval;
  }
  j.remaining = std::max(0.0, j.remaining - static_cast<double>(kept) * j.rate);
  cluster_.release(j.shares);
  int devices = 0;
  for (const NodeShare& s : j.shares) devices += s.devices;
  tenant_in_use_[j.tenant] -= devices;
  if (j.imported) {
    imported_in_use_ -= devices;
    tenant_imported_in_use_[j.tenant] -= devices;
  }
  Decision d;
  d.kind = Decision::Kind::Preempt;
  d.job = j.job.id;
  d.at = now;
  d.accelerator = cluster_.pools()[j.pool].accelerator->id;
  d.nodes = j.shares;
  d.epoch = j.epoch;
  d.reason = fmt::format("{}; {} of {} kept", why, format_duration(kept), format_duration(elapsed));
  out.push_back(std::move(d));
  j.running = false;
  j.shares.clear();
  j.pool = -1;
  j.wait_reason = why;
  --running_count_;
  pending_.push_back(j.job.id);
}

void Scheduler::reject(JobState& j, Seconds now, std::string why, std::vector<Verdict> verdicts,
                       std::vector<Decision>& out) {
  Decision d;
  d.kind = Decision::Kind::Reject;
  d.job = j.job.id;
  d.at = now;
  d.reason = std::move(why);
  d.verdicts = std::move(verdicts);
  out.push_back(std::move(d));
  jobs_.erase(j.job.id);
}

void Scheduler::defer(JobState& j, Seconds now, std::string why, std::vector<Verdict> verdicts,
                      std::vector<Decision>& out) {
  if (why == j.wait_reason) return;  // say it once, when the reason changes
  j.wait_reason = why;
  Decision d;
  d.kind = Decision::Kind::Defer;
  d.job = j.job.id;
  d.at = now;
  d.reason = std::move(why);
  d.verdicts = std::move(verdicts);
  out.push_back(std::move(d));
}

// --- candidates ---------------------------------------------------------------

const GapAnalysis& Scheduler::gap_of(JobState& j) {
  if (j.gap_version != fleet_version_) {
    std::vector<Policy::FleetModel> models;
    for (const Pool& p : cluster_.pools()) {
      if (p.alive_nodes == 0) continue;
      auto it = std::find_if(models.begin(), models.end(),
                             [&](const Policy::FleetModel& m) { return m.accelerator == p.accelerator; });
      if (it == models.end()) {
        models.push_back({p.accelerator, p.total_devices});
      } else {
        it->total_devices += p.total_devices;
      }
    }
    j.gap = policy_.analyse_gap(j.job.shape, models, capabilities_);
    j.gap_version = fleet_version_;
  }
  return j.gap;
}

std::optional<std::string> Scheduler::infeasible_everywhere(JobState& j) {
  std::vector<std::string> why;
  bool any_feasible = false;
  bool any_allowed = false;
  std::vector<std::string> denials;
  for (const Pool& p : cluster_.pools()) {
    if (p.alive_nodes == 0) continue;
    const Capability& cap = capabilities_.get(j.job.shape, *p.accelerator);
    if (!cap.feasible) {
      why.push_back(fmt::format("{}: {}", p.accelerator->id, cap.why));
      continue;
    }
    if (cap.devices > p.total_devices) {
      why.push_back(fmt::format("{}: needs {} devices, the fleet has {}", p.accelerator->id, cap.devices, p.total_devices));
      continue;
    }
    any_feasible = true;
    if (options_.algorithm != Algorithm::Sovereign) {
      any_allowed = true;
      continue;
    }
    // Rules that do not change with load (cii-domestic-only, gap-only) decide here.
    ImportedUse unlimited;
    unlimited.fleet_devices = cluster_.total_devices();
    const Verdict v = policy_.judge(tenants_[j.tenant], *p.accelerator, gap_of(j), 0, unlimited);
    if (v.allowed || v.rule == "imported-cap") {
      any_allowed = true;
    } else {
      denials.push_back(fmt::format("{}: denied by {}", p.accelerator->id, v.rule));
    }
  }
  if (any_allowed) return std::nullopt;
  if (!any_feasible) {
    return why.empty() ? std::string("the fleet has no accelerators")
                       : fmt::format("no accelerator in the fleet can run it ({})", fmt::join(why, "; "));
  }
  why.insert(why.end(), denials.begin(), denials.end());
  return fmt::format("no accelerator the policy allows can run it ({})", fmt::join(why, "; "));
}

ImportedUse Scheduler::imported_use(const JobState& j) const {
  ImportedUse u;
  u.fleet_devices = cluster_.total_devices();
  u.fleet_imported_in_use = imported_in_use_;
  u.tenant_imported_in_use = tenant_imported_in_use_[j.tenant];
  u.tenant_quota = tenants_[j.tenant].quota_devices;
  return u;
}

std::vector<Scheduler::Candidate> Scheduler::candidates(JobState& j, std::vector<Verdict>& denied) {
  std::vector<Candidate> out;
  const auto& pools = cluster_.pools();
  const GapAnalysis* gap = nullptr;
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const Pool& pool = pools[p];
    if (pool.alive_nodes == 0) continue;
    const Capability& cap = capabilities_.get(j.job.shape, *pool.accelerator);
    if (!cap.feasible || cap.devices > pool.total_devices) continue;
    Candidate c{static_cast<int>(p), &cap, runtime(j.job.shape, cap, j.remaining), {}};
    if (options_.algorithm == Algorithm::Sovereign || pool.accelerator->origin == Origin::Imported) {
      if (!gap) gap = &gap_of(j);
      c.verdict = policy_.judge(tenants_[j.tenant], *pool.accelerator, *gap, cap.devices, imported_use(j));
    } else {
      c.verdict = Verdict{pool.accelerator->id, true, "", "domestic accelerator"};
    }
    if (options_.algorithm == Algorithm::Sovereign && !c.verdict.allowed) {
      denied.push_back(c.verdict);
      continue;
    }
    out.push_back(std::move(c));
  }
  auto energy = [&](const Candidate& c) {
    const Figure& tdp = pools[c.pool].accelerator->tdp_w;
    return tdp.known() ? tdp.value * c.cap->devices * static_cast<double>(c.runtime) : 1e300;
  };
  switch (options_.algorithm) {
    case Algorithm::Sovereign:
      std::stable_sort(out.begin(), out.end(), [&](const Candidate& a, const Candidate& b) {
        const bool da = pools[a.pool].accelerator->origin == Origin::Domestic;
        const bool db = pools[b.pool].accelerator->origin == Origin::Domestic;
        if (da != db) return da;  // self-restraint: domestic first where it meets the SLO
        if (a.runtime != b.runtime) return a.runtime < b.runtime;
        return energy(a) < energy(b);
      });
      break;
    case Algorithm::FastestFirst:
      std::stable_sort(out.begin(), out.end(), [&](const Candidate& a, const Candidate& b) {
        if (a.runtime != b.runtime) return a.runtime < b.runtime;
        return energy(a) < energy(b);
      });
      break;
    case Algorithm::FifoFirstFit: break;  // fleet order
  }
  return out;
}

// --- placement ----------------------------------------------------------------

bool Scheduler::try_place(JobState& j, const Candidate& c, Seconds now, std::vector<Decision>& out,
                          const std::vector<Verdict>& denied) {
  const Tenant& tenant = tenants_[j.tenant];
  if (tenant.quota_devices > 0 && tenant_in_use_[j.tenant] + c.cap->devices > tenant.quota_devices) return false;
  std::vector<NodeShare> shares = cluster_.find(c.pool, c.cap->devices);
  if (shares.empty()) return false;
  cluster_.bind(shares);
  const Accelerator& a = *cluster_.pools()[c.pool].accelerator;
  j.running = true;
  j.pool = c.pool;
  j.shares = shares;
  j.started = now;
  j.rate = j.job.shape.kind == JobKind::Serve ? 1.0 : c.cap->tokens_per_s;
  j.expected_end = now + c.runtime;
  j.imported = a.origin == Origin::Imported;
  j.violation = !c.verdict.allowed;
  ++j.epoch;
  j.wait_reason.clear();
  tenant_in_use_[j.tenant] += c.cap->devices;
  if (j.imported) {
    imported_in_use_ += c.cap->devices;
    tenant_imported_in_use_[j.tenant] += c.cap->devices;
  }
  ++running_count_;

  Decision d;
  d.kind = Decision::Kind::Place;
  d.job = j.job.id;
  d.at = now;
  d.accelerator = a.id;
  d.nodes = std::move(shares);
  d.tokens_per_s = c.cap->tokens_per_s;
  d.expected_runtime = c.runtime;
  d.epoch = j.epoch;
  d.violation = j.violation;
  d.reason = j.violation ? fmt::format("placed on {} against {}: {}", a.id, c.verdict.rule, c.verdict.reason)
                         : fmt::format("placed on {}: {}", a.id, c.verdict.reason);
  d.verdicts.push_back(c.verdict);
  d.verdicts.insert(d.verdicts.end(), denied.begin(), denied.end());
  out.push_back(std::move(d));
  return true;
}

bool Scheduler::try_preempt(JobState& j, const std::vector<Candidate>& cands, Seconds now, std::vector<Decision>& out,
                            const std::vector<Verdict>& denied) {
  const auto& nodes = cluster_.nodes();
  const Tenant& tenant = tenants_[j.tenant];
  for (const Candidate& c : cands) {
    const int need = c.cap->devices;
    if (tenant.quota_devices > 0 && tenant_in_use_[j.tenant] + need > tenant.quota_devices) continue;
    const Pool& pool = cluster_.pools()[c.pool];
    if (need > pool.devices_per_node) continue;  // single-node jobs only: clearing whole nodes is too disruptive
    // Per node of the pool: free devices plus those of lower-priority preemptible jobs.
    std::unordered_map<int, std::vector<std::int64_t>> victims_on;
    std::unordered_map<int, int> reclaimable;
    for (auto& [id, r] : jobs_) {
      if (!r.running || r.pool != c.pool || r.priority >= j.priority || !r.job.shape.preemptible) continue;
      for (const NodeShare& s : r.shares) {
        victims_on[s.node].push_back(id);
        reclaimable[s.node] += s.devices;
      }
    }
    int best = -1, best_cost = 1 << 30;
    for (const auto& [node, devices] : reclaimable) {
      if (nodes[node].free + devices < need) continue;
      // Cheapest: fewest devices preempted; ties to the lowest node index (deterministic).
      const int cost = need - nodes[node].free;
      if (cost < best_cost || (cost == best_cost && node < best)) {
        best = node;
        best_cost = cost;
      }
    }
    if (best < 0) continue;
    // Preempt on that node, lowest priority and latest start first, until it fits.
    auto& victims = victims_on[best];
    std::sort(victims.begin(), victims.end(), [&](std::int64_t a, std::int64_t b) {
      const JobState& x = jobs_.at(a);
      const JobState& y = jobs_.at(b);
      if (x.priority != y.priority) return x.priority < y.priority;
      if (x.started != y.started) return x.started > y.started;
      return a < b;
    });
    for (std::int64_t v : victims) {
      if (nodes[best].free >= need) break;
      stop(jobs_.at(v), now, fmt::format("preempted by job {} (priority {} > {})", j.job.id, j.priority,
                                          jobs_.at(v).priority), out);
    }
    // The freed node is the best fit only if no other fits better; place there explicitly.
    if (try_place(j, c, now, out, denied)) return true;
  }
  return false;
}

void Scheduler::pass(Seconds now, std::vector<Decision>& out) {
  if (pending_.empty()) return;
  const bool sovereign = options_.algorithm == Algorithm::Sovereign;
  std::vector<JobState*> order;
  order.reserve(pending_.size());
  for (std::int64_t id : pending_) order.push_back(&jobs_.at(id));
  std::sort(order.begin(), order.end(), [&](const JobState* a, const JobState* b) {
    if (options_.algorithm != Algorithm::FifoFirstFit) {
      if (a->priority != b->priority) return a->priority > b->priority;
      if (sovereign && tenant_in_use_[a->tenant] != tenant_in_use_[b->tenant]) {
        return tenant_in_use_[a->tenant] < tenant_in_use_[b->tenant];  // fair share: least-served tenant first
      }
    }
    if (a->job.arrival != b->job.arrival) return a->job.arrival < b->job.arrival;
    return a->job.id < b->job.id;
  });

  // EASY backfilling: the first job that cannot start gets a reservation on
  // its preferred pool; later jobs may use that pool only if they end before
  // the reservation starts or fit in the devices it leaves over.
  struct Reservation {
    int pool = -1;
    Seconds shadow = 0;
    int extra = 0;
  } reservation;

  std::vector<std::int64_t> placed;
  int examined = 0;
  for (JobState* j : order) {
    if (examined++ >= options_.max_examined) break;
    if (cluster_.free_devices() == 0 && !(sovereign && options_.preemption)) break;
    std::vector<Verdict> denied;
    std::vector<Candidate> cands = candidates(*j, denied);
    bool ok = false;
    std::string busy;
    for (const Candidate& c : cands) {
      if (sovereign && options_.backfill && c.pool == reservation.pool) {
        const bool ends_before = now + c.runtime <= reservation.shadow;
        if (!ends_before && c.cap->devices > reservation.extra) continue;
        if (!ends_before) {
          if (!try_place(*j, c, now, out, denied)) continue;
          reservation.extra -= c.cap->devices;
          ok = true;
          break;
        }
      }
      if (try_place(*j, c, now, out, denied)) {
        ok = true;
        break;
      }
    }
    if (!ok && sovereign && options_.preemption && !cands.empty()) ok = try_preempt(*j, cands, now, out, denied);
    if (ok) {
      placed.push_back(j->job.id);
      continue;
    }
    // It waits: say why.
    std::string why;
    if (cands.empty()) {
      std::vector<std::string> parts;
      for (const Verdict& v : denied) parts.push_back(fmt::format("{} denied by {}", v.accelerator, v.rule));
      why = parts.empty() ? "no accelerator can run it now" : fmt::format("{}", fmt::join(parts, "; "));
    } else {
      std::vector<std::string> parts;
      for (const Candidate& c : cands) {
        const Tenant& t = tenants_[j->tenant];
        if (t.quota_devices > 0 && tenant_in_use_[j->tenant] + c.cap->devices > t.quota_devices) {
          parts.push_back(fmt::format("{}: tenant quota of {} devices reached", cluster_.pools()[c.pool].accelerator->id,
                                      t.quota_devices));
        } else {
          parts.push_back(fmt::format("no {} capacity free ({} devices needed)", cluster_.pools()[c.pool].accelerator->id,
                                      c.cap->devices));
        }
      }
      for (const Verdict& v : denied) parts.push_back(fmt::format("{} denied by {}", v.accelerator, v.rule));
      why = fmt::format("{}", fmt::join(parts, "; "));
    }
    defer(*j, now, why, denied, out);
    if (options_.algorithm == Algorithm::FifoFirstFit) break;  // strict FIFO: the head blocks the queue
    if (sovereign && options_.backfill && reservation.pool < 0 && !cands.empty()) {
      // Reserve on the preferred pool: when will enough devices be free?
      const Candidate& c = cands.front();
      std::vector<std::pair<Seconds, int>> ends;
      for (const auto& [id, r] : jobs_) {
        if (!r.running || r.pool != c.pool) continue;
        int devices = 0;
        for (const NodeShare& s : r.shares) devices += s.devices;
        ends.emplace_back(r.expected_end, devices);
      }
      std::sort(ends.begin(), ends.end());
      int free = cluster_.pools()[c.pool].free_devices;
      reservation.pool = c.pool;
      reservation.shadow = now;
      for (const auto& [end, devices] : ends) {
        if (free >= c.cap->devices) break;
        free += devices;
        reservation.shadow = end;
      }
      reservation.extra = std::max(0, free - c.cap->devices);
    }
  }
  if (!placed.empty()) {
    std::vector<std::int64_t> still;
    still.reserve(pending_.size());
    for (std::int64_t id : pending_) {
      auto it = jobs_.find(id);
      if (it != jobs_.end() && !it->second.running) still.push_back(id);
    }
    pending_ = std::move(still);
  }
}

}  // namespace suanli

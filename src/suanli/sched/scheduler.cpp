#include "suanli/sched/scheduler.h"

#include <algorithm>
#include <cmath>
#include <queue>

#include <fmt/format.h>

#include "suanli/model/error.h"
#include "suanli/policy/reason_text.h"

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
      tenant_milli_(tenants_.size(), 0),
      tenant_imported_milli_(tenants_.size(), 0) {}

std::vector<Decision> Scheduler::on(const Event& e, Seconds now) {
  std::vector<Decision> out;
  switch (e.kind) {
    case Event::Kind::JobArrival: arrive(e.job, e.node, now, out); break;
    case Event::Kind::JobFinish: finish(e.job_id, e.epoch, now); break;
    case Event::Kind::NodesJoin: nodes_join(e.group); break;
    case Event::Kind::NodesLeave: nodes_leave(e.group.id, e.group.count, now, out); break;
    case Event::Kind::Supply: break;  // effects arrive as node events (the simulator or bridge translates them)
    case Event::Kind::Tick: pass(now, out); break;
    case Event::Kind::JobCancel: cancel(e.job_id); break;
    case Event::Kind::NodeDown: node_down(e.nodes, e.drain, e.label, now, out); break;
    case Event::Kind::NodeUp: node_up(e.nodes); break;
    case Event::Kind::TenantSet: set_tenant(e.tenant); break;
  }
  return out;
}

std::string Scheduler::why_pending(std::int64_t id) const {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || it->second.running) return "";
  const Reason& why = it->second.wait_reason;
  return english(why.code == Reason::Code::None ? Reason{.code = Reason::Code::Queued} : why, policy_.spec());
}

std::string Scheduler::describe(const Decision& d) const { return english(d, policy_.spec()); }

// --- events -----------------------------------------------------------------

void Scheduler::arrive(const Job& job, const std::string& node, Seconds now, std::vector<Decision>& out) {
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
  JobState& ref = jobs_.emplace(job.id, std::move(j)).first->second;
  if (!node.empty()) {
    ref.pinned = true;
    place_pinned(ref, node, now, out);
    return;
  }
  if (auto why = infeasible_everywhere(ref)) {
    reject(ref, now, *why, out);
    return;
  }
  enqueue(ref);
  arrivals_.push_back(job.id);
}

void Scheduler::place_pinned(JobState& j, const std::string& node, Seconds now, std::vector<Decision>& out) {
  using C = Reason::Code;
  auto refuse = [&](Reason why, std::vector<Verdict> verdicts = {}) {
    reject(j, now, std::move(why), out);  // erases j
    out.back().verdicts = std::move(verdicts);
  };
  const int index = cluster_.node_named(node);
  if (index < 0) return refuse({.code = C::NotInFleet, .name = node});
  const Node& n = cluster_.nodes()[index];
  if (!n.alive) return refuse({.code = C::NodeOut, .name = node});
  const Accelerator& a = *cluster_.pools()[n.pool].accelerator;
  auto too_small = [&](int devices) {
    return Reason{.code = C::NodeTooSmall, .accelerator = a.id, .name = node, .devices = devices, .count = n.devices};
  };
  prepare(j);
  auto o = std::find_if(j.options.begin(), j.options.end(), [&](const Option& x) { return x.pool == n.pool; });
  if (o == j.options.end()) {
    for (const Verdict& v : j.denied) {
      if (v.accelerator == a.id) return refuse({.code = C::PinnedDenied, .accelerator = a.id}, {v});
    }
    const Capability& cap = capabilities_.get(j.job.shape, a);
    if (cap.feasible) return refuse(too_small(cap.devices));
    return refuse(cap.not_ported ? Reason{.code = C::CannotRunOn, .accelerator = a.id, .text = a.stack, .rule = rule::kPortedStack}
                                 : Reason{.code = C::CannotRunOn, .accelerator = a.id, .text = cap.why});
  }
  const std::int64_t milli = o->cap->milli_units();
  if (quota_denies(j, milli)) return refuse({.code = C::QuotaReached, .count = tenants_[j.tenant].quota_devices});
  if (o->imported && cap_denies(j, milli)) {
    return refuse({.code = C::PinnedDenied, .accelerator = a.id}, {cap_verdict(j, a, milli)});
  }
  std::vector<NodeShare> shares;
  if (o->cap->milli > 0) {
    const auto fit = cluster_.find_fraction_if(n.pool, o->cap->milli, o->cap->mem_mib, [&](int k) { return k == index; });
    if (!fit) return refuse({.code = C::NoRoomForShare, .name = node, .milli = o->cap->milli});
    shares.push_back(fit->share);
  } else if (o->cap->devices > n.devices) {
    return refuse(too_small(o->cap->devices));
  } else if (o->cap->devices > n.free) {
    return refuse({.code = C::NodeBusy, .name = node, .devices = o->cap->devices, .count = n.free});
  } else {
    shares.push_back(NodeShare{index, o->cap->devices});
  }
  enqueue(j);  // place() dequeues
  place(j, *o, std::move(shares), now, out);
}

void Scheduler::enqueue(const JobState& j) {
  const int level = options_.algorithm == Algorithm::FifoFirstFit ? 0 : j.priority;
  const std::size_t bucket = options_.algorithm == Algorithm::Sovereign ? static_cast<std::size_t>(j.tenant) : 0;
  auto& fifos = queue_[level];
  // Sized once per level: a pass holds iterators into these sets, which a
  // reallocation of the vector would invalidate.
  if (fifos.empty()) fifos.resize(std::max<std::size_t>(1, tenants_.size()));
  fifos[bucket].emplace(j.job.arrival, j.job.id);
  ++pending_count_;
}

void Scheduler::dequeue(const JobState& j) {
  const int level = options_.algorithm == Algorithm::FifoFirstFit ? 0 : j.priority;
  const std::size_t bucket = options_.algorithm == Algorithm::Sovereign ? static_cast<std::size_t>(j.tenant) : 0;
  if (queue_[level][bucket].erase({j.job.arrival, j.job.id})) --pending_count_;
}

bool Scheduler::before(const JobState& a, const JobState& b) const {
  if (options_.algorithm != Algorithm::FifoFirstFit) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (options_.algorithm == Algorithm::Sovereign && tenant_milli_[a.tenant] != tenant_milli_[b.tenant]) {
      return tenant_milli_[a.tenant] < tenant_milli_[b.tenant];
    }
  }
  if (a.job.arrival != b.job.arrival) return a.job.arrival < b.job.arrival;
  return a.job.id < b.job.id;
}

void Scheduler::unbind(JobState& j) {
  cluster_.release(j.shares);
  tenant_milli_[j.tenant] -= j.milli;
  if (j.imported) {
    imported_milli_ -= j.milli;
    tenant_imported_milli_[j.tenant] -= j.milli;
  }
  freed_ = true;
  running_priorities_[j.pool].erase(running_priorities_[j.pool].find(j.priority));
  auto& list = running_by_pool_[j.pool];
  const std::int64_t last = list.back();
  list[j.pool_slot] = last;
  jobs_.at(last).pool_slot = j.pool_slot;
  list.pop_back();
  j.running = false;
  j.shares.clear();
  j.pool = j.pool_slot = -1;
  j.devices = j.milli = 0;
  --running_count_;
}

void Scheduler::finish(std::int64_t id, int epoch, Seconds /*now*/) {
  auto it = jobs_.find(id);
  if (it == jobs_.end() || !it->second.running || it->second.epoch != epoch) return;  // stale: preempted since
  unbind(it->second);
  jobs_.erase(it);
}

void Scheduler::nodes_join(const NodeGroup& group) {
  const Accelerator& a = catalog_->accelerator(group.accelerator, "nodes " + group.id);
  groups_.push_back(group);
  cluster_.add_nodes(group, a, static_cast<int>(groups_.size() - 1));
  running_by_pool_.resize(cluster_.pools().size());
  running_priorities_.resize(cluster_.pools().size());
  ++fleet_version_;
  freed_ = true;
}

void Scheduler::nodes_leave(const std::string& group, int count, Seconds now, std::vector<Decision>& out) {
  // The newest alive nodes of the group leave first.
  std::vector<int> leaving;
  const auto& nodes = cluster_.nodes();
  for (int i = static_cast<int>(nodes.size()) - 1; i >= 0 && static_cast<int>(leaving.size()) < count; --i) {
    if (nodes[i].alive && groups_[nodes[i].group].id == group) leaving.push_back(i);
  }
  if (leaving.empty()) return;
  std::sort(leaving.begin(), leaving.end());
  remove_nodes(leaving, false, {.code = Reason::Code::GroupLeft, .name = group}, now, out);
}

std::vector<int> Scheduler::node_indices(const std::vector<std::string>& names) const {
  std::vector<int> out;
  for (const std::string& n : names) {
    const int index = cluster_.node_named(n);
    if (index < 0) throw InputError("node " + n, "unknown node");
    out.push_back(index);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

void Scheduler::node_down(const std::vector<std::string>& names, bool drain, const std::string& why, Seconds now,
                          std::vector<Decision>& out) {
  std::vector<int> leaving = node_indices(names);
  // A drained node that fails now loses the jobs that were finishing there;
  // draining a node that is out already changes nothing.
  if (drain) std::erase_if(leaving, [&](int i) { return !cluster_.nodes()[i].alive; });
  if (leaving.empty()) return;
  Reason displaced{.code = Reason::Code::NodesDown, .text = why, .drain = drain};
  if (leaving.size() == 1) {
    displaced.name = cluster_.nodes()[leaving.front()].name;
  } else {
    displaced.count = static_cast<int>(leaving.size());
  }
  remove_nodes(leaving, drain, displaced, now, out);
}

void Scheduler::remove_nodes(const std::vector<int>& leaving, bool drain, const Reason& why, Seconds now,
                             std::vector<Decision>& out) {
  // Displace every job with devices on a leaving node (with a drain, those
  // holding a fraction), in id order.
  std::vector<std::int64_t> displaced;
  for (const auto& list : running_by_pool_) {
    for (std::int64_t id : list) {
      for (const NodeShare& s : jobs_.at(id).shares) {
        if ((!drain || s.fractional()) && std::binary_search(leaving.begin(), leaving.end(), s.node)) {
          displaced.push_back(id);
          break;
        }
      }
    }
  }
  std::sort(displaced.begin(), displaced.end());
  for (std::int64_t id : displaced) stop(jobs_.at(id), now, why, out);
  for (int node : leaving) cluster_.remove_node(node);
  ++fleet_version_;
  freed_ = true;
  // Pending jobs that nothing left can run are rejected now, with the reason.
  std::vector<std::int64_t> gone;
  for (const auto& [level, fifos] : queue_) {
    for (const Fifo& fifo : fifos) {
      for (const auto& [arrival, id] : fifo) {
        if (infeasible_everywhere(jobs_.at(id))) gone.push_back(id);
      }
    }
  }
  std::sort(gone.begin(), gone.end());
  for (std::int64_t id : gone) {
    JobState& j = jobs_.at(id);
    Reason reason = *infeasible_everywhere(j);
    dequeue(j);
    reject(j, now, std::move(reason), out);
  }
}

void Scheduler::node_up(const std::vector<std::string>& names) {
  bool changed = false;
  for (int index : node_indices(names)) {
    if (cluster_.nodes()[index].alive) continue;
    // Whole devices still held by jobs that ran on through a drain.
    int held = 0;
    for (const auto& list : running_by_pool_) {
      for (std::int64_t id : list) {
        for (const NodeShare& s : jobs_.at(id).shares) {
          if (s.node == index && !s.fractional()) held += s.devices;
        }
      }
    }
    cluster_.revive_node(index, held);
    changed = true;
  }
  if (!changed) return;
  ++fleet_version_;
  freed_ = true;
}

void Scheduler::cancel(std::int64_t id) {
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  JobState& j = it->second;
  if (j.running) {
    unbind(j);
  } else {
    dequeue(j);
  }
  if (reservation_.job == id) reservation_ = Reservation{};
  jobs_.erase(it);
}

void Scheduler::set_tenant(const Tenant& t) {
  auto it = std::find_if(tenants_.begin(), tenants_.end(), [&](const Tenant& x) { return x.name == t.name; });
  if (it == tenants_.end()) {
    tenants_.push_back(t);
    tenant_milli_.push_back(0);
    tenant_imported_milli_.push_back(0);
    // Every level's per-tenant FIFOs gain one (between passes, so no cursor is live).
    for (auto& [level, fifos] : queue_) fifos.resize(std::max(fifos.size(), tenants_.size()));
    return;
  }
  const int index = static_cast<int>(it - tenants_.begin());
  const int delta = t.priority - it->priority;
  const bool judged_again = t.sector != it->sector;
  *it = t;
  if (judged_again) ++fleet_version_;  // verdicts depend on the sector
  freed_ = true;                        // a larger quota may let jobs start
  if (delta == 0) return;
  for (auto& [id, j] : jobs_) {
    if (j.tenant != index) continue;
    if (j.running) {
      auto& prios = running_priorities_[j.pool];
      prios.erase(prios.find(j.priority));
      j.priority += delta;
      prios.insert(j.priority);
    } else {
      dequeue(j);
      j.priority += delta;
      enqueue(j);
    }
  }
}

// Stops a running job (preemption or displacement): it keeps its progress up
// to its last checkpoint and goes back to the queue.
void Scheduler::stop(JobState& j, Seconds now, const Reason& why, std::vector<Decision>& out) {
  SUANLI_ASSERT(j.running);
  const Seconds elapsed = now - j.started;
  Seconds kept = elapsed;
  if (j.job.shape.kind != JobKind::Serve && options_.checkpoint_interval > 0) {
    kept = elapsed - elapsed % options_.checkpoint_interval;
  }
  j.remaining = std::max(0.0, j.remaining - static_cast<double>(kept) * j.rate);
  Decision d;
  d.kind = Decision::Kind::Preempt;
  d.job = j.job.id;
  d.at = now;
  d.accelerator = cluster_.pools()[j.pool].accelerator->id;
  d.nodes = j.shares;
  d.epoch = j.epoch;
  d.kept = kept;
  d.elapsed = elapsed;
  d.reason = why;
  out.push_back(std::move(d));
  unbind(j);
  if (j.pinned) {  // the outside scheduler that chose its node places it again
    Reason not_requeued = why;
    not_requeued.not_requeued = true;
    reject(j, now, std::move(not_requeued), out);
    return;
  }
  j.wait_reason = why;
  j.wait_key = 0;
  j.options_version = 0;  // runtimes changed with the remaining work
  enqueue(j);
}

void Scheduler::reject(JobState& j, Seconds now, Reason why, std::vector<Decision>& out) {
  Decision d;
  d.kind = Decision::Kind::Reject;
  d.job = j.job.id;
  d.at = now;
  d.reason = std::move(why);
  d.verdicts = j.denied;
  out.push_back(std::move(d));
  jobs_.erase(j.job.id);
}

// --- options --------------------------------------------------------------------

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

namespace {

// Whether the job may run on `a` as far as its own request goes
// (JobClass::accelerators; empty = anywhere).
bool asked_for(const JobClass& shape, const Accelerator& a) {
  return shape.accelerators.empty() ||
         std::find(shape.accelerators.begin(), shape.accelerators.end(), a.id) != shape.accelerators.end();
}

}  // namespace

void Scheduler::prepare(JobState& j) {
  if (j.options_version == fleet_version_) return;
  j.options.clear();
  j.denied.clear();
  const auto& pools = cluster_.pools();
  const bool sovereign = options_.algorithm == Algorithm::Sovereign;
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const Pool& pool = pools[p];
    if (pool.alive_nodes == 0 || !asked_for(j.job.shape, *pool.accelerator)) continue;
    const Capability& cap = capabilities_.get(j.job.shape, *pool.accelerator);
    if (!cap.feasible || cap.devices > pool.total_devices) continue;
    Option o;
    o.pool = static_cast<int>(p);
    o.cap = &cap;
    o.runtime = runtime(j.job.shape, cap, j.remaining);
    o.imported = pool.accelerator->origin == Origin::Imported;
    o.verdict = policy_.judge_rules(tenants_[j.tenant], *pool.accelerator, o.imported ? gap_of(j) : GapAnalysis{});
    if (sovereign && !o.verdict.allowed) {
      j.denied.push_back(o.verdict);
      continue;
    }
    j.options.push_back(std::move(o));
  }
  auto energy = [&](const Option& o) {
    const Figure& tdp = pools[o.pool].accelerator->tdp_w;
    return tdp.known() ? tdp.value * o.cap->device_units() * static_cast<double>(o.runtime) : 1e300;
  };
  auto faster = [&](const Option& a, const Option& b) {
    if (a.runtime != b.runtime) return a.runtime < b.runtime;
    return energy(a) < energy(b);
  };
  switch (options_.algorithm) {
    case Algorithm::Sovereign:
      // Self-restraint: domestic first where it meets the SLO, then fastest, then least energy.
      std::stable_sort(j.options.begin(), j.options.end(), [&](const Option& a, const Option& b) {
        if (a.imported != b.imported) return !a.imported;
        return faster(a, b);
      });
      break;
    case Algorithm::FastestFirst: std::stable_sort(j.options.begin(), j.options.end(), faster); break;
    case Algorithm::FifoFirstFit: break;  // fleet order
  }
  j.options_version = fleet_version_;
}

std::optional<Reason> Scheduler::infeasible_everywhere(JobState& j) {
  using K = ReasonPart::Kind;
  prepare(j);
  if (!j.options.empty()) return std::nullopt;
  Reason why{.code = j.denied.empty() ? Reason::Code::NothingCanRun : Reason::Code::NothingAllowed};
  for (const Pool& p : cluster_.pools()) {
    if (p.alive_nodes == 0 || !asked_for(j.job.shape, *p.accelerator)) continue;
    const Capability& cap = capabilities_.get(j.job.shape, *p.accelerator);
    if (!cap.feasible) {
      why.parts.push_back(cap.not_ported ? ReasonPart{.kind = K::CannotRun, .accelerator = p.accelerator->id,
                                                      .rule = rule::kPortedStack, .text = p.accelerator->stack}
                                         : ReasonPart{.kind = K::CannotRun, .accelerator = p.accelerator->id, .text = cap.why});
    } else if (cap.devices > p.total_devices) {
      why.parts.push_back(
          {.kind = K::TooFew, .accelerator = p.accelerator->id, .devices = cap.devices, .count = p.total_devices});
    }
  }
  if (j.denied.empty() && why.parts.empty()) {
    if (!j.job.shape.accelerators.empty()) return Reason{.code = Reason::Code::NotInService, .asked = j.job.shape.accelerators};
    return Reason{.code = Reason::Code::NoAccelerators};
  }
  for (const Verdict& v : j.denied) why.parts.push_back({.kind = K::Denied, .accelerator = v.accelerator, .rule = v.rule});
  return why;
}

ImportedUse Scheduler::imported_use(const JobState& j) const {
  ImportedUse u;
  u.fleet_devices = cluster_.total_devices();
  u.fleet_imported_in_use = static_cast<double>(imported_milli_) / 1000.0;
  u.tenant_imported_in_use = static_cast<double>(tenant_imported_milli_[j.tenant]) / 1000.0;
  u.tenant_quota = tenants_[j.tenant].quota_devices;
  return u;
}

bool Scheduler::cap_denies(const JobState& j, std::int64_t milli) const {
  return policy_.cap_exceeded(static_cast<double>(milli) / 1000.0, imported_use(j));
}

Verdict Scheduler::cap_verdict(const JobState& j, const Accelerator& a, std::int64_t milli) const {
  return policy_.judge_cap(a, tenants_[j.tenant].name, static_cast<double>(milli) / 1000.0, imported_use(j));
}

bool Scheduler::quota_denies(const JobState& j, std::int64_t milli) const {
  const Tenant& t = tenants_[j.tenant];
  return t.quota_devices > 0 && tenant_milli_[j.tenant] + milli > std::int64_t{t.quota_devices} * 1000;
}

// --- placement ----------------------------------------------------------------

void Scheduler::place(JobState& j, const Option& o, std::vector<NodeShare> shares, Seconds now,
                      std::vector<Decision>& out) {
  cluster_.bind(shares);
  const Accelerator& a = *cluster_.pools()[o.pool].accelerator;
  Verdict verdict = o.verdict;
  const std::int64_t milli = o.cap->milli_units();
  if (verdict.allowed && o.imported && cap_denies(j, milli)) verdict = cap_verdict(j, a, milli);
  j.running = true;
  j.pool = o.pool;
  j.pool_slot = static_cast<int>(running_by_pool_[o.pool].size());
  running_by_pool_[o.pool].push_back(j.job.id);
  running_priorities_[o.pool].insert(j.priority);
  dequeue(j);
  if (reservation_.job == j.job.id) reservation_ = Reservation{};
  j.devices = o.cap->milli > 0 ? 0 : o.cap->devices;
  j.milli = static_cast<int>(milli);
  j.shares = shares;
  j.started = now;
  j.rate = j.job.shape.kind == JobKind::Serve ? 1.0 : o.cap->tokens_per_s;
  j.expected_end = now + o.runtime;
  j.imported = o.imported;
  j.violation = !verdict.allowed;
  ++j.epoch;
  j.wait_reason = Reason{};
  j.wait_key = 0;
  tenant_milli_[j.tenant] += j.milli;
  if (j.imported) {
    imported_milli_ += j.milli;
    tenant_imported_milli_[j.tenant] += j.milli;
  }
  ++running_count_;

  Decision d;
  d.kind = Decision::Kind::Place;
  d.job = j.job.id;
  d.at = now;
  d.accelerator = a.id;
  d.nodes = std::move(shares);
  d.tokens_per_s = o.cap->tokens_per_s;
  d.expected_runtime = o.runtime;
  d.epoch = j.epoch;
  d.violation = j.violation;
  d.reason = Reason{.code = Reason::Code::Placed, .milli = o.cap->milli};
  d.verdicts.push_back(std::move(verdict));
  d.verdicts.insert(d.verdicts.end(), j.denied.begin(), j.denied.end());
  out.push_back(std::move(d));
}

bool Scheduler::try_preempt(JobState& j, Seconds now, std::vector<Decision>& out) {
  const auto& nodes = cluster_.nodes();
  for (const Option& o : j.options) {
    if (o.cap->milli > 0) continue;  // fractions wait for a share rather than preempt
    const int need = o.cap->devices;
    const Pool& pool = cluster_.pools()[o.pool];
    if (need > pool.devices_per_node) continue;  // single-node jobs only: clearing whole nodes is too disruptive
    if (quota_denies(j, o.cap->milli_units()) || (o.imported && cap_denies(j, o.cap->milli_units()))) continue;
    // Per node of the pool: devices held by lower-priority preemptible jobs.
    std::unordered_map<int, int> reclaimable;
    for (std::int64_t id : running_by_pool_[o.pool]) {
      const JobState& r = jobs_.at(id);
      if (r.priority >= j.priority || !r.job.shape.preemptible || r.pinned) continue;
      for (const NodeShare& s : r.shares) {
        if (!s.fractional()) reclaimable[s.node] += s.devices;
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
    std::vector<std::int64_t> victims;
    for (std::int64_t id : running_by_pool_[o.pool]) {
      const JobState& r = jobs_.at(id);
      if (r.priority >= j.priority || !r.job.shape.preemptible || r.pinned) continue;
      for (const NodeShare& s : r.shares) {
        if (s.node == best && !s.fractional()) {  // a fraction's device is not whole-free when it leaves
          victims.push_back(id);
          break;
        }
      }
    }
    std::sort(victims.begin(), victims.end(), [&](std::int64_t a, std::int64_t b) {
      const JobState& x = jobs_.at(a);
      const JobState& y = jobs_.at(b);
      if (x.priority != y.priority) return x.priority < y.priority;
      if (x.started != y.started) return x.started > y.started;
      return a < b;
    });
    for (std::int64_t v : victims) {
      if (nodes[best].free >= need) break;
      JobState& victim = jobs_.at(v);
      stop(victim, now,
           {.code = Reason::Code::Preempted, .job = j.job.id, .priority = j.priority, .other = victim.priority}, out);
    }
    place(j, o, {{best, need}}, now, out);
    return true;
  }
  return false;
}

void Scheduler::defer(JobState& j, Seconds now, std::uint64_t key, const std::vector<std::pair<int, int>>& blocked,
                      std::vector<Decision>& out) {
  if (key == j.wait_key) return;  // say it once, when the reason changes
  j.wait_key = key;
  enum { kBusy = 0, kQuota = 1, kCap = 2 };
  using K = ReasonPart::Kind;
  Reason why{.code = Reason::Code::Waits};
  std::vector<Verdict> verdicts;
  for (const auto& [index, code] : blocked) {
    const Option& o = j.options[index];
    const Accelerator& a = *cluster_.pools()[o.pool].accelerator;
    if (code == kBusy) {
      why.parts.push_back({.kind = K::Busy, .accelerator = a.id, .devices = o.cap->devices, .milli = o.cap->milli,
                           .mem_mib = o.cap->mem_mib});
    } else if (code == kQuota) {
      why.parts.push_back({.kind = K::Quota, .accelerator = a.id, .count = tenants_[j.tenant].quota_devices});
    } else {
      why.parts.push_back({.kind = K::Capped, .accelerator = a.id});
      verdicts.push_back(cap_verdict(j, a, o.cap->milli_units()));
    }
  }
  for (const Verdict& v : j.denied) {
    why.parts.push_back({.kind = K::Denied, .accelerator = v.accelerator, .rule = v.rule});
    verdicts.push_back(v);
  }
  j.wait_reason = why;
  Decision d;
  d.kind = Decision::Kind::Defer;
  d.job = j.job.id;
  d.at = now;
  d.reason = std::move(why);
  d.verdicts = std::move(verdicts);
  out.push_back(std::move(d));
}

bool Scheduler::examine(JobState& j, Seconds now, std::vector<Decision>& out) {
  const bool sovereign = options_.algorithm == Algorithm::Sovereign;
  const bool backfill = sovereign && options_.backfill;
  enum { kBusy = 0, kQuota = 1, kCap = 2 };
  prepare(j);
  std::vector<std::pair<int, int>>& blocked = blocked_;
  blocked.clear();
  for (std::size_t k = 0; k < j.options.size(); ++k) {
    const Option& o = j.options[k];
    const int need = o.cap->devices;
    if (quota_denies(j, o.cap->milli_units())) {
      blocked.emplace_back(static_cast<int>(k), kQuota);
      continue;
    }
    if (sovereign && o.imported && cap_denies(j, o.cap->milli_units())) {
      blocked.emplace_back(static_cast<int>(k), kCap);
      continue;
    }
    const bool reserved = backfill && o.pool == reservation_.pool && reservation_.job != j.job.id;
    const bool ends_before = now + o.runtime <= reservation_.shadow;
    if (o.cap->milli > 0) {
      // A fraction: best fit onto a shared device; opening a whole-free one
      // counts against a reservation like a one-device job.
      const auto fit = cluster_.find_fraction(o.pool, o.cap->milli, o.cap->mem_mib);
      if (!fit || (fit->opens && reserved && !ends_before && reservation_.extra < 1)) {
        blocked.emplace_back(static_cast<int>(k), kBusy);
        continue;
      }
      if (fit->opens && reserved && !ends_before) reservation_.extra -= 1;
      place(j, o, {fit->share}, now, out);
      return true;
    }
    if (cluster_.pools()[o.pool].free_devices < need) {
      blocked.emplace_back(static_cast<int>(k), kBusy);
      continue;
    }
    if (reserved && !ends_before && need > reservation_.extra) {
      blocked.emplace_back(static_cast<int>(k), kBusy);
      continue;
    }
    std::vector<NodeShare> shares = cluster_.find(o.pool, need);
    if (shares.empty()) {
      blocked.emplace_back(static_cast<int>(k), kBusy);
      continue;
    }
    if (reserved && !ends_before) reservation_.extra -= need;
    place(j, o, std::move(shares), now, out);
    return true;
  }
  if (sovereign && options_.preemption) {
    bool worth = false;
    for (const Option& o : j.options) {
      const auto& running = running_priorities_[o.pool];
      worth = worth || (o.cap->milli == 0 && !running.empty() && *running.begin() < j.priority);
    }
    if (worth && try_preempt(j, now, out)) return true;
  }
  // It waits: say why (formatted only when the reason changes).
  std::uint64_t key = 1469598103934665603ull;  // FNV-1a over (pool, code)
  for (const auto& [k, code] : blocked) {
    key = (key ^ static_cast<std::uint64_t>(j.options[k].pool * 4 + code)) * 1099511628211ull;
  }
  defer(j, now, key, blocked, out);
  if (backfill && reservation_.pool < 0 && !j.options.empty() && j.options.front().cap->milli == 0) {
    // Reserve on the preferred pool: when will enough devices be free?
    const Option& o = j.options.front();
    std::vector<std::pair<Seconds, int>> ends;
    for (std::int64_t id : running_by_pool_[o.pool]) {
      const JobState& r = jobs_.at(id);
      ends.emplace_back(r.expected_end, r.devices);
    }
    std::sort(ends.begin(), ends.end());
    int free = cluster_.pools()[o.pool].free_devices;
    reservation_ = Reservation{j.job.id, o.pool, now, 0};
    for (const auto& [end, devices] : ends) {
      if (free >= o.cap->devices) break;
      free += devices;
      reservation_.shadow = end;
    }
    reservation_.extra = std::max(0, free - o.cap->devices);
  }
  return false;
}

void Scheduler::pass(Seconds now, std::vector<Decision>& out) {
  const bool fifo = options_.algorithm == Algorithm::FifoFirstFit;
  const bool preempt = options_.algorithm == Algorithm::Sovereign && options_.preemption;
  // Nothing can start that could not start at the last pass unless devices
  // were freed (or the fleet changed): then only the new arrivals are examined.
  if (!freed_ && !fifo) {
    std::vector<JobState*> fresh;
    for (std::int64_t id : arrivals_) {
      auto it = jobs_.find(id);
      if (it != jobs_.end() && !it->second.running) fresh.push_back(&it->second);
    }
    arrivals_.clear();
    std::sort(fresh.begin(), fresh.end(), [&](const JobState* a, const JobState* b) { return before(*a, *b); });
    for (JobState* j : fresh) examine(*j, now, out);
    return;
  }
  freed_ = false;
  arrivals_.clear();
  reservation_ = Reservation{};
  int examined = 0;
  // Walk the queue: levels by priority, tenants by devices in use (ties merged by arrival).
  for (auto level = queue_.begin(); level != queue_.end(); ++level) {
    if (pending_count_ == 0) break;
    std::vector<Fifo>& fifos = level->second;
    std::vector<std::size_t> tenants;
    for (std::size_t t = 0; t < fifos.size(); ++t) {
      if (!fifos[t].empty()) tenants.push_back(t);
    }
    auto use = [&](std::size_t t) {
      return options_.algorithm == Algorithm::Sovereign ? tenant_milli_[t] : std::int64_t{0};
    };
    std::stable_sort(tenants.begin(), tenants.end(), [&](std::size_t a, std::size_t b) { return use(a) < use(b); });
    for (std::size_t g = 0; g < tenants.size();) {
      std::size_t h = g;
      while (h < tenants.size() && use(tenants[h]) == use(tenants[g])) ++h;
      // K-way merge of the group's FIFOs by (arrival, id). Cursors advance
      // before a job is examined, so placing it (erasing it) is safe.
      using Cursor = std::pair<Fifo::iterator, Fifo::iterator>;
      auto later = [](const Cursor& a, const Cursor& b) { return *a.first > *b.first; };
      std::priority_queue<Cursor, std::vector<Cursor>, decltype(later)> heads(later);
      for (std::size_t k = g; k < h; ++k) heads.emplace(fifos[tenants[k]].begin(), fifos[tenants[k]].end());
      while (!heads.empty()) {
        Cursor c = heads.top();
        heads.pop();
        const std::int64_t id = c.first->second;
        if (++c.first != c.second) heads.push(c);
        if (examined++ >= options_.max_examined) return;
        // No device free, no room on a shared device and nothing this priority could preempt: stop.
        if (cluster_.free_devices() == 0 && cluster_.shared_with_room() == 0) {
          bool can_preempt = false;
          if (preempt) {
            for (const auto& prios : running_priorities_) can_preempt = can_preempt || (!prios.empty() && *prios.begin() < level->first);
          }
          if (!can_preempt) return;
        }
        JobState& j = jobs_.at(id);
        if (!examine(j, now, out) && fifo) return;  // strict FIFO: the head blocks the queue
      }
      g = h;
    }
  }
}

}  // namespace suanli

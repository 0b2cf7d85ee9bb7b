#include "suanli/sched/scheduler.h"

#include <algorithm>
#include <bit>
#include <climits>
#include <cmath>
#include <functional>
#include <tuple>
#include <type_traits>

#include "suanli/model/error.h"
#include "suanli/policy/reason_text.h"

namespace suanli {
namespace {

// A class key's hash: its strings by the standard library's hash, its
// numbers mixed in word by word (FNV-1a style).
constexpr std::uint64_t kFnvBasis = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

void mix(std::uint64_t& h, std::uint64_t v) { h = (h ^ v) * kFnvPrime; }
void mix(std::uint64_t& h, double v) { mix(h, std::bit_cast<std::uint64_t>(v)); }
void mix(std::uint64_t& h, int v) { mix(h, static_cast<std::uint64_t>(static_cast<std::uint32_t>(v))); }
void mix(std::uint64_t& h, bool v) { mix(h, v ? 1 : 0); }
void mix(std::uint64_t& h, const std::string& s) { mix(h, static_cast<std::uint64_t>(std::hash<std::string>{}(s))); }
void mix(std::uint64_t& h, const std::vector<std::string>& v) {
  mix(h, static_cast<std::uint64_t>(v.size()));
  for (const std::string& s : v) mix(h, s);
}
template <class E>
  requires std::is_enum_v<E>
void mix(std::uint64_t& h, E v) {
  mix(h, static_cast<int>(v));
}

// Two jobs are of one class when they differ at most in their amount of work
// (work_tokens, duration) and note: the same options, verdicts and queue. The
// one list of what makes a class, for both the comparison and the hash.
auto class_key(const JobClass& s) {
  return std::tie(s.name, s.tenant, s.kind, s.model, s.precision, s.devices, s.share_milli, s.share_memory_mib,
                  s.slo.min_tokens_per_s, s.slo.max_tpot_ms, s.slo.max_ttft_ms, s.stacks, s.accelerators, s.priority,
                  s.preemptible, s.batch, s.input_tokens, s.output_tokens, s.seq_len, s.global_batch);
}

bool same_class(const JobClass& a, const JobClass& b) { return class_key(a) == class_key(b); }

std::uint64_t class_hash(const JobClass& s) {
  std::uint64_t h = kFnvBasis;
  std::apply([&h](const auto&... field) { (mix(h, field), ...); }, class_key(s));
  return h;
}

}  // namespace

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
      fifo_memory_(std::make_unique<std::pmr::unsynchronized_pool_resource>()),
      tenant_milli_(tenants_.size(), 0),
      tenant_imported_milli_(tenants_.size(), 0) {}

std::vector<Decision> Scheduler::on(const Event& e, Seconds now) {
  std::vector<Decision> out;
  on(e, now, out);
  return out;
}

void Scheduler::on(const Event& e, Seconds now, std::vector<Decision>& out) {
  switch (e.kind) {
    case Event::Kind::JobArrival: arrive(e.job, e.node, now, out); break;
    case Event::Kind::JobFinish: finish(e.job_id, e.epoch); break;
    case Event::Kind::NodesJoin: nodes_join(e.group); break;
    case Event::Kind::NodesLeave: nodes_leave(e.group.id, e.group.count, now, out); break;
    case Event::Kind::Supply: break;  // effects arrive as node events (the simulator or bridge translates them)
    case Event::Kind::Tick: pass(now, out); break;
    case Event::Kind::JobCancel: cancel(e.job_id); break;
    case Event::Kind::NodeDown: node_down(e.nodes, e.drain, e.label, now, out); break;
    case Event::Kind::NodeUp: node_up(e.nodes); break;
    case Event::Kind::TenantSet: set_tenant(e.tenant); break;
  }
}

const JobState* Scheduler::job(std::int64_t id) const {
  const int slot = index_.find(id);
  return slot < 0 ? nullptr : &slots_[static_cast<std::size_t>(slot)];
}

std::string Scheduler::why_pending(std::int64_t id) const {
  const JobState* j = job(id);
  if (!j || j->running) return "";
  return english(j->why ? *j->why : Reason{.code = Reason::Code::Queued}, policy_.spec());
}

std::string Scheduler::describe(const Decision& d) const { return english(d, policy_.spec()); }

std::vector<Option> Scheduler::options(const JobState& j) const {
  const ClassState& c = classes_[static_cast<std::size_t>(j.cls)];
  std::vector<Ranked> ranked;
  rank(j, c, ranked);
  std::vector<Option> out;
  for (const Ranked& r : ranked) {
    out.push_back(c.options[static_cast<std::size_t>(r.option)]);
    out.back().runtime = r.runtime;
  }
  return out;
}

// --- jobs and classes -----------------------------------------------------------

int Scheduler::class_of(const JobClass& shape, std::int64_t id) {
  const std::uint64_t h = class_hash(shape);
  if (auto it = class_index_.find(h); it != class_index_.end()) {
    for (int c : it->second) {
      if (same_class(classes_[static_cast<std::size_t>(c)].shape, shape)) return c;
    }
  }
  const auto t = std::find_if(tenants_.begin(), tenants_.end(), [&](const Tenant& x) { return x.name == shape.tenant; });
  if (t == tenants_.end()) throw InputError("job " + std::to_string(id), "unknown tenant '" + shape.tenant + "'");
  catalog_->model(shape.model, "job " + std::to_string(id));  // throws for an unknown model
  ClassState c{.shape = shape, .tenant = static_cast<int>(t - tenants_.begin()), .fifo = Fifo(fifo_memory_.get())};
  c.level = level_of(c);
  const int index = static_cast<int>(classes_.size());
  levels_[c.level].push_back(index);
  classes_.push_back(std::move(c));
  class_index_[h].push_back(index);
  return index;
}

JobState& Scheduler::new_job(std::int64_t id) {
  int slot;
  if (free_slots_.empty()) {
    slot = static_cast<int>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_slots_.back();
    free_slots_.pop_back();
  }
  JobState& j = slots_[static_cast<std::size_t>(slot)];
  NodeShares shares = std::move(j.shares);  // keeps its capacity
  j = JobState{};
  j.shares = std::move(shares);
  j.id = id;
  index_.insert(id, slot);
  return j;
}

void Scheduler::free_job(JobState& j) {
  index_.erase(j.id);
  j.cls = -1;
  j.shares.clear();
  j.why.reset();
  free_slots_.push_back(slot_of(j));
}

// --- events -----------------------------------------------------------------

void Scheduler::arrive(const Job& job, const std::string& node, Seconds now, std::vector<Decision>& out) {
  // Ids mostly come in increasing order: one above every id seen is new
  // without a look at the table (a cache miss on a large one).
  if (job.id <= max_id_ && index_.find(job.id) >= 0) {
    throw InputError("job " + std::to_string(job.id), "duplicate job id");
  }
  max_id_ = std::max(max_id_, job.id);
  const int cls = class_of(job.shape, job.id);
  ClassState& c = classes_[static_cast<std::size_t>(cls)];
  JobState& j = new_job(job.id);
  j.cls = cls;
  j.tenant = c.tenant;
  j.priority = tenants_[static_cast<std::size_t>(c.tenant)].priority + job.shape.priority;
  j.arrival = job.arrival;
  j.duration = job.shape.duration;
  j.remaining = job.shape.kind == JobKind::Serve ? static_cast<double>(job.shape.duration) : job.shape.work_tokens;
  if (!node.empty()) {
    j.pinned = true;
    place_pinned(j, node, now, out);
    return;
  }
  prepare(c);
  if (c.options.empty()) {
    reject(j, now, infeasible(c), out);
    return;
  }
  enqueue(j);
  arrivals_.push_back(job.id);
}

void Scheduler::place_pinned(JobState& j, const std::string& node, Seconds now, std::vector<Decision>& out) {
  using C = Reason::Code;
  auto refuse = [&](Reason why, std::vector<Verdict> verdicts = {}) {
    reject(j, now, std::move(why), out);  // frees j
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
  ClassState& c = classes_[static_cast<std::size_t>(j.cls)];
  prepare(c);
  auto o = std::find_if(c.options.begin(), c.options.end(), [&](const Option& x) { return x.pool == n.pool; });
  if (o == c.options.end()) {
    for (const Verdict& v : c.denied) {
      if (v.accelerator == a.id) return refuse({.code = C::PinnedDenied, .accelerator = a.id}, {v});
    }
    const Capability& cap = capabilities_.get(c.shape, a);
    if (cap.feasible) return refuse(too_small(cap.devices));
    return refuse(cap.not_ported ? Reason{.code = C::CannotRunOn, .accelerator = a.id, .text = a.stack, .rule = rule::kPortedStack}
                                 : Reason{.code = C::CannotRunOn, .accelerator = a.id, .text = cap.why});
  }
  const std::int64_t milli = o->cap->milli_units();
  if (quota_denies(j, milli)) return refuse({.code = C::QuotaReached, .count = tenants_[j.tenant].quota_devices});
  if (o->imported && cap_denies(j, milli)) {
    return refuse({.code = C::PinnedDenied, .accelerator = a.id}, {cap_verdict(j, a, milli)});
  }
  NodeShares shares;
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
  place(j, *o, runtime_on(j, *o->cap), std::move(shares), now, out);
}

void Scheduler::finish(std::int64_t id, int epoch) {
  const int slot = index_.find(id);
  if (slot < 0) return;
  JobState& j = slots_[static_cast<std::size_t>(slot)];
  if (!j.running || j.epoch != epoch) return;  // stale: preempted since
  unbind(j);
  free_job(j);
}

void Scheduler::nodes_join(const NodeGroup& group) {
  const Accelerator& a = catalog_->accelerator(group.accelerator, "nodes " + group.id);
  groups_.push_back(group);
  cluster_.add_nodes(group, a, static_cast<int>(groups_.size() - 1));
  running_by_pool_.resize(cluster_.pools().size());
  running_priorities_.resize(cluster_.pools().size());
  while (ends_by_pool_.size() < cluster_.pools().size()) ends_by_pool_.emplace_back(fifo_memory_.get());
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
    for (int slot : list) {
      const JobState& j = slots_[static_cast<std::size_t>(slot)];
      for (const NodeShare& s : j.shares) {
        if ((!drain || s.fractional()) && std::binary_search(leaving.begin(), leaving.end(), s.node)) {
          displaced.push_back(j.id);
          break;
        }
      }
    }
  }
  std::sort(displaced.begin(), displaced.end());
  for (std::int64_t id : displaced) stop(at(id), now, why, out);
  for (int node : leaving) cluster_.remove_node(node);
  ++fleet_version_;
  freed_ = true;
  // Pending jobs that nothing left can run are rejected now, with the reason
  // (one per class), in id order.
  std::vector<std::int64_t> gone;
  std::vector<std::optional<Reason>> why_not(classes_.size());
  for (std::size_t k = 0; k < classes_.size(); ++k) {
    ClassState& c = classes_[k];
    if (c.fifo.empty()) continue;
    prepare(c);
    if (!c.options.empty()) continue;
    why_not[k] = infeasible(c);
    for (const auto& [key, slot] : c.fifo) gone.push_back(key.second);
  }
  std::sort(gone.begin(), gone.end());
  for (std::int64_t id : gone) {
    JobState& j = at(id);
    dequeue(j);
    reject(j, now, *why_not[static_cast<std::size_t>(j.cls)], out);
  }
}

void Scheduler::node_up(const std::vector<std::string>& names) {
  bool changed = false;
  for (int index : node_indices(names)) {
    if (cluster_.nodes()[index].alive) continue;
    // Whole devices still held by jobs that ran on through a drain.
    int held = 0;
    for (const auto& list : running_by_pool_) {
      for (int slot : list) {
        for (const NodeShare& s : slots_[static_cast<std::size_t>(slot)].shares) {
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
  const int slot = index_.find(id);
  if (slot < 0) return;
  JobState& j = slots_[static_cast<std::size_t>(slot)];
  if (j.running) {
    unbind(j);
  } else {
    dequeue(j);
  }
  if (reservation_.job == id) reservation_ = Reservation{};
  free_job(j);
}

void Scheduler::set_tenant(const Tenant& t) {
  auto it = std::find_if(tenants_.begin(), tenants_.end(), [&](const Tenant& x) { return x.name == t.name; });
  if (it == tenants_.end()) {
    tenants_.push_back(t);
    tenant_milli_.push_back(0);
    tenant_imported_milli_.push_back(0);
    return;
  }
  const int index = static_cast<int>(it - tenants_.begin());
  const int delta = t.priority - it->priority;
  const bool judged_again = t.sector != it->sector;
  *it = t;
  if (judged_again) ++fleet_version_;  // verdicts depend on the sector
  freed_ = true;                        // a larger quota may let jobs start
  if (delta == 0) return;
  for (std::size_t k = 0; k < classes_.size(); ++k) {
    if (classes_[k].tenant == index) set_level(static_cast<int>(k), level_of(classes_[k]));
  }
  for (JobState& j : slots_) {
    if (j.cls < 0 || j.tenant != index) continue;
    if (j.running) {
      add_priority(j.pool, j.priority, -1);
      add_priority(j.pool, j.priority + delta, +1);
    }
    j.priority += delta;
  }
}

// Stops a running job (preemption or displacement): it keeps its progress up
// to its last checkpoint and goes back to the queue.
void Scheduler::stop(JobState& j, Seconds now, const Reason& why, std::vector<Decision>& out) {
  SUANLI_ASSERT(j.running);
  const Seconds elapsed = now - j.started;
  Seconds kept = elapsed;
  if (shape(j).kind != JobKind::Serve && options_.checkpoint_interval > 0) {
    kept = elapsed - elapsed % options_.checkpoint_interval;
  }
  j.remaining = std::max(0.0, j.remaining - static_cast<double>(kept) * j.rate);
  Decision d;
  d.kind = Decision::Kind::Preempt;
  d.job = j.id;
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
  j.why = std::make_shared<const Reason>(why);
  j.wait_key = 0;
  enqueue(j);
}

void Scheduler::reject(JobState& j, Seconds now, Reason why, std::vector<Decision>& out) {
  Decision d;
  d.kind = Decision::Kind::Reject;
  d.job = j.id;
  d.at = now;
  d.reason = std::move(why);
  d.verdicts = classes_[static_cast<std::size_t>(j.cls)].denied;
  out.push_back(std::move(d));
  free_job(j);
}

// --- the queue ------------------------------------------------------------------

int Scheduler::level_of(const ClassState& c) const {
  if (options_.algorithm == Algorithm::FifoFirstFit) return 0;
  return tenants_[static_cast<std::size_t>(c.tenant)].priority + c.shape.priority;
}

void Scheduler::set_level(int cls, int level) {
  ClassState& c = classes_[static_cast<std::size_t>(cls)];
  if (c.level == level) return;
  std::erase(levels_[c.level], cls);
  c.level = level;
  levels_[level].push_back(cls);
}

void Scheduler::enqueue(const JobState& j) {
  Fifo& fifo = classes_[static_cast<std::size_t>(j.cls)].fifo;
  const int slot = slot_of(j);
  fifo.emplace_hint(fifo.end(), Key{j.arrival, j.id}, slot);  // arrivals come in order: O(1) at the end
  ++pending_count_;
}

void Scheduler::dequeue(const JobState& j) {
  Fifo& fifo = classes_[static_cast<std::size_t>(j.cls)].fifo;
  const Key key{j.arrival, j.id};
  if (!fifo.empty() && fifo.begin()->first == key) {
    fifo.erase(fifo.begin());
    --pending_count_;
  } else if (fifo.erase(key)) {
    --pending_count_;
  }
}

bool Scheduler::before(const JobState& a, const JobState& b) const {
  if (options_.algorithm != Algorithm::FifoFirstFit) {
    if (a.priority != b.priority) return a.priority > b.priority;
    if (options_.algorithm == Algorithm::Sovereign && tenant_milli_[a.tenant] != tenant_milli_[b.tenant]) {
      return tenant_milli_[a.tenant] < tenant_milli_[b.tenant];
    }
  }
  if (a.arrival != b.arrival) return a.arrival < b.arrival;
  return a.id < b.id;
}

void Scheduler::add_priority(int pool, int priority, int delta) {
  auto& list = running_priorities_[static_cast<std::size_t>(pool)];
  auto it = std::lower_bound(list.begin(), list.end(), std::pair{priority, INT_MIN});
  if (it == list.end() || it->first != priority) it = list.insert(it, {priority, 0});
  it->second += delta;
  if (it->second == 0) list.erase(it);
}

int Scheduler::lowest_priority(int pool) const {
  const auto& list = running_priorities_[static_cast<std::size_t>(pool)];
  return list.empty() ? INT_MAX : list.front().first;
}

void Scheduler::unbind(JobState& j) {
  cluster_.release(j.shares);
  tenant_milli_[j.tenant] -= j.milli;
  if (j.imported) {
    imported_milli_ -= j.milli;
    tenant_imported_milli_[j.tenant] -= j.milli;
  }
  freed_ = true;
  ++releases_;
  add_priority(j.pool, j.priority, -1);
  Ends& ends = ends_by_pool_[static_cast<std::size_t>(j.pool)];
  const auto end = ends.find(j.expected_end);
  SUANLI_ASSERT(end != ends.end());
  end->second.devices -= j.devices;
  if (--end->second.jobs == 0) ends.erase(end);
  auto& list = running_by_pool_[j.pool];
  const int last = list.back();
  list[j.pool_slot] = last;
  slots_[static_cast<std::size_t>(last)].pool_slot = j.pool_slot;
  list.pop_back();
  j.running = false;
  j.shares.clear();
  j.pool = j.pool_slot = -1;
  j.devices = j.milli = 0;
  --running_count_;
}

// --- options --------------------------------------------------------------------

GapAnalysis Scheduler::gap_of(const ClassState& c) {
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
  return policy_.analyse_gap(c.shape, models, capabilities_);
}

namespace {

// Whether the job may run on `a` as far as its own request goes
// (JobClass::accelerators; empty = anywhere).
bool asked_for(const JobClass& shape, const Accelerator& a) {
  return shape.accelerators.empty() ||
         std::find(shape.accelerators.begin(), shape.accelerators.end(), a.id) != shape.accelerators.end();
}

}  // namespace

void Scheduler::prepare(ClassState& c) {
  if (c.options_version == fleet_version_) return;
  c.options.clear();
  const auto& pools = cluster_.pools();
  const bool sovereign = options_.algorithm == Algorithm::Sovereign;
  std::optional<GapAnalysis> gap;  // only imported models need it
  std::vector<Verdict> denied;
  for (std::size_t p = 0; p < pools.size(); ++p) {
    const Pool& pool = pools[p];
    if (pool.alive_nodes == 0 || !asked_for(c.shape, *pool.accelerator)) continue;
    const Capability& cap = capabilities_.get(c.shape, *pool.accelerator);
    if (!cap.feasible || cap.devices > pool.total_devices) continue;
    Option o;
    o.pool = static_cast<int>(p);
    o.cap = &cap;
    o.imported = pool.accelerator->origin == Origin::Imported;
    if (o.imported && !gap) gap = gap_of(c);
    o.verdict = policy_.judge_rules(tenants_[c.tenant], *pool.accelerator, o.imported ? *gap : GapAnalysis{});
    if (sovereign && !o.verdict.allowed) {
      denied.push_back(o.verdict);
      continue;
    }
    c.options.push_back(std::move(o));
  }
  for (Option& o : c.options) {
    std::vector<Verdict> placed{o.verdict};
    placed.insert(placed.end(), denied.begin(), denied.end());
    o.placed = std::move(placed);
  }
  c.denied = std::move(denied);
  c.options_version = fleet_version_;
}

Seconds Scheduler::runtime_on(const JobState& j, const Capability& cap) const {
  const JobClass& s = shape(j);
  if (s.kind == JobKind::Serve) return std::max<Seconds>(1, j.duration);
  return runtime(s, cap, j.remaining);
}

void Scheduler::rank(const JobState& j, const ClassState& c, std::vector<Ranked>& out) const {
  out.clear();
  for (std::size_t k = 0; k < c.options.size(); ++k) {
    out.push_back({static_cast<int>(k), runtime_on(j, *c.options[k].cap)});
  }
  if (options_.algorithm == Algorithm::FifoFirstFit) return;  // fleet order
  const auto& pools = cluster_.pools();
  auto energy = [&](const Ranked& r) {
    const Option& o = c.options[static_cast<std::size_t>(r.option)];
    const Figure& tdp = pools[o.pool].accelerator->tdp_w;
    return tdp.known() ? tdp.value * o.cap->device_units() * static_cast<double>(r.runtime) : 1e300;
  };
  // suanli's self-restraint: domestic first where it meets the SLO; then the
  // fastest, then the least energy (fastest-first: those two only).
  const bool sovereign = options_.algorithm == Algorithm::Sovereign;
  auto better = [&](const Ranked& a, const Ranked& b) {
    const bool ia = c.options[static_cast<std::size_t>(a.option)].imported;
    const bool ib = c.options[static_cast<std::size_t>(b.option)].imported;
    if (sovereign && ia != ib) return !ia;
    if (a.runtime != b.runtime) return a.runtime < b.runtime;
    return energy(a) < energy(b);
  };
  // Insertion sort: stable, and the lists are a few models long.
  for (std::size_t i = 1; i < out.size(); ++i) {
    for (std::size_t k = i; k > 0 && better(out[k], out[k - 1]); --k) std::swap(out[k], out[k - 1]);
  }
}

Reason Scheduler::infeasible(ClassState& c) {
  using K = ReasonPart::Kind;
  SUANLI_ASSERT(c.options.empty());
  Reason why{.code = c.denied.empty() ? Reason::Code::NothingCanRun : Reason::Code::NothingAllowed};
  for (const Pool& p : cluster_.pools()) {
    if (p.alive_nodes == 0 || !asked_for(c.shape, *p.accelerator)) continue;
    const Capability& cap = capabilities_.get(c.shape, *p.accelerator);
    if (!cap.feasible) {
      why.parts.push_back(cap.not_ported ? ReasonPart{.kind = K::CannotRun, .accelerator = p.accelerator->id,
                                                      .rule = rule::kPortedStack, .text = p.accelerator->stack}
                                         : ReasonPart{.kind = K::CannotRun, .accelerator = p.accelerator->id, .text = cap.why});
    } else if (cap.devices > p.total_devices) {
      why.parts.push_back(
          {.kind = K::TooFew, .accelerator = p.accelerator->id, .devices = cap.devices, .count = p.total_devices});
    }
  }
  if (c.denied.empty() && why.parts.empty()) {
    if (!c.shape.accelerators.empty()) return Reason{.code = Reason::Code::NotInService, .asked = c.shape.accelerators};
    return Reason{.code = Reason::Code::NoAccelerators};
  }
  for (const Verdict& v : c.denied) why.parts.push_back({.kind = K::Denied, .accelerator = v.accelerator, .rule = v.rule});
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

void Scheduler::place(JobState& j, const Option& o, Seconds runtime, NodeShares shares, Seconds now,
                      std::vector<Decision>& out) {
  cluster_.bind(shares);
  const Accelerator& a = *cluster_.pools()[o.pool].accelerator;
  const std::int64_t milli = o.cap->milli_units();
  const bool capped = o.verdict.allowed && o.imported && cap_denies(j, milli);  // a baseline's violation
  j.running = true;
  j.pool = o.pool;
  j.pool_slot = static_cast<int>(running_by_pool_[o.pool].size());
  running_by_pool_[o.pool].push_back(slot_of(j));
  add_priority(o.pool, j.priority, +1);
  dequeue(j);
  if (reservation_.job == j.id) reservation_ = Reservation{};
  j.devices = o.cap->milli > 0 ? 0 : o.cap->devices;
  j.milli = static_cast<int>(milli);
  j.shares = shares;
  j.started = now;
  j.rate = shape(j).kind == JobKind::Serve ? 1.0 : o.cap->tokens_per_s;
  j.expected_end = now + runtime;
  Ending& ending = ends_by_pool_[static_cast<std::size_t>(o.pool)][j.expected_end];
  ++ending.jobs;
  ending.devices += j.devices;
  j.imported = o.imported;
  j.violation = capped || !o.verdict.allowed;
  ++j.epoch;
  j.why.reset();
  j.wait_key = 0;
  tenant_milli_[j.tenant] += j.milli;
  if (j.imported) {
    imported_milli_ += j.milli;
    tenant_imported_milli_[j.tenant] += j.milli;
  }
  ++running_count_;

  Decision d;
  d.kind = Decision::Kind::Place;
  d.job = j.id;
  d.at = now;
  d.accelerator = a.id;
  d.nodes = std::move(shares);
  d.tokens_per_s = o.cap->tokens_per_s;
  d.expected_runtime = runtime;
  d.epoch = j.epoch;
  d.violation = j.violation;
  d.reason = Reason{.code = Reason::Code::Placed, .milli = o.cap->milli};
  if (capped) {
    const VerdictList& denied = classes_[static_cast<std::size_t>(j.cls)].denied;
    std::vector<Verdict> verdicts{cap_verdict(j, a, milli)};
    verdicts.insert(verdicts.end(), denied.begin(), denied.end());
    d.verdicts = std::move(verdicts);
  } else {
    d.verdicts = o.placed;
  }
  out.push_back(std::move(d));
}

bool Scheduler::try_preempt(JobState& j, Seconds now, std::vector<Decision>& out) {
  const auto& nodes = cluster_.nodes();
  const ClassState& c = classes_[static_cast<std::size_t>(j.cls)];
  auto victim = [&](const JobState& r) { return r.priority < j.priority && shape(r).preemptible && !r.pinned; };
  for (const Ranked& ranked : ranked_) {
    const Option& o = c.options[static_cast<std::size_t>(ranked.option)];
    if (o.cap->milli > 0) continue;  // fractions wait for a share rather than preempt
    const int need = o.cap->devices;
    const Pool& pool = cluster_.pools()[o.pool];
    if (need > pool.devices_per_node) continue;  // single-node jobs only: clearing whole nodes is too disruptive
    if (quota_denies(j, o.cap->milli_units()) || (o.imported && cap_denies(j, o.cap->milli_units()))) continue;
    if (lowest_priority(o.pool) >= j.priority) continue;
    // Per node of the pool: devices held by lower-priority preemptible jobs.
    reclaim_.clear();
    for (int slot : running_by_pool_[o.pool]) {
      const JobState& r = slots_[static_cast<std::size_t>(slot)];
      if (!victim(r)) continue;
      for (const NodeShare& s : r.shares) {
        if (!s.fractional()) reclaim_.emplace_back(s.node, s.devices);
      }
    }
    std::sort(reclaim_.begin(), reclaim_.end());
    int best = -1, best_cost = 1 << 30;
    for (std::size_t k = 0; k < reclaim_.size();) {
      const int node = reclaim_[k].first;
      int devices = 0;
      for (; k < reclaim_.size() && reclaim_[k].first == node; ++k) devices += reclaim_[k].second;
      if (nodes[node].free + devices < need) continue;
      // Cheapest: fewest devices preempted; ties to the lowest node index (deterministic).
      const int cost = need - nodes[node].free;
      if (cost < best_cost) {
        best = node;
        best_cost = cost;
      }
    }
    if (best < 0) continue;
    // Preempt on that node, lowest priority and latest start first, until it fits.
    std::vector<std::int64_t> victims;
    for (int slot : running_by_pool_[o.pool]) {
      const JobState& r = slots_[static_cast<std::size_t>(slot)];
      if (!victim(r)) continue;
      for (const NodeShare& s : r.shares) {
        if (s.node == best && !s.fractional()) {  // a fraction's device is not whole-free when it leaves
          victims.push_back(r.id);
          break;
        }
      }
    }
    std::sort(victims.begin(), victims.end(), [&](std::int64_t a, std::int64_t b) {
      const JobState& x = at(a);
      const JobState& y = at(b);
      if (x.priority != y.priority) return x.priority < y.priority;
      if (x.started != y.started) return x.started > y.started;
      return a < b;
    });
    for (std::int64_t v : victims) {
      if (nodes[best].free >= need) break;
      JobState& r = at(v);
      stop(r, now, {.code = Reason::Code::Preempted, .job = j.id, .priority = j.priority, .other = r.priority}, out);
    }
    place(j, o, ranked.runtime, {{best, need}}, now, out);
    return true;
  }
  return false;
}

void Scheduler::defer(JobState& j, Seconds now, std::uint64_t key, std::vector<Decision>& out) {
  if (key == j.wait_key) return;  // say it once, when the reason changes
  j.wait_key = key;
  using K = ReasonPart::Kind;
  const ClassState& c = classes_[static_cast<std::size_t>(j.cls)];
  Reason why{.code = Reason::Code::Waits};
  for (const auto& [k, code] : blocked_) {
    const Option& o = c.options[static_cast<std::size_t>(ranked_[static_cast<std::size_t>(k)].option)];
    const std::string& a = cluster_.pools()[o.pool].accelerator->id;
    if (code == kBusy) {
      why.parts.push_back({.kind = K::Busy, .accelerator = a, .devices = o.cap->devices, .milli = o.cap->milli,
                           .mem_mib = o.cap->mem_mib});
    } else if (code == kQuota) {
      why.parts.push_back({.kind = K::Quota, .accelerator = a, .count = tenants_[j.tenant].quota_devices});
    } else {
      why.parts.push_back({.kind = K::Capped, .accelerator = a});
    }
  }
  for (const Verdict& v : c.denied) why.parts.push_back({.kind = K::Denied, .accelerator = v.accelerator, .rule = v.rule});
  j.why = std::make_shared<const Reason>(why);
  Decision d;
  d.kind = Decision::Kind::Defer;
  d.job = j.id;
  d.at = now;
  d.verdicts = wait_verdicts(j, why);
  d.reason = std::move(why);
  out.push_back(std::move(d));
}

void Scheduler::tell(JobState& j, const JobState& head, Seconds now, std::vector<Decision>& out) {
  if (head.wait_key == j.wait_key) return;
  j.wait_key = head.wait_key;
  j.why = head.why;
  Decision d;
  d.kind = Decision::Kind::Defer;
  d.job = j.id;
  d.at = now;
  d.reason = *head.why;
  d.verdicts = wait_verdicts(j, *head.why);
  out.push_back(std::move(d));
}

VerdictList Scheduler::wait_verdicts(const JobState& j, const Reason& why) const {
  const ClassState& c = classes_[static_cast<std::size_t>(j.cls)];
  const bool capped = std::any_of(why.parts.begin(), why.parts.end(),
                                  [](const ReasonPart& p) { return p.kind == ReasonPart::Kind::Capped; });
  if (!capped) return c.denied;
  std::vector<Verdict> out;
  for (const ReasonPart& p : why.parts) {
    if (p.kind != ReasonPart::Kind::Capped) continue;
    for (const Option& o : c.options) {
      const Accelerator& a = *cluster_.pools()[o.pool].accelerator;
      if (a.id != p.accelerator) continue;
      out.push_back(cap_verdict(j, a, o.cap->milli_units()));
      break;
    }
  }
  out.insert(out.end(), c.denied.begin(), c.denied.end());
  return out;
}

Scheduler::Outcome Scheduler::examine(JobState& j, Seconds now, std::vector<Decision>& out) {
  const bool sovereign = options_.algorithm == Algorithm::Sovereign;
  const bool backfill = sovereign && options_.backfill;
  ClassState& c = classes_[static_cast<std::size_t>(j.cls)];
  prepare(c);
  rank(j, c, ranked_);
  blocked_.clear();
  bool by_reservation = false;  // room was there, but kept for the reservation
  for (std::size_t k = 0; k < ranked_.size(); ++k) {
    const Option& o = c.options[static_cast<std::size_t>(ranked_[k].option)];
    const Seconds runtime = ranked_[k].runtime;
    const int need = o.cap->devices;
    auto block = [&](int why) { blocked_.emplace_back(static_cast<int>(k), why); };
    if (quota_denies(j, o.cap->milli_units())) {
      block(kQuota);
      continue;
    }
    if (sovereign && o.imported && cap_denies(j, o.cap->milli_units())) {
      block(kCap);
      continue;
    }
    const bool reserved = backfill && o.pool == reservation_.pool && reservation_.job != j.id;
    const bool ends_before = now + runtime <= reservation_.shadow;
    const bool kept_back = reserved && !ends_before;
    if (o.cap->milli > 0) {
      // A fraction: best fit onto a shared device; opening a whole-free one
      // counts against a reservation like a one-device job.
      const auto fit = cluster_.find_fraction(o.pool, o.cap->milli, o.cap->mem_mib);
      if (!fit || (fit->opens && kept_back && reservation_.extra < 1)) {
        by_reservation = by_reservation || fit.has_value();
        block(kBusy);
        continue;
      }
      if (fit->opens && kept_back) reservation_.extra -= 1;
      place(j, o, runtime, {fit->share}, now, out);
      return Outcome::Started;
    }
    if (cluster_.pools()[o.pool].free_devices < need) {
      block(kBusy);
      continue;
    }
    if (kept_back && need > reservation_.extra) {
      by_reservation = true;
      block(kBusy);
      continue;
    }
    NodeShares shares = cluster_.find(o.pool, need);
    if (shares.empty()) {
      block(kBusy);
      continue;
    }
    if (kept_back) reservation_.extra -= need;
    place(j, o, runtime, std::move(shares), now, out);
    return Outcome::Started;
  }
  if (sovereign && options_.preemption) {
    const bool worth = std::any_of(ranked_.begin(), ranked_.end(), [&](const Ranked& r) {
      const Option& o = c.options[static_cast<std::size_t>(r.option)];
      return o.cap->milli == 0 && lowest_priority(o.pool) < j.priority;
    });
    if (worth && try_preempt(j, now, out)) return Outcome::Started;
  }
  // It waits: say why (a Defer only when the reason changes).
  std::uint64_t key = kFnvBasis;
  for (const auto& [k, code] : blocked_) {
    mix(key, static_cast<std::uint64_t>(c.options[static_cast<std::size_t>(ranked_[static_cast<std::size_t>(k)].option)].pool * 4 + code));
  }
  defer(j, now, key, out);
  if (backfill && reservation_.pool < 0 && !ranked_.empty()) {
    const Option& first = c.options[static_cast<std::size_t>(ranked_.front().option)];
    if (first.cap->milli == 0) reserve(j, first, now);
  }
  return by_reservation ? Outcome::Waits : Outcome::Blocked;
}

// Reserves the job's preferred pool: when will enough devices be free?
void Scheduler::reserve(const JobState& j, const Option& o, Seconds now) {
  // The pool's running jobs by expected end, kept in order as they start and
  // stop: O(distinct end times read) here, however many run. At the shadow
  // time every job that ends then has ended: `extra` counts all their devices.
  int free = cluster_.pools()[o.pool].free_devices;
  reservation_ = Reservation{j.id, o.pool, now, 0};
  const Ends& ends = ends_by_pool_[static_cast<std::size_t>(o.pool)];
  for (auto it = ends.begin(); free < o.cap->devices && it != ends.end(); ++it) {
    free += it->second.devices;
    reservation_.shadow = it->first;
  }
  reservation_.extra = std::max(0, free - o.cap->devices);
}

// --- passes -------------------------------------------------------------------------

void Scheduler::pass(Seconds now, std::vector<Decision>& out) {
  // A pass's decisions are many on a long queue: size the list once, from
  // the last pass, rather than grow it (each growth moves every Decision).
  out.reserve(out.size() + last_pass_decisions_);
  const std::size_t before = out.size();
  walk(now, out);
  last_pass_decisions_ = out.size() - before;
}

void Scheduler::walk(Seconds now, std::vector<Decision>& out) {
  // Nothing can start that could not start at the last pass unless devices
  // were freed (or the fleet changed): then only the new arrivals are examined.
  if (!freed_ && options_.algorithm != Algorithm::FifoFirstFit) {
    arrivals_pass(now, out);
    return;
  }
  freed_ = false;
  fresh_ids_.swap(arrivals_);
  arrivals_.clear();
  reservation_ = Reservation{};
  ++passes_;
  walk_group_seq_ = 0;
  walk_stop_.reset();
  int failures = 0;
  for (const auto& [level, classes] : levels_) {
    if (pending_count_ == 0 || !walk_level(level, classes, now, failures, out)) break;
  }
  // New arrivals that the walk passed without examining them (their class
  // blocked at an earlier job) learn why they wait from that job.
  for (std::int64_t id : fresh_ids_) {
    const int slot = index_.find(id);
    if (slot < 0) continue;
    JobState& j = slots_[static_cast<std::size_t>(slot)];
    const ClassState& c = classes_[static_cast<std::size_t>(j.cls)];
    if (j.running || j.why || c.blocked_pass != passes_) continue;
    const bool passed = !walk_stop_ || c.blocked_group < walk_group_seq_ || Key{j.arrival, j.id} < *walk_stop_;
    if (!passed) continue;
    if (const JobState* head = job(c.blocked_by); head && !head->running && head->why) {
      tell(j, *head, now, out);
    }
  }
}

void Scheduler::arrivals_pass(Seconds now, std::vector<Decision>& out) {
  fresh_.clear();
  for (std::int64_t id : arrivals_) {
    const int slot = index_.find(id);
    if (slot >= 0 && !slots_[static_cast<std::size_t>(slot)].running) fresh_.push_back(&slots_[static_cast<std::size_t>(slot)]);
  }
  arrivals_.clear();
  std::sort(fresh_.begin(), fresh_.end(), [&](const JobState* a, const JobState* b) { return before(*a, *b); });
  for (JobState* j : fresh_) examine(*j, now, out);
}

bool Scheduler::walk_level(int level, const std::vector<int>& classes, Seconds now, int& failures,
                           std::vector<Decision>& out) {
  const bool sovereign = options_.algorithm == Algorithm::Sovereign;
  // Tenants with pending jobs at this level, by devices in use (suanli: fair
  // share, ties by index); the other algorithms merge all tenants as one.
  auto group_of = [&](int tenant) { return sovereign ? tenant : 0; };
  walk_tenants_.clear();
  for (int k : classes) {
    const ClassState& c = classes_[static_cast<std::size_t>(k)];
    if (!c.fifo.empty()) walk_tenants_.push_back(group_of(c.tenant));
  }
  std::sort(walk_tenants_.begin(), walk_tenants_.end());
  walk_tenants_.erase(std::unique(walk_tenants_.begin(), walk_tenants_.end()), walk_tenants_.end());
  auto use = [&](int t) { return sovereign ? tenant_milli_[static_cast<std::size_t>(t)] : std::int64_t{0}; };
  std::stable_sort(walk_tenants_.begin(), walk_tenants_.end(), [&](int a, int b) { return use(a) < use(b); });
  const std::vector<int>& tenants = walk_tenants_;
  for (std::size_t g = 0; g < tenants.size();) {
    // A group: the next tenants with equal use, as it stands now.
    std::size_t h = g;
    while (h < tenants.size() && use(tenants[h]) == use(tenants[g])) ++h;
    walk_classes_.clear();
    for (int k : classes) {
      const ClassState& c = classes_[static_cast<std::size_t>(k)];
      const int t = group_of(c.tenant);
      if (!c.fifo.empty() && std::find(tenants.begin() + static_cast<std::ptrdiff_t>(g),
                                       tenants.begin() + static_cast<std::ptrdiff_t>(h), t) !=
                                 tenants.begin() + static_cast<std::ptrdiff_t>(h)) {
        walk_classes_.push_back(k);
      }
    }
    if (!walk_group(walk_classes_, level, now, failures, out)) return false;
    ++walk_group_seq_;
    g = h;
  }
  return true;
}

bool Scheduler::walk_group(const std::vector<int>& classes, int level, Seconds now, int& failures,
                           std::vector<Decision>& out) {
  // K-way merge of the classes' queues by (arrival, id). A head advances
  // before its job is examined, so placing it (erasing it) is safe.
  auto later = [](const Head& a, const Head& b) { return a.at->first > b.at->first; };
  heads_.clear();
  walk_out_.clear();
  for (int k : classes) heads_.push_back({classes_[static_cast<std::size_t>(k)].fifo.begin(), k});
  std::make_heap(heads_.begin(), heads_.end(), later);
  auto push = [&](Fifo::const_iterator it, int k) {
    if (it == classes_[static_cast<std::size_t>(k)].fifo.end()) return;
    heads_.push_back({it, k});
    std::push_heap(heads_.begin(), heads_.end(), later);
  };
  const bool fifo = options_.algorithm == Algorithm::FifoFirstFit;
  while (!heads_.empty()) {
    std::pop_heap(heads_.begin(), heads_.end(), later);
    const Head head = heads_.back();
    heads_.pop_back();
    const Key key = head.at->first;
    if (failures >= options_.max_examined || must_stop(level)) {
      walk_stop_ = key;
      return false;
    }
    const std::uint64_t releases = releases_;
    const Outcome outcome = examine(slots_[static_cast<std::size_t>(head.at->second)], now, out);
    if (outcome == Outcome::Blocked) {
      walk_out_.push_back(head.cls);  // the rest of its class cannot start either
      ClassState& c = classes_[static_cast<std::size_t>(head.cls)];
      c.blocked_pass = passes_;
      c.blocked_by = key.second;
      c.blocked_group = walk_group_seq_;
    } else {
      push(std::next(head.at), head.cls);
    }
    if (outcome != Outcome::Started) {
      ++failures;
      if (fifo) {  // strict FIFO: the head blocks the queue
        walk_stop_ = key;
        return false;
      }
    }
    if (releases_ != releases) {
      // Devices were freed: the classes that left come back after this job.
      for (int k : walk_out_) push(classes_[static_cast<std::size_t>(k)].fifo.upper_bound(key), k);
      walk_out_.clear();
    }
  }
  return true;
}

bool Scheduler::must_stop(int level) const {
  if (cluster_.free_devices() > 0 || cluster_.shared_with_room() > 0) return false;
  if (options_.algorithm != Algorithm::Sovereign || !options_.preemption) return true;
  for (std::size_t p = 0; p < running_priorities_.size(); ++p) {
    if (lowest_priority(static_cast<int>(p)) < level) return false;
  }
  return true;
}

}  // namespace suanli

#include "suanli/live/live_state.h"

#include <algorithm>

#include <fmt/format.h>

#include "suanli/i18n/catalogue.h"
#include "suanli/i18n/terms.h"
#include "suanli/model/error.h"
#include "suanli/policy/reason_text.h"

namespace suanli::live {

// --- names -----------------------------------------------------------------------

namespace {

constexpr Command::Kind kCommandKinds[] = {
    Command::Kind::Submit,    Command::Kind::Cancel,    Command::Kind::Started,    Command::Kind::Finished,
    Command::Kind::Failed,    Command::Kind::NodesJoin, Command::Kind::NodeDrain,  Command::Kind::NodeFail,
    Command::Kind::NodeResume, Command::Kind::Export,   Command::Kind::TenantSet,  Command::Kind::Timer,
    Command::Kind::Link};

constexpr JobStatus kStatuses[] = {JobStatus::Pending,  JobStatus::Placed,    JobStatus::Running, JobStatus::Finished,
                                   JobStatus::Failed,   JobStatus::Cancelled, JobStatus::Rejected};

}  // namespace

std::string_view name(Command::Kind k) {
  switch (k) {
    case Command::Kind::Submit: return "submit";
    case Command::Kind::Cancel: return "cancel";
    case Command::Kind::Started: return "started";
    case Command::Kind::Finished: return "finished";
    case Command::Kind::Failed: return "failed";
    case Command::Kind::NodesJoin: return "nodes-join";
    case Command::Kind::NodeDrain: return "node-drain";
    case Command::Kind::NodeFail: return "node-fail";
    case Command::Kind::NodeResume: return "node-resume";
    case Command::Kind::Export: return "export";
    case Command::Kind::TenantSet: return "tenant-set";
    case Command::Kind::Timer: return "timer";
    case Command::Kind::Link: return "link";
  }
  return "timer";
}

std::optional<Command::Kind> parse_command_kind(std::string_view text) {
  for (Command::Kind k : kCommandKinds) {
    if (name(k) == text) return k;
  }
  return std::nullopt;
}

std::string_view name(JobStatus s) {
  switch (s) {
    case JobStatus::Pending: return "pending";
    case JobStatus::Placed: return "placed";
    case JobStatus::Running: return "running";
    case JobStatus::Finished: return "finished";
    case JobStatus::Failed: return "failed";
    case JobStatus::Cancelled: return "cancelled";
    case JobStatus::Rejected: return "rejected";
  }
  return "pending";
}

std::optional<JobStatus> parse_job_status(std::string_view text) {
  for (JobStatus s : kStatuses) {
    if (name(s) == text) return s;
  }
  return std::nullopt;
}

bool terminal(JobStatus s) {
  return s == JobStatus::Finished || s == JobStatus::Failed || s == JobStatus::Cancelled || s == JobStatus::Rejected;
}

std::string_view name(NodeStatus s) {
  switch (s) {
    case NodeStatus::Up: return "up";
    case NodeStatus::Drained: return "drained";
    case NodeStatus::Failed: return "failed";
    case NodeStatus::Lost: return "lost";
    case NodeStatus::Retired: return "retired";
  }
  return "up";
}

std::optional<double> Usage::share_devices() const {
  const double all = device_hours_domestic + device_hours_imported;
  if (all <= 0) return std::nullopt;
  return device_hours_domestic / all;
}

std::optional<double> Usage::share_compute() const {
  const double all = compute_domestic + compute_imported;
  if (all <= 0) return std::nullopt;
  return compute_domestic / all;
}

// --- applying commands -------------------------------------------------------------

LiveState::LiveState(const Catalog& catalog, PolicySpec policy, SchedulerOptions options)
    : catalog_(&catalog), sched_(catalog, std::move(policy), {}, options) {}

Applied LiveState::apply(const Command& c, Seconds now) {
  SUANLI_ASSERT(now >= now_);
  validate(c);
  Applied out;
  if (c.kind == Command::Kind::Submit && !c.external_id.empty()) {
    if (const JobRecord* r = job_by_key(c.shape.tenant, c.external_id)) {
      out.job = r->id;
      out.duplicate = true;
      return out;
    }
  }
  now_ = now;
  if (first_ < 0) first_ = now;
  ++commands_;
  counters_.commands[std::string(name(c.kind))] += 1;
  switch (c.kind) {
    case Command::Kind::Submit: submit(c, now, out); break;
    case Command::Kind::Cancel: end_job(c, JobStatus::Cancelled, now, out); break;
    case Command::Kind::Started: {
      JobRecord& r = jobs_.at(c.job);
      r.status = JobStatus::Running;
      r.started_at = now;
      break;
    }
    case Command::Kind::Finished: end_job(c, JobStatus::Finished, now, out); break;
    case Command::Kind::Failed: end_job(c, JobStatus::Failed, now, out); break;
    case Command::Kind::NodesJoin: {
      Event e;
      e.kind = Event::Kind::NodesJoin;
      e.group = c.group;
      groups_.push_back(c.group);
      run(e, now, out);
      nodes_.resize(sched_.cluster().nodes().size(), NodeRecord{.since = now});
      break;
    }
    case Command::Kind::NodeDrain:
      node_down({sched_.cluster().node_named(c.node)},
                {.status = NodeStatus::Drained, .why = NodeRecord::Why::Operator, .note = c.note}, now, out);
      break;
    case Command::Kind::NodeFail:
      node_down({sched_.cluster().node_named(c.node)},
                {.status = NodeStatus::Failed, .why = NodeRecord::Why::Operator, .note = c.note}, now, out);
      break;
    case Command::Kind::NodeResume: node_up({sched_.cluster().node_named(c.node)}, now); break;
    case Command::Kind::Export: export_event(c, now, out); break;
    case Command::Kind::TenantSet: {
      Event e;
      e.kind = Event::Kind::TenantSet;
      e.tenant = c.tenant;
      run(e, now, out);
      break;
    }
    case Command::Kind::Timer: fire_timers(now, out); break;
    case Command::Kind::Link: jobs_.at(c.job).runner = c.note; break;
  }
  run(Event{}, now, out);  // one scheduling pass after every command
  note_capacity(now);
  return out;
}

void LiveState::validate(const Command& c) const {
  switch (c.kind) {
    case Command::Kind::Submit:
      if (tenant_index(c.shape.tenant) < 0) throw InputError("tenant", "unknown tenant '" + c.shape.tenant + "'");
      catalog_->model(c.shape.model, "model");
      break;
    case Command::Kind::Cancel: active_job(c, false); break;
    case Command::Kind::Started:
    case Command::Kind::Finished:
    case Command::Kind::Failed: active_job(c, true); break;
    case Command::Kind::NodesJoin: {
      if (c.group.id.empty()) throw InputError("id", "found an empty node group id, expected a name");
      if (std::any_of(groups_.begin(), groups_.end(), [&](const NodeGroup& g) { return g.id == c.group.id; })) {
        throw Refused(Refused::Code::Conflict, "node group '" + c.group.id + "' exists already");
      }
      catalog_->accelerator(c.group.accelerator, "accelerator");
      if (c.group.count < 1) throw InputError("count", fmt::format("found {}, expected at least 1 node", c.group.count));
      if (c.group.devices_per_node < 1 || c.group.devices_per_node > 64) {
        throw InputError("devices_per_node", fmt::format("found {}, expected 1..64", c.group.devices_per_node));
      }
      break;
    }
    case Command::Kind::NodeDrain:
    case Command::Kind::NodeFail:
    case Command::Kind::NodeResume: {
      const int index = sched_.cluster().node_named(c.node);
      if (index < 0) throw Refused(Refused::Code::NotFound, "no node named '" + c.node + "'");
      const NodeRecord& n = nodes_[static_cast<std::size_t>(index)];
      if (c.kind == Command::Kind::NodeResume) {
        if (n.status == NodeStatus::Up) throw Refused(Refused::Code::Conflict, "node " + c.node + " is up already");
        if (n.status == NodeStatus::Lost || n.status == NodeStatus::Retired) {
          throw Refused(Refused::Code::Conflict, fmt::format("node {} is {} by an export-policy event ({}); a "
                                                            "'restored' event brings it back",
                                                            c.node, name(n.status), n.reason()));
        }
      } else if (n.status != NodeStatus::Up && !(c.kind == Command::Kind::NodeFail && n.status == NodeStatus::Drained)) {
        throw Refused(Refused::Code::Conflict, fmt::format("node {} is {} already", c.node, name(n.status)));
      }
      break;
    }
    case Command::Kind::Export:
      if (c.accelerators.empty()) throw InputError("accelerators", "found none, expected at least one accelerator id");
      for (const std::string& a : c.accelerators) catalog_->accelerator(a, "accelerators");
      if (c.grace < 0) throw InputError("grace", "found a negative grace period");
      break;
    case Command::Kind::TenantSet:
      if (c.tenant.name.empty()) throw InputError("name", "found an empty tenant name");
      if (c.tenant.quota_devices < 0) throw InputError("quota_devices", "found a negative quota");
      if (c.tenant.domestic_target < 0 || c.tenant.domestic_target > 1) {
        throw InputError("domestic_target", fmt::format("found {}, expected 0..1", c.tenant.domestic_target));
      }
      break;
    case Command::Kind::Timer: break;
    case Command::Kind::Link:
      if (!job(c.job)) throw Refused(Refused::Code::NotFound, fmt::format("no job {}", c.job));
      if (c.note.empty() || c.note.size() > 200) throw InputError("note", "found an empty or over-long runner id, expected 1..200 characters");
      break;
  }
}

const JobRecord& LiveState::active_job(const Command& c, bool need_placement) const {
  const JobRecord* r = job(c.job);
  if (!r) throw Refused(Refused::Code::NotFound, fmt::format("no job {}", c.job));
  if (terminal(r->status)) {
    throw Refused(Refused::Code::Conflict, fmt::format("job {} is {} already", c.job, name(r->status)));
  }
  if (!need_placement) return *r;
  if (r->status == JobStatus::Pending) {
    throw Refused(Refused::Code::Conflict, fmt::format("job {} is pending: no placement to report on", c.job));
  }
  if (c.epoch != r->epoch) {
    throw Refused(Refused::Code::Conflict,
                  fmt::format("job {}: epoch {} is not its current placement (epoch {})", c.job, c.epoch, r->epoch));
  }
  if (c.kind == Command::Kind::Started && r->status == JobStatus::Running) {
    throw Refused(Refused::Code::Conflict, fmt::format("job {} epoch {} was reported started already", c.job, c.epoch));
  }
  return *r;
}

void LiveState::submit(const Command& c, Seconds now, Applied& out) {
  JobRecord r;
  r.id = next_job_++;
  r.tenant = c.shape.tenant;
  r.class_name = c.class_name;
  r.external_id = c.external_id;
  r.shape = c.shape;
  r.submitted = now;
  r.last.reason.code = Reason::Code::Queued;
  if (!c.external_id.empty()) by_key_[{r.tenant, r.external_id}] = r.id;
  out.job = r.id;
  Event e;
  e.kind = Event::Kind::JobArrival;
  e.job.id = r.id;
  e.job.shape = c.shape;
  e.job.arrival = now;
  e.node = c.node;  // a bridge's bind: placed there now or rejected
  jobs_.emplace(r.id, std::move(r));
  run(e, now, out);
}

void LiveState::end_job(const Command& c, JobStatus status, Seconds now, Applied& out) {
  JobRecord& r = jobs_.at(c.job);
  Event e;
  if (status == JobStatus::Cancelled) {
    e.kind = Event::Kind::JobCancel;
    e.job_id = c.job;
  } else {
    e.kind = Event::Kind::JobFinish;
    e.job_id = c.job;
    e.epoch = r.epoch;
  }
  close_interval(c.job, now);
  run(e, now, out);
  r.status = status;
  r.ended = now;
  r.shares.clear();
  r.nodes.clear();
  r.devices = 0;
  using C = Reason::Code;
  r.last.kind = Decision::Kind::Defer;  // rendered as the reason alone
  r.last.reason = Reason{.code = status == JobStatus::Finished ? C::Finished
                                 : status == JobStatus::Failed ? C::Failed
                                                               : C::Cancelled,
                         .text = status == JobStatus::Finished ? "" : c.note};
}

// The nodes of accelerator `acc` whose status is one of `statuses`.
std::vector<int> LiveState::nodes_of(const std::string& acc, std::initializer_list<NodeStatus> statuses) const {
  std::vector<int> out;
  const auto& nodes = sched_.cluster().nodes();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (sched_.cluster().pools()[static_cast<std::size_t>(nodes[i].pool)].accelerator->id != acc) continue;
    if (std::find(statuses.begin(), statuses.end(), nodes_[i].status) != statuses.end()) out.push_back(static_cast<int>(i));
  }
  return out;
}

void LiveState::export_event(const Command& c, Seconds now, Applied& out) {
  ExportRecord rec{now, c.effect, c.accelerators, c.grace, c.note, 0};
  // The models' nodes leave (or return) together, in one scheduler event.
  std::vector<int> down, up;
  for (const std::string& id : c.accelerators) {
    const std::string acc = catalog_->accelerator(id).id;
    if (c.effect == SupplyEffect::Restored) {
      cut_.erase(acc);
      std::erase_if(retirements_, [&](const auto& due) { return due.second == acc; });
      const auto back = nodes_of(acc, {NodeStatus::Lost, NodeStatus::Retired});
      up.insert(up.end(), back.begin(), back.end());
      continue;
    }
    cut_.emplace(acc, now);
    const bool now_out = c.effect == SupplyEffect::ImmediateLoss || (c.effect == SupplyEffect::NoSupport && c.grace == 0);
    if (c.effect == SupplyEffect::NoSupport && c.grace > 0) retirements_.emplace(now + c.grace, acc);
    if (!now_out) continue;
    const auto gone = nodes_of(acc, {NodeStatus::Up, NodeStatus::Drained});
    down.insert(down.end(), gone.begin(), gone.end());
  }
  const NodeStatus status = c.effect == SupplyEffect::ImmediateLoss ? NodeStatus::Lost : NodeStatus::Retired;
  node_down(down,
            {.status = status, .why = NodeRecord::Why::SupplyCut, .note = c.note, .models = c.accelerators,
             .effect = c.effect},
            now, out);
  node_up(up, now);
  rec.nodes_affected = static_cast<int>(down.size() + up.size());
  exports_.push_back(std::move(rec));
}

void LiveState::fire_timers(Seconds now, Applied& out) {
  while (!retirements_.empty() && retirements_.begin()->first <= now) {
    const Seconds due = retirements_.begin()->first;
    // Everything due at this time retires together.
    std::vector<int> gone;
    std::vector<std::string> models;
    while (!retirements_.empty() && retirements_.begin()->first == due) {
      models.push_back(retirements_.begin()->second);
      retirements_.erase(retirements_.begin());
    }
    ExportRecord* rec = nullptr;  // the no-support event that set the retirement, for its label and count
    for (auto it = exports_.rbegin(); it != exports_.rend() && !rec; ++it) {
      if (it->effect == SupplyEffect::NoSupport && it->at + it->grace == due) rec = &*it;
    }
    for (const std::string& acc : models) {
      const auto nodes = nodes_of(acc, {NodeStatus::Up, NodeStatus::Drained});
      gone.insert(gone.end(), nodes.begin(), nodes.end());
    }
    node_down(gone,
              {.status = NodeStatus::Retired, .why = NodeRecord::Why::SupportEnded, .note = rec ? rec->label : "",
               .models = models},
              now, out);
    if (rec) rec->nodes_affected += static_cast<int>(gone.size());
  }
}

std::optional<Seconds> LiveState::next_due() const {
  if (retirements_.empty()) return std::nullopt;
  return retirements_.begin()->first;
}

std::string NodeRecord::reason(i18n::Lang lang) const {
  using i18n::arg;
  const std::string list = fmt::format("{}", fmt::join(models, ","));
  switch (why) {
    case Why::Joined: return i18n::tr(lang, "reason.node_joined");
    case Why::Resumed: return i18n::tr(lang, "reason.node_resumed");
    case Why::Operator: break;
    case Why::SupplyCut:
      if (note.empty()) {
        return i18n::tr(lang, "reason.node_supply_cut", arg("effect", i18n::effect_name(name(effect), lang)),
                        arg("models", list));
      }
      break;
    case Why::SupportEnded:
      return note.empty() ? i18n::tr(lang, "reason.node_support_ended", arg("models", list))
                          : i18n::tr(lang, "reason.node_retired", arg("label", note));
  }
  return note;
}

void LiveState::node_down(const std::vector<int>& indices, const NodeRecord& why, Seconds now, Applied& out) {
  if (indices.empty()) return;
  Event e;
  e.kind = Event::Kind::NodeDown;
  for (int i : indices) e.nodes.push_back(sched_.cluster().nodes()[static_cast<std::size_t>(i)].name);
  e.drain = why.status == NodeStatus::Drained;
  e.label = why.reason(i18n::Lang::En);  // the decisions it causes quote it, in the log's language
  run(e, now, out);
  NodeRecord rec = why;
  rec.since = now;
  for (int i : indices) nodes_[static_cast<std::size_t>(i)] = rec;
}

void LiveState::node_up(const std::vector<int>& indices, Seconds now) {
  if (indices.empty()) return;
  Event e;
  e.kind = Event::Kind::NodeUp;
  for (int i : indices) e.nodes.push_back(sched_.cluster().nodes()[static_cast<std::size_t>(i)].name);
  sched_.on(e, now);  // no decisions: the pass after the command places work there
  for (int i : indices) nodes_[static_cast<std::size_t>(i)] = NodeRecord{.why = NodeRecord::Why::Resumed, .since = now};
}

void LiveState::run(const Event& e, Seconds now, Applied& out) {
  std::vector<Decision> ds = sched_.on(e, now);
  for (Decision& d : ds) {
    absorb(d);
    out.decisions.push_back(std::move(d));
  }
}

// --- the read model -------------------------------------------------------------------

void LiveState::absorb(const Decision& d) {
  auto it = jobs_.find(d.job);
  SUANLI_ASSERT(it != jobs_.end());
  JobRecord& r = it->second;
  counters_.decisions[{r.tenant, std::string(name(d.kind))}] += 1;
  for (const Verdict& v : d.verdicts) {
    if (!v.allowed && !v.rule.empty()) counters_.denials[{r.tenant, std::string(v.rule)}] += 1;
  }
  r.last = d;
  r.last.nodes.clear();  // kept in r.shares
  switch (d.kind) {
    case Decision::Kind::Place: {
      counters_.placements[{r.tenant, d.accelerator}] += 1;
      r.status = JobStatus::Placed;
      r.placed_at = d.at;
      r.started_at = -1;
      if (r.first_start < 0) r.first_start = d.at;
      r.epoch = d.epoch;
      r.accelerator = d.accelerator;
      r.shares = d.nodes;
      r.nodes.clear();
      r.devices = 0;
      for (const NodeShare& s : d.nodes) {
        r.nodes.push_back(sched_.cluster().nodes()[static_cast<std::size_t>(s.node)].name);
        r.devices += s.device_units();
      }
      r.tokens_per_s = d.tokens_per_s;
      r.expected_end = d.at + d.expected_runtime;
      r.imported = catalog_->accelerator(d.accelerator).origin == Origin::Imported;
      r.placements += 1;
      open_interval(r, d);
      break;
    }
    case Decision::Kind::Preempt:
      close_interval(d.job, d.at);
      r.status = JobStatus::Pending;
      r.preemptions += 1;
      r.shares.clear();
      r.nodes.clear();
      r.devices = 0;
      break;
    case Decision::Kind::Reject:
      r.status = JobStatus::Rejected;
      r.ended = d.at;
      break;
    case Decision::Kind::Defer: break;
  }
}

void LiveState::open_interval(JobRecord& r, const Decision& d) {
  const Accelerator& a = catalog_->accelerator(d.accelerator);
  Interval iv;
  iv.tenant = tenant_index(r.tenant);
  iv.imported = a.origin == Origin::Imported;
  iv.devices = r.devices;
  iv.tflops = a.bf16_tflops.known() ? a.bf16_tflops.value : 0.0;
  iv.start = d.at;
  open_[r.id] = intervals_.size();
  intervals_.push_back(iv);
}

void LiveState::close_interval(std::int64_t job, Seconds now) {
  auto it = open_.find(job);
  if (it == open_.end()) return;
  intervals_[it->second].end = now;
  open_.erase(it);
}

void LiveState::note_capacity(Seconds now) {
  int devices = 0, imported = 0;
  for (const Pool& p : sched_.cluster().pools()) {
    devices += p.total_devices;
    if (p.accelerator->origin == Origin::Imported) imported += p.total_devices;
  }
  if (!capacity_.empty() && capacity_.back().devices == devices && capacity_.back().imported == imported) return;
  if (!capacity_.empty() && capacity_.back().at == now) {
    capacity_.back() = Capacity{now, devices, imported};
  } else {
    capacity_.push_back(Capacity{now, devices, imported});
  }
}

// --- reads -------------------------------------------------------------------------------

int LiveState::tenant_index(std::string_view name) const {
  const auto& ts = sched_.tenants();
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (ts[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

const Tenant* LiveState::tenant(std::string_view name) const {
  const int i = tenant_index(name);
  return i < 0 ? nullptr : &sched_.tenants()[static_cast<std::size_t>(i)];
}

const JobRecord* LiveState::job(std::int64_t id) const {
  auto it = jobs_.find(id);
  return it == jobs_.end() ? nullptr : &it->second;
}

std::string LiveState::reason(const JobRecord& r, i18n::Lang lang) const { return render(r.last, policy(), lang); }

const JobRecord* LiveState::job_by_key(const std::string& tenant, const std::string& external_id) const {
  auto it = by_key_.find({tenant, external_id});
  return it == by_key_.end() ? nullptr : job(it->second);
}

std::vector<const JobRecord*> LiveState::jobs(const JobFilter& f, std::int64_t* next) const {
  std::vector<const JobRecord*> out;
  if (next) *next = 0;
  auto it = f.before > 0 ? jobs_.lower_bound(f.before) : jobs_.end();
  while (it != jobs_.begin()) {
    --it;
    const JobRecord& r = it->second;
    if (!f.tenant.empty() && r.tenant != f.tenant) continue;
    if (!f.statuses.empty() && std::find(f.statuses.begin(), f.statuses.end(), r.status) == f.statuses.end()) continue;
    if (!f.class_name.empty() && r.class_name != f.class_name) continue;
    if (static_cast<int>(out.size()) == f.limit) {
      if (next) *next = out.back()->id;
      break;
    }
    out.push_back(&r);
  }
  return out;
}

std::vector<NodeGroup> LiveState::fleet_now() const {
  std::vector<NodeGroup> out = groups_;
  for (NodeGroup& g : out) g.count = 0;
  const auto& nodes = sched_.cluster().nodes();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (nodes_[i].status == NodeStatus::Up) out[static_cast<std::size_t>(nodes[i].group)].count += 1;
  }
  std::erase_if(out, [](const NodeGroup& g) { return g.count == 0; });
  return out;
}

std::vector<std::vector<std::int64_t>> LiveState::jobs_by_node() const {
  std::vector<std::vector<std::int64_t>> out(sched_.cluster().nodes().size());
  sched_.for_each_job([&](const JobState& j) {
    if (!j.running) return;
    for (const NodeShare& s : j.shares) out[static_cast<std::size_t>(s.node)].push_back(j.id);
  });
  for (auto& ids : out) std::sort(ids.begin(), ids.end());
  return out;
}

Usage LiveState::usage(std::string_view tenant, Seconds from, Seconds to, Seconds now) const {
  Usage u;
  const int t = tenant.empty() ? -1 : tenant_index(tenant);
  if (!tenant.empty() && t < 0) return u;
  for (const Interval& iv : intervals_) {
    if (t >= 0 && iv.tenant != t) continue;
    const Seconds s = std::max(iv.start, from);
    const Seconds e = std::min(iv.end >= 0 ? iv.end : now, to);
    if (e <= s) continue;
    const double hours = static_cast<double>(e - s) / kHour * iv.devices;
    (iv.imported ? u.device_hours_imported : u.device_hours_domestic) += hours;
    (iv.imported ? u.compute_imported : u.compute_domestic) += hours * iv.tflops / 1000.0;
  }
  return u;
}

double LiveState::imported_capacity_share(Seconds from, Seconds to, Seconds now) const {
  to = std::min(to, now);
  double capacity = 0;
  for (std::size_t i = 0; i < capacity_.size(); ++i) {
    const Seconds s = std::max(capacity_[i].at, from);
    const Seconds e = std::min(i + 1 < capacity_.size() ? capacity_[i + 1].at : to, to);
    if (e > s) capacity += static_cast<double>(e - s) / kHour * capacity_[i].devices;
  }
  if (capacity <= 0) return 0;
  return usage("", from, to, now).device_hours_imported / capacity;
}

bool LiveState::of_tenant(const JobState& j, std::string_view tenant) const {
  return tenant.empty() || sched_.tenants()[static_cast<std::size_t>(j.tenant)].name == tenant;
}

double LiveState::imported_in_use(std::string_view tenant) const {
  std::int64_t milli = 0;
  sched_.for_each_job([&](const JobState& j) {
    if (j.running && j.imported && of_tenant(j, tenant)) milli += j.milli;
  });
  return static_cast<double>(milli) / 1000.0;
}

double LiveState::devices_in_use(std::string_view tenant) const {
  std::int64_t milli = 0;
  sched_.for_each_job([&](const JobState& j) {
    if (j.running && of_tenant(j, tenant)) milli += j.milli;
  });
  return static_cast<double>(milli) / 1000.0;
}

int LiveState::pending_of(std::string_view tenant) const {
  int n = 0;
  sched_.for_each_job([&](const JobState& j) { n += !j.running && of_tenant(j, tenant) ? 1 : 0; });
  return n;
}

}  // namespace suanli::live

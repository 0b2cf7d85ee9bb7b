#include "suanli/bridge/slurm/reconcile.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace suanli::bridge::slurm {
namespace {

using live::Command;
using live::JobStatus;
using live::NodeStatus;

bool one_of(const std::string& s, std::initializer_list<std::string_view> states) {
  return std::find(states.begin(), states.end(), s) != states.end();
}

bool same_nodes(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

bool starts_with(const std::string& s, std::string_view prefix) { return s.rfind(prefix, 0) == 0; }

Command command(Command::Kind kind, std::int64_t job, int epoch, std::string note, const ReconcileOptions& o) {
  Command c;
  c.kind = kind;
  c.job = job;
  c.epoch = epoch;
  c.note = std::move(note);
  c.actor = o.actor;
  return c;
}

Command node_command(Command::Kind kind, const std::string& node, std::string note, const ReconcileOptions& o) {
  Command c;
  c.kind = kind;
  c.node = node;
  c.note = std::move(note);
  c.actor = o.actor;
  return c;
}

SlurmAction act(SlurmAction::Kind kind, std::int64_t job, std::string node, std::string reason) {
  SlurmAction a;
  a.kind = kind;
  a.job = job;
  a.node = std::move(node);
  a.reason = std::move(reason);
  return a;
}

std::string where(const SlurmJob& j) {
  return j.nodes.empty() ? std::string() : fmt::format(" on {}", fmt::join(j.nodes, ","));
}

void reconcile_job(const SlurmJob& j, const SuanliJob& s, const ReconcileOptions& o, Plan& plan,
                   std::vector<SlurmAction>& holds, std::vector<SlurmAction>& places) {
  const bool pending = slurm_pending(j.state), running = slurm_running(j.state), ended = slurm_ended(j.state);
  const std::string tag = fmt::format("slurm job {}", j.id);
  if (s.runner != fmt::format("slurm:{}", j.id)) {
    plan.commands.push_back(command(Command::Kind::Link, s.id, 0, fmt::format("slurm:{}", j.id), o));
  }
  if (live::terminal(s.status)) {
    if (pending || running) {
      holds.push_back(act(SlurmAction::Kind::Cancel, j.id, "",
                       fmt::format("suanli job {} is {}: {}", s.id, live::name(s.status), s.reason)));
    }
    return;
  }
  if (s.status == JobStatus::Pending) {
    if (running) {
      holds.push_back(act(SlurmAction::Kind::RequeueHold, j.id, "",
                       fmt::format("suanli job {} has no placement now: {}", s.id, s.reason)));
    } else if (pending && (!j.held || j.reason == "JobHeldUser")) {
      // Held by suanli's own (admin) hold, which users cannot release.
      holds.push_back(act(SlurmAction::Kind::Hold, j.id, "", fmt::format("suanli job {} waits: {}", s.id, s.reason)));
    } else if (ended) {
      plan.commands.push_back(command(Command::Kind::Cancel, s.id, 0,
                                      fmt::format("{} ended in Slurm ({}) while suanli had not placed it", tag, j.state),
                                      o));
    }
    return;
  }
  // Placed or running in suanli.
  const Placement& p = s.placement;
  const bool this_run = j.start > 0 && same_nodes(j.nodes, p.nodes) && j.start >= s.placed_at - 1;
  if (pending) {
    if (j.held) {
      SlurmAction a = act(SlurmAction::Kind::Place, j.id, "",
                          fmt::format("suanli job {} epoch {} placed on {} ({})", s.id, s.epoch,
                                      fmt::join(p.nodes, ","), p.accelerator));
      a.placement = p;
      a.current_gres = j.tres_per_node;
      places.push_back(std::move(a));
    } else if (!same_nodes(j.required, p.nodes)) {
      holds.push_back(act(SlurmAction::Kind::Hold, j.id, "",
                       fmt::format("suanli job {} is placed on {}, not {}", s.id, fmt::join(p.nodes, ","),
                                   fmt::join(j.required, ","))));
    }
    return;
  }
  if (running) {
    if (!this_run) {
      holds.push_back(act(SlurmAction::Kind::RequeueHold, j.id, "",
                       fmt::format("suanli job {} epoch {} is placed on {}; this run is not that placement", s.id,
                                   s.epoch, fmt::join(p.nodes, ","))));
    } else if (s.status == JobStatus::Placed) {
      plan.commands.push_back(command(Command::Kind::Started, s.id, s.epoch, tag + " running" + where(j), o));
    }
    return;
  }
  if (!ended) return;
  if (j.state == "CANCELLED") {
    plan.commands.push_back(command(Command::Kind::Cancel, s.id, 0, tag + " cancelled in Slurm" + where(j), o));
    return;
  }
  if (!this_run) {
    // It ended without ever running on this placement (a launch failure,
    // or a run that belongs to an earlier placement).
    plan.commands.push_back(command(Command::Kind::Failed, s.id, s.epoch,
                                    fmt::format("{} {} (exit {}) without running on its placement", tag, j.state,
                                                j.exit_code),
                                    o));
    return;
  }
  if (s.status == JobStatus::Placed) {
    plan.commands.push_back(command(Command::Kind::Started, s.id, s.epoch, tag + " ran" + where(j), o));
  }
  if (j.state == "COMPLETED") {
    plan.commands.push_back(command(Command::Kind::Finished, s.id, s.epoch, tag + " completed" + where(j), o));
  } else {
    plan.commands.push_back(command(Command::Kind::Failed, s.id, s.epoch,
                                    fmt::format("{} {} (exit {}){}", tag, j.state, j.exit_code, where(j)), o));
  }
}

void reconcile_node(const SlurmNode& sn, const SuanliNode& n, const ReconcileOptions& o, Plan& plan,
                    std::vector<SlurmAction>& drains, std::vector<SlurmAction>& resumes) {
  const bool out = sn.drain || sn.down;
  const bool ours = starts_with(sn.reason, "suanli:");
  if (n.status == NodeStatus::Up) {
    if (!out) return;
    if (ours) {
      resumes.push_back(act(SlurmAction::Kind::Resume, 0, n.name, "suanli: up"));
    } else if (sn.down) {
      plan.commands.push_back(node_command(Command::Kind::NodeFail, n.name,
                                           fmt::format("slurm: {}{}", sn.state, sn.reason.empty() ? "" : ": " + sn.reason), o));
    } else {
      plan.commands.push_back(node_command(Command::Kind::NodeDrain, n.name,
                                           fmt::format("slurm: drained{}", sn.reason.empty() ? "" : ": " + sn.reason), o));
    }
    return;
  }
  if (starts_with(n.reason, "slurm:")) {
    // Taken out in Slurm and told to suanli: back when Slurm brings it back.
    if (!out && (n.status == NodeStatus::Drained || n.status == NodeStatus::Failed)) {
      plan.commands.push_back(node_command(Command::Kind::NodeResume, n.name, "slurm: resumed", o));
    } else if (n.status == NodeStatus::Drained && sn.down) {
      plan.commands.push_back(node_command(Command::Kind::NodeFail, n.name, fmt::format("slurm: {}", sn.state), o));
    }
    return;
  }
  if (!sn.drain) {
    // suanli took it out (an operator, or an export event): Slurm follows.
    std::string reason = fmt::format("suanli: {}: {}", live::name(n.status), n.reason);
    if (reason.size() > 200) reason.resize(200);
    drains.push_back(act(SlurmAction::Kind::Drain, 0, n.name, reason));
  }
}

}  // namespace

bool slurm_pending(const std::string& s) {
  return one_of(s, {"PENDING", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESV_DEL_HOLD", "SPECIAL_EXIT"});
}
bool slurm_running(const std::string& s) {
  return one_of(s, {"RUNNING", "CONFIGURING", "COMPLETING", "SUSPENDED", "STOPPED", "SIGNALING", "STAGE_OUT",
                    "RESIZING"});
}
bool slurm_ended(const std::string& s) {
  return one_of(s, {"COMPLETED", "FAILED", "CANCELLED", "TIMEOUT", "NODE_FAIL", "PREEMPTED", "BOOT_FAIL", "DEADLINE",
                    "OUT_OF_MEMORY"});
}

std::string Placement::gres() const { return fmt::format("gpu:{}", per_node > 0 ? per_node : total); }

Placement placement_of(const live::JobRecord& r, const Catalog& catalog) {
  Placement p;
  p.accelerator = r.accelerator;
  p.nodes = r.nodes;
  int first = -1;
  bool uniform = true;
  for (const NodeShare& s : r.shares) {
    const int d = s.fractional() ? 1 : s.devices;
    p.total += d;
    if (first < 0) first = d;
    uniform = uniform && d == first;
  }
  p.per_node = uniform ? std::max(first, 0) : 0;
  if (const Accelerator* a = catalog.find_accelerator(r.accelerator)) {
    p.partition = a->origin == Origin::Domestic ? "domestic" : "imported";
  }
  return p;
}

SuanliView suanli_view(const live::LiveState& state, const std::vector<std::int64_t>& linked, Seconds now) {
  SuanliView v;
  v.now = now;
  const std::set<std::int64_t> wanted(linked.begin(), linked.end());
  for (const auto& [id, r] : state.all_jobs()) {
    const bool from_slurm = r.external_id.rfind("slurm:", 0) == 0;
    if (!(from_slurm && !live::terminal(r.status)) && !wanted.count(id)) continue;
    SuanliJob j;
    j.id = id;
    j.status = r.status;
    j.epoch = r.epoch;
    if (r.status == JobStatus::Placed || r.status == JobStatus::Running) j.placement = placement_of(r, state.catalog());
    j.placed_at = r.placed_at;
    j.submitted = r.submitted;
    j.from_slurm = from_slurm;
    j.runner = r.runner;
    j.reason = state.reason(r);
    v.jobs.emplace(id, std::move(j));
  }
  const auto& nodes = state.scheduler().cluster().nodes();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const live::NodeRecord& n = state.node(static_cast<int>(i));
    v.nodes.push_back({nodes[i].name, n.status, n.reason()});
  }
  return v;
}

std::string_view name(SlurmAction::Kind k) {
  switch (k) {
    case SlurmAction::Kind::Place: return "place";
    case SlurmAction::Kind::Hold: return "hold";
    case SlurmAction::Kind::RequeueHold: return "requeue-hold";
    case SlurmAction::Kind::Cancel: return "cancel";
    case SlurmAction::Kind::Drain: return "drain";
    case SlurmAction::Kind::Resume: return "resume";
  }
  return "hold";
}

Plan reconcile(const SlurmSnapshot& slurm, const SuanliView& suanli, const ReconcileOptions& o) {
  Plan plan;
  std::vector<SlurmAction> drains, holds, resumes, places;
  // Nodes first: a drain must be in place before a displaced job is requeued.
  std::map<std::string, const SlurmNode*> slurm_nodes;
  for (const SlurmNode& n : slurm.nodes) slurm_nodes[n.name] = &n;
  for (const SuanliNode& n : suanli.nodes) {
    auto it = slurm_nodes.find(n.name);
    if (it != slurm_nodes.end()) reconcile_node(*it->second, n, o, plan, drains, resumes);
  }
  // Jobs: each suanli job follows its newest linked Slurm job.
  std::map<std::int64_t, const SlurmJob*> by_suanli;
  for (const SlurmJob& j : slurm.jobs) {
    if (j.suanli_job <= 0) continue;
    const SlurmJob*& owner = by_suanli[j.suanli_job];
    if (!owner || owner->id < j.id) owner = &j;
  }
  for (const auto& [sid, j] : by_suanli) {
    auto it = suanli.jobs.find(sid);
    if (it != suanli.jobs.end()) reconcile_job(*j, it->second, o, plan, holds, places);
  }
  for (const auto& [sid, s] : suanli.jobs) {
    if (!s.from_slurm || live::terminal(s.status) || by_suanli.count(sid)) continue;
    if (suanli.now - s.submitted < o.orphan_grace) continue;
    plan.commands.push_back(command(Command::Kind::Cancel, sid, 0,
                                    "no Slurm job carries this admission (the submission did not complete after "
                                    "suanli admitted it, or Slurm forgot the job)",
                                    o));
  }
  for (auto* group : {&drains, &holds, &resumes, &places}) {
    plan.actions.insert(plan.actions.end(), group->begin(), group->end());
  }
  return plan;
}

}  // namespace suanli::bridge::slurm

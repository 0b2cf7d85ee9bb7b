// Reconciliation: what the Slurm bridge does each round, as data
// (DESIGN.md section 9; STYLE.md 5: decisions as data, applied by the caller).
//
// suanli decides (admission, the accelerator model, the nodes, when a job
// runs, when it must stop); Slurm runs the work. The bridge compares what
// Slurm shows (SlurmSnapshot: squeue and sinfo) with what suanli's log says
// (SuanliView, read from the live state) and plans
//   commands to suanli: the link itself (a Link command, "slurm:<id>", the
//     first time a Slurm job carries a suanli job: the log then joins every
//     decision about the job to its Slurm job id); what happened in Slurm (a linked job started,
//     completed, failed or was cancelled there; a node an operator drained,
//     set down or resumed in Slurm), each with the Slurm job id in its note;
//   actions on Slurm: what suanli decided (release a held job onto the nodes
//     suanli placed it on; requeue and hold a job suanli displaced or
//     preempted; cancel one suanli ended; drain a node an export event or an
//     operator took out, with the reason; resume one suanli brought back).
// It is level-triggered: every round compares the whole state, so a missed
// round, a restart of either side or an action that failed is made good by
// the next one, and nothing needs remembering between rounds. The link is
// the job's admin comment ("suanli:job=N"), which Slurm keeps and users
// cannot change.
//
// The rules keep suanli's record equal to what Slurm runs: a Slurm job runs
// only where suanli placed it (required nodes and typed GRES), a run counts
// as a placement's only if it is on that placement's nodes and started no
// earlier than the placement, and anything running where suanli has no
// placement is requeued and held. So the imported cap, checked by suanli at
// every placement, holds on what Slurm actually runs.
//
// Pure: no I/O, no clock (`now` is in the view). Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/live/command.h"
#include "suanli/live/live_state.h"
#include "suanli/model/time.h"

namespace suanli::bridge::slurm {

// --- what Slurm shows -------------------------------------------------------------------
struct SlurmJob {
  std::int64_t id = 0;
  std::string state;                  // PENDING, RUNNING, COMPLETED, FAILED, CANCELLED, TIMEOUT, NODE_FAIL, ...
  std::string reason;                 // Slurm's state reason
  bool held = false;                  // priority 0 (a hold)
  std::vector<std::string> nodes;     // where it runs (or ran)
  std::vector<std::string> required;  // the nodes it must run on
  std::string tres_per_node;
  std::string account;
  std::string partition;
  std::string name;
  std::int64_t suanli_job = 0;        // from the admin comment; 0 = not linked
  int restarts = 0;
  Seconds start = 0;                  // of the last run (0: never started)
  Seconds end = 0;
  int exit_code = 0;
};

struct SlurmNode {
  std::string name;
  std::string state;                  // idle, allocated, mixed, down, drained, draining, unknown, ...
  bool drain = false;                 // drained or draining
  bool down = false;
  std::string reason;
  std::string gres;                   // "gpu:h200:8"
  std::string gres_used;
};

struct SlurmSnapshot {
  std::vector<SlurmJob> jobs;
  std::vector<SlurmNode> nodes;
};

// Job states as the bridge groups them.
bool slurm_pending(const std::string& state);
bool slurm_running(const std::string& state);
bool slurm_ended(const std::string& state);

// --- what suanli's log says ---------------------------------------------------------------
// Where suanli placed a job, in Slurm's terms.
struct Placement {
  std::string accelerator;            // the model (the nodes' GRES type)
  std::vector<std::string> nodes;
  int per_node = 0;                   // devices on each node; 0 when they differ (then `total` for the job)
  int total = 0;
  std::string partition;              // "domestic" or "imported"
  // The GPU request per node, untyped ("gpu:8"): the nodes fix the model.
  // (Slurm 22.05 cannot change a pending job's GRES type by an update, and a
  // displaced job may be placed again on another model; the allocation is
  // accounted by type all the same: gres/gpu:h200=8.)
  std::string gres() const;
};
Placement placement_of(const live::JobRecord& r, const Catalog& catalog);

struct SuanliJob {
  std::int64_t id = 0;
  live::JobStatus status = live::JobStatus::Pending;
  int epoch = 0;
  Placement placement;                // Placed, Running
  Seconds placed_at = -1;
  Seconds submitted = 0;
  bool from_slurm = false;            // admitted through the plugin (external id "slurm:...")
  std::string runner;                 // the Slurm job the log links it to ("slurm:42"), if any
  std::string reason;
};

struct SuanliNode {
  std::string name;
  live::NodeStatus status = live::NodeStatus::Up;
  std::string reason;
};

struct SuanliView {
  Seconds now = 0;
  std::map<std::int64_t, SuanliJob> jobs;  // jobs admitted through Slurm, and any job a Slurm job links to
  std::vector<SuanliNode> nodes;
};

// The jobs the bridge follows (from_slurm, or linked from `linked`) and every node.
SuanliView suanli_view(const live::LiveState& state, const std::vector<std::int64_t>& linked, Seconds now);

// --- the plan -------------------------------------------------------------------------------
struct SlurmAction {
  enum class Kind {
    Place,        // a held job: its nodes, node count, GPUs per node and partition set to the placement, then released
    Hold,         // a pending job suanli has not placed (or placed elsewhere): held
    RequeueHold,  // a running job suanli has no placement for here: requeued, held
    Cancel,       // a job suanli ended (cancelled, rejected)
    Drain,        // a node suanli took out (export event, drain, fail): drained with the reason
    Resume,       // a node suanli brought back
  };
  Kind kind = Kind::Hold;
  std::int64_t job = 0;   // Slurm job id
  std::string node;       // Drain, Resume
  Placement placement;    // Place
  std::string reason;
  std::string current_gres;  // Place: the job's GPU request now (tres_per_node)
};
std::string_view name(SlurmAction::Kind k);

struct ReconcileOptions {
  // A job admitted through the plugin whose Slurm job has not appeared after
  // this long is cancelled in suanli (sbatch failed after admission).
  Seconds orphan_grace = 15;
  std::string actor = "slurm-bridge";
};

struct Plan {
  std::vector<live::Command> commands;   // to suanli, in order
  std::vector<SlurmAction> actions;      // on Slurm, in order: drains, holds, requeues, cancels, resumes, places
  bool empty() const { return commands.empty() && actions.empty(); }
};

Plan reconcile(const SlurmSnapshot& slurm, const SuanliView& suanli, const ReconcileOptions& options = {});

}  // namespace suanli::bridge::slurm

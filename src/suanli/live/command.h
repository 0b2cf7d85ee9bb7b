// Commands: what the live half of suanli accepts from the outside (the REST
// API, the demo player, the Slurm and Kubernetes bridges), as plain data.
//
// A command is the unit of the service's event log (DESIGN.md section 9):
// each accepted command is stored with the time it was applied and the
// decisions it caused, and replaying the stored commands at their times
// rebuilds the live state exactly. A command therefore carries everything
// its effect depends on (a submitted job carries its whole shape, not a
// class name to look up again).
//
// Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "suanli/model/event.h"
#include "suanli/model/fleet.h"
#include "suanli/model/job.h"
#include "suanli/model/time.h"

namespace suanli::live {

struct Command {
  enum class Kind {
    Submit,      // shape (tenant inside), class_name, external_id; node: pinned (a bridge's bind, see sched/scheduler.h)
    Cancel,      // job
    Started,     // job, epoch: the runner started the placed work
    Finished,    // job, epoch: it ended well
    Failed,      // job, epoch, note: it ended badly (terminal; not requeued)
    NodesJoin,   // group: new nodes
    NodeDrain,   // node, note: no new work; running whole-device jobs finish
    NodeFail,    // node, note: out now; its jobs are displaced and requeued
    NodeResume,  // node: takes work again
    Export,      // accelerators, effect, grace, note (label)
    TenantSet,   // tenant: add one, or change its quota, target, sector, priority
    Timer,       // applies what has fallen due (e.g. the end of a no-support grace period)
    Link,        // job, note: the runner's own id for the job (a Slurm bridge's "slurm:42"); nothing else changes
  };
  Kind kind = Kind::Timer;
  JobClass shape;                 // Submit
  std::string class_name;         // Submit: the scenario class it was drawn from ("" for a custom job)
  std::string external_id;        // Submit: the client's key, unique per tenant (idempotent retries)
  std::int64_t job = 0;           // Cancel, Started, Finished, Failed, Link
  int epoch = 0;                  // Started, Finished, Failed: the placement it refers to
  std::string note;               // Failed: why; NodeDrain/NodeFail: reason; Export: label; Link: the runner's id
  NodeGroup group;                // NodesJoin
  std::string node;               // NodeDrain, NodeFail, NodeResume; Submit: the node an outside scheduler chose
  std::vector<std::string> accelerators;  // Export: catalog ids
  SupplyEffect effect = SupplyEffect::NoNewSupply;
  Seconds grace = 0;              // Export no-support: nodes retire after this long
  Tenant tenant;                  // TenantSet
  std::string actor;              // who sent it (a token id, "scenario", "demo"), for the audit
};

std::string_view name(Command::Kind k);
std::optional<Command::Kind> parse_command_kind(std::string_view text);

}  // namespace suanli::live

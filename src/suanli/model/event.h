// Events: things that happen at a time, fed to the scheduler.
//
// The scheduler's state is a pure function of the events it has seen, so a
// run can be replayed from its event log. Plain value types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "suanli/model/fleet.h"
#include "suanli/model/job.h"
#include "suanli/model/time.h"

namespace suanli {

// Export-policy effects on an accelerator model.
enum class SupplyEffect {
  NoNewSupply,    // undelivered purchases are cancelled; installed nodes stay
  NoSupport,      // installed nodes retire after a grace period
  ImmediateLoss,  // installed nodes leave now; running jobs are displaced
  Restored,       // supply resumes (e.g. a licence is granted)
};

std::string_view name(SupplyEffect e);

struct Event {
  enum class Kind {
    JobArrival,   // job; node: pinned there by an outside scheduler (placed now or rejected)
    JobFinish,    // job_id, epoch
    NodesJoin,    // group (new nodes)
    NodesLeave,   // group id + count (failure or retirement; running jobs displaced)
    Supply,       // accelerators + effect
    Tick,         // run a scheduling pass
    // The live half (a service or a cluster bridge) also sends:
    JobCancel,    // job_id: a pending job leaves the queue, a running one stops
    NodeDown,     // nodes (by name): drain (running whole-device jobs finish) or fail (all displaced)
    NodeUp,       // nodes (by name): drained or failed nodes take work again
    TenantSet,    // tenant: a new tenant, or new quota / target / sector / priority for one
  };
  Kind kind = Kind::Tick;
  Seconds at = 0;
  Job job;                   // JobArrival
  std::int64_t job_id = 0;   // JobFinish
  int epoch = 0;             // JobFinish: placement epoch it refers to
  NodeGroup group;           // NodesJoin; NodesLeave uses group.id and group.count
  std::vector<std::string> accelerators;  // Supply
  SupplyEffect effect = SupplyEffect::NoNewSupply;
  Seconds grace = 0;         // Supply NoSupport: retire after this long
  std::string label;         // e.g. "H200 licence revoked"; NodeDown: the reason
  std::vector<std::string> nodes;  // NodeDown, NodeUp: node names ("<group>-<n>"), all at once
  std::string node;          // a pinned JobArrival: the node it must run on ("<group>-<n>")
  bool drain = false;        // NodeDown: drain (true) or fail (false)
  Tenant tenant;             // TenantSet

  bool operator==(const Event&) const = default;
};

std::string_view name(Event::Kind k);

}  // namespace suanli

// What the policy says and what the scheduler decides, as data.
//
// A Decision carries its reason and the Verdicts that led to it as data
// (model/reason.h), so any placement, wait or rejection can be explained
// later, in words rendered when asked ("no domestic capacity free; imported
// denied by cii-domestic-only"). Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "suanli/model/reason.h"
#include "suanli/model/time.h"

namespace suanli {

// Devices taken on one node: `devices` whole devices, or (milli > 0) a
// fraction of the one shared device `device` of that node. Whole devices are
// counted, not named; device indices name shared devices only.
struct NodeShare {
  int node = 0;      // node index in the cluster state
  int devices = 0;   // whole devices taken on that node (0 for a fraction)
  int device = -1;   // fraction: index of the shared device on the node
  int milli = 0;     // fraction: milli-units of its compute (1..999)
  int mem_mib = 0;   // fraction: MiB of its memory
  bool operator==(const NodeShare&) const = default;

  bool fractional() const { return milli > 0; }
  // Devices held, a fraction counted as milli/1000 (device-hours, imported cap).
  double device_units() const { return milli > 0 ? milli / 1000.0 : devices; }
};

struct Decision {
  enum class Kind { Place, Preempt, Reject, Defer };
  Kind kind = Kind::Defer;
  std::int64_t job = 0;
  Seconds at = 0;
  std::string accelerator;          // Place: the model chosen; Preempt: where it ran
  std::vector<NodeShare> nodes;     // Place: the devices bound
  double tokens_per_s = 0;          // Place: modelled throughput of the job there
  Seconds expected_runtime = 0;     // Place: until completion at that throughput
  int epoch = 0;                    // Place: increments each time a job is (re)placed
  bool violation = false;           // Place by a baseline that the policy would deny
  Seconds kept = 0;                 // Preempt: time run whose progress is kept (up to the last checkpoint)
  Seconds elapsed = 0;              // Preempt: time run since the placement
  Reason reason;                    // why, as data: render() (policy/reason_text.h) says it in words
  VerdictList verdicts;             // per accelerator model considered (shared, immutable)

  bool operator==(const Decision& o) const {
    return kind == o.kind && job == o.job && at == o.at && accelerator == o.accelerator && nodes == o.nodes &&
           epoch == o.epoch && violation == o.violation && kept == o.kept && elapsed == o.elapsed &&
           reason == o.reason;
  }
};

std::string_view name(Decision::Kind k);

}  // namespace suanli

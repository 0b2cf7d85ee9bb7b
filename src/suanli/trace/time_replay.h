// Time mode of the openb replay: pods arrive at their creation_time and leave
// after their lifetime, on the cluster and with the policies of packing.h.
//
// Semantics (seconds from the trace start, integers throughout):
//  - Every pod of the engine's list arrives once, at creation_time; the list is
//    not resampled or shuffled. Pods without creation_time (the short layout of
//    the multigpu* files) cannot be time-replayed: the constructor throws
//    InputError.
//  - Lifetime = deletion_time - creation_time. A pod whose deletion_time is
//    missing or earlier than its creation_time has no lifetime and runs from
//    its start to the end of the replay (TimeResult::no_lifetime counts them;
//    the real openb lists have none: every row has a deletion_time >= its
//    creation_time). Phase is not used: the trace's Pending pods (never
//    scheduled in the real cluster, deleted after a median 94 s) are replayed
//    like the others, for their creation-to-deletion span.
//  - A pod that waited runs for its full lifetime from the moment it starts.
//  - Events are ordered by time; at one instant all departures come before all
//    arrivals; arrivals at one instant go in file order; departures by pod index.
//  - An arriving pod is tried at once (also while others wait, as
//    kube-scheduler does: no reservation for the queue head). One that fits no
//    node now joins a FIFO wait queue; one that cannot fit even the empty
//    cluster (more CPU, memory or GPUs than any allowed node has, or a gpu_spec
//    no node has) is a placement failure at once and never waits.
//  - After the departures of an instant, one retry pass visits the queue in
//    FIFO order and places each pod that fits now (policy's choice); the pass
//    stops after `lookahead` pods failed to fit (a bounded backfill: a big pod
//    at the head does not block smaller ones behind it, and a long queue costs
//    at most `lookahead` failed tries per instant). A pod whose shape already
//    failed in the pass counts as a failed try without being scored again
//    (the cluster only fills during a pass, so it would fail again).
//  - The replay ends at the trace's end: the latest creation or deletion time
//    in the list. Pods still waiting then are unplaced; pods still running
//    are placed. Waiting time = start - creation, over placed pods.
//  - Deterministic: a run depends only on (policy, seed); the seed drives only
//    tie-breaks and Random (one std::mt19937_64, placement.h).
//
// Allocation over time is sampled after each instant that had events; at most
// `max_points` points are kept (the horizon is cut into that many equal
// buckets and the last instant of each bucket is kept, with the peak
// allocation since the previous kept point). Peak and time-weighted mean
// allocation are exact over all instants.
//
// Policies: the six of packing.h (PackPolicy, run through their ReplayPolicy
// adapters), or any ReplayPolicy (placement.h; shared with pack mode). The seam
// for suanli's own scheduler (sched/, not a dependency of this module): a
// ReplayPolicy that keeps its cluster state in step through placed() and
// released() and answers choose() from it. That policy, "suanli", lives in
// trace_sched/suanli_policy.h (a module linking trace and sched, so neither
// depends on the other).
//
// Complexity: O(E log E) for the event heap (E <= 2 P events) plus, per
// placement try, the policy's cost (placement.h: O(N G) or FGD's cached
// probes); at most P arrival tries and `lookahead` failed retries per instant.
// Memory O(P + N G + max_points), plus O(N S) for FGD's cache (S pod shapes).
//
// TimeReplay is immutable after construction; run() is const and may be
// called from several threads at once (a ReplayPolicy object is not shared).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "suanli/trace/packing.h"
#include "suanli/trace/placement.h"

namespace suanli::trace {

struct TimeOptions {
  int lookahead = 64;      // failed tries per retry pass before it stops (>= 1)
  int max_points = 1000;   // allocation-over-time points kept per run (>= 2)
};

struct TimePoint {
  std::int64_t time = 0;   // seconds from the trace start
  double allocated = 0;    // GPU milli allocated / capacity, at `time`
  double peak = 0;         // the highest allocation since the previous point
  double fragmented = 0;   // sum_n F_n(M) / capacity, at `time`
  int running = 0, waiting = 0;
};

struct TimeResult {
  std::string policy;      // policy_name() or ReplayPolicy::name()
  std::uint64_t seed = 0;
  int pods = 0, placed = 0, failed = 0, unplaced = 0;
  int waited = 0;          // placed pods that started after their creation
  int no_lifetime = 0;     // pods run to the end (no valid deletion_time)
  std::int64_t capacity_milli = 0, peak_allocated_milli = 0, peak_time = 0;
  std::int64_t start_time = 0, end_time = 0;  // first arrival, end of the replay
  double mean_allocation = 0;                 // time-weighted over [start_time, end_time]
  // Waiting time of placed pods, seconds.
  double wait_mean = 0, wait_p50 = 0, wait_p95 = 0, wait_max = 0;
  std::vector<TimePoint> curve;
  std::vector<std::int32_t> node_of;    // per pod (file order): node, -1 if never placed
  std::vector<std::int64_t> start_of;   // per pod: start time, -1 if never placed

  double peak_allocation() const {
    return capacity_milli ? static_cast<double>(peak_allocated_milli) / static_cast<double>(capacity_milli) : 0;
  }
};

class TimeReplay {
 public:
  // Keeps a reference to `engine`, which must outlive this object. Throws
  // InputError if a pod has no creation_time or options are out of range.
  explicit TimeReplay(const PackingEngine& engine, TimeOptions options = {});

  TimeResult run(PackPolicy policy, std::uint64_t seed) const;  // via make_replay_policy
  TimeResult run(ReplayPolicy& policy, std::uint64_t seed) const;

  std::int64_t start_time() const { return start_; }
  std::int64_t end_time() const { return end_; }

 private:
  const PackingEngine& engine_;
  TimeOptions options_;
  std::vector<int> arrivals_;  // pod indices by (creation_time, index)
  std::int64_t start_ = 0, end_ = 0;
};

// Runs each (policy, seed) pair on up to `threads` threads (0 = hardware).
// Results are ordered by policy, then seed.
std::vector<TimeResult> run_all_time(const TimeReplay& replay, const std::vector<PackPolicy>& policies,
                                     const std::vector<std::uint64_t>& seeds, unsigned threads = 0);
std::vector<TimeResult> run_all_time(const TimeReplay& replay, const std::vector<ReplayPolicyFactory>& policies,
                                     const std::vector<std::uint64_t>& seeds, unsigned threads = 0);

}  // namespace suanli::trace

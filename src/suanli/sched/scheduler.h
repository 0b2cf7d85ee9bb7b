// Scheduler: one core that decides where each job runs, under the
// sovereignty policy, and says why (DESIGN.md section 3).
//
// An event-driven state machine: on(event, now) applies the event and returns
// the decisions it caused, as data. A Tick event runs a scheduling pass;
// callers send one after each batch of simultaneous events. The scheduler
// never reads a clock or a global RNG, so its state is a pure function of the
// events it has seen: the simulator (virtual time), the service (wall time)
// and a cluster bridge drive the same code, and a run replays exactly.
//
// Algorithms:
//   suanli         sovereignty-aware and heterogeneity-aware: policy enforced;
//                  among allowed accelerator models, domestic first where it
//                  meets the SLO, then the shortest modelled runtime, then
//                  energy; priority + per-tenant fair-share queue; EASY
//                  backfilling; preemption of lower-priority work.
//   fifo-firstfit  strict FIFO, first model in fleet order that can run the
//                  job; policy evaluated but not enforced.
//   fastest-first  priority order, the model with the shortest runtime;
//                  policy evaluated but not enforced.
// Baselines mark every placement the policy would deny as a violation.
//
// Feasible vs available: a job that no accelerator model present in the fleet
// can run (stack, memory, SLO, total devices), or that the load-independent
// rules deny everywhere, is rejected with every model's reason, at arrival
// or when nodes leave; one that could run but finds no room, or meets the
// imported cap or its tenant's quota, waits with the reason. The scheduler
// does not know the fleet's future, so nodes that join later do not keep a
// job waiting.
//
// Live operation (a service or a cluster bridge drives the same core):
// JobCancel removes a pending job or stops a running one; NodeDown takes
// nodes out of placement together (so that a job is judged against what is
// left after all of them, not after each), either failed (every job on it is displaced and
// requeued, as when nodes leave) or drained (whole-device jobs on it run to
// their end; fractions on it are displaced, since a shared device does not
// outlive its node's exit); NodeUp brings it back with the devices its
// remaining jobs still hold; TenantSet adds a tenant or changes one's quota,
// domestic target, sector (the rules are judged again) or priority (its
// queued and running jobs move to the new level).
//
// Pinned arrivals (a cluster bridge's bind: an outside scheduler such as
// kube-scheduler chose the node): a JobArrival whose Event::node names a node
// is placed on that node at once under the same rules (policy verdicts, the
// imported cap, the tenant's quota, the node's free devices), or rejected
// with the reason; it never waits in the queue. A pinned job is never
// preempted, and if its node leaves it is displaced and then rejected rather
// than requeued: the outside scheduler owns where it runs next.
//
// Fractional jobs (JobClass::share_milli > 0) take a share of one device
// through ClusterState::find_fraction (best fit onto shared devices) at the
// throughput Capability models for the share. The policy applies as to whole
// devices; the imported cap and tenant quotas count a share as milli/1000
// devices (devices in use are kept in milli-units). Fractional jobs neither
// preempt nor hold an EASY reservation (they wait for a share to free), and
// only whole-device victims are preempted for whole-device jobs. A node that
// leaves displaces the fractions on its shared devices like any other job.
//
// Cost of a pass: O(P log P) to order P pending jobs, then per examined job
// O(models x (domains x devices-per-node)) to find room; the pass stops
// early when no device is free and preemption is off.
//
// Thread-compatible: one thread drives one Scheduler.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/decision.h"
#include "suanli/model/event.h"
#include "suanli/model/fleet.h"
#include "suanli/model/policy_spec.h"
#include "suanli/policy/policy.h"
#include "suanli/sched/cluster_state.h"

namespace suanli {

enum class Algorithm { Sovereign, FifoFirstFit, FastestFirst };

std::string_view name(Algorithm a);
std::optional<Algorithm> parse_algorithm(std::string_view text);

struct SchedulerOptions {
  Algorithm algorithm = Algorithm::Sovereign;
  bool preemption = true;             // suanli only
  bool backfill = true;               // suanli only (EASY)
  Seconds checkpoint_interval = kHour;  // work since the last checkpoint is lost on preemption
  // Pending jobs examined per full pass (like Slurm's bf_max_job_test, whose
  // default is 500): bounds a pass on a long queue.
  int max_examined = 500;
};

// One accelerator pool a job could run on, with what the static rules say.
struct Option {
  int pool = -1;
  const Capability* cap = nullptr;  // owned by the scheduler's capability cache
  Seconds runtime = 0;              // for the job's remaining work there
  bool imported = false;
  Verdict verdict;                  // cii-domestic-only / gap-only (the load-dependent cap is checked at placement)
};

// A job the scheduler knows about, as the outside may inspect it.
struct JobState {
  Job job;
  int tenant = 0;               // index into tenants()
  int priority = 0;
  double remaining = 0;         // tokens (train, finetune, batch-infer) or seconds (serve)
  int epoch = 0;                // placements so far
  bool running = false;
  // While running:
  int pool = -1;
  int pool_slot = -1;           // position in the pool's running list
  int devices = 0;              // whole devices (0 for a fraction)
  int milli = 0;                // milli-units held: devices x 1000, or the fraction's share
  std::vector<NodeShare> shares;
  Seconds started = 0;
  double rate = 0;              // units of `remaining` per second
  Seconds expected_end = 0;
  bool imported = false;
  bool violation = false;
  bool pinned = false;          // placed on a node an outside scheduler chose (see above)
  // While pending:
  std::string wait_reason;
  std::uint64_t wait_key = 0;   // signature of the wait reason (formatted only when it changes)
  // Options on the current fleet, in preference order, and the pools the
  // static rules deny; recomputed when the fleet or the remaining work changes.
  std::vector<Option> options;
  std::vector<Verdict> denied;
  std::uint64_t options_version = 0;
  GapAnalysis gap;
  std::uint64_t gap_version = 0;
};

class Scheduler {
 public:
  Scheduler(const Catalog& catalog, PolicySpec policy, std::vector<Tenant> tenants, SchedulerOptions options);

  // Applies `e` at time `now` (now >= every earlier call's now) and returns
  // the decisions it caused. Throws InputError for an event that names an
  // unknown tenant, accelerator or model, or a duplicate job id.
  std::vector<Decision> on(const Event& e, Seconds now);

  // Why a pending job waits, or "" if it is not pending.
  std::string why_pending(std::int64_t job) const;

  const ClusterState& cluster() const { return cluster_; }
  const std::vector<Tenant>& tenants() const { return tenants_; }
  const Policy& policy() const { return policy_; }
  const SchedulerOptions& options() const { return options_; }
  const std::map<std::int64_t, JobState>& jobs() const { return jobs_; }  // pending and running
  std::size_t pending() const { return pending_count_; }
  std::size_t running() const { return running_count_; }
  // Imported devices in use, a fraction counted as milli/1000.
  double imported_in_use() const { return static_cast<double>(imported_milli_) / 1000.0; }

 private:
  void arrive(const Job& job, const std::string& node, Seconds now, std::vector<Decision>& out);
  // Places a pinned arrival on `node` now, or rejects it with the reason.
  void place_pinned(JobState& j, const std::string& node, Seconds now, std::vector<Decision>& out);
  void finish(std::int64_t id, int epoch, Seconds now);
  void nodes_join(const NodeGroup& group);
  void nodes_leave(const std::string& group, int count, Seconds now, std::vector<Decision>& out);
  // Removes `leaving` (sorted node indices) from placement; displaces the jobs
  // on them (with a drain, fractions only), then rejects pending jobs nothing left can run.
  void remove_nodes(const std::vector<int>& leaving, bool drain, const std::string& why, Seconds now,
                    std::vector<Decision>& out);
  void node_down(const std::vector<std::string>& nodes, bool drain, const std::string& why, Seconds now,
                 std::vector<Decision>& out);
  void node_up(const std::vector<std::string>& nodes);
  std::vector<int> node_indices(const std::vector<std::string>& names) const;  // throws InputError for unknown names
  void cancel(std::int64_t id);
  void set_tenant(const Tenant& t);
  void pass(Seconds now, std::vector<Decision>& out);
  // Examines one pending job in a pass: places it or records why it waits.
  bool examine(JobState& j, Seconds now, std::vector<Decision>& out);
  void enqueue(const JobState& j);
  void dequeue(const JobState& j);
  bool before(const JobState& a, const JobState& b) const;  // queue order

  // Fills j.options / j.denied for the current fleet if stale.
  void prepare(JobState& j);
  const GapAnalysis& gap_of(JobState& j);
  // The load-dependent imported-cap verdict for `milli` more imported milli-units.
  Verdict cap_verdict(const JobState& j, const Accelerator& a, std::int64_t milli) const;
  bool cap_denies(const JobState& j, std::int64_t milli) const;
  ImportedUse imported_use(const JobState& j) const;
  bool quota_denies(const JobState& j, std::int64_t milli) const;
  void place(JobState& j, const Option& o, std::vector<NodeShare> shares, Seconds now, std::vector<Decision>& out);
  bool try_preempt(JobState& j, Seconds now, std::vector<Decision>& out);
  void stop(JobState& j, Seconds now, const std::string& why, std::vector<Decision>& out);
  void unbind(JobState& j);
  void reject(JobState& j, Seconds now, std::string why, std::vector<Decision>& out);
  void defer(JobState& j, Seconds now, std::uint64_t key, const std::vector<std::pair<int, int>>& blocked,
             std::vector<Decision>& out);
  std::optional<std::string> infeasible_everywhere(JobState& j);

  const Catalog* catalog_;
  Policy policy_;
  std::vector<Tenant> tenants_;
  SchedulerOptions options_;
  ClusterState cluster_;
  CapabilityCache capabilities_;
  std::vector<NodeGroup> groups_;
  std::map<std::int64_t, JobState> jobs_;
  // The pending queue: priority level (highest first) -> per-tenant FIFO of
  // (arrival, id). A pass walks it in order without sorting: levels, then
  // tenants by devices in use (fair share; equal ones merged by arrival).
  using Fifo = std::set<std::pair<Seconds, std::int64_t>>;
  std::map<int, std::vector<Fifo>, std::greater<>> queue_;
  std::size_t pending_count_ = 0;
  std::vector<std::int64_t> arrivals_;  // arrived since the last pass
  bool freed_ = true;                   // devices freed or the fleet changed since the last full pass
  // EASY reservation of the first job that could not start: later jobs may
  // use its pool only if they end before `shadow` or fit in `extra` devices.
  struct Reservation {
    std::int64_t job = -1;
    int pool = -1;
    Seconds shadow = 0;
    int extra = 0;
  } reservation_;
  std::vector<std::vector<std::int64_t>> running_by_pool_;
  std::vector<std::multiset<int>> running_priorities_;  // per pool, for preemption
  std::vector<std::pair<int, int>> blocked_;             // scratch for examine(): (option, why)
  std::size_t running_count_ = 0;
  std::uint64_t fleet_version_ = 1;
  // Devices in use in milli-units (1000 per whole device; a fraction its share).
  std::int64_t imported_milli_ = 0;
  std::vector<std::int64_t> tenant_milli_;
  std::vector<std::int64_t> tenant_imported_milli_;
};

}  // namespace suanli

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
// Job classes. Jobs of one tenant with the same shape for the performance
// model (model, kind, precision, devices or SLO, share, stacks, request
// sizes, priority; not the amount of work) form a class. What the fleet can
// do for a job is computed once per class and fleet change: the options
// (pools whose model can run it, with the capability and the load-independent
// verdict), the verdicts of the models the policy denies, the gap analysis.
// A job keeps only its own state (work left, arrival, placement), so arrival
// costs a hash lookup, not an evaluation of the policy and the perf model.
//
// Queue and passes. Each class keeps its pending jobs in (arrival, id) order.
// A pass walks the queue in the order the algorithm defines (priority levels;
// under suanli, tenants by devices in use, equal ones merged by arrival) by
// merging the heads of the classes. When a job cannot start for want of room,
// quota or imported cap (not because of the backfill reservation), no later
// job of its class can start in this pass either: the class leaves the walk,
// and its other jobs are not touched. So a pass costs O((placements +
// classes + lookahead) log classes) plus the index's search per examined job,
// whatever the queue's length. If the pass frees devices (a preemption can
// free more than the preemptor takes), the classes that left the current
// fair-share group come back from the position reached.
// Lookahead (as Slurm's bf_max_job_test, default 500): a pass stops after
// `max_examined` jobs that could not start; jobs that start do not count, so
// a pass fills all the capacity it can. After events that free nothing
// (arrivals only), a pass examines just the new arrivals.
// Decisions are those a job-by-job walk would take, except that a job of a
// class that left the walk is not told again why it waits (its class's head
// was): a Defer is emitted when an examined job's reason changes.
//
// Cost of an arrival O(1) expected (hash lookups; a class's first job
// evaluates its options: O(pools) capability and policy evaluations); of a
// finish O(shares + log E), E the distinct expected ends of its pool's
// running jobs; of a pass as above (the EASY reservation reads its pool's
// expected ends in order, kept as jobs start and stop, so it costs the end
// times it reads, not the jobs running). Nodes leaving O(running jobs +
// classes + jobs rejected). A placement allocates nothing when its job fits
// on one node (NodeShares) and shares its class's verdicts (VerdictList).
//
// Thread-compatible: one thread drives one Scheduler.
#pragma once

#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <memory_resource>
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
#include "suanli/sched/id_map.h"

namespace suanli {

enum class Algorithm { Sovereign, FifoFirstFit, FastestFirst };

std::string_view name(Algorithm a);
std::optional<Algorithm> parse_algorithm(std::string_view text);

struct SchedulerOptions {
  Algorithm algorithm = Algorithm::Sovereign;
  bool preemption = true;             // suanli only
  bool backfill = true;               // suanli only (EASY)
  Seconds checkpoint_interval = kHour;  // work since the last checkpoint is lost on preemption
  // Lookahead: a pass stops after this many jobs that could not start (like
  // Slurm's bf_max_job_test, whose default is 500); jobs that start do not count.
  int max_examined = 500;
};

// One accelerator pool a job could run on, with what the static rules say.
struct Option {
  int pool = -1;
  const Capability* cap = nullptr;  // owned by the scheduler's capability cache
  Seconds runtime = 0;              // for the job's remaining work there (0 in a class's list)
  bool imported = false;
  Verdict verdict;                  // cii-domestic-only / gap-only (the load-dependent cap is checked at placement)
  VerdictList placed;               // a placement's verdicts: `verdict`, then the class's denied models
};

// A job the scheduler knows about, as the outside may inspect it. Its shape
// is its class's (Scheduler::shape); the amount of work is its own.
struct JobState {
  std::int64_t id = 0;
  int cls = -1;                 // job class (-1: the slot is free)
  int tenant = 0;               // index into tenants()
  int priority = 0;
  Seconds arrival = 0;
  double remaining = 0;         // tokens (train, finetune, batch-infer) or seconds (serve)
  Seconds duration = 0;         // serve: how long it runs
  int epoch = 0;                // placements so far
  bool running = false;
  // While running:
  int pool = -1;
  int pool_slot = -1;           // position in the pool's running list
  int devices = 0;              // whole devices (0 for a fraction)
  int milli = 0;                // milli-units held: devices x 1000, or the fraction's share
  NodeShares shares;
  Seconds started = 0;
  double rate = 0;              // units of `remaining` per second
  Seconds expected_end = 0;
  bool imported = false;
  bool violation = false;
  bool pinned = false;          // placed on a node an outside scheduler chose (see above)
  // While pending: why it waits (null: not yet considered), shared by the
  // jobs told the same reason, and a signature of that reason (a Defer is
  // emitted only when it changes).
  std::shared_ptr<const Reason> why;
  std::uint64_t wait_key = 0;
};

class Scheduler {
 public:
  Scheduler(const Catalog& catalog, PolicySpec policy, std::vector<Tenant> tenants, SchedulerOptions options);

  // Applies `e` at time `now` (now >= every earlier call's now) and returns
  // the decisions it caused. Throws InputError for an event that names an
  // unknown tenant, accelerator or model, or a duplicate job id.
  std::vector<Decision> on(const Event& e, Seconds now);
  // The same, appending the decisions to `out`: a caller that clears and
  // reuses one list does not allocate a new one per event (a pass on a long
  // queue emits thousands).
  void on(const Event& e, Seconds now, std::vector<Decision>& out);

  // Why a pending job waits, in words, or "" if it is not pending.
  std::string why_pending(std::int64_t job) const;
  // A decision's reason in words (english() under this scheduler's policy).
  std::string describe(const Decision& d) const;

  const ClusterState& cluster() const { return cluster_; }
  const std::vector<Tenant>& tenants() const { return tenants_; }
  const Policy& policy() const { return policy_; }
  const SchedulerOptions& options() const { return options_; }
  // A pending or running job, or nullptr.
  const JobState* job(std::int64_t id) const;
  // Calls f(const JobState&) for every pending and running job (in an order
  // that depends only on the events seen).
  template <class F>
  void for_each_job(F&& f) const {
    for (const JobState& j : slots_) {
      if (j.cls >= 0) f(j);
    }
  }
  // The job's shape (its class's; work_tokens and duration are the class's
  // first job's: a job's own are JobState::remaining and duration).
  const JobClass& shape(const JobState& j) const { return classes_[static_cast<std::size_t>(j.cls)].shape; }
  // The job's options as of the last time its class was evaluated, in its
  // order of preference with its own runtimes, and the verdicts of the models
  // the policy denies it.
  std::vector<Option> options(const JobState& j) const;
  const std::vector<Verdict>& denied(const JobState& j) const {
    return classes_[static_cast<std::size_t>(j.cls)].denied.list();
  }
  std::size_t pending() const { return pending_count_; }
  std::size_t running() const { return running_count_; }
  std::size_t classes() const { return classes_.size(); }
  // Imported devices in use, a fraction counted as milli/1000.
  double imported_in_use() const { return static_cast<double>(imported_milli_) / 1000.0; }

 private:
  using Key = std::pair<Seconds, std::int64_t>;  // queue order inside a class: (arrival, id)
  using Fifo = std::pmr::map<Key, int>;  // -> the job's slot (a walk reads jobs without a lookup)
  struct ClassState {
    JobClass shape;
    int tenant = 0;
    int level = 0;                 // queue level: priority (0 for fifo-firstfit)
    Fifo fifo;                     // pending jobs
    std::vector<Option> options{}; // on the current fleet, in pool order (runtime 0)
    VerdictList denied{};          // models the policy denies (suanli), in pool order; shared by the decisions that quote it
    std::uint64_t options_version = 0;
    std::uint64_t blocked_pass = 0;  // the last full pass in which it left the walk ...
    std::int64_t blocked_by = 0;     // ... at this job ...
    int blocked_group = 0;           // ... in this fair-share group of the walk
  };
  // A class's position in a walk: its next job.
  struct Head {
    Fifo::const_iterator at;
    int cls = 0;
  };
  // An option of a job in its order of preference: index into its class's options.
  struct Ranked {
    int option = 0;
    Seconds runtime = 0;
  };
  enum class Outcome { Started, Blocked, Waits };  // Blocked: so is the rest of its class, this pass
  enum Block { kBusy = 0, kQuota = 1, kCap = 2 };

  // --- events
  void arrive(const Job& job, const std::string& node, Seconds now, std::vector<Decision>& out);
  // Finds or makes the class of `shape`; throws InputError (naming job `id`) for an unknown tenant or model.
  int class_of(const JobClass& shape, std::int64_t id);
  JobState& new_job(std::int64_t id);
  void free_job(JobState& j);
  JobState& at(std::int64_t id) { return slots_[static_cast<std::size_t>(index_.find(id))]; }
  int slot_of(const JobState& j) const { return static_cast<int>(&j - slots_.data()); }
  // Places a pinned arrival on `node` now, or rejects it with the reason.
  void place_pinned(JobState& j, const std::string& node, Seconds now, std::vector<Decision>& out);
  void finish(std::int64_t id, int epoch);
  void nodes_join(const NodeGroup& group);
  void nodes_leave(const std::string& group, int count, Seconds now, std::vector<Decision>& out);
  // Removes `leaving` (sorted node indices) from placement; displaces the jobs
  // on them (with a drain, fractions only), then rejects pending jobs nothing left can run.
  void remove_nodes(const std::vector<int>& leaving, bool drain, const Reason& why, Seconds now,
                    std::vector<Decision>& out);
  void node_down(const std::vector<std::string>& nodes, bool drain, const std::string& why, Seconds now,
                 std::vector<Decision>& out);
  void node_up(const std::vector<std::string>& nodes);
  std::vector<int> node_indices(const std::vector<std::string>& names) const;  // throws InputError for unknown names
  void cancel(std::int64_t id);
  void set_tenant(const Tenant& t);

  // --- the queue
  int level_of(const ClassState& c) const;
  void set_level(int cls, int level);
  void enqueue(const JobState& j);
  void dequeue(const JobState& j);
  bool before(const JobState& a, const JobState& b) const;  // queue order

  // --- passes
  void pass(Seconds now, std::vector<Decision>& out);
  void walk(Seconds now, std::vector<Decision>& out);  // pass() without the sizing of `out`
  void arrivals_pass(Seconds now, std::vector<Decision>& out);
  // Walks one level's queue (see the header); false when the pass must stop.
  bool walk_level(int level, const std::vector<int>& classes, Seconds now, int& failures, std::vector<Decision>& out);
  // Walks one fair-share group: merges its classes' queues by (arrival, id).
  bool walk_group(const std::vector<int>& classes, int level, Seconds now, int& failures, std::vector<Decision>& out);
  bool must_stop(int level) const;  // nothing free and nothing this level could preempt
  // Examines one pending job: places it or records why it waits.
  Outcome examine(JobState& j, Seconds now, std::vector<Decision>& out);
  void reserve(const JobState& j, const Option& o, Seconds now);

  // --- options
  // Fills the class's options and denied verdicts for the current fleet if stale.
  void prepare(ClassState& c);
  GapAnalysis gap_of(const ClassState& c);
  // j's options in its order of preference, into `out`.
  void rank(const JobState& j, const ClassState& c, std::vector<Ranked>& out) const;
  Seconds runtime_on(const JobState& j, const Capability& cap) const;
  Reason infeasible(ClassState& c);  // why nothing can run the class (REQUIRES: no options)
  // The load-dependent imported-cap verdict for `milli` more imported milli-units.
  Verdict cap_verdict(const JobState& j, const Accelerator& a, std::int64_t milli) const;
  bool cap_denies(const JobState& j, std::int64_t milli) const;
  ImportedUse imported_use(const JobState& j) const;
  bool quota_denies(const JobState& j, std::int64_t milli) const;

  // --- placement
  void place(JobState& j, const Option& o, Seconds runtime, NodeShares shares, Seconds now,
             std::vector<Decision>& out);
  bool try_preempt(JobState& j, Seconds now, std::vector<Decision>& out);
  void stop(JobState& j, Seconds now, const Reason& why, std::vector<Decision>& out);
  void unbind(JobState& j);
  void reject(JobState& j, Seconds now, Reason why, std::vector<Decision>& out);
  void defer(JobState& j, Seconds now, std::uint64_t key, std::vector<Decision>& out);
  // Tells a new arrival that the walk skipped why it waits: its class's blocked head's reason.
  void tell(JobState& j, const JobState& head, Seconds now, std::vector<Decision>& out);
  // The verdicts behind a wait: the imported cap's on the models it blocks, then the models denied.
  VerdictList wait_verdicts(const JobState& j, const Reason& why) const;
  void add_priority(int pool, int priority, int delta);
  int lowest_priority(int pool) const;  // of the jobs running on `pool`; INT_MAX if none

  const Catalog* catalog_;
  Policy policy_;
  std::vector<Tenant> tenants_;
  SchedulerOptions options_;
  ClusterState cluster_;
  CapabilityCache capabilities_;
  std::vector<NodeGroup> groups_;
  // Jobs: a slot table (free slots reused) indexed by id.
  std::vector<JobState> slots_;
  std::vector<int> free_slots_;
  IdMap index_;
  std::int64_t max_id_ = INT64_MIN;  // the largest job id seen
  // Job classes, found by a hash of their key fields.
  std::unique_ptr<std::pmr::unsynchronized_pool_resource> fifo_memory_;  // before classes_: outlives the FIFOs
  std::vector<ClassState> classes_;
  std::unordered_map<std::uint64_t, std::vector<int>> class_index_;
  // The pending queue: priority level (highest first) -> the classes at that level.
  std::map<int, std::vector<int>, std::greater<>> levels_;
  std::size_t pending_count_ = 0;
  std::vector<std::int64_t> arrivals_;  // arrived since the last pass
  bool freed_ = true;                   // devices freed or the fleet changed since the last full pass
  std::uint64_t releases_ = 0;
  std::uint64_t passes_ = 0;            // full passes so far
  std::size_t last_pass_decisions_ = 0;
  // Where the current full pass's walk is: the fair-share groups walked so
  // far, and (once it stops early) the job it stopped at, which it did not pass.
  int walk_group_seq_ = 0;
  std::optional<Key> walk_stop_;          // unbinds so far (a pass watches for frees during itself)
  // EASY reservation of the first job that could not start: later jobs may
  // use its pool only if they end before `shadow` or fit in `extra` devices.
  struct Reservation {
    std::int64_t job = -1;
    int pool = -1;
    Seconds shadow = 0;
    int extra = 0;
  } reservation_;
  std::vector<std::vector<int>> running_by_pool_;  // per pool: the slots of its running jobs
  std::vector<std::vector<std::pair<int, int>>> running_priorities_;  // per pool: (priority, jobs), ascending
  // Per pool: its running jobs' expected ends, in order, each with the jobs
  // that end then and the whole devices they free (the EASY reservation's
  // shadow time). Jobs placed together with one runtime share an entry.
  struct Ending {
    int jobs = 0;
    int devices = 0;
  };
  using Ends = std::pmr::map<Seconds, Ending>;
  std::vector<Ends> ends_by_pool_;
  // Scratch, reused so that passes do not allocate: examine()'s blocked
  // options (ranked index, Block) and ranking; a walk's tenants, classes,
  // heads and classes out of the walk; preemption's (node, reclaimable devices).
  std::vector<std::pair<int, int>> blocked_;
  std::vector<Ranked> ranked_;
  std::vector<int> walk_tenants_, walk_classes_, walk_out_;
  std::vector<Head> heads_;
  std::vector<std::pair<int, int>> reclaim_;
  std::vector<JobState*> fresh_;
  std::vector<std::int64_t> fresh_ids_;
  std::size_t running_count_ = 0;
  std::uint64_t fleet_version_ = 1;
  // Devices in use in milli-units (1000 per whole device; a fraction its share).
  std::int64_t imported_milli_ = 0;
  std::vector<std::int64_t> tenant_milli_;
  std::vector<std::int64_t> tenant_imported_milli_;
};

}  // namespace suanli

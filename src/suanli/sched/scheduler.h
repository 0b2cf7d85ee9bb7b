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
  int max_examined = 2000;            // pending jobs examined per pass (Slurm's bf_max_job_test)
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
  std::vector<NodeShare> shares;
  Seconds started = 0;
  double rate = 0;              // units of `remaining` per second
  Seconds expected_end = 0;
  bool imported = false;
  bool violation = false;
  // While pending:
  std::string wait_reason;
  std::uint64_t queue_seq = 0;
  // Gap status on the current fleet.
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
  std::size_t pending() const { return pending_.size(); }
  std::size_t running() const { return running_count_; }
  int imported_in_use() const { return imported_in_use_; }

 private:
  struct Candidate {
    int pool;
    const Capability* cap;
    Seconds runtime;
    Verdict verdict;
  };

  void arrive(const Job& job, Seconds now, std::vector<Decision>& out);
  void finish(std::int64_t id, int epoch, Seconds now);
  void nodes_join(const NodeGroup& group);
  void nodes_leave(const std::string& group, int count, Seconds now, std::vector<Decision>& out);
  void pass(Seconds now, std::vector<Decision>& out);

  // The models this job may run on now, in preference order; `denied` gets
  // the verdicts of the rest (and infeasible models, as policy-free verdicts).
  std::vector<Candidate> candidates(JobState& j, std::vector<Verdict>& denied);
  const GapAnalysis& gap_of(JobState& j);
  bool try_place(JobState& j, const Candidate& c, Seconds now, std::vector<Decision>& out,
                 const std::vector<Verdict>& denied);
  bool try_preempt(JobState& j, const std::vector<Candidate>& cands, Seconds now, std::vector<Decision>& out,
                   const std::vector<Verdict>& denied);
  void stop(JobState& j, Seconds now, const std::string& why, std::vector<Decision>& out);
  void reject(JobState& j, Seconds now, std::string why, std::vector<Verdict> verdicts, std::vector<Decision>& out);
  void defer(JobState& j, Seconds now, std::string why, std::vector<Verdict> verdicts, std::vector<Decision>& out);
  std::optional<std::string> infeasible_everywhere(JobState& j);
  ImportedUse imported_use(const JobState& j) const;

  const Catalog* catalog_;
  Policy policy_;
  std::vector<Tenant> tenants_;
  SchedulerOptions options_;
  ClusterState cluster_;
  CapabilityCache capabilities_;
  std::vector<NodeGroup> groups_;
  std::map<std::int64_t, JobState> jobs_;
  std::vector<std::int64_t> pending_;  // ids, unordered; the pass orders them
  std::size_t running_count_ = 0;
  std::uint64_t queue_seq_ = 0;
  std::uint64_t fleet_version_ = 1;
  int imported_in_use_ = 0;
  std::vector<int> tenant_in_use_;
  std::vector<int> tenant_imported_in_use_;
};

}  // namespace suanli

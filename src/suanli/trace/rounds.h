// Round-based replay of a Gavel trace on a heterogeneous cluster (Narayanan
// et al., "Heterogeneity-Aware Cluster Scheduling Policies for Deep Learning
// Workloads", OSDI'20), with supply-chain sovereignty.
//
// Model. The cluster is a list of worker pools (type, count, origin). Time is
// cut into rounds of `round_s` seconds. A job arrives at arrival_s and joins
// at the next round boundary (when the cluster is idle the next round starts
// at the next arrival). In each round the policy picks, for some jobs, one
// pool; a job with scale factor s then holds s workers of that pool for the
// round and advances by round_s x T(job type, pool, s) steps, T from the
// measured-throughput table (isolated runs; no co-location). A job finishes
// when its total_steps are done; its completion time inside the round is exact
// (remaining steps / T) and its workers stay idle for the rest of the round.
//
// Sovereignty. A job may use a pool only if the table has T > 0 for (job type,
// pool type, s), the pool has >= s workers, and, when the job's tenant is
// critical, the pool's origin is Domestic (unknown origin counts as not
// domestic). This mask is built once, in the constructor; every policy,
// including the LP, only ever sees allowed (job, pool) pairs.
//
// Policies:
//  - fifo: Gavel's FIFO baseline (policies/fifo.py, mode 'base'): jobs in
//    arrival order (ties: trace order); a job keeps its pool until it finishes
//    (non-preemptive); each new job goes to a pool drawn uniformly at random
//    (seeded std::mt19937_64) among the allowed pools with enough free
//    workers, listed in cluster order; strict FIFO: the first job that fits
//    nowhere stops the queue for the round.
//  - fifo-hetero: Gavel's FIFO_Perf: every round the placement is redone in
//    arrival order, each job on the allowed pool with the highest T for it
//    that still has enough free workers (ties: cluster order); strict FIFO as
//    above. Jobs may change pool between rounds (as in Gavel).
//  - max-min: Gavel's max_min_fairness_perf. With X[m][j] the share of time
//    job m spends on pool j, the LP maximises t subject to
//        t <= s_m T[m][j] X[m][j] summed over j / (w_m T_eq[m])   every job m
//        sum_j X[m][j] <= 1,   sum_m s_m X[m][j] <= workers_j,   X >= 0,
//    X fixed to 0 outside the mask. The factor s_m is Gavel's (its objective
//    multiplies throughputs by scale factors). T_eq[m] is the job's throughput
//    under Gavel's isolated max-min allocation (all throughputs set to 1): its
//    time share q_m = min(1, tau w_m / s_m) from water-filling the cluster's
//    workers (sum_m min(s_m, tau w_m) = sum_j workers_j), spread over the
//    job's allowed pools in proportion to their worker counts. Gavel's own
//    reference LP has many optima and keeps the one its solver returns; ours
//    is the lexicographic max-min one, computed in closed form. A simplex
//    vertex may leave workers idle where Gavel's interior-point solver would
//    not, so a second LP keeps t >= t* (1 - 1e-6) and maximises the sum of the
//    jobs' normalised throughputs. Both LPs are recomputed when the set of
//    active jobs changes. Rounds follow Gavel's scheduler: priority[m][j] =
//    X[m][j] / (share of the rounds since the last recompute that m ran on j),
//    X x 1e9 if it has not run there yet (X rounded to 1e-5 so that solver
//    noise does not break ties); per pool in cluster order, jobs by
//    priority (ties: larger X, then arrival order) are placed while workers
//    remain, skipping jobs already placed this round or too large for what is
//    left.
//
// Complexity (n active jobs, k pools, R rounds): fifo and fifo-hetero O(n k)
// per round; max-min O(n k log(n k)) per round plus two LPs of n k + 1
// variables and 2n + k rows per change of the active set (CBC/CLP).
//
// RoundEngine is immutable after construction; run() is const and may be
// called from several threads at once. Results are deterministic given the
// inputs and the seed, except the reported LP solve times.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "suanli/model/enums.h"
#include "suanli/model/gavel.h"

namespace suanli::trace {

enum class RoundPolicy { Fifo, FifoHetero, MaxMin };

std::string_view round_policy_name(RoundPolicy p);  // "fifo", "fifo-hetero", "max-min"
std::optional<RoundPolicy> parse_round_policy(std::string_view name);  // also Gavel's names (fifo_perf, max_min_fairness_perf)
const std::vector<RoundPolicy>& all_round_policies();

struct WorkerPool {
  std::string type;              // as in the throughput table: "v100", or a catalog id
  int count = 0;                 // workers (devices), > 0
  std::optional<Origin> origin = std::nullopt;  // nullopt = unknown (never domestic for a critical tenant)
};

struct RoundOptions {
  double round_s = 360;                     // Gavel's --time_per_iteration
  std::uint64_t seed = 0;                   // fifo's random pool choice
  std::vector<std::string> critical_tenants = {};
};

struct GavelJobResult {
  double arrival_s = 0, completion_s = 0, jct_s = 0;
  int rounds_run = 0;  // rounds in which the job held workers
};

struct GavelTenantResult {
  std::string tenant;
  bool critical = false;
  int jobs = 0;
  double avg_jct_s = 0;
  double device_s = 0, imported_device_s = 0;  // busy device-seconds
};

struct RoundResult {
  RoundPolicy policy = RoundPolicy::Fifo;
  std::vector<GavelJobResult> jobs;  // in trace order
  double avg_jct_s = 0;
  double makespan_s = 0;             // last completion - first arrival
  int rounds = 0;                    // rounds in which some job ran
  std::vector<double> device_s;      // busy device-seconds per pool, cluster order
  double imported_device_s = 0, domestic_device_s = 0, unknown_origin_device_s = 0;
  int lp_solves = 0;                 // allocations computed (each = two LPs)
  double lp_mean_s = 0, lp_max_s = 0;
  std::vector<GavelTenantResult> tenants;  // in order of first appearance in the trace
};

class RoundEngine {
 public:
  // Throws InputError: an empty or malformed cluster ("--cluster"), round_s
  // <= 0 ("--round"), a job type absent from the table, a job that can run on
  // no pool (the message says why for each pool), or a replay that could need
  // more than 10^7 rounds (sum over jobs of their rounds on the slowest
  // allowed pool: every round advances some job at least that fast).
  RoundEngine(std::vector<GavelJob> jobs, const ThroughputTable& table, std::vector<WorkerPool> cluster,
              RoundOptions options = {});

  RoundResult run(RoundPolicy policy) const;

  // The max-min time fractions for the jobs `active` (indices into jobs()):
  // x[i][j] for active[i] on pool j. Exposed for tests and the benchmark.
  struct Allocation {
    std::vector<std::vector<double>> x;
    double min_ratio = 0;  // t*, the optimal minimum normalised throughput
    double seconds = 0;    // both LPs
  };
  Allocation max_min_allocation(const std::vector<int>& active) const;
  // Gavel's isolated time share q_m of each active job (see above).
  std::vector<double> equal_shares(const std::vector<int>& active) const;

  double throughput(int job, int pool) const { return tput_[static_cast<std::size_t>(job)][static_cast<std::size_t>(pool)]; }
  bool allowed(int job, int pool) const { return throughput(job, pool) > 0; }
  bool critical(int job) const { return critical_[static_cast<std::size_t>(job)]; }
  const std::vector<GavelJob>& jobs() const { return jobs_; }
  const std::vector<WorkerPool>& cluster() const { return cluster_; }
  const RoundOptions& options() const { return options_; }

 private:
  std::vector<GavelJob> jobs_;
  std::vector<WorkerPool> cluster_;
  RoundOptions options_;
  std::vector<std::vector<double>> tput_;  // [job][pool]; 0 = not allowed
  std::vector<bool> critical_;             // per job
  std::vector<int> arrival_order_;         // job indices by (arrival_s, index)
};

}  // namespace suanli::trace

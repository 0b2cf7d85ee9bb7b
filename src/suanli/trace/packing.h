// Packing mode of the FGD paper (Weng et al., "Beware of Fragmentation:
// Scheduling GPU-Sharing Workloads with Fragmentation Gradient Descent",
// USENIX ATC'23) on an openb cluster.
//
// Model. A node has CPU (milli-cores), memory (MiB) and G GPUs of one model,
// each with 1000 milli-units. A pod asks for CPU, memory and either n whole
// GPUs (gpu_milli == 1000) or a fraction gpu_milli < 1000 of one GPU, optionally
// restricted to GPU models (gpu_spec). A pod fits a node when CPU and memory
// suffice, the model is allowed, and n GPUs each have >= gpu_milli free; a
// fraction binds to one specific GPU. All quantities are integers.
//
// Workload. The pod list is resampled uniformly with replacement (seeded
// std::mt19937_64) until the summed GPU request reaches `load` x cluster GPU
// capacity, shuffled, and placed one pod at a time; pods are never removed. A
// pod that fits no node fails and is skipped. The workload depends only on the
// seed, so every policy sees the same pods in the same order.
//
// Fragmentation (paper section 3). For a node n and a pod shape m (CPU, n_m
// GPUs of g_m milli each, allowed models), F_n(m) is the idle GPU capacity of
// n that m cannot use: all idle GPU milli if m cannot run on n at all (asks no
// GPU, model not allowed, too little CPU, or fewer than n_m GPUs with >= g_m
// free), else the sum of idle milli on the GPUs whose free capacity is < g_m.
// The target workload M is the distribution of pod shapes in the given pod
// list (by default all shapes; `typical_share` < 1 keeps only the most popular
// shapes covering that share of pods, as the authors' simulator can: on cpu050
// at 0.95, FGD drops from 95.2% to 93.1% allocated, 10 seeds).
// F_n(M) = sum_m p_m F_n(m); the cluster's fragmentation is sum_n F_n(M). As
// in that simulator, memory is not part of F (it is part of fitting). Weights
// are integer pod counts, so F is exact.
//
// Policies (a policy scores the nodes a pod fits; ties go to a uniformly random
// node drawn from the run's RNG; inside a node a fraction goes to the tightest
// GPU that fits unless stated):
//  - Random: a uniformly random node that fits, and a random GPU that fits.
//  - DotProd (Tetris alignment): maximise sum_d (free_d / cap_d)(req_d / cap_d)
//    over d = CPU, memory, GPU (node totals).
//  - GpuClustering: prefer nodes that already host a pod of the same GPU shape
//    (n, gpu_milli), then nodes with no GPU allocated, then the rest.
//  - GpuPacking: prefer a partially used GPU (fractions), then a node with some
//    GPU allocated, then an idle node.
//  - BestFit: minimise sum_d (free_d - req_d) / cap_d over CPU, memory, GPU.
//  - FGD: for each node and each distinct candidate GPU (whole-GPU pods take the
//    first fully free GPUs), compute dF = F_n(M) after - F_n(M) before; choose
//    the smallest dF (by default on the simulator's 100-level score, see
//    PackOptions::fgd_levels; thresholds are integers, so no float in the loop).
//
// Complexity. Non-FGD policies: O(N G) per pod (N nodes, G GPUs per node).
// FGD: F_n(M) costs O(T G) for T target shapes; a pod evaluates at most G
// candidates per node, so a cold evaluation is O(N G^2 T); results are cached
// per (node, pod shape) and invalidated when the node changes, so a run costs
// O(P N) cache probes plus O((N S + P S) G^2 T) evaluations in the worst case
// (P pods, S distinct pod shapes), in practice far fewer. The placement loop
// allocates nothing: all state is sized once per run.
//
// Policies run through the ReplayPolicy interface (placement.h): the six above
// via make_replay_policy, or any other, such as suanli's own scheduler
// (trace_sched/suanli_policy.h). Pack mode calls only choose() and placed()
// (pods never leave); `now` is the pod's position in the run's order. The
// per-pod choice and binding live in placement.h, shared with time mode
// (time_replay.h). A ReplayPolicy adds its own cost per pod (suanli's: see its
// header).
//
// PackingEngine is immutable after construction; run() is const and may be
// called from several threads at once (a ReplayPolicy object is not shared).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "suanli/model/openb.h"

namespace suanli::trace {

enum class PackPolicy { Random, DotProd, GpuClustering, GpuPacking, BestFit, Fgd };

std::string_view policy_name(PackPolicy p);  // "random", "dotprod", "clustering", "packing", "bestfit", "fgd"
std::optional<PackPolicy> parse_pack_policy(std::string_view name);  // case-insensitive; also the paper's names
const std::vector<PackPolicy>& all_pack_policies();

struct PackOptions {
  double load = 1.3;            // target arrived GPU request / cluster GPU capacity
  double sample_step = 0.01;    // curve point every this share of capacity
  double typical_share = 1.0;   // FGD target workload: top pod shapes covering this share of pods (1 = all)
  // FGD ranks candidates by floor(levels x sigmoid(-dF / 1000 milli-GPU)), dF
  // per pod of M, with random ties, as the authors' simulator does (levels =
  // kube-scheduler's 100). 0 = exact argmin of dF. The coarse score is worth
  // about +0.6 points of allocation on openb at 130% (10 seeds): it lets near-equal
  // choices spread instead of piling onto one node type.
  int fgd_levels = 100;
};

// One point of the curves; all fields are fractions of cluster GPU capacity.
struct PackPoint {
  double arrived = 0;     // GPU request that has arrived
  double allocated = 0;   // GPU milli allocated
  double fragmented = 0;  // sum_n F_n(M)
  double idle = 0;        // GPU milli free
};

struct PackResult {
  std::string policy;  // policy_name() or ReplayPolicy::name()
  std::uint64_t seed = 0;
  int pods = 0, placed = 0, failed = 0, gpu_pods_failed = 0;
  std::int64_t capacity_milli = 0, arrived_milli = 0, allocated_milli = 0;
  std::vector<PackPoint> curve;  // ends with the point at the end of the run
  std::vector<std::int32_t> node_of, gpu_of;  // per arrived pod: node index (-1 failed), first GPU on it

  double allocation() const { return capacity_milli ? static_cast<double>(allocated_milli) / static_cast<double>(capacity_milli) : 0; }
  const PackPoint& final_point() const { return curve.back(); }
};

class Placement;
class ReplayPolicy;  // placement.h
// Makes a fresh ReplayPolicy for one run (each run needs its own object).
// Called from the worker threads of run_all and run_all_time: it must be safe
// to call concurrently.
using ReplayPolicyFactory = std::function<std::unique_ptr<ReplayPolicy>()>;

class PackingEngine {
 public:
  static constexpr int kMaxGpusPerNode = 64;

  // REQUIRES nothing of the inputs; throws InputError if the cluster has no
  // GPU, the pod list asks for no GPU, or options are out of range.
  PackingEngine(std::vector<OpenbNode> nodes, std::vector<OpenbPod> pods, PackOptions options = {});

  // Places workload(seed) in order. The PackPolicy overloads run the policy's
  // ReplayPolicy adapter (make_replay_policy).
  PackResult run(PackPolicy policy, std::uint64_t seed) const;
  PackResult run(ReplayPolicy& policy, std::uint64_t seed) const;
  // Places pods_[order[k]] in that order, without resampling (tests, replays of
  // a fixed order); pod k is asked at now = k. `seed` drives only the
  // Placement's RNG (tie-breaks, Random). Throws std::logic_error if a policy
  // chooses a node the pod does not fit (place_chosen).
  // REQUIRES: every index < the number of pods.
  PackResult run_order(PackPolicy policy, std::uint64_t seed, const std::vector<int>& order) const;
  PackResult run_order(ReplayPolicy& policy, std::uint64_t seed, const std::vector<int>& order) const;
  // The resampled, shuffled pod order of one seed (pod indices; see Workload).
  std::vector<int> workload(std::uint64_t seed) const;

  const std::vector<OpenbPod>& pods() const { return pods_; }
  std::int64_t capacity_milli() const { return capacity_milli_; }
  int node_count() const { return static_cast<int>(nodes_.size()); }
  int gpu_count() const { return static_cast<int>(capacity_milli_ / kMilliPerGpu); }
  int target_shape_count() const { return static_cast<int>(targets_.size()); }

  // Internal compiled forms, exposed for tests.
  struct Shape {  // a distinct pod request
    std::int64_t cpu = 0, mem = 0, milli = 0;
    int gpus = 0;
    std::uint64_t models = 0;  // bit per node model index; all ones = any
    int gpu_shape = 0;         // index of (gpus, milli) among GPU shapes
  };
  struct Target {  // a target-workload shape with its integer weight (pod count)
    std::int64_t cpu = 0, milli = 0, weight = 0;
    int gpus = 0;
    std::uint64_t models = 0;
  };
  struct NodeSpec {
    std::int64_t cpu = 0, mem = 0;
    int gpus = 0, model = -1, first_gpu = 0;
  };
  // The compiled nodes in input order (NodeSpec::model indexes gpu_models(),
  // -1 for a node without GPUs), the cluster's GPU model codes in order of
  // first appearance, and the distinct pod shapes (Placement::shape_of).
  const std::vector<NodeSpec>& node_specs() const { return nodes_; }
  const std::vector<std::string>& gpu_models() const { return models_; }
  const Shape& shape(int id) const { return shapes_[static_cast<std::size_t>(id)]; }
  // Weighted fragmentation F_n(M) x (sum of weights) of a node state, in milli.
  std::int64_t node_frag(const NodeSpec& n, std::int64_t cpu_left, const std::int32_t* gpu_free) const;
  std::int64_t weight_sum() const { return weight_sum_; }
  // The comparison key of a weighted dF under options.fgd_levels; smaller is better.
  std::int64_t fgd_key(std::int64_t delta) const;

 private:
  friend class Placement;  // placement.h: the per-run state and the policies' choice
  std::vector<OpenbPod> pods_;
  PackOptions options_;
  std::vector<NodeSpec> nodes_;
  std::vector<std::string> models_;
  std::vector<Shape> shapes_;
  std::vector<int> pod_shape_;  // per pod
  std::vector<Target> targets_;
  std::int64_t weight_sum_ = 0;
  std::int64_t capacity_milli_ = 0;
  int total_gpus_ = 0;
  int gpu_shapes_ = 0;
  std::vector<std::int64_t> fgd_thresholds_;  // ascending
};

// Calls fn(0) .. fn(n-1) on up to `threads` threads (0 = hardware), each index
// once; returns when all are done. fn must be safe to call concurrently.
void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& fn);

// For each (policy, seed) pair, on up to `threads` threads (0 = hardware):
// makes a fresh policy from its factory and calls run(i, policy, seed), where
// i = policy index x seeds.size() + seed index (policy, then seed). run must
// be safe to call concurrently for distinct i.
void for_each_run(const std::vector<ReplayPolicyFactory>& policies, const std::vector<std::uint64_t>& seeds,
                  unsigned threads, const std::function<void(std::size_t, ReplayPolicy&, std::uint64_t)>& run);

// Runs each (policy, seed) pair on up to `threads` threads (0 = hardware).
// Results are ordered by policy, then seed.
std::vector<PackResult> run_all(const PackingEngine& engine, const std::vector<PackPolicy>& policies,
                                const std::vector<std::uint64_t>& seeds, unsigned threads = 0);
std::vector<PackResult> run_all(const PackingEngine& engine, const std::vector<ReplayPolicyFactory>& policies,
                                const std::vector<std::uint64_t>& seeds, unsigned threads = 0);

}  // namespace suanli::trace

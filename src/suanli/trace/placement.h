// The mutable cluster state of one openb replay run, the six packing
// policies' choice of a node for one pod, and the ReplayPolicy interface both
// modes place pods through. Shared by pack mode (PackingEngine::run_order)
// and time mode (time_replay.h), so both run the same policy code; time mode
// also releases pods.
//
// State: per node CPU and memory left, per GPU free milli, per node the
// weighted fragmentation F_n(M) (packing.h) kept up to date incrementally, the
// pods of each GPU shape a node hosts (GpuClustering), and FGD's per
// (node, pod shape) cache, invalidated by a per-node version that every bind
// and release bumps. One seeded std::mt19937_64 draws tie-breaks and Random's
// picks; it is drawn only among nodes a pod fits, so a pod that fits nowhere
// draws nothing.
//
// Complexity: choose() is O(N G) for non-FGD policies and O(N) cache probes
// plus re-evaluations of changed nodes for FGD (packing.h); bind() and
// release() are O(G T) (one F_n recomputation). Sized once at construction;
// choose/bind/release allocate nothing after the first FGD call.
//
// Not thread-safe: one Placement per run. The engine must outlive it.
#pragma once

#include <cstdint>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "suanli/trace/packing.h"

namespace suanli::trace {

class Placement {
 public:
  struct Choice {
    int node = -1;  // -1: fits no node now
    int gpu = -1;   // node-local GPU for a fraction; -1 = let bind() choose
  };
  struct Bound {
    std::uint64_t gpus = 0;  // bit g: node-local GPU g holds (part of) the pod
    int first_gpu = -1;      // the lowest such GPU (or the fraction's GPU)
  };

  Placement(const PackingEngine& engine, std::uint64_t seed);

  // The policy's choice for engine pod `pod` (an index into the engine's pod
  // list). Draws from the run's RNG only among fitting nodes.
  Choice choose(PackPolicy policy, int pod);
  // Binds `pod` on c.node. REQUIRES fits(c.node, pod), and c.gpu (if >= 0) a
  // GPU of that node with room for the fraction. A fraction goes to c.gpu, or
  // else the tightest GPU that fits; whole GPUs take the first GPUs with room.
  Bound bind(int pod, Choice c);
  // Undoes bind(): REQUIRES `pod` bound on `node` with `b` from bind().
  void release(int pod, int node, const Bound& b);

  bool fits(int node, int pod) const;
  // Whether the pod fits some node of the empty cluster (else it never can).
  bool fits_empty(int pod) const;

  int node_count() const { return static_cast<int>(cpu_left_.size()); }
  int shape_of(int pod) const { return e_.pod_shape_[static_cast<std::size_t>(pod)]; }
  std::int64_t cpu_left(int node) const { return cpu_left_[static_cast<std::size_t>(node)]; }
  std::int64_t mem_left(int node) const { return mem_left_[static_cast<std::size_t>(node)]; }
  const std::int32_t* gpu_free(int node) const;  // the node's GPUs, free milli each
  std::int64_t allocated_milli() const { return allocated_milli_; }
  // sum_n F_n(M) as a fraction of cluster GPU capacity.
  double fragmented() const;
  // The run's RNG (seeded from the run's seed), for a ReplayPolicy's own draws.
  std::mt19937_64& rng() { return rng_; }

 private:
  using NodeSpec = PackingEngine::NodeSpec;
  using Shape = PackingEngine::Shape;
  static constexpr std::int64_t kInfeasible = std::numeric_limits<std::int64_t>::max();
  struct Cached {
    std::uint32_t version = std::numeric_limits<std::uint32_t>::max();
    std::int32_t gpu = -1;
    std::int64_t key = kInfeasible;  // fgd_key() of the best candidate; smaller is better
  };

  bool fits_shape(int node, const Shape& s) const;
  int tightest_gpu(int node, const Shape& s) const;
  Cached fgd_eval(int node, const Shape& s) const;
  void refresh(int node);  // after a change: version, F_n

  const PackingEngine& e_;
  std::mt19937_64 rng_;
  std::vector<std::int64_t> cpu_left_, mem_left_, frag_;
  std::vector<std::int32_t> gpu_free_;
  std::vector<std::uint32_t> version_;
  std::vector<std::int32_t> hosts_;  // node x GPU shape: pods of that shape on the node
  std::vector<Cached> cache_;        // node x pod shape, FGD only (sized on first use)
  std::int64_t frag_total_ = 0, allocated_milli_ = 0;
};

// A placement policy of an openb replay, pack mode or time mode; one object
// per run. The six built-in policies are ReplayPolicy adapters over
// Placement::choose (make_replay_policy); others keep their own state in step
// through placed() and released() and answer choose() from it (suanli's own
// scheduler: trace_sched/suanli_policy.h).
// Call protocol: choose(), then placed() for the same pod and node if the
// replay binds it (place_chosen), never otherwise; released() when a placed pod
// leaves. Pack mode never releases, and one engine pod index may be placed
// many times (the workload is resampled with replacement); its `now` is the
// pod's position in the run's order (0, 1, ...). Time mode's `now` is seconds
// from the trace start, and each pod arrives once.
class ReplayPolicy {
 public:
  virtual ~ReplayPolicy() = default;
  virtual std::string name() const = 0;
  // The node (and GPU, for a fraction) for engine pod `pod` at `now`, or
  // node -1. A node it returns must fit the pod (cluster.fits); the replay
  // checks and throws std::logic_error otherwise.
  virtual Placement::Choice choose(Placement& cluster, int pod, std::int64_t now) = 0;
  virtual void placed(int /*pod*/, int /*node*/, const Placement::Bound& /*where*/, std::int64_t /*now*/) {}
  virtual void released(int /*pod*/, int /*node*/, std::int64_t /*now*/) {}
};

// One of the six policies of packing.h as a ReplayPolicy (stateless but for
// the run's RNG in the Placement).
std::unique_ptr<ReplayPolicy> make_replay_policy(PackPolicy policy);
// Its factory (ReplayPolicyFactory: packing.h), and one per policy, in order.
ReplayPolicyFactory builtin_factory(PackPolicy policy);
std::vector<ReplayPolicyFactory> builtin_factories(const std::vector<PackPolicy>& policies);

// The one placement step of both modes: binds `pod` where `policy` chose and
// tells the policy (placed()). Throws std::logic_error, naming the policy, if
// c.node is not a node the pod fits now. O(G T), as Placement::bind.
Placement::Bound place_chosen(Placement& cluster, ReplayPolicy& policy, int pod, Placement::Choice c,
                              std::int64_t now);

}  // namespace suanli::trace

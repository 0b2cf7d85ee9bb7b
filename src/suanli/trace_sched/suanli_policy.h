// The "suanli" policy of the openb replays, pack mode (trace/packing.h) and
// time mode (trace/time_replay.h): pods placed by suanli's own scheduler's
// placement rule (sched/cluster_state.h), kept in step with the replay
// through trace::ReplayPolicy (trace/placement.h). Pack mode never releases
// and may place one engine pod index many times (resampled): share_of_ then
// keeps the latest placement only, which released() would need, but pack mode
// never calls it.
//
// Where it lives. trace/ does not depend on sched/ (its engines stay free of
// the scheduler's policy and catalog chain) and sched/ does not depend on
// trace/. This small module joins them: suanli_trace_sched links both, and
// nothing in the core links it (only report/cli users and tests), so the
// module graph stays acyclic: model <- ... <- sched <- trace_sched -> trace.
//
// The fleet (SuanliFleet, built once per engine, shared read-only by runs).
// Each GPU model code of the engine's node list becomes an Accelerator: the
// catalog entry its code maps to (config::openb_gpu_models(): T4 -> t4, ...),
// or, for codes with no catalog entry (G1/G2/G3, undisclosed by Alibaba, or
// any code the mapping does not know), an opaque one made for the run: id
// "openb-g2", name "undisclosed (openb G2)", vendor "undisclosed", every
// figure unknown (so its device memory is 0 MiB). Accelerator::origin has no
// "unknown" value; the opaque ones carry the default, Imported, the cautious
// reading (never counted as domestic), and the name says the chip is
// undisclosed. Memory is not used by this replay (see fractions below), so
// the catalog figures only name the pools.
//
// The cluster state (one SuanliPolicy per run). One NodeGroup of one node
// per engine GPU node (devices = its GPUs, one interconnect domain); pools
// form per (accelerator, GPUs per node) as ClusterState does. CPU-only nodes
// get no pool. ClusterState tracks devices only; CPU and memory are checked
// on the replay's Placement (cluster.fits) for every candidate.
//
// choose() for engine pod `pod` (shape s):
//  - whole GPUs (s.gpus >= 1, 1000 milli each): in every pool whose model the
//    pod's gpu_spec allows and whose nodes have >= s.gpus devices,
//    ClusterState::find_node_if in best-fit order (fewest free devices first)
//    with the test "the pod fits this node in the Placement"; across pools the
//    node with the fewest free devices wins, ties to the lower pool (pools in
//    order of first appearance in the node list). With CPU and memory to spare
//    this is exactly ClusterState::find's node; a node lacking CPU or memory is
//    skipped for the next best.
//  - a fraction (s.milli < 1000): ClusterState::find_fraction_if per allowed
//    pool with the same test and a memory share of 0 MiB (the trace gives no
//    GPU memory per pod; the milli share is the only device quantity it
//    states, as in the FGD model of packing.h). Across pools: a shared device
//    beats opening a whole-free one; shared devices by least free milli,
//    openings by the node's fewest free devices; ties to the lower pool.
//  - no GPU: where the replay's BestFit policy would put it (placement.h:
//    CPU, memory and idle-GPU slack; ties from the run's RNG). The scheduler
//    has no CPU-only placement of its own, and BestFit's idle-GPU term keeps
//    such pods off nodes with idle GPUs when a CPU-only or busy node fits.
// Device identity: ClusterState counts whole devices and names shared ones
// by node-local index; Placement names every GPU. Whole pods take the first
// fully free GPUs in the Placement (Choice::gpu = -1), which are exactly the
// devices ClusterState counts as whole-free. When ClusterState opens a shared
// device, the fraction goes to the lowest fully free GPU of the node, and the
// policy records device <-> GPU (forgotten when the device's last fraction
// leaves), so Choice::gpu names the device ClusterState binds.
// placed()/released() bind/release the same shares in the ClusterState, so it
// mirrors the Placement exactly (mirror_mismatch() checks it).
//
// Complexity per choose(): for each allowed pool, the ClusterState walk
// (O(domains x devices-per-node) buckets plus O(1000/64) mask words) plus one
// Placement::fits (O(G)) per candidate node rejected for CPU/memory, so
// O(pools x (G + rejected x G)); O(N G) in the worst case where most nodes
// lack CPU or memory. GPU-less pods: BestFit's O(N G). placed/released: O(1)
// plus O(G) to pick the GPU of a newly opened device. Memory O(N G + P).
//
// Thread-safety: SuanliFleet is immutable after construction and may be
// shared by concurrent runs; a SuanliPolicy is one run's state (not shared).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/openb.h"
#include "suanli/sched/cluster_state.h"
#include "suanli/trace/packing.h"
#include "suanli/trace/placement.h"

namespace suanli::trace {

inline constexpr std::string_view kSuanliPolicyName = "suanli";

class SuanliFleet {
 public:
  // Keeps a reference to `engine` (which must outlive it). `codes` maps trace
  // GPU codes to catalog ids (config::openb_gpu_models()); a code mapped to
  // an id the catalog lacks is an InputError naming the id, and so is a pod
  // asking for a fraction of each of several GPUs (ClusterState shares one).
  SuanliFleet(const PackingEngine& engine, const Catalog& catalog, const std::vector<TraceGpuModel>& codes);
  SuanliFleet(const SuanliFleet&) = delete;  // pools point at accelerators_
  SuanliFleet& operator=(const SuanliFleet&) = delete;

  const PackingEngine& engine() const { return engine_; }
  // Per engine GPU model index (PackingEngine::gpu_models()): its accelerator.
  const std::vector<Accelerator>& accelerators() const { return accelerators_; }

 private:
  const PackingEngine& engine_;
  std::vector<Accelerator> accelerators_;
};

class SuanliPolicy final : public ReplayPolicy {
 public:
  // Keeps a reference to `fleet`, which must outlive this object.
  explicit SuanliPolicy(const SuanliFleet& fleet);

  std::string name() const override { return std::string(kSuanliPolicyName); }
  Placement::Choice choose(Placement& cluster, int pod, std::int64_t now) override;
  // REQUIRES: `pod` is the pod of the latest choose(), placed where it chose.
  void placed(int pod, int node, const Placement::Bound& where, std::int64_t now) override;
  void released(int pod, int node, std::int64_t now) override;

  const ClusterState& state() const { return state_; }
  // The ClusterState node of engine node `node` (-1 for a CPU-only node), and back.
  int state_node(int node) const { return state_node_[static_cast<std::size_t>(node)]; }
  int engine_node(int state_node) const { return engine_node_[static_cast<std::size_t>(state_node)]; }
  // "" if the ClusterState mirrors `cluster` (the Placement of this run):
  // per GPU node, whole-free devices = GPUs with 1000 milli free, and every
  // shared device has the free milli of the GPU it stands for while the
  // other GPUs are fully free or fully bound; else the first difference. O(N G).
  std::string mirror_mismatch(const Placement& cluster) const;

 private:
  struct Pending {
    int pod = -1;
    int node = -1;  // engine node
    int gpu = -1;   // Placement GPU of a fraction
    bool opens = false;
    NodeShare share;
    bool has_share = false;  // false for a GPU-less pod
  };
  int device_slot(int state_node, int device) const;  // cluster-wide device id

  const SuanliFleet& fleet_;
  ClusterState state_;
  std::vector<int> state_node_, engine_node_;
  std::vector<int> pool_model_;       // per pool: engine GPU model index
  std::vector<int> gpu_of_device_;    // per ClusterState device id: Placement GPU (node-local), or -1
  std::vector<int> device_of_gpu_;    // per engine GPU (NodeSpec::first_gpu + g): shared device index, or -1
  std::vector<NodeShare> share_of_;   // per pod: what it holds (milli == 0 && devices == 0: nothing)
  Pending pending_;
};

// A factory for run_all and run_all_time: one SuanliPolicy per run on `fleet`.
ReplayPolicyFactory suanli_policy_factory(const SuanliFleet& fleet);

}  // namespace suanli::trace

// The "suanli" policy of the openb replays (trace_sched/suanli_policy.h), time
// mode and pack mode: exact choices on hand-built clusters, the ClusterState
// mirroring the replay's Placement after every placement and release, and
// runs on the real default trace. Real-trace tests read $SUANLI_SHARED_DATA (set by
// tests/CMakeLists.txt) and fail, naming the folder, when it is missing.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "shared_data.h"

#include "suanli/config/catalog_loader.h"
#include "suanli/config/openb_reader.h"
#include "suanli/model/error.h"
#include "suanli/trace/time_replay.h"
#include "suanli/trace_sched/suanli_policy.h"

namespace suanli::trace {
namespace {

const Catalog& cat() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

std::string traces() { return test_data::shared_dir("traces", "openb_pod_list_default.csv"); }

OpenbNode node(std::string name, int gpus, std::string model = "T4", std::int64_t cpu = 64000) {
  return {.name = std::move(name), .cpu_milli = cpu, .memory_mib = 65536, .gpus = gpus, .model = std::move(model)};
}

OpenbPod pod(std::string name, int gpus, std::int64_t milli, std::int64_t created, std::int64_t deleted,
             std::int64_t cpu = 1000) {
  OpenbPod p;
  p.name = std::move(name);
  p.cpu_milli = cpu;
  p.memory_mib = 1024;
  p.num_gpu = gpus;
  p.gpu_milli = milli;
  p.creation_time = created;
  p.deletion_time = deleted;
  return p;
}

// The suanli policy with checks after every placement and release: the
// ClusterState's invariants hold and it mirrors the Placement; it records each
// pod's choice (node and GPU).
class Checked final : public ReplayPolicy {
 public:
  explicit Checked(const SuanliFleet& fleet) : inner(fleet), chosen(fleet.engine().pods().size()) {}
  std::string name() const override { return inner.name(); }
  Placement::Choice choose(Placement& cluster, int pod, std::int64_t now) override {
    cluster_ = &cluster;
    const Placement::Choice c = inner.choose(cluster, pod, now);
    if (c.node >= 0) chosen[static_cast<std::size_t>(pod)] = c;
    return c;
  }
  void placed(int pod, int node, const Placement::Bound& where, std::int64_t now) override {
    inner.placed(pod, node, where, now);
    verify();
  }
  void released(int pod, int node, std::int64_t now) override {
    inner.released(pod, node, now);
    verify();
  }

  SuanliPolicy inner;
  std::vector<Placement::Choice> chosen;
  int checks = 0;

 private:
  void verify() {
    inner.state().check_invariants();
    const std::string m = inner.mirror_mismatch(*cluster_);
    EXPECT_EQ(m, "");
    ++checks;
  }
  const Placement* cluster_ = nullptr;
};

TEST(SuanliFleet, CatalogAcceleratorsAndOpaqueUndisclosedOnes) {
  const PackingEngine engine({node("a", 2, "T4"), node("b", 8, "G2"), node("c", 4, "V100M32"), node("d", 1, "X9")},
                             {pod("p", 1, 1000, 0, 1)});
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  ASSERT_EQ(fleet.accelerators().size(), 4U);
  EXPECT_EQ(fleet.accelerators()[0].id, "t4");
  EXPECT_EQ(fleet.accelerators()[1].id, "openb-g2");
  EXPECT_EQ(fleet.accelerators()[1].name, "undisclosed (openb G2)");
  EXPECT_FALSE(fleet.accelerators()[1].mem_gb.known());
  EXPECT_FALSE(fleet.accelerators()[1].bf16_tflops.known());
  EXPECT_EQ(fleet.accelerators()[2].id, "v100-32gb");
  EXPECT_EQ(fleet.accelerators()[3].id, "openb-x9");  // a code the mapping does not know is opaque too
  const SuanliPolicy policy(fleet);
  ASSERT_EQ(policy.state().pools().size(), 4U);
  EXPECT_EQ(policy.state().pools()[0].accelerator->id, "t4");
  // A mapping to an id the catalog lacks is an input error naming it.
  const std::vector<TraceGpuModel> bad = {{"T4", "t4-nonexistent", "?"}};
  EXPECT_THROW(SuanliFleet(engine, cat(), bad), InputError);
  // So is a fraction of each of several GPUs (the trace's reader rejects it too).
  const PackingEngine split({node("a", 2, "T4")}, {pod("p", 2, 500, 0, 1)});
  EXPECT_THROW(SuanliFleet(split, cat(), config::openb_gpu_models()), InputError);
}

// Whole GPUs, best fit across pools of 4- and 2-GPU nodes (times in seconds;
// every pod runs to 100):
//   a 1 GPU  t=0: n1 (2 free) is tighter than n0, n2 (4 free)       -> n1
//   b 1 GPU  t=1: n1 (1 free)                                        -> n1
//   c 2 GPUs t=2: n1 full; n0, n2 have 4: the bucket's first          -> n0
//   d 1 GPU  t=3: n0 (2 free)                                        -> n0
//   e 1 GPU, 62.5 cores, t=4: n0 (1 free) is tightest but has 62 cores left -> n2
//   f 1 GPU  t=5: n0 (1 free) again                                  -> n0
TEST(SuanliPolicy, WholeGpuPodsGoToTheTightestNodeThatFitsCpuToo) {
  const PackingEngine engine({node("n0", 4), node("n1", 2), node("n2", 4)},
                             {pod("a", 1, 1000, 0, 100), pod("b", 1, 1000, 1, 100), pod("c", 2, 1000, 2, 100),
                              pod("d", 1, 1000, 3, 100), pod("e", 1, 1000, 4, 100, 62500),
                              pod("f", 1, 1000, 5, 100)});
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  Checked policy(fleet);
  const TimeResult r = TimeReplay(engine).run(policy, 7);
  EXPECT_EQ(r.policy, "suanli");
  EXPECT_EQ(r.node_of, (std::vector<std::int32_t>{1, 1, 0, 0, 2, 0}));
  EXPECT_EQ(r.placed, 6);
  EXPECT_EQ(policy.checks, 12);  // 6 placements, 6 releases at 100 (the trace's end)
}

// Fractions on two 2-GPU nodes (node-local GPU in brackets):
//   f1 0.5 t=0: nothing shared; open where one GPU would go: n0 (first)  -> n0[0]
//   w  1 GPU t=1: n0 (1 free) is tightest; the first fully free GPU     -> n0[1]
//   f2 0.3 t=2: the shared GPU n0[0] (500 free)                          -> n0[0], 200 left
//   f3 0.3 t=3: 200 < 300: open a GPU; n0 has none whole, n1            -> n1[0], 700 left
//   f4 0.2 t=4: the tightest shared GPU is n0[0] (200), not n1[0] (700)  -> n0[0]
TEST(SuanliPolicy, FractionsPackOntoTheTightestSharedGpu) {
  const PackingEngine engine({node("n0", 2), node("n1", 2)},
                             {pod("f1", 1, 500, 0, 100), pod("w", 1, 1000, 1, 100), pod("f2", 1, 300, 2, 100),
                              pod("f3", 1, 300, 3, 100), pod("f4", 1, 200, 4, 100)});
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  Checked policy(fleet);
  const TimeResult r = TimeReplay(engine).run(policy, 7);
  EXPECT_EQ(r.node_of, (std::vector<std::int32_t>{0, 0, 0, 1, 0}));
  const std::vector<int> gpus = {0, -1, 0, 0, 0};
  for (std::size_t i = 0; i < gpus.size(); ++i) EXPECT_EQ(policy.chosen[i].gpu, gpus[i]) << i;
  EXPECT_EQ(policy.checks, 10);
}

// ClusterState names a newly shared device by its lowest non-shared index; the
// Placement's GPU 0 is taken by a whole pod, so the fraction goes to GPU 1 and
// the device <-> GPU record keeps them in step through releases.
//   w  1 GPU t=0..2   -> GPU 0
//   f  0.5  t=1..50   -> device 0 of the state, GPU 1 of the Placement
//   g  0.5  t=3..50   -> the same shared device: GPU 1
//   w2 1 GPU t=4..50  -> GPU 0 (whole-free again)
//   h  0.6  t=5..40   -> no whole GPU, no room: waits; at 50 (the end) f, g and
//                        w2 leave first, the shared device is whole again, and
//                        h opens device 0 on GPU 0 (the record was forgotten)
TEST(SuanliPolicy, SharedDeviceIndexMapsToThePlacementsGpu) {
  const PackingEngine engine({node("n0", 2)}, {pod("w", 1, 1000, 0, 2), pod("f", 1, 500, 1, 50),
                                               pod("g", 1, 500, 3, 50), pod("w2", 1, 1000, 4, 50),
                                               pod("h", 1, 600, 5, 40)});
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  Checked policy(fleet);
  const TimeResult r = TimeReplay(engine).run(policy, 1);
  EXPECT_EQ(policy.chosen[1].gpu, 1);
  EXPECT_EQ(policy.chosen[2].gpu, 1);
  EXPECT_EQ(policy.chosen[3].gpu, -1);
  EXPECT_EQ(policy.chosen[4].gpu, 0);
  EXPECT_EQ(r.start_of, (std::vector<std::int64_t>{0, 1, 3, 4, 50}));
  EXPECT_EQ(r.unplaced, 0);
  EXPECT_EQ(policy.checks, 4 + 1 + 3 + 1);  // placements, w's release, three at 50, h
}

// Node sizes 1..8 of two models, two of them short of CPU, and a CPU-only node.
std::vector<OpenbNode> mixed_nodes() {
  return {node("a", 8, "T4"), node("b", 4, "T4"), node("c", 2, "G1", 16000),
          node("d", 1, "G1"), node("e", 8, "G1", 24000), node("f", 0, "")};
}

// A random trace with departures, waits, GPU-less pods, a gpu_spec, CPU-heavy
// pods and node sizes 1..8 of two models: the state mirrors the replay after
// every event, every pod is accounted for, and runs repeat exactly.
TEST(SuanliPolicy, StateMirrorsTheReplayOnARandomTraceWithDepartures) {
  std::vector<OpenbNode> nodes = mixed_nodes();
  std::mt19937_64 rng(5);
  std::vector<OpenbPod> pods;
  for (int i = 0; i < 600; ++i) {
    const auto kind = rng() % 10;
    const std::int64_t t = static_cast<std::int64_t>(i) * 3 + static_cast<std::int64_t>(rng() % 3);
    const std::int64_t life = 1 + static_cast<std::int64_t>(rng() % 200);
    const std::int64_t cpu = 500 + static_cast<std::int64_t>(rng() % 8) * 1500;
    OpenbPod p = kind < 4   ? pod("p", 1, 100 * static_cast<std::int64_t>(1 + rng() % 9), t, t + life, cpu)
                 : kind < 8 ? pod("p", 1 + static_cast<int>(rng() % 4), 1000, t, t + life, cpu)
                 : kind < 9 ? pod("p", 0, 0, t, t + life, cpu)
                            : pod("p", 8, 1000, t, t + life, cpu);
    p.name += std::to_string(i);
    if (rng() % 7 == 0) p.gpu_spec = {"G1"};
    pods.push_back(p);
  }
  const PackingEngine engine(nodes, pods);
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  const TimeReplay replay(engine, {.lookahead = 8});
  Checked policy(fleet);
  const TimeResult r = replay.run(policy, 3);
  EXPECT_EQ(r.placed + r.failed + r.unplaced, r.pods);
  EXPECT_GT(r.waited, 0) << "the trace should contend";
  EXPECT_GT(policy.checks, r.placed);  // every placement, and the releases
  EXPECT_LE(r.peak_allocated_milli, r.capacity_milli);
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const int n = r.node_of[i];
    if (n < 0) continue;
    if (pods[i].num_gpu > 0) {
      // Only nodes of an allowed model, and a node state of the right pool.
      EXPECT_GE(policy.inner.state_node(n), 0) << i;
      if (!pods[i].gpu_spec.empty()) {
        EXPECT_TRUE(n == 2 || n == 3 || n == 4) << i;
      }
    }
  }
  Checked again(fleet);
  const TimeResult r2 = replay.run(again, 3);
  EXPECT_EQ(r2.node_of, r.node_of);
  EXPECT_EQ(r2.start_of, r.start_of);
  EXPECT_EQ(again.chosen.size(), policy.chosen.size());
  for (std::size_t i = 0; i < policy.chosen.size(); ++i) EXPECT_EQ(again.chosen[i].gpu, policy.chosen[i].gpu) << i;
}

// --- the real trace ------------------------------------------------------------

TEST(SuanliPolicy, DefaultTraceEveryPodAccountedAndDeterministic) {
  const std::string dir = traces();
  if (dir.empty()) return;
  const PackingEngine engine(config::read_openb_nodes(dir + "openb_node_list_gpu_node.csv"),
                             config::read_openb_pods(dir + "openb_pod_list_default.csv"));
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  const TimeReplay replay(engine);
  const auto runs = run_all_time(replay, {suanli_policy_factory(fleet)}, {42, 42});
  ASSERT_EQ(runs.size(), 2U);
  const TimeResult& r = runs[0];
  EXPECT_EQ(r.policy, "suanli");
  EXPECT_EQ(r.pods, 8152);
  EXPECT_EQ(r.placed + r.failed + r.unplaced, r.pods);
  // As for the six policies: the trace never asks for more than 65.59 GPUs at once.
  EXPECT_EQ(r.placed, 8152);
  EXPECT_EQ(r.waited, 0);
  EXPECT_EQ(r.peak_allocated_milli, 65590);
  EXPECT_LE(r.peak_allocated_milli, r.capacity_milli);
  for (const TimePoint& p : r.curve) EXPECT_LE(p.allocated, 1.0);
  EXPECT_EQ(runs[1].node_of, r.node_of);
  EXPECT_EQ(runs[1].start_of, r.start_of);
  EXPECT_EQ(runs[1].curve.size(), r.curve.size());
}

// Every 40th GPU node (31 nodes, 147 GPUs; the README's contention case):
// pods wait and leave, and the state mirrors the replay after every event.
TEST(SuanliPolicy, SmallRealClusterMirrorsTheReplay) {
  const std::string dir = traces();
  if (dir.empty()) return;
  const auto all = config::read_openb_nodes(dir + "openb_node_list_gpu_node.csv");
  std::vector<OpenbNode> nodes;
  for (std::size_t i = 0; i < all.size(); i += 40) nodes.push_back(all[i]);
  const PackingEngine engine(nodes, config::read_openb_pods(dir + "openb_pod_list_default.csv"));
  ASSERT_EQ(engine.node_count(), 31);
  ASSERT_EQ(engine.gpu_count(), 147);
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  Checked policy(fleet);
  const TimeResult r = TimeReplay(engine).run(policy, 42);
  EXPECT_EQ(r.placed + r.failed + r.unplaced, r.pods);
  EXPECT_GT(r.placed, 8100);
  EXPECT_LE(r.peak_allocated_milli, r.capacity_milli);
  EXPECT_GE(policy.checks, r.placed);
}

// --- pack mode -----------------------------------------------------------------

// Pack mode keeps only choose() and placed(): nothing leaves, so the choices
// are those of the time-mode tests above before their first release. The
// order is fixed (run_order), pod k asked at now = k.
TEST(SuanliPolicyPack, WholeGpuPodsBestFitByFreeGpus) {
  const PackingEngine engine({node("n0", 4), node("n1", 2), node("n2", 4)},
                             {pod("a", 1, 1000, 0, 100), pod("b", 1, 1000, 1, 100), pod("c", 2, 1000, 2, 100),
                              pod("d", 1, 1000, 3, 100), pod("e", 1, 1000, 4, 100, 62500),
                              pod("f", 1, 1000, 5, 100), pod("g", 4, 1000, 6, 100)});
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  Checked policy(fleet);
  const PackResult r = engine.run_order(policy, 7, {0, 1, 2, 3, 4, 5, 6});
  EXPECT_EQ(r.policy, "suanli");
  // g (4 GPUs): n0 and n2 have 0 and 3 free, n1 none: fails.
  EXPECT_EQ(r.node_of, (std::vector<std::int32_t>{1, 1, 0, 0, 2, 0, -1}));
  EXPECT_EQ(r.gpu_of, (std::vector<std::int32_t>{0, 1, 0, 2, 0, 3, -1}));
  EXPECT_EQ(r.placed, 6);
  EXPECT_EQ(r.gpu_pods_failed, 1);
  EXPECT_EQ(r.allocated_milli, 7000);
  EXPECT_EQ(policy.checks, 6);  // a mirror check after every placement
}

TEST(SuanliPolicyPack, FractionsGoOntoTheTightestSharedGpu) {
  const PackingEngine engine({node("n0", 2), node("n1", 2)},
                             {pod("f1", 1, 500, 0, 100), pod("w", 1, 1000, 1, 100), pod("f2", 1, 300, 2, 100),
                              pod("f3", 1, 300, 3, 100), pod("f4", 1, 200, 4, 100)});
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  Checked policy(fleet);
  // f4 twice: the second finds n0[0] full (0 free) and n1[0] (700) the tightest.
  const PackResult r = engine.run_order(policy, 7, {0, 1, 2, 3, 4, 4});
  EXPECT_EQ(r.node_of, (std::vector<std::int32_t>{0, 0, 0, 1, 0, 1}));
  EXPECT_EQ(r.gpu_of, (std::vector<std::int32_t>{0, 1, 0, 0, 0, 0}));
  EXPECT_EQ(policy.checks, 6);
}

// The final ClusterState against a Placement rebuilt from the result alone
// (each placed pod bound again where the result says): they agree.
std::string mirror_after(const PackingEngine& engine, const SuanliPolicy& policy, const PackResult& r,
                         const std::vector<int>& order) {
  Placement rebuilt(engine, 0);
  for (std::size_t k = 0; k < order.size(); ++k) {
    if (r.node_of[k] < 0) continue;
    const PackingEngine::Shape& s = engine.shape(rebuilt.shape_of(order[k]));
    const bool fraction = s.gpus == 1 && s.milli < kMilliPerGpu;
    rebuilt.bind(order[k], {r.node_of[k], fraction ? r.gpu_of[k] : -1});
  }
  return policy.mirror_mismatch(rebuilt);
}

// The random cluster of the time-mode test, packed to 130%: pods repeat
// (resampled), fail once the cluster fills, and the state mirrors the
// Placement after every placement and at the end; runs repeat per seed.
TEST(SuanliPolicyPack, StateMirrorsThePackRunAndRunsRepeatPerSeed) {
  std::vector<OpenbNode> nodes = mixed_nodes();
  std::mt19937_64 rng(11);
  std::vector<OpenbPod> pods;
  for (int i = 0; i < 200; ++i) {
    const auto kind = rng() % 10;
    const std::int64_t cpu = 500 + static_cast<std::int64_t>(rng() % 8) * 1500;
    OpenbPod p = kind < 4   ? pod("p", 1, 100 * static_cast<std::int64_t>(1 + rng() % 9), 0, 1, cpu)
                 : kind < 8 ? pod("p", 1 + static_cast<int>(rng() % 4), 1000, 0, 1, cpu)
                 : kind < 9 ? pod("p", 0, 0, 0, 1, cpu)
                            : pod("p", 8, 1000, 0, 1, cpu);
    p.name += std::to_string(i);
    if (rng() % 7 == 0) p.gpu_spec = {"G1"};
    pods.push_back(p);
  }
  const PackingEngine engine(nodes, pods, {.load = 1.3});
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  Checked policy(fleet);
  const PackResult r = engine.run(policy, 3);
  const std::vector<int> order = engine.workload(3);
  ASSERT_EQ(r.node_of.size(), order.size());
  EXPECT_EQ(r.placed + r.failed, r.pods);
  EXPECT_GT(r.gpu_pods_failed, 0) << "130% should not all fit";
  EXPECT_EQ(policy.checks, r.placed);
  EXPECT_LE(r.allocated_milli, r.capacity_milli);
  EXPECT_GE(r.arrived_milli, r.capacity_milli * 13 / 10);
  EXPECT_EQ(mirror_after(engine, policy.inner, r, order), "");
  for (std::size_t k = 0; k < order.size(); ++k) {
    const OpenbPod& p = pods[static_cast<std::size_t>(order[k])];
    if (r.node_of[k] >= 0 && !p.gpu_spec.empty() && p.num_gpu > 0) {
      EXPECT_TRUE(r.node_of[k] >= 2 && r.node_of[k] <= 4) << k;  // G1 nodes only
    }
  }
  Checked again(fleet);
  const PackResult r2 = engine.run(again, 3);
  EXPECT_EQ(r2.node_of, r.node_of);
  EXPECT_EQ(r2.gpu_of, r.gpu_of);
  EXPECT_EQ(r2.curve.size(), r.curve.size());
  Checked other(fleet);
  EXPECT_NE(engine.run(other, 4).node_of, r.node_of);  // another seed, another workload
  // run_all with a factory: the same run, named, in (policy, seed) order.
  const auto runs = run_all(engine, {suanli_policy_factory(fleet), builtin_factory(PackPolicy::Fgd)}, {3, 4});
  ASSERT_EQ(runs.size(), 4U);
  EXPECT_EQ(runs[0].policy, "suanli");
  EXPECT_EQ(runs[0].node_of, r.node_of);
  EXPECT_EQ(runs[1].seed, 4U);
  EXPECT_EQ(runs[2].policy, "fgd");
  EXPECT_EQ(runs[2].node_of, engine.run(PackPolicy::Fgd, 3).node_of);
}

// The paper's setting: the full openb cluster, the default pod list at 130%.
TEST(SuanliPolicyPack, DefaultTraceAt130Percent) {
  const std::string dir = traces();
  if (dir.empty()) return;
  const PackingEngine engine(config::read_openb_nodes(dir + "openb_node_list_gpu_node.csv"),
                             config::read_openb_pods(dir + "openb_pod_list_default.csv"), {.load = 1.3});
  const SuanliFleet fleet(engine, cat(), config::openb_gpu_models());
  SuanliPolicy policy(fleet);
  const std::vector<int> order = engine.workload(42);
  const PackResult r = engine.run_order(policy, 42, order);
  EXPECT_EQ(r.policy, "suanli");
  EXPECT_EQ(r.pods, static_cast<int>(order.size()));
  EXPECT_EQ(r.placed + r.failed, r.pods);
  EXPECT_GE(r.arrived_milli, r.capacity_milli * 13 / 10);
  EXPECT_GT(r.allocation(), 0.0);
  EXPECT_LT(r.allocation(), 1.0);
  EXPECT_GT(r.allocation(), 0.8);  // a best fit packs the cluster well before 130% arrives
  EXPECT_GT(r.gpu_pods_failed, 0);
  EXPECT_EQ(mirror_after(engine, policy, r, order), "");
}

}  // namespace
}  // namespace suanli::trace

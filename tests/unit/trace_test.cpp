// openb readers and the FGD packing engine. Reader and quality tests use the
// real trace files from $SUANLI_SHARED_DATA (set by tests/CMakeLists.txt to
// ../shared/data beside the repository); they fail, naming the folder, when
// the data is missing.
#include <cstdlib>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>

#include <gtest/gtest.h>

#include "shared_data.h"

#include "suanli/model/error.h"
#include "suanli/report/trace_report.h"
#include "suanli/config/openb_reader.h"
#include "suanli/trace/packing.h"
#include "suanli/trace/placement.h"

namespace suanli::trace {
namespace {

using config::openb_gpu_models;
using config::parse_openb_nodes;
using config::parse_openb_pods;
using config::read_openb_nodes;
using config::read_openb_pods;

// The traces folder, or "" after recording a failure that says what is missing.
std::string traces() { return test_data::shared_dir("traces", "openb_node_list_gpu_node.csv"); }

#define REQUIRE_TRACES(dir)            \
  const std::string dir = traces();    \
  if (dir.empty()) return

using test_data::error_of;

// --- readers on the real files -----------------------------------------------

TEST(OpenbReader, GpuNodeListHas1213NodesWith6212Gpus) {
  REQUIRE_TRACES(dir);
  const auto nodes = read_openb_nodes(dir + "openb_node_list_gpu_node.csv");
  ASSERT_EQ(nodes.size(), 1213U);
  int gpus = 0;
  for (const auto& n : nodes) {
    EXPECT_GT(n.gpus, 0) << n.name;
    gpus += n.gpus;
  }
  EXPECT_EQ(gpus, 6212);
  EXPECT_EQ(nodes.front().name, "openb-node-0000");
  EXPECT_EQ(nodes.front().cpu_milli, 64000);
  EXPECT_EQ(nodes.front().memory_mib, 262144);
  EXPECT_EQ(nodes.front().model, "P100");
}

TEST(OpenbReader, AllNodeListCountsGpusByModel) {
  REQUIRE_TRACES(dir);
  const auto nodes = read_openb_nodes(dir + "openb_node_list_all_node.csv");
  ASSERT_EQ(nodes.size(), 1523U);
  std::map<std::string, int> gpus;
  int cpu_only = 0;
  for (const auto& n : nodes) {
    if (n.gpus == 0) ++cpu_only;
    else gpus[n.model] += n.gpus;
  }
  EXPECT_EQ(cpu_only, 310);
  const std::map<std::string, int> expected = {{"G2", 4392}, {"T4", 842},     {"P100", 265}, {"G3", 312},
                                               {"V100M32", 204}, {"V100M16", 195}, {"A10", 2}};
  EXPECT_EQ(gpus, expected);
  for (const auto& [model, count] : gpus) {
    bool known = false;
    for (const auto& m : openb_gpu_models()) known = known || m.code == model;
    EXPECT_TRUE(known) << model << " has no entry in openb_gpu_models()";
  }
}

TEST(OpenbReader, PodListRowCountsInBothLayouts) {
  REQUIRE_TRACES(dir);
  const std::map<std::string, std::size_t> rows = {{"default", 8152},   {"gpuspec33", 8152}, {"gpushare100", 8152},
                                                   {"multigpu50", 9061}, {"cpu050", 7439}};
  for (const auto& [name, count] : rows) {
    const auto pods = read_openb_pods(dir + "openb_pod_list_" + name + ".csv");
    EXPECT_EQ(pods.size(), count) << name;
    const bool short_layout = name == "multigpu50";
    EXPECT_EQ(pods.front().creation_time.has_value(), !short_layout) << name;
  }
}

TEST(OpenbReader, DefaultPodListFields) {
  REQUIRE_TRACES(dir);
  const auto pods = read_openb_pods(dir + "openb_pod_list_default.csv");
  std::map<int, int> by_gpus;
  for (const auto& p : pods) ++by_gpus[p.num_gpu];
  EXPECT_EQ(by_gpus, (std::map<int, int>{{0, 1088}, {1, 6989}, {2, 16}, {4, 15}, {8, 44}}));
  // openb-pod-0001,6000,12288,1,460,,LS,Running,427061,12902960,427061
  const OpenbPod& p = pods[1];
  EXPECT_EQ(p.name, "openb-pod-0001");
  EXPECT_EQ(p.cpu_milli, 6000);
  EXPECT_EQ(p.gpu_milli, 460);
  EXPECT_TRUE(p.gpu_spec.empty());
  EXPECT_EQ(p.qos, "LS");
  EXPECT_EQ(p.creation_time, 427061);
  EXPECT_EQ(p.deletion_time, 12902960);
  const auto spec = read_openb_pods(dir + "openb_pod_list_gpuspec33.csv");
  int constrained = 0;
  for (const auto& q : spec) constrained += q.gpu_spec.empty() ? 0 : 1;
  EXPECT_EQ(constrained, 8152 - 5764);
}

// --- located errors -------------------------------------------------------------

TEST(OpenbReader, MalformedLinesAreLocated) {
  const std::string header = "sn,cpu_milli,memory_mib,gpu,model\n";
  EXPECT_EQ(error_of([&] { parse_openb_nodes(header + "n0,64000,262144,2,P100\nn1,abc,1,2,P100\n", "n.csv"); }),
            "n.csv:3: column 2 'cpu_milli': found 'abc', expected an integer >= 0");
  EXPECT_EQ(error_of([&] { parse_openb_nodes(header + "n0,64000,262144,2\n", "n.csv"); }),
            "n.csv:2: found 4 columns, expected 5 (sn,cpu_milli,memory_mib,gpu,model)");
  EXPECT_EQ(error_of([&] { parse_openb_nodes(header + "n0,1,1,2,\n", "n.csv"); }),
            "n.csv:2: column 5 'model': found '', expected a GPU model for a node with GPUs");
  EXPECT_NE(error_of([&] { parse_openb_nodes("name,cpu\n", "n.csv"); }).find("n.csv:1: header: found 'name,cpu'"),
            std::string::npos);
  const std::string pods = "name,cpu_milli,memory_mib,num_gpu,gpu_milli\n";
  EXPECT_EQ(error_of([&] { parse_openb_pods(pods + "p0,1,1,1,1500\n", "p.csv"); }),
            "p.csv:2: column 5 'gpu_milli': found '1500', expected an integer in 0..1000");
  EXPECT_EQ(error_of([&] { parse_openb_pods(pods + "p0,1,1,2,500\n", "p.csv"); }),
            "p.csv:2: column 5 'gpu_milli': found '500', expected 1000 (whole GPUs) when num_gpu > 1");
  EXPECT_EQ(error_of([&] { parse_openb_pods(pods + "p0,-5,1,0,0\n", "p.csv"); }),
            "p.csv:2: column 2 'cpu_milli': found '-5', expected an integer >= 0");
  EXPECT_EQ(error_of([&] { read_openb_pods("/nonexistent/pods.csv"); }),
            "/nonexistent/pods.csv: cannot open the file (missing or unreadable)");
}

TEST(OpenbReader, ParsesSpecsAndEmptyTimes) {
  const auto pods = parse_openb_pods(
      "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\r\n"
      "p0,8000,30517,1,500,V100M16|V100M32,BE,Pending,10,20,\r\n",
      "p.csv");
  ASSERT_EQ(pods.size(), 1U);
  EXPECT_EQ(pods[0].gpu_spec, (std::vector<std::string>{"V100M16", "V100M32"}));
  EXPECT_EQ(pods[0].phase, "Pending");
  EXPECT_FALSE(pods[0].scheduled_time.has_value());
  EXPECT_EQ(pods[0].gpu_request_milli(), 500);
}

// --- the packing engine on hand-checked cases --------------------------------------

OpenbNode node(std::string name, int gpus, std::string model = "A") {
  return {.name = std::move(name), .cpu_milli = 64000, .memory_mib = 65536, .gpus = gpus, .model = std::move(model)};
}
OpenbPod pod(int gpus, std::int64_t milli, std::int64_t cpu = 1000, std::vector<std::string> spec = {}) {
  OpenbPod p;
  p.name = "p";
  p.cpu_milli = cpu;
  p.memory_mib = 1024;
  p.num_gpu = gpus;
  p.gpu_milli = milli;
  p.gpu_spec = std::move(spec);
  return p;
}

TEST(Packing, NodeFragmentationFollowsThePaper) {
  // Target workload: one 0.5-GPU pod, one 2-GPU pod, one CPU-only pod, weight 1 each.
  const PackingEngine e({node("n0", 4)}, {pod(1, 500, 2000), pod(2, 1000), pod(0, 0)});
  const PackingEngine::NodeSpec n{.cpu = 64000, .mem = 65536, .gpus = 4, .model = 0, .first_gpu = 0};
  const std::int32_t free[4] = {1000, 600, 300, 0};  // idle 1,900
  // 0.5-GPU pod: the 300 left on GPU 2 is unusable; 2-GPU pod: only one whole
  // GPU, so all 1,900 are; CPU-only pod: all 1,900.
  EXPECT_EQ(e.node_frag(n, 64000, free), 300 + 1900 + 1900);
  // Without CPU for the 0.5-GPU pod, all idle GPU is unusable for it too.
  EXPECT_EQ(e.node_frag(n, 1500, free), 1900 * 3);
  const std::int32_t full[4] = {0, 0, 0, 0};
  EXPECT_EQ(e.node_frag(n, 64000, full), 0);
}

TEST(Packing, FgdPutsTheSecondHalfGpuOnTheHalfUsedGpu) {
  // Two identical 2-GPU nodes; target workload half 0.5-GPU pods, half 1-GPU pods.
  // The first 0.5-GPU pod lands anywhere (dF = +500 everywhere). The second on
  // the same GPU gives dF = -500 (a whole GPU stays usable), on a fresh GPU +500.
  const PackingEngine e({node("n0", 2), node("n1", 2)}, {pod(1, 500), pod(1, 1000)});
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    const PackResult r = e.run_order(PackPolicy::Fgd, seed, {0, 0, 1});
    ASSERT_EQ(r.placed, 3);
    EXPECT_EQ(r.node_of[1], r.node_of[0]) << "seed " << seed;
    EXPECT_EQ(r.gpu_of[1], r.gpu_of[0]) << "seed " << seed;
    EXPECT_EQ(r.allocated_milli, 2000);
    EXPECT_EQ(r.final_point().fragmented, 0.0);
  }
}

TEST(Packing, GpuSpecAndCapacityBoundPlacement) {
  const PackingEngine e({node("t4", 1, "T4"), node("v100", 1, "V100M16")},
                        {pod(1, 1000, 1000, {"V100M16"}), pod(1, 300, 1000, {"P100"}), pod(2, 1000)});
  for (PackPolicy p : all_pack_policies()) {
    const PackResult r = e.run_order(p, 7, {0, 0, 1, 2});
    EXPECT_EQ(r.node_of[0], 1) << policy_name(p);  // only the V100 node is allowed
    EXPECT_EQ(r.node_of[1], -1) << policy_name(p);  // its one GPU is taken
    EXPECT_EQ(r.node_of[2], -1) << policy_name(p);  // P100 is not in the cluster
    EXPECT_EQ(r.node_of[3], -1) << policy_name(p);  // no node has 2 GPUs
    EXPECT_EQ(r.gpu_pods_failed, 3);
  }
}

TEST(Packing, FgdScoreIsTheSimulatorsSigmoidLevels) {
  // W = 2 target pods; dF = delta / W milli-GPU; score = floor(100 sigmoid(-dF / 1000)).
  const PackingEngine e({node("n0", 2)}, {pod(1, 500), pod(1, 1000)});
  EXPECT_EQ(e.fgd_key(0), -50);
  EXPECT_EQ(e.fgd_key(-1), -50);    // sigmoid(0.0005) = 0.500125
  EXPECT_EQ(e.fgd_key(1), -49);
  EXPECT_EQ(e.fgd_key(-500), -56);  // dF = -250: sigmoid(0.25) = 0.562
  EXPECT_EQ(e.fgd_key(500), -43);
  EXPECT_EQ(e.fgd_key(-100000000), -99);
  EXPECT_EQ(e.fgd_key(100000000), 0);
  const PackingEngine exact({node("n0", 2)}, {pod(1, 500)}, {.fgd_levels = 0});
  EXPECT_EQ(exact.fgd_key(-123), -123);
}

// A ReplayPolicy of its own in pack mode: the last node that fits; it is told
// of every placement, and a choice that does not fit is a logic error.
class LastFit final : public ReplayPolicy {
 public:
  std::string name() const override { return "lastfit"; }
  Placement::Choice choose(Placement& cluster, int pod, std::int64_t now) override {
    nows.push_back(now);
    for (int i = cluster.node_count() - 1; i >= 0; --i) {
      if (cluster.fits(i, pod)) return {i, -1};
    }
    return {};
  }
  void placed(int, int node, const Placement::Bound&, std::int64_t) override { placed_on.push_back(node); }
  std::vector<std::int64_t> nows;
  std::vector<int> placed_on;
};

class AlwaysNodeZero final : public ReplayPolicy {
 public:
  std::string name() const override { return "zero"; }
  Placement::Choice choose(Placement&, int, std::int64_t) override { return {0, -1}; }
};

TEST(Packing, ExternalPolicyPlugsIntoPackMode) {
  const PackingEngine e({node("n0", 2), node("n1", 1)}, {pod(1, 1000), pod(1, 500)});
  LastFit policy;
  // n1's one GPU; n0 GPU 0 halved twice (the tightest GPU that fits); n0 GPU 1; full.
  const PackResult r = e.run_order(policy, 1, {0, 1, 1, 0, 0});
  EXPECT_EQ(r.policy, "lastfit");
  EXPECT_EQ(r.node_of, (std::vector<std::int32_t>{1, 0, 0, 0, -1}));
  EXPECT_EQ(r.gpu_of, (std::vector<std::int32_t>{0, 0, 0, 1, -1}));
  EXPECT_EQ(policy.placed_on, (std::vector<int>{1, 0, 0, 0}));
  EXPECT_EQ(policy.nows, (std::vector<std::int64_t>{0, 1, 2, 3, 4}));  // the position in the order
  AlwaysNodeZero zero;
  EXPECT_THROW(e.run_order(zero, 1, {0, 0, 0}), std::logic_error);  // the third does not fit n0
  // The built-in adapters are the built-in policies: same runs.
  for (PackPolicy p : all_pack_policies()) {
    const auto adapter = make_replay_policy(p);
    const PackResult a = e.run_order(*adapter, 5, {0, 1, 1, 0, 1});
    const PackResult b = e.run_order(p, 5, {0, 1, 1, 0, 1});
    EXPECT_EQ(a.policy, policy_name(p));
    EXPECT_EQ(a.node_of, b.node_of) << policy_name(p);
    EXPECT_EQ(a.gpu_of, b.gpu_of) << policy_name(p);
  }
}

TEST(Packing, PolicyNamesRoundTrip) {
  for (PackPolicy p : all_pack_policies()) EXPECT_EQ(parse_pack_policy(policy_name(p)), p);
  EXPECT_EQ(parse_pack_policy("FGD"), PackPolicy::Fgd);
  EXPECT_EQ(parse_pack_policy("GpuPacking"), PackPolicy::GpuPacking);
  EXPECT_FALSE(parse_pack_policy("tetris"));
}

TEST(Packing, RejectsAClusterWithoutGpus) {
  EXPECT_THROW(PackingEngine({node("c", 0, "")}, {pod(1, 500)}), InputError);
  EXPECT_THROW(PackingEngine({node("n", 1)}, {pod(0, 0)}), InputError);
}

// --- the real experiment -------------------------------------------------------

TEST(Packing, SameSeedSameRunAndSameWorkloadForEveryPolicy) {
  REQUIRE_TRACES(dir);
  const PackingEngine e(read_openb_nodes(dir + "openb_node_list_gpu_node.csv"),
                        read_openb_pods(dir + "openb_pod_list_default.csv"));
  const PackResult a = e.run(PackPolicy::Fgd, 42);
  const PackResult b = e.run(PackPolicy::Fgd, 42);
  EXPECT_EQ(a.node_of, b.node_of);
  EXPECT_EQ(a.gpu_of, b.gpu_of);
  EXPECT_EQ(a.allocated_milli, b.allocated_milli);
  const PackResult c = e.run(PackPolicy::Random, 42);
  EXPECT_EQ(c.pods, a.pods);
  EXPECT_EQ(c.arrived_milli, a.arrived_milli);
  EXPECT_GE(a.arrived_milli, e.capacity_milli() * 13 / 10);
  const PackResult d = e.run(PackPolicy::Fgd, 43);
  EXPECT_NE(d.node_of, a.node_of);
  // Curves: from 0 to the target, allocation never decreases or exceeds capacity.
  for (std::size_t i = 1; i < a.curve.size(); ++i) {
    EXPECT_GE(a.curve[i].arrived, a.curve[i - 1].arrived);
    EXPECT_GE(a.curve[i].allocated, a.curve[i - 1].allocated);
    EXPECT_LE(a.curve[i].allocated, 1.0);
    EXPECT_GE(a.curve[i].fragmented, 0.0);
    EXPECT_LE(a.curve[i].fragmented, a.curve[i].idle + 1e-12);
  }
}

TEST(Packing, FgdAllocatesClearlyMoreThanRandomAt130Percent) {
  REQUIRE_TRACES(dir);
  const PackingEngine e(read_openb_nodes(dir + "openb_node_list_gpu_node.csv"),
                        read_openb_pods(dir + "openb_pod_list_cpu050.csv"));
  const auto runs = run_all(e, all_pack_policies(), {42});
  const auto summary = report::summarise_packing(runs);
  ASSERT_EQ(summary.size(), 6U);
  auto alloc = [&](PackPolicy p) {
    for (const auto& s : summary) {
      if (s.policy == policy_name(p)) return s.alloc_mean;
    }
    return 0.0;
  };
  // Published (seed 42, their simulator): Random 91.53%, FGD 95.34%.
  EXPECT_NEAR(alloc(PackPolicy::Random), 91.5, 1.5);
  EXPECT_GT(alloc(PackPolicy::Fgd), 94.5);
  EXPECT_GT(alloc(PackPolicy::Fgd), alloc(PackPolicy::Random) + 3.0);
  for (PackPolicy p : {PackPolicy::DotProd, PackPolicy::GpuClustering, PackPolicy::GpuPacking, PackPolicy::BestFit}) {
    EXPECT_GT(alloc(PackPolicy::Fgd), alloc(p)) << policy_name(p);
  }
  const std::string csv = report::packing_curves_csv(runs);
  EXPECT_EQ(csv.rfind("policy,seed,arrived_pct,allocated_pct,fragmented_pct,frag_ratio_pct\n", 0), 0U);
}

}  // namespace
}  // namespace suanli::trace

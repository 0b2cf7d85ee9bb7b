// Time replay mode (trace/time_replay.h) and the openb HTML report
// (report/trace_html.h). Real-trace tests read $SUANLI_SHARED_DATA (set by
// tests/CMakeLists.txt) and fail, naming the folder, when it is missing.
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "shared_data.h"

#include "suanli/config/openb_reader.h"
#include "suanli/model/error.h"
#include "suanli/report/trace_html.h"
#include "suanli/report/trace_report.h"
#include "suanli/trace/time_replay.h"

namespace suanli::trace {
namespace {

std::string traces() { return test_data::shared_dir("traces", "openb_pod_list_default.csv"); }

OpenbNode node(std::string name, int gpus, std::string model = "A") {
  return {.name = std::move(name), .cpu_milli = 64000, .memory_mib = 65536, .gpus = gpus, .model = std::move(model)};
}

OpenbPod pod(std::string name, int gpus, std::int64_t milli, std::int64_t created, std::optional<std::int64_t> deleted,
             std::vector<std::string> spec = {}) {
  OpenbPod p;
  p.name = std::move(name);
  p.cpu_milli = 1000;
  p.memory_mib = 1024;
  p.num_gpu = gpus;
  p.gpu_milli = milli;
  p.gpu_spec = std::move(spec);
  p.creation_time = created;
  p.deletion_time = deleted;
  return p;
}

// One node with two GPUs. Worked out by hand (times in seconds):
//   p0 1 GPU    0..100
//   p1 2 GPUs   arrives 10 (one GPU free: waits); starts 100 when p0 leaves; runs 20 s to 120
//   p2 0.5 GPU  20..50 (arrives while p1 waits and starts at once, as in kube-scheduler)
//   p3 4 GPUs   arrives 5: no node has 4 GPUs -> failed at once
//   p4 1 GPU    arrives 110 (p1 holds both): waits; starts 120; runs 90 s (past the end)
//   p5 2 GPUs   arrives 150 (p4 holds one): waits; still waiting at the end (200) -> unplaced
//   p6 1 GPU of model B (not in the cluster) -> failed
//   p7 1 GPU    50..60: p2 leaves at 50 first (departures before arrivals), so a whole GPU is free
std::vector<OpenbPod> hand_trace() {
  return {pod("p0", 1, 1000, 0, 100),  pod("p1", 2, 1000, 10, 30),  pod("p2", 1, 500, 20, 50),
          pod("p3", 4, 1000, 5, 6),    pod("p4", 1, 1000, 110, 200), pod("p5", 2, 1000, 150, 160),
          pod("p6", 1, 1000, 7, 8, {"B"}), pod("p7", 1, 1000, 50, 60)};
}

TEST(TimeReplay, HandTraceWaitsAndDeparturesExactly) {
  const PackingEngine engine({node("n0", 2)}, hand_trace());
  const TimeReplay replay(engine);
  EXPECT_EQ(replay.start_time(), 0);
  EXPECT_EQ(replay.end_time(), 200);
  for (PackPolicy p : all_pack_policies()) {
    const TimeResult r = replay.run(p, 3);
    SCOPED_TRACE(std::string(policy_name(p)));
    EXPECT_EQ(r.pods, 8);
    EXPECT_EQ(r.placed, 5);
    EXPECT_EQ(r.failed, 2);
    EXPECT_EQ(r.unplaced, 1);
    EXPECT_EQ(r.waited, 2);
    EXPECT_EQ(r.no_lifetime, 0);
    EXPECT_EQ(r.start_of, (std::vector<std::int64_t>{0, 100, 20, -1, 120, -1, -1, 50}));
    EXPECT_EQ(r.node_of, (std::vector<std::int32_t>{0, 0, 0, -1, 0, -1, -1, 0}));
    EXPECT_DOUBLE_EQ(r.wait_mean, 20.0);  // (90 + 10) / 5
    EXPECT_DOUBLE_EQ(r.wait_p50, 0.0);
    EXPECT_DOUBLE_EQ(r.wait_p95, 90.0);
    EXPECT_DOUBLE_EQ(r.wait_max, 90.0);
    EXPECT_EQ(r.peak_allocated_milli, 2000);
    EXPECT_EQ(r.peak_time, 50);
    // 1000x20 + 1500x30 + 2000x10 + 1000x40 + 2000x20 + 1000x80 = 245,000 milli-s over 200 s of 2,000.
    EXPECT_DOUBLE_EQ(r.mean_allocation, 245000.0 / 200 / 2000);
    ASSERT_FALSE(r.curve.empty());
    EXPECT_EQ(r.curve.back().time, 200);
    EXPECT_EQ(r.curve.back().running, 1);  // p4
    EXPECT_EQ(r.curve.back().waiting, 1);  // p5
    EXPECT_DOUBLE_EQ(r.curve.back().allocated, 0.5);
  }
}

TEST(TimeReplay, SamplingKeepsAtMostMaxPointsAndThePeak) {
  const PackingEngine engine({node("n0", 2)}, hand_trace());
  const TimeResult r = TimeReplay(engine, {.lookahead = 64, .max_points = 3}).run(PackPolicy::Fgd, 1);
  ASSERT_LE(r.curve.size(), 3U);
  double peak = 0;
  for (const TimePoint& p : r.curve) peak = std::max(peak, p.peak);
  EXPECT_DOUBLE_EQ(peak, 1.0);  // 2,000 of 2,000 at t = 50, kept as the bucket's peak
}

TEST(TimeReplay, PodWithoutLifetimeRunsToTheEnd) {
  // a: deletion missing -> holds the only GPU to the end; b: deletion before
  // creation -> no lifetime either; c waits behind a and is never placed.
  const PackingEngine engine({node("n0", 1)},
                             {pod("a", 1, 1000, 0, std::nullopt), pod("b", 0, 0, 5, 1), pod("c", 1, 1000, 10, 20)});
  const TimeResult r = TimeReplay(engine).run(PackPolicy::BestFit, 1);
  EXPECT_EQ(r.no_lifetime, 2);
  EXPECT_EQ(r.end_time, 20);
  EXPECT_EQ(r.placed, 2);
  EXPECT_EQ(r.unplaced, 1);
  EXPECT_EQ(r.curve.back().running, 2);
  EXPECT_DOUBLE_EQ(r.mean_allocation, 1.0);
}

TEST(TimeReplay, LookaheadBoundsTheRetryPass) {
  // Both GPUs held (one until 10, one until 100, the trace's end); two 2-GPU
  // pods wait at the head and a 1-GPU pod behind them. At 10 one GPU frees: a
  // pass that stops after 1 or 2 failed tries never reaches the small pod (big2
  // has big1's shape: a failed try without scoring), 3 tries do.
  const std::vector<OpenbPod> pods = {pod("hold", 1, 1000, 0, 10), pod("hold2", 1, 1000, 0, 100),
                                      pod("big1", 2, 1000, 1, 2), pod("big2", 2, 1000, 2, 3),
                                      pod("small", 1, 1000, 3, 4)};
  const PackingEngine engine({node("n0", 2)}, pods);
  for (int lookahead : {1, 2}) {
    const TimeResult r = TimeReplay(engine, {.lookahead = lookahead}).run(PackPolicy::Fgd, 1);
    EXPECT_EQ(r.start_of, (std::vector<std::int64_t>{0, 0, 100, -1, -1})) << lookahead;
    EXPECT_EQ(r.unplaced, 2) << lookahead;
  }
  const TimeResult three = TimeReplay(engine, {.lookahead = 3}).run(PackPolicy::Fgd, 1);
  EXPECT_EQ(three.start_of, (std::vector<std::int64_t>{0, 0, 100, -1, 10}));
  EXPECT_EQ(three.unplaced, 1);
  EXPECT_DOUBLE_EQ(three.wait_max, 99.0);  // big1: 1 -> 100
}

TEST(TimeReplay, ShortLayoutAndBadOptionsAreInputErrors) {
  OpenbPod p = pod("p", 1, 1000, 0, 1);
  p.creation_time.reset();
  const PackingEngine engine({node("n0", 1)}, {p});
  EXPECT_THROW(TimeReplay{engine}, InputError);
  const PackingEngine ok({node("n0", 1)}, hand_trace());
  EXPECT_THROW(TimeReplay(ok, {.lookahead = 0}), InputError);
  EXPECT_THROW(TimeReplay(ok, {.lookahead = 1, .max_points = 1}), InputError);
}

// A policy from outside the module (the seam for suanli's scheduler): always
// the last node that fits; it sees every placement and release.
class LastFit final : public ReplayPolicy {
 public:
  int placed_count = 0, released_count = 0;
  std::string name() const override { return "lastfit"; }
  Placement::Choice choose(Placement& cluster, int pod, std::int64_t /*now*/) override {
    for (int i = cluster.node_count() - 1; i >= 0; --i) {
      if (cluster.fits(i, pod)) return {i, -1};
    }
    return {};
  }
  void placed(int, int, const Placement::Bound&, std::int64_t) override { ++placed_count; }
  void released(int, int, std::int64_t) override { ++released_count; }
};

TEST(TimeReplay, ExternalPolicyPlugsIn) {
  const PackingEngine engine({node("n0", 2), node("n1", 2)}, hand_trace());
  LastFit policy;
  const TimeResult r = TimeReplay(engine).run(policy, 1);
  EXPECT_EQ(r.policy, "lastfit");
  EXPECT_EQ(r.node_of[0], 1);
  EXPECT_EQ(policy.placed_count, r.placed);
  EXPECT_GT(policy.released_count, 0);
  EXPECT_EQ(r.placed + r.failed + r.unplaced, r.pods);
}

// --- the real trace ------------------------------------------------------------

TEST(TimeReplay, DefaultTraceCountsAndCapacityHold) {
  const std::string dir = traces();
  if (dir.empty()) return;
  const PackingEngine engine(config::read_openb_nodes(dir + "openb_node_list_gpu_node.csv"),
                             config::read_openb_pods(dir + "openb_pod_list_default.csv"));
  const TimeReplay replay(engine);
  const auto runs = run_all_time(replay, {PackPolicy::Fgd, PackPolicy::Random}, {42});
  for (const TimeResult& r : runs) {
    SCOPED_TRACE(r.policy);
    EXPECT_EQ(r.pods, 8152);
    EXPECT_EQ(r.placed + r.failed + r.unplaced, r.pods);
    EXPECT_EQ(r.no_lifetime, 0);  // every row of the default list has deletion >= creation
    EXPECT_GT(r.placed, 8000);
    EXPECT_LE(r.peak_allocated_milli, r.capacity_milli);
    // Nothing waits, so the peak is the trace's own: 65.59 GPUs at once
    // (computed from the file's creation/deletion times alone).
    EXPECT_EQ(r.peak_allocated_milli, 65590);
    EXPECT_EQ(r.waited, 0);
    EXPECT_LE(r.curve.size(), 1000U);
    for (const TimePoint& p : r.curve) {
      EXPECT_LE(p.allocated, 1.0);
      EXPECT_LE(p.allocated, p.peak);
      EXPECT_GE(p.waiting, 0);
    }
    EXPECT_LE(r.wait_p50, r.wait_p95);
    EXPECT_LE(r.wait_p95, r.wait_max);
  }
  // Deterministic per seed; Random depends on it.
  const TimeResult a = replay.run(PackPolicy::Random, 42);
  EXPECT_EQ(a.node_of, runs[1].node_of);
  EXPECT_EQ(a.start_of, runs[1].start_of);
  EXPECT_NE(replay.run(PackPolicy::Random, 43).node_of, a.node_of);
}

// --- reports ----------------------------------------------------------------------

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

void expect_self_contained(const std::string& html) {
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0U);
  EXPECT_EQ(count(html, "<script"), 0U);
  EXPECT_EQ(count(html, "<link"), 0U);
  EXPECT_EQ(count(html, "src="), 0U);
  EXPECT_EQ(count(html, "url(http"), 0U);
  // The only URL is the SVG namespace.
  EXPECT_EQ(count(html, "http"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
  EXPECT_NE(html.find("</html>"), std::string::npos);
}

TEST(TraceHtml, PackPageHasOneSeriesPerPolicyInEachChart) {
  const PackingEngine engine({node("n0", 4), node("n1", 4)}, {pod("a", 1, 500, 0, 1), pod("b", 1, 1000, 0, 1)});
  const auto runs = run_all(engine, {PackPolicy::Fgd, PackPolicy::Random, PackPolicy::BestFit}, {1, 2});
  const std::string html = report::packing_html(runs, {.nodes_path = "n<1>.csv", .pods_path = "p.csv", .seeds = "1,2",
                                                       .nodes = 2, .gpus = 8, .pod_rows = 2, .load = 1.3});
  expect_self_contained(html);
  for (const char* p : {"fgd", "random", "bestfit"}) {
    // allocation, allocation from 80% arrived (the load is above 90%), fragmentation
    EXPECT_EQ(count(html, std::string("data-series=\"") + p + "\""), 3U) << p;
  }
  EXPECT_EQ(count(html, "data-series="), 9U);
  EXPECT_EQ(count(html, "<polygon"), 9U);  // a min-max band per series (two seeds)
  EXPECT_NE(html.find("from 80% arrived"), std::string::npos);
  EXPECT_NE(html.find("n&lt;1&gt;.csv"), std::string::npos);
  EXPECT_NE(html.find(">120%<"), std::string::npos);  // x axis in % of capacity, up to the 130% target
  // At a load of 80% there is no zoom.
  const std::string low = report::packing_html(runs, {.nodes_path = "n.csv", .pods_path = "p.csv", .seeds = "1,2",
                                                      .nodes = 2, .gpus = 8, .pod_rows = 2, .load = 0.8});
  EXPECT_EQ(count(low, "data-series="), 6U);
}

TEST(TraceHtml, TimePageHasOneSeriesPerPolicyAndTheWaitTable) {
  const PackingEngine engine({node("n0", 2)}, hand_trace());
  const auto runs = run_all_time(TimeReplay(engine), all_pack_policies(), {7});
  const std::string html = report::time_replay_html(runs, {.nodes_path = "n.csv", .pods_path = "p.csv", .seeds = "7",
                                                           .nodes = 1, .gpus = 2, .pod_rows = 8, .load = 0});
  expect_self_contained(html);
  for (PackPolicy p : all_pack_policies()) {
    EXPECT_EQ(count(html, "data-series=\"" + std::string(policy_name(p)) + "\""), 2U) << policy_name(p);
  }
  EXPECT_NE(html.find("Waiting time and placement"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">20</td><td class=\"num\">0</td><td class=\"num\">90</td>"),
            std::string::npos);  // mean, p50 and p95 wait of the hand trace
}

TEST(TraceReport, TimeJsonAndCsv) {
  const PackingEngine engine({node("n0", 2)}, hand_trace());
  const auto runs = run_all_time(TimeReplay(engine), {PackPolicy::Fgd}, {1, 2});
  const std::string json = report::time_json(runs);
  EXPECT_NE(json.find("\"mode\": \"time\""), std::string::npos);
  EXPECT_NE(json.find("\"unplaced\": 1"), std::string::npos);
  EXPECT_EQ(report::time_curves_csv(runs).rfind("policy,seed,time_s,allocated_pct,peak_pct,fragmented_pct,running,"
                                                 "waiting\n", 0),
            0U);
  const auto s = report::summarise_time(runs);
  ASSERT_EQ(s.size(), 1U);
  EXPECT_EQ(s[0].runs, 2);
  EXPECT_DOUBLE_EQ(s[0].wait_mean, 20.0);
  EXPECT_DOUBLE_EQ(s[0].peak_alloc, 100.0);
}

}  // namespace
}  // namespace suanli::trace

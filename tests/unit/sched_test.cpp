// The scheduler core, driven event by event: sovereignty rules hold under
// load, gap jobs reach imported chips, baselines count their violations,
// preemption and displacement keep progress, and the cluster index stays
// consistent.
#include <random>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/model/error.h"
#include "suanli/sched/scheduler.h"

namespace suanli {
namespace {

const Catalog& cat() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

Tenant tenant(std::string name, std::string sector, int priority = 0) {
  Tenant t;
  t.name = std::move(name);
  t.sector = std::move(sector);
  t.priority = priority;
  return t;
}

JobClass finetune(std::string tenant_name, std::vector<std::string> stacks, int devices = 8) {
  JobClass c;
  c.name = "ft";
  c.tenant = std::move(tenant_name);
  c.kind = JobKind::Finetune;
  c.model = "llama-3.1-8b";
  c.devices = devices;
  c.work_tokens = 1e9;
  c.stacks = std::move(stacks);
  c.seq_len = 4096;
  c.global_batch = 64;
  return c;
}

Event arrival(std::int64_t id, JobClass shape, Seconds at = 0) {
  Event e;
  e.kind = Event::Kind::JobArrival;
  e.job.id = id;
  e.job.shape = std::move(shape);
  e.job.arrival = at;
  return e;
}

Event join(std::string id, std::string acc, int nodes, std::string domain = "d1") {
  Event e;
  e.kind = Event::Kind::NodesJoin;
  e.group.id = std::move(id);
  e.group.accelerator = std::move(acc);
  e.group.count = nodes;
  e.group.devices_per_node = 8;
  e.group.domain = std::move(domain);
  return e;
}

Event tick() { return Event{}; }

Event finish(std::int64_t id, int epoch) {
  Event e;
  e.kind = Event::Kind::JobFinish;
  e.job_id = id;
  e.epoch = epoch;
  return e;
}

const Decision* find(const std::vector<Decision>& ds, Decision::Kind kind, std::int64_t job) {
  for (const Decision& d : ds) {
    if (d.kind == kind && d.job == job) return &d;
  }
  return nullptr;
}

struct Harness {
  explicit Harness(std::vector<Tenant> tenants, PolicySpec policy = {}, SchedulerOptions options = {})
      : s(cat(), std::move(policy), std::move(tenants), options) {}
  std::vector<Decision> step(const Event& e, Seconds now = 0) {
    auto out = s.on(e, now);
    auto more = s.on(tick(), now);
    out.insert(out.end(), more.begin(), more.end());
    s.cluster().check_invariants();
    return out;
  }
  Scheduler s;
};

TEST(Scheduler, CriticalJobNeverGoesImportedEvenWhenImportedIsIdle) {
  Harness h({tenant("grid", "energy")});
  h.step(join("asc", "ascend-910c", 1));
  h.step(join("gpu", "h200", 1));
  auto d1 = h.step(arrival(1, finetune("grid", {"cann", "cuda"})));
  const Decision* p1 = find(d1, Decision::Kind::Place, 1);
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(p1->accelerator, "ascend-910c");
  auto d2 = h.step(arrival(2, finetune("grid", {"cann", "cuda"})));
  EXPECT_EQ(find(d2, Decision::Kind::Place, 2), nullptr) << "must wait rather than use the idle H200";
  const Decision* wait = find(d2, Decision::Kind::Defer, 2);
  ASSERT_NE(wait, nullptr);
  EXPECT_NE(h.s.describe(*wait).find("no ascend-910c capacity free"), std::string::npos) << h.s.describe(*wait);
  EXPECT_NE(h.s.describe(*wait).find("h200 denied by cii-domestic-only"), std::string::npos) << h.s.describe(*wait);
  EXPECT_NE(h.s.why_pending(2).find("cii-domestic-only"), std::string::npos);
  // When the domestic node frees up, the job runs there.
  auto d3 = h.step(finish(1, p1->epoch), 100);
  const Decision* p2 = find(d3, Decision::Kind::Place, 2);
  ASSERT_NE(p2, nullptr);
  EXPECT_EQ(p2->accelerator, "ascend-910c");
}

TEST(Scheduler, CudaOnlyJobIsAGapJobAndRunsImported) {
  Harness h({tenant("lab", "education")});
  h.step(join("asc", "ascend-910c", 1));
  h.step(join("gpu", "h200", 1));
  auto d = h.step(arrival(1, finetune("lab", {"cuda"})));
  const Decision* p = find(d, Decision::Kind::Place, 1);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->accelerator, "h200");
  EXPECT_FALSE(p->violation);
  EXPECT_NE(h.s.describe(*p).find("gap job"), std::string::npos) << h.s.describe(*p);
}

TEST(Scheduler, CriticalCudaOnlyJobIsRejectedWithTheRule) {
  Harness h({tenant("bank", "finance")});
  h.step(join("asc", "ascend-910c", 1));
  h.step(join("gpu", "h200", 1));
  auto d = h.step(arrival(1, finetune("bank", {"cuda"})));
  const Decision* r = find(d, Decision::Kind::Reject, 1);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(h.s.describe(*r).find("cii-domestic-only"), std::string::npos) << h.s.describe(*r);
  EXPECT_NE(h.s.describe(*r).find("not ported to cann"), std::string::npos) << h.s.describe(*r);
}

TEST(Scheduler, DomesticCapableJobStaysOffImportedUnderSeedButNotUnderFastestFirst) {
  for (Algorithm alg : {Algorithm::Sovereign, Algorithm::FastestFirst}) {
    SchedulerOptions o;
    o.algorithm = alg;
    Harness h({tenant("web", "internet")}, PolicySpec{}, o);
    h.step(join("asc", "ascend-910b3", 1));
    h.step(join("gpu", "h200", 1));
    auto d1 = h.step(arrival(1, finetune("web", {"cann", "cuda"})));
    const Decision* p1 = find(d1, Decision::Kind::Place, 1);
    ASSERT_NE(p1, nullptr);
    if (alg == Algorithm::Sovereign) {
      EXPECT_EQ(p1->accelerator, "ascend-910b3");
      // The domestic node is busy: the next job waits rather than use the idle H200.
      auto d2 = h.step(arrival(2, finetune("web", {"cann", "cuda"})));
      EXPECT_EQ(find(d2, Decision::Kind::Place, 2), nullptr);
      ASSERT_NE(find(d2, Decision::Kind::Defer, 2), nullptr);
      EXPECT_NE(h.s.describe(*find(d2, Decision::Kind::Defer, 2)).find("h200 denied by gap-only"), std::string::npos);
    } else {
      // The heterogeneity-aware baseline takes the faster H200 and is flagged.
      EXPECT_EQ(p1->accelerator, "h200");
      EXPECT_TRUE(p1->violation);
      EXPECT_NE(h.s.describe(*p1).find("gap-only"), std::string::npos) << h.s.describe(*p1);
    }
  }
}

TEST(Scheduler, FastestFirstPicksTheFasterChipFifoTakesFleetOrder) {
  for (Algorithm alg : {Algorithm::FifoFirstFit, Algorithm::FastestFirst}) {
    SchedulerOptions o;
    o.algorithm = alg;
    Harness h({tenant("web", "internet")}, PolicySpec{}, o);
    h.step(join("asc", "ascend-910b3", 1));
    h.step(join("gpu", "h200", 1));
    auto d = h.step(arrival(1, finetune("web", {"cann", "cuda"})));
    const Decision* p = find(d, Decision::Kind::Place, 1);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->accelerator, alg == Algorithm::FastestFirst ? "h200" : "ascend-910b3");
  }
}

TEST(Scheduler, ImportedCapHolds) {
  PolicySpec policy;
  policy.imported_cap_fleet = 0.25;  // of 32 devices: 8 imported devices at most
  Harness h({tenant("lab", "education")}, policy);
  h.step(join("asc", "ascend-910c", 2));
  h.step(join("gpu", "h200", 2));
  std::vector<Decision> all;
  for (int i = 1; i <= 3; ++i) {
    auto d = h.step(arrival(i, finetune("lab", {"cuda"})));
    all.insert(all.end(), d.begin(), d.end());
  }
  int placed = 0;
  for (const Decision& d : all) placed += d.kind == Decision::Kind::Place;
  EXPECT_EQ(placed, 1);
  EXPECT_EQ(h.s.imported_in_use(), 8);
  EXPECT_NE(h.s.why_pending(2).find("imported-cap"), std::string::npos) << h.s.why_pending(2);
}

TEST(Scheduler, PreemptionKeepsCheckpointedProgress) {
  SchedulerOptions o;
  o.checkpoint_interval = kHour;
  Harness h({tenant("low", "internet", 0), tenant("high", "internet", 10)}, PolicySpec{}, o);
  h.step(join("asc", "ascend-910c", 1));
  auto d1 = h.step(arrival(1, finetune("low", {"cann"})));
  ASSERT_NE(find(d1, Decision::Kind::Place, 1), nullptr);
  const double rate = h.s.job(1)->rate;
  // 2.5 hours later a higher-priority job arrives: the low one is preempted
  // and keeps 2 hours of progress (its last checkpoint).
  auto d2 = h.step(arrival(2, finetune("high", {"cann"})), 9000);
  ASSERT_NE(find(d2, Decision::Kind::Preempt, 1), nullptr);
  ASSERT_NE(find(d2, Decision::Kind::Place, 2), nullptr);
  EXPECT_NEAR(h.s.job(1)->remaining, 1e9 - 7200 * rate, 1.0);
  EXPECT_FALSE(h.s.job(1)->running);
}

JobClass work(JobClass c, double tokens) {
  c.work_tokens = tokens;
  return c;
}

TEST(Scheduler, EasyBackfillRunsShortJobsAheadButNeverDelaysTheReservedJob) {
  Harness h({tenant("lab", "education")});
  h.step(join("asc", "ascend-910c", 1));  // 8 devices
  const JobClass half = finetune("lab", {"cann"}, 4);
  auto d1 = h.step(arrival(1, half));
  const Decision* p1 = find(d1, Decision::Kind::Place, 1);
  ASSERT_NE(p1, nullptr);
  const Seconds shadow = p1->expected_runtime;  // job 1 ends then: 8 devices free
  // A whole-node job cannot start: it holds the reservation (at `shadow`, no extra device).
  auto d2 = h.step(arrival(2, finetune("lab", {"cann"}, 8), 1), 1);
  EXPECT_EQ(find(d2, Decision::Kind::Place, 2), nullptr);
  // A job as long as job 1, arriving later, would still hold 4 devices at
  // `shadow`: it waits although 4 are free.
  auto d3 = h.step(arrival(3, half, 2), 2);
  EXPECT_EQ(find(d3, Decision::Kind::Place, 3), nullptr);
  ASSERT_NE(find(d3, Decision::Kind::Defer, 3), nullptr);
  // A short one, done before `shadow`, backfills at once.
  auto d4 = h.step(arrival(4, work(half, 1e8), 3), 3);
  const Decision* p4 = find(d4, Decision::Kind::Place, 4);
  ASSERT_NE(p4, nullptr);
  ASSERT_LE(3 + p4->expected_runtime, shadow);
  h.step(finish(4, p4->epoch), 3 + p4->expected_runtime);
  // At `shadow` the reserved job starts first, on the whole node.
  auto d5 = h.step(finish(1, p1->epoch), shadow);
  ASSERT_NE(find(d5, Decision::Kind::Place, 2), nullptr);
  EXPECT_EQ(find(d5, Decision::Kind::Place, 3), nullptr);
}

TEST(Scheduler, EasyReservationCountsEveryDeviceFreedAtTheShadowTime) {
  Harness h({tenant("lab", "education")});
  h.step(join("asc", "ascend-910c", 1));  // 8 devices
  const JobClass two = finetune("lab", {"cann"}, 2);
  // Jobs 1 and 2 end together at T; job 3 runs far longer. 2 devices stay free.
  h.step(arrival(1, two));
  h.step(arrival(2, two));
  auto d = h.step(arrival(3, work(two, 1e11)));
  ASSERT_NE(find(d, Decision::Kind::Place, 3), nullptr);
  ASSERT_EQ(h.s.job(1)->expected_end, h.s.job(2)->expected_end);
  const Seconds t = h.s.job(1)->expected_end;
  // Job 4 needs 4: reserved at T, when 2 + 4 devices are free, 2 more than it needs.
  auto d4 = h.step(arrival(4, finetune("lab", {"cann"}, 4), 1), 1);
  EXPECT_EQ(find(d4, Decision::Kind::Place, 4), nullptr);
  // So a long 2-device job may take the 2 free devices now without delaying job 4.
  auto d5 = h.step(arrival(5, work(two, 1e11), 2), 2);
  ASSERT_NE(find(d5, Decision::Kind::Place, 5), nullptr);
  auto d6 = h.step(finish(1, 1), t);
  auto more = h.step(finish(2, 1), t);
  d6.insert(d6.end(), more.begin(), more.end());
  EXPECT_NE(find(d6, Decision::Kind::Place, 4), nullptr) << "the reserved job starts at T";
}

TEST(Scheduler, LosingNodesDisplacesExactlyTheJobsOnThem) {
  Harness h({tenant("web", "internet")});
  h.step(join("a", "ascend-910c", 2, "d1"));
  h.step(join("b", "ascend-910c", 1, "d2"));
  for (int i = 1; i <= 3; ++i) h.step(arrival(i, finetune("web", {"cann"})));
  std::map<std::int64_t, std::string> node_of;
  h.s.for_each_job([&](const JobState& j) {
    ASSERT_TRUE(j.running);
    node_of[j.id] = h.s.cluster().nodes()[j.shares[0].node].name;
  });
  Event leave;
  leave.kind = Event::Kind::NodesLeave;
  leave.group.id = "b";
  leave.group.count = 1;
  auto d = h.step(leave, 50);
  int preempted = 0;
  for (const Decision& x : d) {
    if (x.kind != Decision::Kind::Preempt) continue;
    ++preempted;
    EXPECT_EQ(node_of[x.job], "b-1");
    EXPECT_NE(h.s.describe(x).find("displaced"), std::string::npos);
  }
  EXPECT_EQ(preempted, 1);
  EXPECT_EQ(h.s.cluster().total_devices(), 16);
  // The displaced job waits with a reason; nothing else moved.
  EXPECT_EQ(h.s.pending(), 1u);
}

TEST(Scheduler, JobNothingCanRunIsRejectedWithEveryModelsReason) {
  Harness h({tenant("web", "internet")});
  h.step(join("l", "l20", 1));
  JobClass big = finetune("web", {"cuda"}, 8);
  big.model = "llama-3.1-405b";
  auto d = h.step(arrival(1, big));
  const Decision* r = find(d, Decision::Kind::Reject, 1);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(h.s.describe(*r).find("l20"), std::string::npos) << h.s.describe(*r);
}

TEST(Scheduler, MultiNodeJobPacksIntoOneDomain) {
  Harness h({tenant("web", "internet")});
  h.step(join("a", "ascend-910c", 2, "d1"));
  h.step(join("b", "ascend-910c", 3, "d2"));
  auto d = h.step(arrival(1, finetune("web", {"cann"}, 24)));
  const Decision* p = find(d, Decision::Kind::Place, 1);
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->nodes.size(), 3u);
  for (const NodeShare& s : p->nodes) EXPECT_EQ(h.s.cluster().nodes()[s.node].name.substr(0, 2), "b-");
}

// A small service on a share of one device.
JobClass shared_serve(std::string tenant_name, int milli, std::vector<std::string> stacks = {"cuda"}) {
  JobClass c;
  c.name = "svc";
  c.tenant = std::move(tenant_name);
  c.kind = JobKind::Serve;
  c.model = "qwen2.5-7b";
  c.share_milli = milli;
  c.duration = kHour;
  c.batch = 8;
  c.stacks = std::move(stacks);
  return c;
}

TEST(Scheduler, FractionalJobsShareADeviceAtTheirShareOfItsThroughput) {
  Harness h({tenant("web", "internet")});
  h.step(join("gpu", "h200", 1));
  auto d1 = h.step(arrival(1, shared_serve("web", 500)));
  auto d2 = h.step(arrival(2, shared_serve("web", 500)));
  const Decision* p1 = find(d1, Decision::Kind::Place, 1);
  const Decision* p2 = find(d2, Decision::Kind::Place, 2);
  ASSERT_NE(p1, nullptr);
  ASSERT_NE(p2, nullptr);
  ASSERT_EQ(p1->nodes.size(), 1u);
  ASSERT_EQ(p2->nodes.size(), 1u);
  EXPECT_EQ(p1->nodes[0].node, p2->nodes[0].node);
  EXPECT_EQ(p1->nodes[0].device, p2->nodes[0].device) << "two halves share one device";
  EXPECT_EQ(p1->nodes[0].milli, 500);
  EXPECT_NE(h.s.describe(*p1).find("0.5 share"), std::string::npos) << h.s.describe(*p1);
  EXPECT_EQ(h.s.cluster().free_devices(), 7);
  // Throughput: half of one device's at half its memory.
  const Accelerator& a = cat().accelerator("h200");
  JobClass one = shared_serve("web", 0);
  one.devices = 1;
  Accelerator half = a;
  half.mem_gb.value = gb_from_mib(a.mem_mib() / 2);
  const Capability whole_at_half_memory = assess(one, half, cat());
  ASSERT_TRUE(whole_at_half_memory.feasible) << whole_at_half_memory.why;
  EXPECT_NEAR(p1->tokens_per_s, 0.5 * whole_at_half_memory.tokens_per_s, 1e-9 * whole_at_half_memory.tokens_per_s);
  // A third half opens another device.
  auto d3 = h.step(arrival(3, shared_serve("web", 500)));
  const Decision* p3 = find(d3, Decision::Kind::Place, 3);
  ASSERT_NE(p3, nullptr);
  EXPECT_NE(p3->nodes[0].device, p1->nodes[0].device);
  EXPECT_EQ(h.s.cluster().free_devices(), 6);
  // Finishing gives the devices back whole.
  for (const Decision* p : {p1, p2, p3}) h.step(finish(p->job, p->epoch), 10);
  EXPECT_EQ(h.s.cluster().free_devices(), 8);
  EXPECT_EQ(h.s.running(), 0u);
}

TEST(Scheduler, FractionWhoseMemoryShareCannotHoldTheModelIsRejectedWithTheReason) {
  Harness h({tenant("web", "internet")});
  h.step(join("gpu", "h200", 1));
  JobClass big = shared_serve("web", 100);
  big.model = "llama-3.1-70b";  // ~140 GB of BF16 weights in a 14 GB share
  auto d = h.step(arrival(1, big));
  const Decision* r = find(d, Decision::Kind::Reject, 1);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(h.s.describe(*r).find("0.1 share"), std::string::npos) << h.s.describe(*r);
  // An explicit memory share bigger than the device cannot fit either.
  JobClass greedy = shared_serve("web", 500);
  greedy.share_memory_mib = cat().accelerator("h200").mem_mib() + 1;
  auto d2 = h.step(arrival(2, greedy));
  const Decision* r2 = find(d2, Decision::Kind::Reject, 2);
  ASSERT_NE(r2, nullptr);
  EXPECT_NE(h.s.describe(*r2).find("exceeds the device"), std::string::npos) << h.s.describe(*r2);
}

TEST(Scheduler, ImportedCapCountsAFractionAsItsShareOfADevice) {
  PolicySpec policy;
  policy.imported_cap_fleet = 0.25;  // of 16 devices: 4 imported devices at most
  Harness h({tenant("lab", "education")}, policy);
  h.step(join("asc", "ascend-910c", 1));
  h.step(join("gpu", "h200", 1));
  int placed = 0;
  for (int i = 1; i <= 9; ++i) {
    for (const Decision& d : h.step(arrival(i, shared_serve("lab", 500)))) placed += d.kind == Decision::Kind::Place;
  }
  EXPECT_EQ(placed, 8) << "eight halves are four devices";
  EXPECT_DOUBLE_EQ(h.s.imported_in_use(), 4.0);
  EXPECT_NE(h.s.why_pending(9).find("imported-cap"), std::string::npos) << h.s.why_pending(9);
}

TEST(Scheduler, LosingANodeDisplacesTheFractionsOnIt) {
  Harness h({tenant("web", "internet")});
  h.step(join("a", "h200", 1, "d1"));
  h.step(join("b", "h200", 1, "d2"));
  for (int i = 1; i <= 3; ++i) h.step(arrival(i, shared_serve("web", 300)));
  const int node = h.s.job(1)->shares[0].node;
  for (int i = 2; i <= 3; ++i) ASSERT_EQ(h.s.job(i)->shares[0].node, node) << "best fit packs one device";
  Event leave;
  leave.kind = Event::Kind::NodesLeave;
  leave.group.id = h.s.cluster().nodes()[node].name.substr(0, 1);
  leave.group.count = 1;
  auto d = h.step(leave, 50);
  int preempted = 0, placed = 0;
  for (const Decision& x : d) {
    preempted += x.kind == Decision::Kind::Preempt;
    placed += x.kind == Decision::Kind::Place;
  }
  EXPECT_EQ(preempted, 3);
  EXPECT_EQ(placed, 3) << "the other node takes them back, sharing one device";
  EXPECT_EQ(h.s.cluster().free_devices(), 7);
}

TEST(Scheduler, WholeDeviceJobsPlaceTheSameWithFractionsOnAnotherModel) {
  auto run = [](bool fractions) {
    Harness h({tenant("web", "internet"), tenant("lab", "education")});
    h.step(join("asc", "ascend-910c", 3));
    h.step(join("gpu", "h200", 2));
    std::vector<Decision> places;
    std::int64_t id = 1;
    for (int i = 0; i < 6; ++i) {
      if (fractions) h.step(arrival(100 + i, shared_serve("lab", 300)));
      for (const Decision& d : h.step(arrival(id++, finetune("web", {"cann"}, i % 2 ? 8 : 4)), i)) {
        if (d.kind == Decision::Kind::Place && d.job < 100) places.push_back(d);
      }
    }
    return places;
  };
  const auto plain = run(false), mixed = run(true);
  ASSERT_EQ(plain.size(), mixed.size());
  for (std::size_t i = 0; i < plain.size(); ++i) EXPECT_EQ(plain[i], mixed[i]) << "placement " << i;
}

// --- live operation: cancel, drain, fail, resume, tenant changes ---------------

Event node_event(Event::Kind kind, std::string node, bool drain = false) {
  Event e;
  e.kind = kind;
  e.nodes = {std::move(node)};
  e.drain = drain;
  return e;
}

Event cancel(std::int64_t id) {
  Event e;
  e.kind = Event::Kind::JobCancel;
  e.job_id = id;
  return e;
}

TEST(SchedulerLive, CancelFreesTheDevicesOfARunningJobAndLetsTheQueueMove) {
  Harness h({tenant("web", "internet")});
  h.step(join("asc", "ascend-910c", 1));
  ASSERT_NE(find(h.step(arrival(1, finetune("web", {"cann"}))), Decision::Kind::Place, 1), nullptr);
  h.step(arrival(2, finetune("web", {"cann"})));
  EXPECT_EQ(h.s.pending(), 1u);
  const auto ds = h.step(cancel(1), 10);
  EXPECT_NE(find(ds, Decision::Kind::Place, 2), nullptr) << "the waiting job takes the freed node";
  EXPECT_EQ(h.s.job(1), nullptr);
  EXPECT_EQ(h.s.running(), 1u);
}

TEST(SchedulerLive, CancelOfAPendingJobEmptiesTheQueue) {
  Harness h({tenant("web", "internet")});
  h.step(join("asc", "ascend-910c", 1));
  h.step(arrival(1, finetune("web", {"cann"})));
  h.step(arrival(2, finetune("web", {"cann"})));
  h.step(cancel(2), 5);
  EXPECT_EQ(h.s.pending(), 0u);
  EXPECT_EQ(h.s.why_pending(2), "");
  h.step(cancel(99), 6);  // unknown: nothing happens
  EXPECT_EQ(h.s.running(), 1u);
}

TEST(SchedulerLive, DrainKeepsRunningJobsButTakesNoNewOnesAndResumeGivesBackOnlyFreeDevices) {
  Harness h({tenant("web", "internet")});
  h.step(join("asc", "ascend-910c", 1));
  ASSERT_NE(find(h.step(arrival(1, finetune("web", {"cann"}, 4))), Decision::Kind::Place, 1), nullptr);
  const auto drained = h.step(node_event(Event::Kind::NodeDown, "asc-1", true), 1);
  EXPECT_EQ(find(drained, Decision::Kind::Preempt, 1), nullptr) << "a drain lets the job finish";
  EXPECT_EQ(h.s.cluster().total_devices(), 0);
  const auto waits = h.step(arrival(2, finetune("web", {"cann"}, 4)), 2);
  EXPECT_NE(find(waits, Decision::Kind::Reject, 2), nullptr) << "no node is left to run it";
  h.step(node_event(Event::Kind::NodeUp, "asc-1"), 3);
  EXPECT_EQ(h.s.cluster().total_devices(), 8);
  EXPECT_EQ(h.s.cluster().free_devices(), 4) << "job 1 still holds 4 devices";
  h.step(finish(1, 1), 4);
  EXPECT_EQ(h.s.cluster().free_devices(), 8);
}

TEST(SchedulerLive, JobThatEndsWhileItsNodeIsDrainedFreesNothingTwice) {
  Harness h({tenant("web", "internet")});
  h.step(join("asc", "ascend-910c", 1));
  h.step(arrival(1, finetune("web", {"cann"}, 4)));
  h.step(node_event(Event::Kind::NodeDown, "asc-1", true), 1);
  h.step(finish(1, 1), 2);
  h.step(node_event(Event::Kind::NodeUp, "asc-1"), 3);
  EXPECT_EQ(h.s.cluster().free_devices(), 8);
}

TEST(SchedulerLive, FailDisplacesTheJobsOnTheNodeAndTheyRunElsewhere) {
  Harness h({tenant("web", "internet")});
  h.step(join("asc", "ascend-910c", 2));
  const auto placed = h.step(arrival(1, finetune("web", {"cann"})));
  const Decision* first = find(placed, Decision::Kind::Place, 1);
  ASSERT_NE(first, nullptr);
  const int node = first->nodes.front().node;
  const std::string name = h.s.cluster().nodes()[node].name;
  const auto ds = h.step(node_event(Event::Kind::NodeDown, name, false), 100);
  const Decision* pre = find(ds, Decision::Kind::Preempt, 1);
  ASSERT_NE(pre, nullptr);
  EXPECT_NE(h.s.describe(*pre).find("node " + name + " failed"), std::string::npos) << h.s.describe(*pre);
  const Decision* again = find(ds, Decision::Kind::Place, 1);
  ASSERT_NE(again, nullptr);
  EXPECT_NE(again->nodes.front().node, node) << "the other node takes it";
  EXPECT_THROW(h.step(node_event(Event::Kind::NodeDown, "nope-1")), InputError);
}

TEST(SchedulerLive, DrainDisplacesFractionsOnTheNode) {
  Harness h({tenant("lab", "education")});
  h.step(join("asc", "ascend-910c", 1));
  h.step(arrival(1, shared_serve("lab", 300, {"cann"})));
  ASSERT_EQ(h.s.running(), 1u);
  const auto ds = h.step(node_event(Event::Kind::NodeDown, "asc-1", true), 5);
  EXPECT_NE(find(ds, Decision::Kind::Preempt, 1), nullptr);
}

TEST(SchedulerLive, NewTenantCanSubmitAndAQuotaChangeLetsItsJobsStart) {
  Harness h({tenant("web", "internet")});
  h.step(join("asc", "ascend-910c", 2));
  EXPECT_THROW(h.step(arrival(1, finetune("lab", {"cann"}))), InputError);
  Tenant lab = tenant("lab", "education");
  lab.quota_devices = 8;
  Event set;
  set.kind = Event::Kind::TenantSet;
  set.tenant = lab;
  h.step(set);
  h.step(arrival(2, finetune("lab", {"cann"})));
  h.step(arrival(3, finetune("lab", {"cann"})));
  EXPECT_EQ(h.s.running(), 1u) << "quota of 8 devices: one 8-device job";
  set.tenant.quota_devices = 16;
  EXPECT_NE(find(h.step(set, 1), Decision::Kind::Place, 3), nullptr);
}

TEST(SchedulerLive, SectorChangeToCriticalKeepsNewJobsOffImportedChips) {
  Harness h({tenant("web", "internet")});
  h.step(join("gpu", "h200", 1));
  JobClass cuda = finetune("web", {"cuda"});
  EXPECT_NE(find(h.step(arrival(1, cuda)), Decision::Kind::Place, 1), nullptr);
  Event set;
  set.kind = Event::Kind::TenantSet;
  set.tenant = tenant("web", "finance");
  h.step(set, 1);
  const auto ds = h.step(arrival(2, cuda), 2);
  const Decision* r = find(ds, Decision::Kind::Reject, 2);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(h.s.describe(*r).find("cii-domestic-only"), std::string::npos) << h.s.describe(*r);
}

TEST(SchedulerLive, PriorityChangeMovesQueuedJobsAhead) {
  Harness h({tenant("web", "internet"), tenant("lab", "education")});
  h.step(join("asc", "ascend-910c", 1));
  JobClass web = finetune("web", {"cann"});
  web.preemptible = false;  // so that the queue order alone decides
  h.step(arrival(1, web));
  h.step(arrival(2, web, 1), 1);
  h.step(arrival(3, finetune("lab", {"cann"}), 2), 2);
  Event set;
  set.kind = Event::Kind::TenantSet;
  set.tenant = tenant("lab", "education", 5);
  EXPECT_EQ(find(h.step(set, 3), Decision::Kind::Place, 3), nullptr);
  const auto ds = h.step(finish(1, 1), 4);
  EXPECT_NE(find(ds, Decision::Kind::Place, 3), nullptr) << "lab now outranks web's older job";
  EXPECT_EQ(find(ds, Decision::Kind::Place, 2), nullptr);
}

TEST(SchedulerLive, PriorityChangeLetsQueuedWorkPreemptLowerPriorityWork) {
  Harness h({tenant("web", "internet"), tenant("lab", "education")});
  h.step(join("asc", "ascend-910c", 1));
  h.step(arrival(1, finetune("web", {"cann"})));
  h.step(arrival(2, finetune("lab", {"cann"}), 1), 1);
  Event set;
  set.kind = Event::Kind::TenantSet;
  set.tenant = tenant("lab", "education", 5);
  const auto ds = h.step(set, 2);
  EXPECT_NE(find(ds, Decision::Kind::Preempt, 1), nullptr);
  EXPECT_NE(find(ds, Decision::Kind::Place, 2), nullptr);
}

// Pinned arrivals (a cluster bridge's bind: an outside scheduler chose the node).
Event pinned(std::int64_t id, JobClass shape, std::string node, Seconds at = 0) {
  Event e = arrival(id, std::move(shape), at);
  e.node = std::move(node);
  return e;
}

TEST(Scheduler, PinnedArrivalIsPlacedOnTheChosenNodeOrRejectedWithTheReason) {
  Harness h({tenant("lab", "education"), tenant("bank", "finance")});
  h.step(join("asc", "ascend-910c", 1));
  h.step(join("gpu", "h200", 2));
  auto d = h.step(pinned(1, finetune("lab", {"cuda"}), "gpu-2"));
  const Decision* p = find(d, Decision::Kind::Place, 1);
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->nodes.size(), 1u);
  EXPECT_EQ(h.s.cluster().nodes()[static_cast<std::size_t>(p->nodes[0].node)].name, "gpu-2");
  // The node is full now: refused at once, never queued.
  d = h.step(pinned(2, finetune("lab", {"cuda"}), "gpu-2"));
  const Decision* full = find(d, Decision::Kind::Reject, 2);
  ASSERT_NE(full, nullptr);
  EXPECT_NE(h.s.describe(*full).find("node gpu-2 has 0 free devices"), std::string::npos) << h.s.describe(*full);
  EXPECT_EQ(h.s.pending(), 0u);
  // The policy holds whatever node was chosen.
  d = h.step(pinned(3, finetune("bank", {"cuda", "cann"}), "gpu-1"));
  const Decision* cii = find(d, Decision::Kind::Reject, 3);
  ASSERT_NE(cii, nullptr);
  ASSERT_EQ(cii->verdicts.size(), 1u);
  EXPECT_EQ(cii->verdicts[0].rule, "cii-domestic-only");
  d = h.step(pinned(4, finetune("lab", {"cuda", "cann"}), "gpu-1"));
  const Decision* gap = find(d, Decision::Kind::Reject, 4);
  ASSERT_NE(gap, nullptr);
  EXPECT_NE(h.s.describe(*gap).find("denied by gap-only"), std::string::npos) << h.s.describe(*gap);
  d = h.step(pinned(5, finetune("lab", {"cuda"}), "gpu-9"));
  ASSERT_NE(find(d, Decision::Kind::Reject, 5), nullptr);
  EXPECT_NE(h.s.describe(*find(d, Decision::Kind::Reject, 5)).find("not in the fleet"), std::string::npos);
}

TEST(Scheduler, PinnedArrivalMeetsTheImportedCap) {
  PolicySpec p;
  p.imported_cap_fleet = 0.25;  // 6 of 24 devices
  Harness h({tenant("lab", "education")}, p);
  h.step(join("asc", "ascend-910c", 1));
  h.step(join("gpu", "h200", 2));
  const auto d = h.step(pinned(1, finetune("lab", {"cuda"}), "gpu-1"));
  const Decision* r = find(d, Decision::Kind::Reject, 1);
  ASSERT_NE(r, nullptr);
  ASSERT_EQ(r->verdicts.size(), 1u);
  EXPECT_EQ(r->verdicts[0].rule, "imported-cap");
  EXPECT_NE(find(h.step(pinned(2, finetune("lab", {"cuda"}, 4), "gpu-1")), Decision::Kind::Place, 2), nullptr);
}

TEST(Scheduler, PinnedJobIsNeitherPreemptedNorRequeued) {
  Harness h({tenant("low", "education", 0), tenant("high", "internet", 10)});
  h.step(join("asc", "ascend-910c", 1));
  ASSERT_NE(find(h.step(pinned(1, finetune("low", {"cann"}), "asc-1")), Decision::Kind::Place, 1), nullptr);
  const auto d = h.step(arrival(2, finetune("high", {"cann"})), 10);
  EXPECT_EQ(find(d, Decision::Kind::Preempt, 1), nullptr) << "the outside scheduler's placement stands";
  EXPECT_NE(find(d, Decision::Kind::Defer, 2), nullptr);
  // Its node fails: displaced, and it leaves (the outside scheduler places it again).
  const auto gone = h.step(node_event(Event::Kind::NodeDown, "asc-1", false), 20);
  EXPECT_NE(find(gone, Decision::Kind::Preempt, 1), nullptr);
  const Decision* r = find(gone, Decision::Kind::Reject, 1);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(h.s.describe(*r).find("not requeued"), std::string::npos) << h.s.describe(*r);
  EXPECT_EQ(h.s.job(1), nullptr);
}
}  // namespace
}  // namespace suanli

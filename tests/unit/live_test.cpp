// The live state machine: commands in, decisions and a read model out; the
// same commands at the same times give the same state (what the service's
// restart relies on).
#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/live/live_state.h"
#include "suanli/model/error.h"

namespace suanli::live {
namespace {

const Catalog& cat() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

Command tenant_set(std::string name, std::string sector, int quota = 0) {
  Command c;
  c.kind = Command::Kind::TenantSet;
  c.tenant.name = std::move(name);
  c.tenant.sector = std::move(sector);
  c.tenant.quota_devices = quota;
  return c;
}

Command join(std::string id, std::string acc, int count) {
  Command c;
  c.kind = Command::Kind::NodesJoin;
  c.group.id = std::move(id);
  c.group.accelerator = std::move(acc);
  c.group.count = count;
  c.group.devices_per_node = 8;
  return c;
}

Command submit(std::string tenant, std::vector<std::string> stacks, std::string key = "") {
  Command c;
  c.kind = Command::Kind::Submit;
  c.shape.name = "ft";
  c.shape.tenant = std::move(tenant);
  c.shape.kind = JobKind::Finetune;
  c.shape.model = "llama-3.1-8b";
  c.shape.devices = 8;
  c.shape.work_tokens = 1e9;
  c.shape.stacks = std::move(stacks);
  c.shape.global_batch = 64;
  c.class_name = "ft";
  c.external_id = std::move(key);
  return c;
}

Command on_job(Command::Kind kind, std::int64_t job, int epoch = 1) {
  Command c;
  c.kind = kind;
  c.job = job;
  c.epoch = epoch;
  return c;
}

Command node_cmd(Command::Kind kind, std::string node) {
  Command c;
  c.kind = kind;
  c.node = std::move(node);
  return c;
}

Command export_cmd(SupplyEffect effect, std::string acc, Seconds grace = 0) {
  Command c;
  c.kind = Command::Kind::Export;
  c.effect = effect;
  c.accelerators = {std::move(acc)};
  c.grace = grace;
  c.note = "test cut";
  return c;
}

struct LiveFleet : ::testing::Test {
  LiveState s{cat(), PolicySpec{}};
  Applied apply(const Command& c, Seconds now) {
    Applied a = s.apply(c, now);
    s.scheduler().cluster().check_invariants();
    return a;
  }
  void SetUp() override {
    apply(tenant_set("bank", "finance"), 0);
    apply(tenant_set("lab", "education"), 0);
    apply(join("asc", "ascend-910c", 2), 0);
    apply(join("gpu", "h200", 1), 0);
  }
};

TEST_F(LiveFleet, SubmittedJobIsPlacedAndFollowsItsLifecycle) {
  const Applied a = apply(submit("bank", {"cann", "cuda"}), 10);
  const JobRecord* r = s.job(a.job);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, JobStatus::Placed);
  EXPECT_EQ(r->accelerator, "ascend-910c") << "a critical tenant runs domestic";
  EXPECT_EQ(r->nodes.size(), 1u);
  apply(on_job(Command::Kind::Started, a.job), 20);
  EXPECT_EQ(s.job(a.job)->status, JobStatus::Running);
  EXPECT_THROW(apply(on_job(Command::Kind::Started, a.job), 21), Refused) << "started twice";
  EXPECT_THROW(apply(on_job(Command::Kind::Finished, a.job, 7), 22), Refused) << "a stale epoch";
  apply(on_job(Command::Kind::Finished, a.job), 10 + 2 * kHour);
  EXPECT_EQ(s.job(a.job)->status, JobStatus::Finished);
  const Usage u = s.usage("bank", 0, 100 * kHour, 100 * kHour);
  EXPECT_DOUBLE_EQ(u.device_hours_domestic, 16.0) << "8 devices for 2 hours";
  EXPECT_DOUBLE_EQ(u.device_hours_imported, 0.0);
  EXPECT_DOUBLE_EQ(*u.share_devices(), 1.0);
  EXPECT_THROW(apply(on_job(Command::Kind::Cancel, a.job), 3 * kHour), Refused) << "finished already";
}

TEST_F(LiveFleet, CriticalCudaOnlyJobIsRejectedWithTheRuleAndCounted) {
  const Applied a = apply(submit("bank", {"cuda"}), 5);
  const JobRecord* r = s.job(a.job);
  EXPECT_EQ(r->status, JobStatus::Rejected);
  EXPECT_NE(r->reason.find("cii-domestic-only"), std::string::npos) << r->reason;
  EXPECT_EQ(s.counters().denials.at({"bank", "cii-domestic-only"}), 1);
}

TEST_F(LiveFleet, RepeatedExternalIdReturnsTheSameJobAndChangesNothing) {
  const Applied a = apply(submit("lab", {"cann"}, "k-1"), 1);
  const std::int64_t before = s.commands();
  const Applied b = apply(submit("lab", {"cann"}, "k-1"), 2);
  EXPECT_TRUE(b.duplicate);
  EXPECT_EQ(b.job, a.job);
  EXPECT_EQ(s.commands(), before);
  EXPECT_FALSE(apply(submit("bank", {"cann"}, "k-1"), 3).duplicate) << "keys are per tenant";
}

TEST_F(LiveFleet, ImmediateLossDisplacesGapJobsAndRestoredBringsTheNodesBack) {
  const Applied a = apply(submit("lab", {"cuda"}), 1);
  ASSERT_EQ(s.job(a.job)->accelerator, "h200");
  const Applied cut = apply(export_cmd(SupplyEffect::ImmediateLoss, "h200"), kHour);
  EXPECT_EQ(s.job(a.job)->status, JobStatus::Rejected) << "nothing else can run a CUDA-only job";
  EXPECT_EQ(s.node(s.scheduler().cluster().node_named("gpu-1")).status, NodeStatus::Lost);
  EXPECT_EQ(s.export_events().back().nodes_affected, 1);
  EXPECT_EQ(s.supply_cut().count("h200"), 1u);
  EXPECT_THROW(apply(node_cmd(Command::Kind::NodeResume, "gpu-1"), 2 * kHour), Refused);
  apply(export_cmd(SupplyEffect::Restored, "h200"), 3 * kHour);
  EXPECT_EQ(s.node(s.scheduler().cluster().node_named("gpu-1")).status, NodeStatus::Up);
  EXPECT_EQ(s.scheduler().cluster().total_devices(), 24);
  EXPECT_EQ(s.supply_cut().count("h200"), 0u);
}

TEST_F(LiveFleet, NoSupportRetiresTheNodesWhenTheGraceEnds) {
  apply(export_cmd(SupplyEffect::NoSupport, "h200", 10 * kDay), 0);
  ASSERT_TRUE(s.next_due());
  EXPECT_EQ(*s.next_due(), 10 * kDay);
  EXPECT_EQ(s.scheduler().cluster().total_devices(), 24) << "not before the grace ends";
  Command timer;
  timer.kind = Command::Kind::Timer;
  apply(timer, 10 * kDay);
  EXPECT_EQ(s.scheduler().cluster().total_devices(), 16);
  EXPECT_EQ(s.node(s.scheduler().cluster().node_named("gpu-1")).status, NodeStatus::Retired);
  EXPECT_FALSE(s.next_due());
}

TEST_F(LiveFleet, DrainThenFailDisplacesTheJobThatWasFinishing) {
  const Applied a = apply(submit("lab", {"cann"}), 1);
  const std::string node = s.job(a.job)->nodes.front();
  apply(node_cmd(Command::Kind::NodeDrain, node), 2);
  EXPECT_EQ(s.job(a.job)->status, JobStatus::Placed) << "a drain lets it finish";
  const Applied f = apply(node_cmd(Command::Kind::NodeFail, node), 3);
  EXPECT_EQ(s.job(a.job)->preemptions, 1);
  EXPECT_EQ(s.job(a.job)->status, JobStatus::Placed) << "placed again on the other node";
  EXPECT_NE(s.job(a.job)->nodes.front(), node);
  EXPECT_THROW(apply(node_cmd(Command::Kind::NodeFail, "nope-1"), 4), Refused);
}

TEST_F(LiveFleet, ImportedScopeAndCapacityShare) {
  apply(submit("lab", {"cuda"}), 0);
  EXPECT_DOUBLE_EQ(s.imported_in_use("lab"), 8.0);
  EXPECT_DOUBLE_EQ(s.imported_in_use("bank"), 0.0);
  EXPECT_NEAR(s.imported_capacity_share(0, 10 * kHour, 10 * kHour), 8.0 / 24.0, 1e-9);
}

TEST_F(LiveFleet, JobListPagesNewestFirst) {
  for (int i = 0; i < 5; ++i) apply(submit("lab", {"cann"}), 1 + i);
  JobFilter f;
  f.tenant = "lab";
  f.limit = 2;
  std::int64_t next = 0;
  auto page = s.jobs(f, &next);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_GT(page[0]->id, page[1]->id);
  f.before = next;
  auto page2 = s.jobs(f, &next);
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_LT(page2[0]->id, page[1]->id);
  f.statuses = {JobStatus::Pending};
  f.before = 0;
  f.limit = 100;
  EXPECT_EQ(s.jobs(f, nullptr).size(), 3u) << "two nodes: two placed, three wait";
}

TEST(LiveReplay, SameCommandsSameDecisionsAndState) {
  std::vector<std::pair<Command, Seconds>> log = {
      {tenant_set("bank", "finance"), 0}, {tenant_set("lab", "education", 16), 0}, {join("asc", "ascend-910c", 2), 0},
      {join("gpu", "h200", 1), 0},        {submit("lab", {"cuda"}), 5},           {submit("bank", {"cann"}), 6},
      {submit("lab", {"cann"}), 7},       {submit("lab", {"cann"}), 8},           {on_job(Command::Kind::Finished, 2), 3600},
      {export_cmd(SupplyEffect::ImmediateLoss, "h200"), 7200}, {on_job(Command::Kind::Cancel, 4), 7300},
  };
  auto run = [&](std::vector<Decision>& all) {
    auto s = std::make_unique<LiveState>(cat(), PolicySpec{});
    for (const auto& [c, t] : log) {
      const Applied a = s->apply(c, t);
      all.insert(all.end(), a.decisions.begin(), a.decisions.end());
    }
    return s;
  };
  std::vector<Decision> first, second;
  auto a = run(first);
  auto b = run(second);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first, second);
  ASSERT_EQ(a->all_jobs().size(), b->all_jobs().size());
  for (const auto& [id, r] : a->all_jobs()) {
    const JobRecord* o = b->job(id);
    ASSERT_NE(o, nullptr);
    EXPECT_EQ(r.status, o->status);
    EXPECT_EQ(r.reason, o->reason);
    EXPECT_EQ(r.nodes, o->nodes);
  }
}

}  // namespace
}  // namespace suanli::live

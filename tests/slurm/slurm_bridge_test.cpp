// The Slurm bridge's pure parts: what a submission means to suanli, the
// configuration a scenario compiles to, the reconciliation rules, the
// parsers of Slurm's output and the sacct-based share; and the scheduler's
// handling of a typed request (JobClass::accelerators). No Slurm needed
// (tests/slurm/slurm_lab_test.cpp runs the real cluster).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "suanli/bridge/slurm/bridge.h"
#include "suanli/bridge/slurm/hostlist.h"
#include "suanli/bridge/slurm/reconcile.h"
#include "suanli/bridge/slurm/share.h"
#include "suanli/bridge/slurm/slurm_cli.h"
#include "suanli/bridge/slurm/slurm_config.h"
#include "suanli/bridge/slurm/submission.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/live/live_state.h"
#include "suanli/model/error.h"
#include "suanli/server/access.h"
#include "suanli/server/openapi.h"
#include "suanli/store/store.h"
#include "suanli/wire/codec.h"

namespace suanli::bridge::slurm {
namespace {

using live::Command;
using live::JobStatus;
using live::NodeStatus;

const Catalog& cat() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

const Scenario& lab() {
  static const Scenario s = config::load_scenario(cat(), SUANLI_LAB_SCENARIO);
  return s;
}

const std::vector<std::string> kFleet = {"ascend-910b3", "mlu370-x8", "h200", "h20"};

template <class F>
std::string input_error(F f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// --- hostlists ------------------------------------------------------------------------

TEST(Hostlist, ExpandsRangesListsAndPadding) {
  EXPECT_EQ(expand_hostlist("ascend-[1-2],h200-1"), (std::vector<std::string>{"ascend-1", "ascend-2", "h200-1"}));
  EXPECT_EQ(expand_hostlist("n[01-02,5]"), (std::vector<std::string>{"n01", "n02", "n5"}));
  EXPECT_EQ(expand_hostlist("r[1-2]n[1-2]"), (std::vector<std::string>{"r1n1", "r1n2", "r2n1", "r2n2"}));
  EXPECT_TRUE(expand_hostlist("").empty());
  EXPECT_TRUE(expand_hostlist("(null)").empty());
  EXPECT_NE(input_error([] { expand_hostlist("a-[1-2"); }).find("nodelist"), std::string::npos);
  EXPECT_NE(input_error([] { expand_hostlist("a-[3-1]"); }).find("backwards"), std::string::npos);
  EXPECT_EQ(join_hostlist({"a", "b"}), "a,b");
}

// --- what a submission means ----------------------------------------------------------

SlurmSubmission sub(std::string account, std::string comment, std::string per_node = "", int nodes = 0) {
  SlurmSubmission s;
  s.account = std::move(account);
  s.user = "alice";
  s.comment = std::move(comment);
  s.tres_per_node = std::move(per_node);
  s.min_nodes = nodes;
  return s;
}

TEST(Submission, GpuRequestFromGresAndGpus) {
  GpuRequest g = gpu_request(sub("grid", "", "gres:gpu:8", 2));
  EXPECT_TRUE(g.given);
  EXPECT_EQ(g.total, 16);
  EXPECT_EQ(g.type, "");
  g = gpu_request(sub("grid", "", "gres:gpu:h200:4,gres:nic:1"));
  EXPECT_EQ(g.total, 4);
  EXPECT_EQ(g.type, "h200");
  SlurmSubmission s = sub("grid", "");
  s.tres_per_job = "gres:gpu:h20:16";
  g = gpu_request(s);
  EXPECT_EQ(g.total, 16);
  EXPECT_EQ(g.type, "h20");
  EXPECT_FALSE(gpu_request(sub("grid", "", "gres:nic:1")).given);
  s = sub("grid", "");
  s.tres_per_task = "gres:gpu:1";
  EXPECT_NE(input_error([&] { gpu_request(s); }).find("--gres=gpu"), std::string::npos);
  EXPECT_NE(input_error([] { gpu_request(sub("g", "", "gres:gpu:h200:2,gres:gpu:h20:2")); }).find("one type"),
            std::string::npos);
}

TEST(Submission, ConventionInTheComment) {
  Convention c = parse_convention("nightly run suanli:class=grid-finetune,stacks=cann+cuda more text");
  ASSERT_TRUE(c.present);
  ASSERT_EQ(c.fields.size(), 2u);
  EXPECT_EQ(c.fields[0], (std::pair<std::string, std::string>{"class", "grid-finetune"}));
  EXPECT_EQ(c.fields[1].second, "cann+cuda");
  EXPECT_FALSE(parse_convention("no convention here").present);
  EXPECT_FALSE(parse_convention("notsuanli:class=x").present);
  EXPECT_NE(input_error([] { parse_convention("suanli:class"); }).find("KEY=VALUE"), std::string::npos);
}

TEST(Submission, BodyForTheScheduler) {
  auto body = submit_body(sub("grid", "suanli:class=grid-finetune", "gres:gpu:8"), cat(), lab().classes, kFleet, "k1");
  ASSERT_TRUE(body);
  EXPECT_EQ((*body)["tenant"], "grid");
  EXPECT_EQ((*body)["class"], "grid-finetune");
  EXPECT_EQ((*body)["devices"], 8);
  EXPECT_FALSE(body->contains("accelerators"));  // untyped: anywhere the policy allows
  EXPECT_EQ((*body)["external_id"], "k1");
  // A typed request and features narrow the models.
  body = submit_body(sub("grid", "suanli:class=grid-finetune", "gres:gpu:h200:8"), cat(), lab().classes, kFleet, "k2");
  EXPECT_EQ((*body)["accelerators"], wire::Json({"h200"}));
  SlurmSubmission f = sub("llm-co", "suanli:model=llama-3.1-8b,kind=train,stacks=cuda,work_tokens=1e9", "gres:gpu:8");
  f.features = "imported";
  body = submit_body(f, cat(), lab().classes, kFleet, "k3");
  EXPECT_EQ((*body)["accelerators"], wire::Json({"h200", "h20"}));
  EXPECT_EQ((*body)["stacks"], wire::Json({"cuda"}));
  EXPECT_EQ((*body)["work_tokens"], 1e9);
  // Not suanli's: no GPU, no convention.
  EXPECT_FALSE(submit_body(sub("grid", "cpu work"), cat(), lab().classes, kFleet, "k4"));
  // GPUs without saying what the job is: the error lists the tenant's classes.
  EXPECT_NE(input_error([] { submit_body(sub("grid", "", "gres:gpu:8"), cat(), lab().classes, kFleet, "k5"); })
                .find("classes of grid: grid-finetune"),
            std::string::npos);
  EXPECT_NE(input_error([] { submit_body(sub("grid", "suanli:clas=x", "gres:gpu:8"), cat(), lab().classes, kFleet, "k"); })
                .find("did you mean 'class'"),
            std::string::npos);
  EXPECT_NE(input_error([] { submit_body(sub("grid", "suanli:class=x", "gres:gpu:a999:8"), cat(), lab().classes, kFleet, "k"); })
                .find("--gres"),
            std::string::npos);
  SlurmSubmission arr = sub("grid", "suanli:class=grid-finetune", "gres:gpu:8");
  arr.array = "1-4";
  EXPECT_NE(input_error([&] { submit_body(arr, cat(), lab().classes, kFleet, "k"); }).find("--array"), std::string::npos);
  // It reads back through the API's decoder.
  body = submit_body(sub("grid", "suanli:class=grid-finetune", "gres:gpu:h200:8"), cat(), lab().classes, kFleet, "k6");
  const Command c = wire::read_submit(wire::JsonReader(*body, "$"), cat(), lab().classes);
  EXPECT_EQ(c.shape.tenant, "grid");
  EXPECT_EQ(c.shape.devices, 8);
  EXPECT_EQ(c.shape.accelerators, std::vector<std::string>{"h200"});
  EXPECT_EQ(c.external_id, "k6");
}

TEST(Submission, LinkInTheAdminComment) {
  EXPECT_EQ(linked_job(link_comment(42)), 42);
  EXPECT_EQ(linked_job("x suanli:job=7"), 7);
  EXPECT_EQ(linked_job(""), 0);
}

// --- the scheduler and a typed request ---------------------------------------------------

class TypedRequest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const Tenant& t : lab().tenants) {
      Command c;
      c.kind = Command::Kind::TenantSet;
      c.tenant = t;
      state.apply(c, 0);
    }
    for (const NodeGroup& g : lab().fleet) {
      Command c;
      c.kind = Command::Kind::NodesJoin;
      c.group = g;
      state.apply(c, 0);
    }
  }
  const live::JobRecord& submit(const std::string& cls, std::vector<std::string> models, std::string key) {
    Command c;
    c.kind = Command::Kind::Submit;
    c.shape = *std::find_if(lab().classes.begin(), lab().classes.end(), [&](const JobClass& j) { return j.name == cls; });
    c.shape.accelerators = std::move(models);
    c.class_name = cls;
    c.external_id = std::move(key);
    const live::Applied a = state.apply(c, 10);
    return *state.job(a.job);
  }
  live::LiveState state{cat(), lab().policy};
};

TEST_F(TypedRequest, CriticalAskingImportedIsRejectedByCii) {
  const live::JobRecord& r = submit("grid-finetune", {"h200"}, "a");
  EXPECT_EQ(r.status, JobStatus::Rejected);
  ASSERT_FALSE(r.last.verdicts.empty());
  EXPECT_EQ(r.last.verdicts.front().rule, "cii-domestic-only");
  EXPECT_EQ(r.last.verdicts.front().accelerator, "h200");
}

TEST_F(TypedRequest, DomesticServableAskingImportedIsRejectedByGapOnly) {
  const live::JobRecord& r = submit("llm-finetune", {"h200"}, "b");
  EXPECT_EQ(r.status, JobStatus::Rejected);
  ASSERT_FALSE(r.last.verdicts.empty());
  EXPECT_EQ(r.last.verdicts.front().rule, "gap-only");
}

TEST_F(TypedRequest, AllowedTypeIsHonouredAndUntypedIsUnchanged) {
  EXPECT_EQ(submit("llm-cuda-research", {"h20"}, "c").accelerator, "h20");
  EXPECT_EQ(submit("grid-finetune", {}, "d").accelerator, "ascend-910b3");
  const live::JobRecord& r = submit("grid-finetune", {"b200"}, "e");
  EXPECT_EQ(r.status, JobStatus::Rejected);
  const std::string reason = state.reason(r);
  EXPECT_NE(reason.find("asks for b200 only"), std::string::npos) << reason;
  EXPECT_EQ(state.reason(r, i18n::Lang::Zh), "该作业只请求 b200，集群中没有在役的此类加速卡");
}

TEST(TypedRequestWire, RoundTrips) {
  JobClass s = lab().classes.front();
  s.accelerators = {"h20"};
  const wire::Json j = wire::job_shape_json(s);
  EXPECT_EQ(j["accelerators"], wire::Json({"h20"}));
  const JobClass back = wire::read_job_shape(wire::JsonReader(j, "$"), cat(), JobClass{});
  EXPECT_EQ(back.accelerators, s.accelerators);
  wire::Json bad = j;
  bad["accelerators"] = {"h2OO"};
  EXPECT_NE(input_error([&] { wire::read_job_shape(wire::JsonReader(bad, "$"), cat(), JobClass{}); })
                .find("$.accelerators[0]"),
            std::string::npos);
}

// --- configuration ---------------------------------------------------------------------------

TEST(Config, CompilesTheFleetAndTenantsDeterministically) {
  SlurmConfigOptions o;
  o.cluster = "lab";
  o.cpus = 8;
  o.one_host_port = 17000;
  o.hostname = "vm";
  o.users = {"root"};
  o.admission_url = "http://127.0.0.1:9";
  o.token_file = "/x/token";
  const SlurmConfigFiles a = compile_config(lab(), cat(), o);
  const SlurmConfigFiles b = compile_config(lab(), cat(), o);
  EXPECT_EQ(a.suanli_conf, b.suanli_conf);
  EXPECT_EQ(a.gres_conf, b.gres_conf);
  EXPECT_EQ(a.accounts_sh, b.accounts_sh);
  EXPECT_EQ(a.job_submit_lua, b.job_submit_lua);
  EXPECT_NE(a.suanli_conf.find("NodeName=h200-1 NodeHostname=vm NodeAddr=127.0.0.1 Port=17003 CPUs=8 Gres=gpu:h200:8 "
                               "Features=h200,imported"),
            std::string::npos)
      << a.suanli_conf;
  EXPECT_NE(a.suanli_conf.find("AccountingStorageTRES=gres/gpu,gres/gpu:ascend-910b3,gres/gpu:mlu370-x8,gres/gpu:h200,"
                               "gres/gpu:h20"),
            std::string::npos);
  EXPECT_NE(a.suanli_conf.find("PartitionName=domestic Nodes=ascend-1,ascend-2,mlu-1 "), std::string::npos);
  EXPECT_NE(a.suanli_conf.find("PartitionName=imported Nodes=h200-1,h20-1 "), std::string::npos);
  EXPECT_NE(a.gres_conf.find("NodeName=ascend-1 Name=gpu Type=ascend-910b3 File=/dev/davinci[0-7]"), std::string::npos);
  EXPECT_NE(a.gres_conf.find("NodeName=h20-1 Name=gpu Type=h20 File=/dev/nvidia[0-7]"), std::string::npos);
  EXPECT_NE(a.accounts_sh.find("set_ sacctmgr -i modify qos where name=suanli-grid set Priority=10 GrpTRES=gres/gpu=24"),
            std::string::npos);
  EXPECT_NE(a.accounts_sh.find("ensure sacctmgr -i add user root Account=university Cluster=lab"), std::string::npos);
  EXPECT_NE(a.job_submit_lua.find("local SUANLI_URL = \"http://127.0.0.1:9/v1/slurm/admit\""), std::string::npos);
  EXPECT_EQ(a.job_submit_lua.find('@'), std::string::npos) << "an unfilled setting";
  o.gres_files = "/lab/{node}-gpu[0-{last}]";
  EXPECT_NE(compile_config(lab(), cat(), o).gres_conf.find("File=/lab/mlu-1-gpu[0-7]"), std::string::npos);
  o.cluster = "bad name";
  EXPECT_NE(input_error([&] { compile_config(lab(), cat(), o); }).find("--cluster"), std::string::npos);
}

// --- reconciliation ----------------------------------------------------------------------------

// Slurm job ids are 7 (and 8) below; a suanli job the log has linked already.
SlurmJob sjob(std::int64_t id, std::string state, std::int64_t link, std::vector<std::string> nodes = {},
              Seconds start = 0) {
  SlurmJob j;
  j.id = id;
  j.state = std::move(state);
  j.suanli_job = link;
  j.nodes = nodes;
  j.required = nodes;
  j.start = start;
  return j;
}

SuanliJob ajob(std::int64_t id, JobStatus status, std::vector<std::string> nodes = {}, Seconds placed = 100, int epoch = 1) {
  SuanliJob j;
  j.id = id;
  j.status = status;
  j.epoch = epoch;
  j.placement.accelerator = "h20";
  j.placement.nodes = nodes;
  j.placement.per_node = 8;
  j.placement.total = 8 * static_cast<int>(nodes.size());
  j.placement.partition = "imported";
  j.placed_at = placed;
  j.submitted = 90;
  j.from_slurm = true;
  j.runner = id == 4 ? "slurm:8" : "slurm:7";
  j.reason = "why";
  return j;
}

Plan plan_of(std::vector<SlurmJob> jobs, std::vector<SuanliJob> mine, std::vector<SlurmNode> nodes = {},
             std::vector<SuanliNode> suanli_nodes = {}, Seconds now = 200) {
  SlurmSnapshot s;
  s.jobs = std::move(jobs);
  s.nodes = std::move(nodes);
  SuanliView v;
  v.now = now;
  for (SuanliJob& j : mine) v.jobs.emplace(j.id, j);
  v.nodes = std::move(suanli_nodes);
  return reconcile(s, v);
}

TEST(Reconcile, RunningOnItsPlacementIsReportedStarted) {
  const Plan p = plan_of({sjob(7, "RUNNING", 3, {"h20-1"}, 101)}, {ajob(3, JobStatus::Placed, {"h20-1"})});
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_EQ(p.commands[0].kind, Command::Kind::Started);
  EXPECT_EQ(p.commands[0].job, 3);
  EXPECT_EQ(p.commands[0].epoch, 1);
  EXPECT_NE(p.commands[0].note.find("slurm job 7"), std::string::npos);
  EXPECT_TRUE(p.actions.empty());
  // Reported already: nothing to do.
  EXPECT_TRUE(plan_of({sjob(7, "RUNNING", 3, {"h20-1"}, 101)}, {ajob(3, JobStatus::Running, {"h20-1"})}).empty());
}

TEST(Reconcile, TheFirstSightOfASlurmJobLinksItInTheLog) {
  SuanliJob s = ajob(3, JobStatus::Placed, {"h20-1"});
  s.runner.clear();
  const Plan p = plan_of({sjob(7, "PENDING", 3, {"h20-1"})}, {s});
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_EQ(p.commands[0].kind, Command::Kind::Link);
  EXPECT_EQ(p.commands[0].job, 3);
  EXPECT_EQ(p.commands[0].note, "slurm:7");
}

TEST(Reconcile, CompletedIsStartedThenFinishedFailedIsFailed) {
  Plan p = plan_of({sjob(7, "COMPLETED", 3, {"h20-1"}, 101)}, {ajob(3, JobStatus::Placed, {"h20-1"})});
  ASSERT_EQ(p.commands.size(), 2u);
  EXPECT_EQ(p.commands[0].kind, Command::Kind::Started);
  EXPECT_EQ(p.commands[1].kind, Command::Kind::Finished);
  p = plan_of({sjob(7, "FAILED", 3, {"h20-1"}, 101)}, {ajob(3, JobStatus::Running, {"h20-1"})});
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_EQ(p.commands[0].kind, Command::Kind::Failed);
  p = plan_of({sjob(7, "CANCELLED", 3, {"h20-1"}, 101)}, {ajob(3, JobStatus::Running, {"h20-1"})});
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_EQ(p.commands[0].kind, Command::Kind::Cancel);
}

TEST(Reconcile, HeldJobIsReleasedOntoItsPlacement) {
  SlurmJob j = sjob(7, "PENDING", 3);
  j.held = true;
  j.tres_per_node = "gres:gpu:8";
  const Plan p = plan_of({j}, {ajob(3, JobStatus::Placed, {"h20-1"})});
  ASSERT_EQ(p.actions.size(), 1u);
  EXPECT_EQ(p.actions[0].kind, SlurmAction::Kind::Place);
  EXPECT_EQ(p.actions[0].placement.nodes, std::vector<std::string>{"h20-1"});
  EXPECT_EQ(p.actions[0].placement.gres(), "gpu:8");
  EXPECT_EQ(p.actions[0].current_gres, "gres:gpu:8");
  // Waiting in suanli: stays held; a user hold becomes suanli's (admin) hold.
  EXPECT_TRUE(plan_of({j}, {ajob(3, JobStatus::Pending)}).empty());
  j.reason = "JobHeldUser";
  EXPECT_EQ(plan_of({j}, {ajob(3, JobStatus::Pending)}).actions.at(0).kind, SlurmAction::Kind::Hold);
}

TEST(Reconcile, DisplacedOrMisplacedRunsAreRequeuedAndHeld) {
  // suanli displaced it (pending): requeue and hold.
  Plan p = plan_of({sjob(7, "RUNNING", 3, {"h200-1"}, 101)}, {ajob(3, JobStatus::Pending)});
  ASSERT_EQ(p.actions.size(), 1u);
  EXPECT_EQ(p.actions[0].kind, SlurmAction::Kind::RequeueHold);
  // suanli placed it again elsewhere (epoch 2): the old run goes.
  p = plan_of({sjob(7, "RUNNING", 3, {"h200-1"}, 101)}, {ajob(3, JobStatus::Placed, {"h20-1"}, 150, 2)});
  ASSERT_EQ(p.actions.size(), 1u);
  EXPECT_EQ(p.actions[0].kind, SlurmAction::Kind::RequeueHold);
  EXPECT_TRUE(p.commands.empty());
  // A run that began before the placement is not that placement's, even on the same nodes.
  p = plan_of({sjob(7, "RUNNING", 3, {"h20-1"}, 101)}, {ajob(3, JobStatus::Placed, {"h20-1"}, 150, 2)});
  EXPECT_EQ(p.actions.at(0).kind, SlurmAction::Kind::RequeueHold);
}

TEST(Reconcile, EndedInSuanliIsCancelledInSlurm) {
  const Plan p = plan_of({sjob(7, "PENDING", 3)}, {ajob(3, JobStatus::Rejected)});
  ASSERT_EQ(p.actions.size(), 1u);
  EXPECT_EQ(p.actions[0].kind, SlurmAction::Kind::Cancel);
}

TEST(Reconcile, AdmissionWithoutASlurmJobIsCancelledAfterTheGrace) {
  EXPECT_TRUE(plan_of({}, {ajob(3, JobStatus::Placed, {"h20-1"})}, {}, {}, 100).empty());
  const Plan p = plan_of({}, {ajob(3, JobStatus::Placed, {"h20-1"})}, {}, {}, 200);
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_EQ(p.commands[0].kind, Command::Kind::Cancel);
}

SlurmNode snode(std::string name, bool drain, bool down, std::string reason) {
  SlurmNode n;
  n.name = std::move(name);
  n.state = down ? "down" : "idle";
  n.drain = drain;
  n.down = down;
  n.reason = std::move(reason);
  return n;
}

TEST(Reconcile, NodesFollowWhoeverTookThemOut) {
  // suanli took it out (an export event): Slurm drains it with the reason.
  Plan p = plan_of({}, {}, {snode("h200-1", false, false, "")}, {{"h200-1", NodeStatus::Lost, "H200 cut"}});
  ASSERT_EQ(p.actions.size(), 1u);
  EXPECT_EQ(p.actions[0].kind, SlurmAction::Kind::Drain);
  EXPECT_EQ(p.actions[0].reason, "suanli: lost: H200 cut");
  // suanli brought it back: Slurm resumes it.
  p = plan_of({}, {}, {snode("h200-1", true, false, "suanli: lost: H200 cut")}, {{"h200-1", NodeStatus::Up, "resumed"}});
  EXPECT_EQ(p.actions.at(0).kind, SlurmAction::Kind::Resume);
  // An operator drained it in Slurm: suanli hears of it, and of its return.
  p = plan_of({}, {}, {snode("ascend-1", true, false, "bad fan")}, {{"ascend-1", NodeStatus::Up, "joined"}});
  ASSERT_EQ(p.commands.size(), 1u);
  EXPECT_EQ(p.commands[0].kind, Command::Kind::NodeDrain);
  EXPECT_EQ(p.commands[0].note, "slurm: drained: bad fan");
  p = plan_of({}, {}, {snode("ascend-1", false, false, "")}, {{"ascend-1", NodeStatus::Drained, "slurm: drained: bad fan"}});
  EXPECT_EQ(p.commands.at(0).kind, Command::Kind::NodeResume);
  p = plan_of({}, {}, {snode("ascend-1", false, true, "not responding")}, {{"ascend-1", NodeStatus::Up, ""}});
  EXPECT_EQ(p.commands.at(0).kind, Command::Kind::NodeFail);
  // An export event's drain holds even if someone resumes the node in Slurm.
  p = plan_of({}, {}, {snode("h200-1", false, false, "")}, {{"h200-1", NodeStatus::Retired, "retired: no support"}});
  EXPECT_EQ(p.actions.at(0).kind, SlurmAction::Kind::Drain);
}

TEST(Reconcile, DrainsComeBeforeRequeuesAndPlacementsLast) {
  SlurmJob held = sjob(8, "PENDING", 4);
  held.held = true;
  const Plan p = plan_of({sjob(7, "RUNNING", 3, {"h200-1"}, 101), held},
                         {ajob(3, JobStatus::Pending), ajob(4, JobStatus::Placed, {"h20-1"})},
                         {snode("h200-1", false, false, "")}, {{"h200-1", NodeStatus::Lost, "cut"}});
  ASSERT_EQ(p.actions.size(), 3u);
  EXPECT_EQ(p.actions[0].kind, SlurmAction::Kind::Drain);
  EXPECT_EQ(p.actions[1].kind, SlurmAction::Kind::RequeueHold);
  EXPECT_EQ(p.actions[2].kind, SlurmAction::Kind::Place);
}

// --- Slurm's output ------------------------------------------------------------------------------

TEST(SlurmOutput, SqueueAndSinfoJson) {
  const std::string squeue = R"({"jobs": [
    {"job_id": 2, "job_state": "RUNNING", "state_reason": "None", "priority": 4294901757, "nodes": "h20-1",
     "required_nodes": "h20-1", "tres_per_node": "gres:gpu:8", "account": "llm-co", "partition": "imported",
     "name": "wrap", "admin_comment": "suanli:job=2", "restart_cnt": 1, "start_time": 1796526630,
     "end_time": 1828062630, "exit_code": 0},
    {"job_id": 3, "job_state": "PENDING", "state_reason": "JobHeldAdmin", "priority": 0, "nodes": "",
     "required_nodes": "", "tres_per_node": "gres:gpu:8", "account": "grid", "admin_comment": "suanli:job=5"}]})";
  const auto jobs = parse_squeue_json(squeue);
  ASSERT_EQ(jobs.size(), 2u);
  EXPECT_EQ(jobs[0].suanli_job, 2);
  EXPECT_EQ(jobs[0].nodes, std::vector<std::string>{"h20-1"});
  EXPECT_EQ(jobs[0].restarts, 1);
  EXPECT_FALSE(jobs[0].held);
  EXPECT_TRUE(jobs[1].held);
  EXPECT_EQ(jobs[1].reason, "JobHeldAdmin");
  const std::string sinfo = R"({"nodes": [
    {"name": "h200-1", "state": "idle", "state_flags": ["DRAIN"], "reason": "suanli: lost: cut", "gres": "gpu:h200:8"},
    {"name": "ascend-1", "state": "down", "state_flags": [], "reason": "x"},
    {"name": "h200-1", "state": "idle", "state_flags": ["DRAIN"], "reason": "suanli: lost: cut"}]})";
  const auto nodes = parse_sinfo_json(sinfo);
  ASSERT_EQ(nodes.size(), 2u);
  EXPECT_TRUE(nodes[0].drain);
  EXPECT_FALSE(nodes[0].down);
  EXPECT_TRUE(nodes[1].down);
}

// --- the share from sacct ------------------------------------------------------------------------

TEST(Share, DeviceHoursPerTenantAndModelWithEveryRun) {
  const std::string sacct =
      "1|grid|COMPLETED|1000|4600|billing=1,cpu=1,gres/gpu:ascend-910b3=8,gres/gpu=8,node=1|ascend-1|suanli:job=1\n"
      "2|llm-co|REQUEUED|1000|2800|billing=1,cpu=1,gres/gpu:h200=8,gres/gpu=8,node=1|h200-1|suanli:job=2\n"
      "2|llm-co|RUNNING|2800|Unknown|billing=1,cpu=1,gres/gpu:h20=8,gres/gpu=8,node=1|h20-1|\n"
      "3|university|PENDING|Unknown|Unknown||None assigned|suanli:job=3\n"
      "4|llm-co|CANCELLED by 0|2000|5600|billing=1,cpu=1,gres/gpu:ascend-910b3=4,gres/gpu=4,node=1|ascend-2|\n"
      "garbage\n";
  int skipped = 0;
  const auto runs = parse_sacct(sacct, &skipped);
  EXPECT_EQ(skipped, 1);
  ASSERT_EQ(runs.size(), 4u);
  EXPECT_EQ(runs[3].state, "CANCELLED");
  EXPECT_EQ(runs[2].end, -1);
  const ShareReport r = share_report(runs, lab(), cat(), 0, 100000, 4600);
  EXPECT_DOUBLE_EQ(r.domestic_hours, 8.0 + 4.0);  // job 4: 4 devices for an hour
  EXPECT_DOUBLE_EQ(r.imported_hours, 4.0 + 8.0 * 1800 / 3600);  // the running run counted to `now`
  const auto grid = std::find_if(r.tenants.begin(), r.tenants.end(), [](const TenantShare& t) { return t.tenant == "grid"; });
  ASSERT_NE(grid, r.tenants.end());
  EXPECT_DOUBLE_EQ(*grid->share, 1.0);
  EXPECT_EQ(r.fleet_devices, 40);
  EXPECT_DOUBLE_EQ(r.cap_devices, 12.0);
  EXPECT_EQ(r.peak_imported_devices, 8);  // the two runs of job 2 do not overlap
  EXPECT_TRUE(r.within_cap);
  // Clipped to the window.
  const ShareReport w = share_report(runs, lab(), cat(), 1000, 1900, 4600);
  EXPECT_DOUBLE_EQ(w.domestic_hours, 8.0 * 900 / 3600);
  EXPECT_NE(share_table(r).find("within the cap"), std::string::npos);
  EXPECT_NE(share_csv(r).find("llm-co,h20,imported,1,"), std::string::npos);
  EXPECT_NE(share_json(r).find("\"peak_devices\": 8"), std::string::npos);
}

// --- the bridge's routes are documented -------------------------------------------------------

TEST(OpenApi, SlurmRoutesAreDocumentedAndServedWithTheBridgeOnOrOff) {
  const auto dir = std::filesystem::temp_directory_path() / ("suanli-slurm-openapi-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    server::WallClock clock;
    server::Service service(cat(), lab(), store::open_store("sqlite:" + (dir / "x.db").string()), clock);
    server::Access access(service.store());
    server::HttpServer http(service, access, server::HttpOptions{});
    SlurmBridge bridge(service, SlurmBridgeOptions{});
    add_routes(http, &bridge);
    const nlohmann::json doc = nlohmann::json::parse(server::openapi_json());
    std::set<std::string> documented, bridged;
    for (const auto& [path, methods] : doc["paths"].items()) {
      for (const auto& [method, spec] : methods.items()) {
        std::string m = method;
        for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        documented.insert(m + " " + path);
        if (path.rfind("/v1/slurm/", 0) == 0) bridged.insert(m + " " + path);
      }
    }
    const std::set<std::string> registered(http.route_labels().begin(), http.route_labels().end());
    for (const std::string& r : registered) EXPECT_TRUE(documented.count(r)) << r << " is served but not documented";
    for (const std::string& b : bridged) EXPECT_TRUE(registered.count(b)) << b << " is documented but not served";
    EXPECT_EQ(bridged.size(), 3u);
  }
  {
    // Off: the same routes, answering 404 with how to turn the bridge on.
    server::WallClock clock;
    server::Service service(cat(), lab(), store::open_store("sqlite:" + (dir / "y.db").string()), clock);
    server::Access access(service.store());
    server::HttpServer http(service, access, server::HttpOptions{});
    add_routes(http, nullptr);
    const auto& labels = http.route_labels();
    EXPECT_EQ(std::count_if(labels.begin(), labels.end(), [](const std::string& l) { return l.find("/v1/slurm/") != std::string::npos; }), 3);
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suanli::bridge::slurm

// suanli governing a real Slurm 22.05 cluster (issue 10), end to end. Each
// case starts its own lab with scripts/slurm/lab.sh (munged, slurmctld, five
// slurmd with typed GPUs on /dev/null links, slurmrestd, `suanli serve
// --slurm`; MariaDB and slurmdbd for the share case) in a folder it removes,
// submits with the real sbatch, reads squeue, sinfo, sacct and suanli's API,
// and stops the lab. A lab that does not start fails the case.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "daemon.h"
#include "service_harness.h"

namespace suanli::slurm_test {
namespace {

using live_test::Client;
using live_test::Json;
using live_test::Reply;

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Polls `f` every 100 ms until it holds or `limit` passes.
bool eventually(const std::function<bool()>& f, std::chrono::seconds limit = std::chrono::seconds(20)) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (f()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return f();
}

class SlurmLab : public ::testing::Test {
 protected:
  void start(bool accounting = false) {
    dir_ = tmp_.path() / "lab";
    // slurmrestd runs as its own user: it must reach the lab's files.
    std::filesystem::permissions(tmp_.path(), std::filesystem::perms(0755));
    std::string out;
    const int rc = live_test::run({"/bin/bash", SUANLI_LAB_SCRIPT, "up", "--dir", dir_.string(), "--accounting",
                                   accounting ? "1" : "0", "--suanli", SUANLI_BINARY},
                                  out);
    started_ = true;
    ASSERT_EQ(rc, 0) << "the Slurm lab did not start:\n" << out;
    setenv("SLURM_CONF", (dir_ / "etc/slurm.conf").c_str(), 1);
    unsetenv("SLURM_JWT");
    port_ = std::stoi(trim(slurp(dir_ / "ports"))) + 3;
    api_ = std::make_unique<Client>(port_, trim(slurp(dir_ / "tokens/operator")));
  }

  void TearDown() override {
    if (!started_) return;
    std::string out;
    live_test::run({"/bin/bash", SUANLI_LAB_SCRIPT, "down", "--dir", dir_.string()}, out);
    if (HasFailure()) {
      // What the bridge and Slurm said, for whoever reads the failure.
      std::cerr << "--- suanli serve\n" << slurp(dir_ / "log/suanli-serve.out").substr(0, 6000) << "\n";
    }
  }

  // sbatch ARGS --wrap SCRIPT; returns the exit code, output in `out`.
  int sbatch(std::vector<std::string> args, const std::string& script, std::string& out) {
    std::vector<std::string> argv = {"/usr/bin/sbatch", "--parsable", "-o", "/dev/null"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--wrap");
    argv.push_back(script);
    return live_test::run(argv, out, dir_ / "jobs");
  }
  // A submission that must be admitted: its Slurm job id.
  std::int64_t submit(std::vector<std::string> args, const std::string& script = "sleep 60") {
    std::string out;
    const int rc = sbatch(std::move(args), script, out);
    EXPECT_EQ(rc, 0) << out;
    try {
      return std::stoll(trim(out));
    } catch (const std::exception&) {
      ADD_FAILURE() << "sbatch printed no job id: " << out;
      return 0;
    }
  }

  Json squeue_job(std::int64_t id) {
    std::string out;
    live_test::run({"/usr/bin/squeue", "--json", "--states=all"}, out);
    const Json doc = Json::parse(out, nullptr, false);
    if (doc.is_discarded()) return nullptr;
    for (const Json& j : doc.value("jobs", Json::array())) {
      if (j.value("job_id", std::int64_t{0}) == id) return j;
    }
    return nullptr;
  }
  int slurm_jobs() {
    std::string out;
    live_test::run({"/usr/bin/squeue", "-h", "--states=all", "-o", "%i"}, out);
    return static_cast<int>(std::count(out.begin(), out.end(), '\n'));
  }
  Json node(const std::string& name) {
    std::string out;
    live_test::run({"/usr/bin/sinfo", "--json"}, out);
    const Json doc = Json::parse(out, nullptr, false);
    if (doc.is_discarded()) return nullptr;
    for (const Json& n : doc.value("nodes", Json::array())) {
      if (n.value("name", "") == name) return n;
    }
    return nullptr;
  }
  static bool drained(const Json& n) {
    if (n.is_null()) return false;
    for (const Json& f : n.value("state_flags", Json::array())) {
      if (f == "DRAIN") return true;
    }
    return n.value("state", "") == "drained";
  }
  // The suanli job a Slurm job is linked to (its admin comment).
  std::int64_t suanli_job(std::int64_t slurm_id) {
    const Json j = squeue_job(slurm_id);
    if (j.is_null()) return 0;
    const std::string c = j.value("admin_comment", "");
    const auto at = c.find("suanli:job=");
    return at == std::string::npos ? 0 : std::stoll(c.substr(at + 11));
  }
  Json suanli_record(std::int64_t id) { return api_->get("/v1/jobs/" + std::to_string(id)).body; }

  std::string script(const char* name) const { return (std::filesystem::path(SUANLI_LAB_SCRIPT).parent_path() / name).string(); }

  live_test::TempDir tmp_;
  std::filesystem::path dir_;
  bool started_ = false;
  int port_ = 0;
  std::unique_ptr<Client> api_;
};

const std::vector<std::string> kGridUntyped = {"-A", "grid", "--gres=gpu:8", "--comment=suanli:class=grid-finetune"};

TEST_F(SlurmLab, CriticalTenantsUntypedJobLandsOnADomesticNode) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::int64_t id = submit(kGridUntyped);
  ASSERT_GT(id, 0);
  ASSERT_TRUE(eventually([&] { return squeue_job(id).value("job_state", "") == "RUNNING"; })) << squeue_job(id).dump();
  const Json j = squeue_job(id);
  const std::string where = j.value("nodes", "");
  EXPECT_TRUE(where == "ascend-1" || where == "ascend-2") << "ran on " << where;
  EXPECT_EQ(j.value("partition", ""), "domestic");
  // suanli's record: the same node and model, reported running, with the Slurm job in the log.
  const std::int64_t sid = suanli_job(id);
  ASSERT_GT(sid, 0);
  ASSERT_TRUE(eventually([&] { return suanli_record(sid).value("status", "") == "running"; })) << suanli_record(sid).dump();
  const Json r = suanli_record(sid);
  EXPECT_EQ(r["accelerator"], "ascend-910b3");
  EXPECT_EQ(r["nodes"], Json::array({where}));
  EXPECT_EQ(r["runner"], "slurm:" + std::to_string(id)) << "the link is an event of suanli's log";
  const Reply audit = api_->get("/v1/decisions?job=" + std::to_string(sid));
  ASSERT_EQ(audit.status, 200);
  ASSERT_FALSE(audit.body["decisions"].empty());
  EXPECT_EQ(audit.body["decisions"].back()["kind"], "place");
  const Reply cluster = api_->get("/v1/slurm/cluster");
  ASSERT_EQ(cluster.status, 200);
  bool linked = false;
  for (const Json& x : cluster.body["jobs"]) {
    linked = linked || (x["slurm_job"] == id && x["suanli"]["job"] == sid && x["suanli"]["status"] == "running");
  }
  EXPECT_TRUE(linked) << cluster.text;
}

TEST_F(SlurmLab, CriticalTenantAskingForH200IsRejectedWithCiiDomesticOnly) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::string out;
  const int rc = sbatch({"-A", "grid", "--gres=gpu:h200:8", "--comment=suanli:class=grid-finetune"}, "sleep 60", out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("cii-domestic-only"), std::string::npos) << out;
  EXPECT_NE(out.find("critical-infrastructure tenants run on domestic accelerators only"), std::string::npos) << out;
  EXPECT_EQ(slurm_jobs(), 0) << "no job may be admitted";
  const Reply audit = api_->get("/v1/decisions?rule=cii-domestic-only&kind=reject");
  ASSERT_EQ(audit.status, 200);
  EXPECT_EQ(audit.body["decisions"].size(), 1u) << audit.text;
}

TEST_F(SlurmLab, CudaOnlyClassGetsAnImportedGpuAsAGapJobADomesticServableClassDoesNot) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::int64_t gap = submit({"-A", "llm-co", "--gres=gpu:8", "--comment=suanli:class=llm-cuda-research"});
  const std::int64_t ported = submit({"-A", "llm-co", "--gres=gpu:8", "--comment=suanli:class=llm-finetune"});
  ASSERT_TRUE(eventually([&] {
    return squeue_job(gap).value("job_state", "") == "RUNNING" && squeue_job(ported).value("job_state", "") == "RUNNING";
  }));
  const std::string gap_node = squeue_job(gap).value("nodes", "");
  EXPECT_TRUE(gap_node == "h200-1" || gap_node == "h20-1") << gap_node;
  EXPECT_EQ(squeue_job(gap).value("partition", ""), "imported");
  const std::string ported_node = squeue_job(ported).value("nodes", "");
  EXPECT_TRUE(ported_node == "ascend-1" || ported_node == "ascend-2") << ported_node;
  const Json r = suanli_record(suanli_job(gap));
  EXPECT_NE(r.value("reason", "").find("gap job"), std::string::npos) << r.dump();
  // Asking for the imported model does not get round gap-only.
  std::string out;
  EXPECT_NE(sbatch({"-A", "llm-co", "--gres=gpu:h200:8", "--comment=suanli:class=llm-finetune"}, "sleep 60", out), 0);
  EXPECT_NE(out.find("gap-only"), std::string::npos) << out;
}

TEST_F(SlurmLab, ImportedCapRefusesTheJobThatWouldExceedIt) {
  ASSERT_NO_FATAL_FAILURE(start());
  // 40 devices, cap 30%: 12 imported devices; one 8-device gap job fits, a second does not.
  const std::int64_t first = submit({"-A", "llm-co", "--gres=gpu:8", "--comment=suanli:class=llm-cuda-research"});
  ASSERT_TRUE(eventually([&] { return squeue_job(first).value("job_state", "") == "RUNNING"; }));
  std::string out;
  const int rc = sbatch({"-A", "university", "--gres=gpu:8", "--comment=suanli:class=uni-cuda-course"}, "sleep 60", out);
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("imported-cap"), std::string::npos) << out;
  EXPECT_NE(out.find("16 of 12 allowed"), std::string::npos) << out;
  EXPECT_EQ(slurm_jobs(), 1);
  // Nothing waits for it in suanli either.
  const Reply pending = api_->get("/v1/jobs?status=pending");
  EXPECT_TRUE(pending.body["jobs"].empty()) << pending.text;
  // A domestic-servable job from the same tenant is still admitted.
  const std::int64_t domestic = submit({"-A", "university", "--gres=gpu:8", "--comment=suanli:class=uni-glm-finetune"});
  EXPECT_GT(domestic, 0);
}

TEST_F(SlurmLab, ImmediateLossDrainsTheImportedNodesAndRequeuesTheRunningJob) {
  ASSERT_NO_FATAL_FAILURE(start());
  const std::int64_t id = submit({"-A", "llm-co", "--gres=gpu:8", "--comment=suanli:class=llm-cuda-research"}, "sleep 300");
  ASSERT_TRUE(eventually([&] { return squeue_job(id).value("job_state", "") == "RUNNING"; }));
  const std::string lost_node = squeue_job(id).value("nodes", "");
  const std::string lost_model = lost_node == "h200-1" ? "h200" : "h20";
  const std::string other_node = lost_node == "h200-1" ? "h20-1" : "h200-1";
  const std::int64_t sid = suanli_job(id);
  ASSERT_TRUE(eventually([&] { return suanli_record(sid).value("status", "") == "running"; }));
  const Reply ev = api_->post("/v1/export-events", {{"accelerators", {lost_model}},
                                                    {"effect", "immediate-loss"},
                                                    {"label", "licence revoked (test)"}});
  ASSERT_EQ(ev.status, 201) << ev.text;
  // The node is drained in Slurm with the event's reason...
  ASSERT_TRUE(eventually([&] { return drained(node(lost_node)); })) << node(lost_node).dump();
  const std::string reason = node(lost_node).value("reason", "");
  EXPECT_NE(reason.find("suanli: lost"), std::string::npos) << reason;
  EXPECT_NE(reason.find("licence revoked (test)"), std::string::npos) << reason;
  // ...the running job is requeued, and runs again where suanli placed it now.
  ASSERT_TRUE(eventually([&] {
    const Json j = squeue_job(id);
    return j.value("restart_cnt", 0) >= 1 && j.value("job_state", "") == "RUNNING" && j.value("nodes", "") == other_node;
  })) << squeue_job(id).dump();
  ASSERT_TRUE(eventually([&] { return suanli_record(sid).value("status", "") == "running"; }));
  const Json r = suanli_record(sid);
  EXPECT_EQ(r["epoch"], 2);
  EXPECT_EQ(r["nodes"], Json::array({other_node}));
  EXPECT_EQ(r["preemptions"], 1);
  // The other imported node stays in service.
  EXPECT_FALSE(drained(node(other_node)));
}

TEST_F(SlurmLab, ShareFromSacctReportsTheDeviceHoursOfJobsOfKnownLength) {
  ASSERT_NO_FATAL_FAILURE(start(/*accounting=*/true));
  const std::int64_t since = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count() - 2;
  // Known lengths: grid 8 devices x 12 s (domestic), llm-co 8 x 12 s (imported, gap), university 8 x 6 s (domestic).
  const std::vector<std::int64_t> ids = {
      submit(kGridUntyped, "sleep 12"),
      submit({"-A", "llm-co", "--gres=gpu:8", "--comment=suanli:class=llm-cuda-research"}, "sleep 12"),
      submit({"-A", "university", "--gres=gpu:8", "--comment=suanli:class=uni-glm-finetune"}, "sleep 6")};
  std::vector<std::int64_t> sids;
  for (std::int64_t id : ids) sids.push_back(suanli_job(id));
  ASSERT_TRUE(eventually([&] {
    for (std::int64_t s : sids) {
      if (suanli_record(s).value("status", "") != "finished") return false;
    }
    return true;
  }, std::chrono::seconds(40)));
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const std::int64_t until = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count() + 1;
  Json report;
  ASSERT_TRUE(eventually([&] {  // slurmdbd records a job's end shortly after it
    std::string out;
    if (live_test::run({SUANLI_BINARY, "slurm", "share", "--scenario", SUANLI_LAB_SCENARIO, "--since",
                        std::to_string(since), "--until", std::to_string(until), "--json"},
                       out) != 0) {
      return false;
    }
    report = Json::parse(out, nullptr, false);
    return !report.is_discarded() && report.value("runs", 0) == 3;
  })) << report.dump();
  auto hours = [&](const std::string& tenant, const char* origin) {
    for (const Json& t : report["tenants"]) {
      if (t["tenant"] == tenant) return t[std::string(origin) + "_hours"].get<double>();
    }
    return -1.0;
  };
  const double second = 8.0 / 3600;  // one second of 8 devices, in device-hours
  EXPECT_NEAR(hours("grid", "domestic"), 12 * second, 1.5 * second);
  EXPECT_NEAR(hours("llm-co", "imported"), 12 * second, 1.5 * second);
  EXPECT_NEAR(hours("university", "domestic"), 6 * second, 1.5 * second);
  EXPECT_DOUBLE_EQ(hours("grid", "imported"), 0.0);
  EXPECT_TRUE(report["imported_cap"]["within"].get<bool>());
  EXPECT_EQ(report["imported_cap"]["peak_devices"], 8);
  // The same window through the service: sacct beside suanli's own record, within the bridge's polling.
  const Reply both = api_->get("/v1/slurm/share?from=" + std::to_string(since) + "&to=" + std::to_string(until));
  ASSERT_EQ(both.status, 200) << both.text;
  for (const Json& own : both.body["suanli"]) {
    for (const Json& slurm : both.body["tenants"]) {
      if (slurm["tenant"] != own["tenant"]) continue;
      EXPECT_NEAR(own["domestic_hours"].get<double>(), slurm["domestic_hours"].get<double>(), 2.5 * second) << own;
      EXPECT_NEAR(own["imported_hours"].get<double>(), slurm["imported_hours"].get<double>(), 2.5 * second) << own;
    }
  }
}

TEST_F(SlurmLab, SubmissionsFailClosedWhenTheServiceIsDown) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::string out;
  ASSERT_EQ(live_test::run({"/bin/bash", SUANLI_LAB_SCRIPT, "serve-stop", "--dir", dir_.string()}, out), 0) << out;
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = sbatch(kGridUntyped, "sleep 60", out);
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(rc, 0) << out;
  EXPECT_NE(out.find("fail closed"), std::string::npos) << out;
  EXPECT_EQ(slurm_jobs(), 0);
  // A CPU job that is not suanli's is refused as well: the plugin cannot tell without asking.
  EXPECT_NE(sbatch({"-A", "grid"}, "true", out), 0) << out;
  std::cerr << "sbatch with the service down answered in " << took << " s\n";
  // Back up: admitted again.
  ASSERT_EQ(live_test::run({"/bin/bash", SUANLI_LAB_SCRIPT, "serve-start", "--dir", dir_.string()}, out), 0) << out;
  EXPECT_GT(submit(kGridUntyped), 0);
}

TEST_F(SlurmLab, NodeDrainedInSlurmReachesSuanliAndItsResumeToo) {
  ASSERT_NO_FATAL_FAILURE(start());
  std::string out;
  ASSERT_EQ(live_test::run({"/usr/bin/scontrol", "update", "NodeName=mlu-1", "State=DRAIN", "Reason=fan"}, out), 0) << out;
  auto status = [&] {
    const Reply nodes = api_->get("/v1/nodes");
    for (const Json& n : nodes.body["nodes"]) {
      if (n["name"] == "mlu-1") return n.value("status", "");
    }
    return std::string();
  };
  ASSERT_TRUE(eventually([&] { return status() == "drained"; })) << api_->get("/v1/nodes").text;
  ASSERT_EQ(live_test::run({"/usr/bin/scontrol", "update", "NodeName=mlu-1", "State=RESUME"}, out), 0) << out;
  EXPECT_TRUE(eventually([&] { return status() == "up"; }));
}

}  // namespace
}  // namespace suanli::slurm_test

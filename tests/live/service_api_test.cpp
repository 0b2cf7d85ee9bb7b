// The live service over HTTP, end to end: the real `suanli serve` on
// loopback with an SQLite store, driven as clients drive it. Access (401,
// 403, no cross-tenant read anywhere), bad input (400 with the JSON path,
// 413, 404 as JSON, nothing changed), the job lifecycle, node operations,
// export-policy events, explain, the audit log and metrics.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>

#include "service_harness.h"

namespace suanli::live_test {
namespace {

class Api : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    server_ = new SuanliServer(dir_->path(), "sqlite:" + (dir_->path() / "api.db").string());
    op_ = server_->token("operator");
    auditor_ = server_->token("auditor");
    bank_ = server_->token("tenant", "bank");
    llm_ = server_->token("tenant", "llm-co");
    uni_ = server_->token("tenant", "university");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete dir_;
  }
  static Client as(const std::string& token) { return Client(server_->port(), token); }
  static std::int64_t submit(const std::string& token, const Json& body) {
    Client c = as(token);
    const Reply r = c.post("/v1/jobs", body);
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body["job"]["id"].get<std::int64_t>();
  }
  static std::int64_t job_count() {
    Client c = as(op_);
    std::int64_t n = 0;
    std::string path = "/v1/jobs?limit=1000";
    while (true) {
      const Reply r = c.get(path);
      n += static_cast<std::int64_t>(r.body["jobs"].size());
      if (r.body["next"].is_null()) return n;
      path = "/v1/jobs?limit=1000&before=" + std::to_string(r.body["next"].get<std::int64_t>());
    }
  }

  static TempDir* dir_;
  static SuanliServer* server_;
  static std::string op_, auditor_, bank_, llm_, uni_;
};

TempDir* Api::dir_ = nullptr;
SuanliServer* Api::server_ = nullptr;
std::string Api::op_, Api::auditor_, Api::bank_, Api::llm_, Api::uni_;

// Prometheus text format: name{label="value",...} number (or name number).
bool is_sample(const std::string& line) {
  auto name_char = [](char c, bool first) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
           (!first && std::isdigit(static_cast<unsigned char>(c)));
  };
  std::size_t i = 0;
  if (line.empty() || !name_char(line[0], true)) return false;
  while (i < line.size() && name_char(line[i], false)) ++i;
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      if (!name_char(line[i], true)) return false;
      while (i < line.size() && name_char(line[i], false)) ++i;
      if (line.compare(i, 2, "=\"") != 0) return false;
      i += 2;
      while (i < line.size() && line[i] != '"') i += line[i] == '\\' ? 2 : 1;
      if (i >= line.size()) return false;
      ++i;
      if (i < line.size() && line[i] == ',') ++i;
    }
    if (i >= line.size()) return false;
    ++i;
  }
  if (i >= line.size() || line[i] != ' ') return false;
  const std::string value = line.substr(i + 1);
  if (value == "+Inf" || value == "-Inf" || value == "NaN") return true;
  char* end = nullptr;
  std::strtod(value.c_str(), &end);
  return !value.empty() && end == value.c_str() + value.size();
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

void expect_error(const Reply& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.text;
  ASSERT_TRUE(r.body.is_object()) << "error bodies are JSON: " << r.text;
  ASSERT_TRUE(r.body.contains("error")) << r.text;
  EXPECT_EQ(r.body["error"]["status"], status);
  EXPECT_EQ(r.body["error"]["code"], code);
  EXPECT_FALSE(r.body["error"]["message"].get<std::string>().empty());
}

TEST_F(Api, HealthReadinessAndTheOpenApiDocumentNeedNoToken) {
  Client c(server_->port());
  EXPECT_EQ(c.get("/healthz").status, 200);
  const Reply ready = c.get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_TRUE(ready.body["ready"].get<bool>());
  const Reply doc = c.get("/v1/openapi.json");
  EXPECT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body["openapi"], "3.1.0");
  EXPECT_TRUE(doc.body["paths"].contains("/v1/jobs"));
}

TEST_F(Api, MissingBadOrRevokedTokensGet401) {
  Client none(server_->port());
  expect_error(none.get("/v1/jobs"), 401, "unauthorized");
  expect_error(none.get("/metrics"), 401, "unauthorized");
  Client bad(server_->port(), "sl_000000000000_" + std::string(64, 'a'));
  expect_error(bad.get("/v1/jobs"), 401, "unauthorized");
  Client junk(server_->port(), "not-a-token");
  expect_error(junk.get("/v1/whoami"), 401, "unauthorized");
  // A token revoked through the API stops working at once.
  Client op = as(op_);
  const Reply made = op.post("/v1/tokens", {{"role", "tenant"}, {"tenant", "grid"}});
  ASSERT_EQ(made.status, 201) << made.text;
  Client grid = as(made.body["token"]);
  EXPECT_EQ(grid.get("/v1/whoami").body["tenant"], "grid");
  EXPECT_EQ(op.del("/v1/tokens/" + made.body["id"].get<std::string>()).status, 200);
  expect_error(grid.get("/v1/whoami"), 401, "unauthorized");
}

TEST_F(Api, TenantTokensNeverReadAnotherTenantsData) {
  const std::int64_t job = submit(bank_, {{"class", "bank-embed-batch"}});
  Client llm = as(llm_);
  EXPECT_EQ(llm.get("/v1/whoami").body["tenant"], "llm-co");
  const Json own = llm.get("/v1/jobs?limit=1000").body;
  for (const Json& j : own["jobs"]) EXPECT_EQ(j["tenant"], "llm-co");
  expect_error(llm.get("/v1/jobs/" + std::to_string(job)), 404, "not_found");
  expect_error(llm.get("/v1/jobs/" + std::to_string(job) + "/explain"), 404, "not_found");
  expect_error(llm.post("/v1/jobs/" + std::to_string(job) + "/cancel", Json::object()), 404, "not_found");
  expect_error(llm.get("/v1/jobs?tenant=bank"), 403, "forbidden");
  expect_error(llm.get("/v1/decisions?tenant=bank"), 403, "forbidden");
  const Json audit = llm.get("/v1/decisions?limit=1000").body;
  for (const Json& d : audit["decisions"]) {
    EXPECT_NE(d["job"], job) << "another tenant's decision in the audit log";
  }
  const Json tenants = llm.get("/v1/tenants").body["tenants"];
  ASSERT_EQ(tenants.size(), 1u);
  EXPECT_EQ(tenants[0]["name"], "llm-co");
  expect_error(llm.get("/v1/tenants/bank"), 404, "not_found");
  expect_error(llm.get("/v1/share?tenant=bank"), 404, "not_found");
  const std::string metrics = llm.get("/metrics").text;
  EXPECT_EQ(metrics.find("tenant=\"bank\""), std::string::npos) << "a bank label in llm-co's metrics";
  EXPECT_NE(metrics.find("tenant=\"llm-co\""), std::string::npos);
  expect_error(llm.get("/v1/nodes"), 403, "forbidden");
  expect_error(llm.post("/v1/jobs", {{"class", "bank-embed-batch"}, {"tenant", "bank"}}), 403, "forbidden");
  const Json scenario = llm.get("/v1/scenario").body;
  for (const Json& c : scenario["classes"]) EXPECT_EQ(c["tenant"], "llm-co");
}

TEST_F(Api, TenantSubmittingAnotherTenantsClassRunsItAsItsOwn) {
  Client uni = as(uni_);
  const Reply r = uni.post("/v1/jobs", {{"class", "bank-embed-batch"}});
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.body["job"]["tenant"], "university");
}

TEST_F(Api, AuditorReadsEverythingAndChangesNothing) {
  Client a = as(auditor_);
  EXPECT_EQ(a.get("/v1/nodes").status, 200);
  EXPECT_EQ(a.get("/v1/jobs").status, 200);
  EXPECT_EQ(a.get("/v1/tenants").body["tenants"].size(), 5u);
  expect_error(a.post("/v1/jobs", {{"class", "bank-embed-batch"}}), 403, "forbidden");
  expect_error(a.post("/v1/export-events", {{"accelerators", {"h20"}}, {"effect", "no-new-supply"}}), 403, "forbidden");
  expect_error(a.put("/v1/tenants/bank", {{"sector", "finance"}}), 403, "forbidden");
  expect_error(a.post("/v1/nodes/h20-1/drain", Json::object()), 403, "forbidden");
  expect_error(a.post("/v1/tokens", {{"role", "operator"}}), 403, "forbidden");
  Client bank = as(bank_);
  expect_error(bank.post("/v1/nodes/h20-1/drain", Json::object()), 403, "forbidden");
  expect_error(bank.post("/v1/jobs/1/finished", {{"epoch", 1}}), 403, "forbidden");
}

TEST_F(Api, CriticalTenantRunsDomesticAndACudaOnlyClassIsAGapJob) {
  Client bank = as(bank_);
  const Reply crit = bank.post("/v1/jobs", {{"class", "bank-risk-serve"}});
  ASSERT_EQ(crit.status, 201) << crit.text;
  if (!crit.body["job"]["accelerator"].is_null()) {
    EXPECT_EQ(crit.body["job"]["origin"], "domestic");
  }
  // A critical tenant asking for CUDA only: rejected by cii-domestic-only.
  Json cuda = {{"kind", "finetune"}, {"model", "llama-3.1-8b"}, {"devices", 8}, {"work_tokens", 1e9}, {"stacks", {"cuda"}}};
  const Reply rej = bank.post("/v1/jobs", cuda);
  ASSERT_EQ(rej.status, 201) << rej.text;
  EXPECT_EQ(rej.body["job"]["status"], "rejected");
  EXPECT_NE(rej.body["job"]["reason"].get<std::string>().find("cii-domestic-only"), std::string::npos);
  // The same job from a non-critical tenant goes to an imported chip as a gap job.
  Client llm = as(llm_);
  const Reply gap = llm.post("/v1/jobs", cuda);
  ASSERT_EQ(gap.status, 201) << gap.text;
  EXPECT_EQ(gap.body["job"]["origin"], "imported") << gap.text;
  EXPECT_NE(gap.body["job"]["reason"].get<std::string>().find("gap"), std::string::npos);
  // explain shows the candidates and which rule denied what.
  const Reply ex = bank.get("/v1/jobs/" + std::to_string(rej.body["job"]["id"].get<std::int64_t>()) + "/explain");
  ASSERT_EQ(ex.status, 200) << ex.text;
  EXPECT_FALSE(ex.body["trail"].empty());
  EXPECT_EQ(ex.body["trail"][0]["kind"], "reject");
}

TEST_F(Api, BadInputIsA400WithTheJsonPathAndChangesNothing) {
  Client llm = as(llm_);
  const std::int64_t before = job_count();
  struct Case {
    std::string body;
    std::string path;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"{\"class\": \"llm-cuda-research\"", "$", "malformed JSON"},
      {"[1, 2]", "$", "expected a job description"},
      {R"({"class": "llm-cuda-research", "devicez": 8})", "$.devicez", "did you mean 'devices'"},
      {R"({"class": "llm-cuda-research", "devices": "eight"})", "$.devices", "expected a device count"},
      {R"({"class": "llm-cuda-research", "devices": 3})", "$.devices", "expected 1, 2, 4 or a multiple of 8"},
      {R"({"class": "no-such-class"})", "$.class", "expected a job class of the scenario"},
      {R"({"kind": "finetune", "model": "llama-9", "devices": 8, "work_tokens": 1e9, "stacks": ["cuda"]})", "$.model",
       "expected a model of the zoo"},
      {R"({"kind": "serve", "model": "llama-3.1-8b", "devices": 8, "duration": "forever", "stacks": ["cuda"]})",
       "$.duration", "expected a duration"},
      {R"({"class": "llm-cuda-research", "stacks": ["cudaa"]})", "$.stacks", "did you mean 'cuda'"},
      {R"({"class": "llm-cuda-research", "slo": {"max_tpot": 5}})", "$.slo.max_tpot", "unknown field"},
      {R"({"kind": "train", "model": "llama-3.1-8b", "devices": 8, "stacks": ["cuda"]})", "$", "work_tokens"},
  };
  for (const Case& c : cases) {
    const Reply r = llm.post_raw("/v1/jobs", c.body);
    expect_error(r, 400, "invalid");
    EXPECT_EQ(r.body["error"]["path"], c.path) << c.body << " -> " << r.text;
    EXPECT_NE(r.body["error"]["message"].get<std::string>().find(c.says), std::string::npos) << r.text;
  }
  expect_error(llm.get("/v1/jobs?limit=abc"), 400, "invalid");
  EXPECT_EQ(llm.get("/v1/jobs?limit=abc").body["error"]["path"], "?limit");
  expect_error(llm.get("/v1/jobs?status=done"), 400, "invalid");
  Client op = as(op_);
  expect_error(op.post("/v1/export-events", {{"accelerators", {"h2000"}}, {"effect", "immediate-loss"}}), 400, "invalid");
  expect_error(op.post("/v1/export-events", {{"accelerators", {"h20"}}, {"effect", "ban"}}), 400, "invalid");
  expect_error(op.post("/v1/nodes", {{"id", "x"}, {"accelerator", "h20"}, {"count", 0}}), 400, "invalid");
  expect_error(op.put("/v1/tenants/new-co", {{"sector", "space"}}), 400, "invalid");
  // Too large: 413 as JSON; unknown routes: 404 as JSON.
  const Reply big = llm.post_raw("/v1/jobs", std::string(2 << 20, ' '));
  expect_error(big, 413, "too_large");
  expect_error(llm.get("/v1/nope"), 404, "not_found");
  expect_error(llm.post("/v1/nope", Json::object()), 404, "not_found");
  EXPECT_EQ(job_count(), before) << "a refused request changed the state";
}

TEST_F(Api, LifecycleReportsNeedTheCurrentEpochAndFreeTheDevices) {
  const std::int64_t id = submit(llm_, {{"class", "llm-72b-finetune"}});
  Client op = as(op_);
  const Json job = op.get("/v1/jobs/" + std::to_string(id)).body;
  ASSERT_EQ(job["status"], "placed") << job.dump();
  const int epoch = job["epoch"];
  const std::string base = "/v1/jobs/" + std::to_string(id);
  expect_error(op.post(base + "/started", {{"epoch", epoch + 1}}), 409, "conflict");
  expect_error(op.post(base + "/started", Json::object()), 400, "invalid");
  EXPECT_EQ(op.post(base + "/started", {{"epoch", epoch}}).body["job"]["status"], "running");
  expect_error(op.post(base + "/started", {{"epoch", epoch}}), 409, "conflict");
  const Reply done = op.post(base + "/finished", {{"epoch", epoch}});
  EXPECT_EQ(done.body["job"]["status"], "finished") << done.text;
  expect_error(op.post(base + "/cancel", Json::object()), 409, "conflict");
  expect_error(op.post("/v1/jobs/999999/finished", {{"epoch", 1}}), 404, "not_found");
}

TEST_F(Api, CancelByItsTenantAndIdempotentSubmission) {
  Client uni = as(uni_);
  const Json body = {{"class", "uni-glm-finetune"}, {"external_id", "course-42"}};
  const Reply first = uni.post("/v1/jobs", body);
  ASSERT_EQ(first.status, 201) << first.text;
  const Reply again = uni.post("/v1/jobs", body);
  EXPECT_EQ(again.status, 200);
  EXPECT_TRUE(again.body["duplicate"].get<bool>());
  EXPECT_EQ(again.body["job"]["id"], first.body["job"]["id"]);
  const std::string id = std::to_string(first.body["job"]["id"].get<std::int64_t>());
  EXPECT_EQ(uni.post("/v1/jobs/" + id + "/cancel", {{"reason", "course moved"}}).body["job"]["status"], "cancelled");
  EXPECT_EQ(uni.get("/v1/jobs/" + id).body["reason"], "cancelled: course moved");
}

TEST_F(Api, NodesDrainFailAndResume) {
  Client op = as(op_);
  const Reply joined = op.post("/v1/nodes", {{"id", "extra-910c"}, {"accelerator", "ascend-910c"}, {"count", 2}});
  ASSERT_EQ(joined.status, 201) << joined.text;
  expect_error(op.post("/v1/nodes", {{"id", "extra-910c"}, {"accelerator", "ascend-910c"}}), 409, "conflict");
  EXPECT_EQ(op.post("/v1/nodes/extra-910c-1/drain", {{"reason", "maintenance"}}).status, 200);
  expect_error(op.post("/v1/nodes/extra-910c-1/drain", Json::object()), 409, "conflict");
  auto status_of = [&](const std::string& node) {
    const Json nodes = op.get("/v1/nodes").body;
    for (const Json& n : nodes["nodes"]) {
      if (n["name"] == node) return n["status"].get<std::string>() + "/" + n["reason"].get<std::string>();
    }
    return std::string("absent");
  };
  EXPECT_EQ(status_of("extra-910c-1"), "drained/maintenance");
  EXPECT_EQ(op.post("/v1/nodes/extra-910c-1/fail", Json::object()).status, 200);
  EXPECT_EQ(status_of("extra-910c-1").substr(0, 7), "failed/");
  EXPECT_EQ(op.post("/v1/nodes/extra-910c-1/resume", Json::object()).status, 200);
  EXPECT_EQ(status_of("extra-910c-1"), "up/resumed");
  expect_error(op.post("/v1/nodes/no-such-node-1/fail", Json::object()), 404, "not_found");
}

TEST_F(Api, ImmediateLossOfImportsDisplacesGapJobsAndRestoredBringsTheNodesBack) {
  const std::int64_t id = submit(llm_, {{"class", "llm-cuda-research"}});
  Client op = as(op_);
  ASSERT_EQ(op.get("/v1/jobs/" + std::to_string(id)).body["origin"], "imported");
  const Reply cut = op.post("/v1/export-events",
                            {{"accelerators", {"h20", "h800"}}, {"effect", "immediate-loss"}, {"label", "test: imports stop"}});
  ASSERT_EQ(cut.status, 201) << cut.text;
  bool displaced = false;
  for (const Json& d : cut.body["applied"]["decisions"]) displaced = displaced || (d["kind"] == "preempt" && d["job"] == id);
  EXPECT_TRUE(displaced) << cut.text;
  const Json job = op.get("/v1/jobs/" + std::to_string(id)).body;
  EXPECT_TRUE(job["status"] == "pending" || job["status"] == "rejected") << job.dump();
  EXPECT_EQ(job["preemptions"], 1);
  const Json fleet = op.get("/v1/fleet").body;
  EXPECT_EQ(fleet["imported_devices"], 0) << "h20 and h800 are the fleet's imports";
  EXPECT_EQ(fleet["supply_cut"].size(), 2u);
  EXPECT_EQ(op.post("/v1/export-events", {{"accelerators", {"h20", "h800"}}, {"effect", "restored"}}).status, 201);
  EXPECT_EQ(op.get("/v1/fleet").body["imported_devices"], 160);
  // The audit log finds the displacement by job and kind.
  const Json trail = op.get("/v1/decisions?kind=preempt&job=" + std::to_string(id)).body["decisions"];
  ASSERT_FALSE(trail.empty());
  EXPECT_NE(trail[0]["reason"].get<std::string>().find("test: imports stop"), std::string::npos) << trail.dump();
}

TEST_F(Api, AuditLogFiltersAndPages) {
  Client bank = as(bank_);
  const Json cuda = {{"kind", "finetune"}, {"model", "llama-3.1-8b"}, {"devices", 8}, {"work_tokens", 1e9}, {"stacks", {"cuda"}}};
  for (int i = 0; i < 3; ++i) submit(bank_, cuda);
  Client a = as(auditor_);
  const Json denied = a.get("/v1/decisions?rule=cii-domestic-only&limit=1000").body["decisions"];
  ASSERT_GE(denied.size(), 3u);
  for (const Json& d : denied) {
    bool found = false;
    for (const Json& v : d["verdicts"]) found = found || v.value("rule", "") == "cii-domestic-only";
    EXPECT_TRUE(found) << d.dump();
  }
  const Reply page1 = a.get("/v1/decisions?tenant=bank&limit=2");
  ASSERT_EQ(page1.body["decisions"].size(), 2u);
  ASSERT_FALSE(page1.body["next"].is_null());
  const Reply page2 = a.get("/v1/decisions?tenant=bank&limit=2&before=" + std::to_string(page1.body["next"].get<std::int64_t>()));
  ASSERT_FALSE(page2.body["decisions"].empty());
  EXPECT_LT(page2.body["decisions"][0]["cursor"].get<std::int64_t>(), page1.body["decisions"][1]["cursor"].get<std::int64_t>());
}

TEST_F(Api, TenantChangesAndANewTenantCanWork) {
  Client op = as(op_);
  const Reply put = op.put("/v1/tenants/new-lab", {{"sector", "research"}, {"quota_devices", 16}, {"domestic_target", 0.9}});
  ASSERT_EQ(put.status, 200) << put.text;
  const std::string lab = server_->token("tenant", "new-lab");
  const Reply r = as(lab).post("/v1/jobs", {{"class", "uni-glm-finetune"}});
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.body["job"]["tenant"], "new-lab");
  const Json t = as(lab).get("/v1/tenants/new-lab").body;
  EXPECT_EQ(t["quota_devices"], 16);
  EXPECT_DOUBLE_EQ(t["domestic_target"].get<double>(), 0.9);
}

TEST_F(Api, MetricsAreInThePrometheusTextFormat) {
  submit(bank_, {{"class", "bank-embed-batch"}});
  const Reply m = as(op_).get("/metrics");
  ASSERT_EQ(m.status, 200);
  const std::string& t = m.text;
  for (const char* family : {"suanli_queue_length", "suanli_placements_total", "suanli_denials_total",
                             "suanli_running_devices", "suanli_fleet_devices", "suanli_domestic_share",
                             "suanli_imported_in_use_devices", "suanli_decision_latency_seconds",
                             "suanli_http_request_seconds"}) {
    EXPECT_NE(t.find(std::string("# TYPE ") + family + " "), std::string::npos) << family;
  }
  std::size_t start = 0, lines = 0;
  while (start < t.size()) {
    const std::size_t end = t.find('\n', start);
    const std::string line = t.substr(start, end - start);
    start = end == std::string::npos ? t.size() : end + 1;
    if (line.empty() || line[0] == '#') continue;
    ++lines;
    EXPECT_TRUE(is_sample(line)) << line;
  }
  EXPECT_GT(lines, 20u);
  EXPECT_NE(t.find("suanli_decision_latency_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
}

TEST_F(Api, FleetTenantsAndShareReportTheDomesticShare) {
  Client op = as(op_);
  const Json fleet = op.get("/v1/fleet").body;
  EXPECT_GT(fleet["devices"].get<int>(), 0);
  EXPECT_DOUBLE_EQ(fleet["imported_cap"].get<double>(), 0.3);
  const Json share = op.get("/v1/share?tenant=bank&points=4").body;
  EXPECT_EQ(share["series"].size(), 4u);
  EXPECT_DOUBLE_EQ(share["target"].get<double>(), 1.0);
  expect_error(op.get("/v1/share?from=2026-01-02&to=2026-01-01"), 400, "invalid");
  const Json check = op.get("/v1/check").body;
  EXPECT_TRUE(check.contains("classes")) << check.dump().substr(0, 300);
}

}  // namespace
}  // namespace suanli::live_test

namespace suanli::live_test {
namespace {

TEST_F(Api, EveryRouteTheOpenApiDocumentListsAnswers) {
  Client anon(server_->port());
  const Json doc = anon.get("/v1/openapi.json").body;
  Client op = as(op_);
  int routes = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    // Parameters that name nothing: the route must answer, with no side effect.
    const std::string concrete = replace_all(replace_all(path, "{id}", "999999"), "{name}", "no-such-thing-1");
    for (const auto& [method, spec] : methods.items()) {
      Reply r;
      if (method == "get") r = op.get(concrete);
      else if (method == "post") r = op.post(concrete, Json::object());
      else if (method == "put") r = op.put(concrete, Json::object());
      else if (method == "delete") r = op.del(concrete);
      ++routes;
      ASSERT_NE(r.status, 0) << method << " " << path;
      if (r.status == 404) {
        EXPECT_NE(r.body["error"]["message"], "no such route") << method << " " << path << " is documented but not served";
      }
    }
  }
  EXPECT_GE(routes, 30);
}

}  // namespace
}  // namespace suanli::live_test

namespace suanli::live_test {
namespace {

TEST_F(Api, PlanRunsOverTheLiveFleetAndReadsNoFiles) {
  const std::string plan = R"(
name: live-q1
purchase_date: 2026-01-05
budget_usd: 20000000
domestic_share: 0.75
candidates:
  - {accelerator: ascend-910c, max_nodes: 48, lead_time: 120d}
  - {accelerator: ascend-910b3, max_nodes: 64, lead_time: 60d}
demand:
  - {class: bank-risk-serve, tokens_per_s: 18000}
  - {class: llm-72b-finetune, work_tokens: 3.3e12, within: 365d}
)";
  Client a = as(auditor_);
  const Reply r = a.post_raw("/v1/plan", plan, "application/yaml");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_TRUE(r.body.is_object()) << r.text.substr(0, 300);
  EXPECT_NE(r.text.find("ascend-910"), std::string::npos) << r.text.substr(0, 500);
  // Files are the server's: never read because a request names one.
  const Reply files = a.post_raw("/v1/plan", plan + "prices: /etc/passwd\n", "application/yaml");
  expect_error(files, 400, "invalid");
  EXPECT_NE(files.body["error"]["message"].get<std::string>().find("reads no files"), std::string::npos) << files.text;
  const Reply other = a.post_raw("/v1/plan", plan + "scenario: ../../etc/x.yaml\n", "application/yaml");
  expect_error(other, 400, "invalid");
  expect_error(as(bank_).post_raw("/v1/plan", plan, "application/yaml"), 403, "forbidden");
}

}  // namespace
}  // namespace suanli::live_test

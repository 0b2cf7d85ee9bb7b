// suanli as a kube-scheduler extender, end to end: the real `suanli serve
// --k8s --k8s-bind` on loopback over a store of the test's, driven with
// request bodies in the upstream wire format (wire.h). What the issue asks:
// a critical namespace's pod is filtered off imported nodes with the reason;
// a gap pod keeps imported nodes only when no domestic node fits; prioritize
// orders domestic nodes first; the imported cap refuses the pod that would
// exceed it; the live share seen in the service changes after bind; bad or
// partial requests get a refusal with a reason, malformed bodies 400 with the
// JSON path. And bind through a (fake) API server.
#include <gtest/gtest.h>

#include <httplib.h>

#include <chrono>
#include <fstream>
#include <mutex>
#include <thread>

#include "service_harness.h"
#include "wire.h"

namespace suanli::k8s_test {
namespace {

using live_test::Client;
using live_test::Reply;
using live_test::SuanliServer;
using live_test::TempDir;

const std::string kScenario = SUANLI_K8S_DATA "/k8s-cluster.yaml";
const std::string kNoGapScenario = SUANLI_K8S_DATA "/k8s-cluster-nogap.yaml";
const std::vector<std::string> kAllNodes = {"h20-1", "h20-2", "h800-1", "a910b-1", "a910c-1", "a910c-2"};

// A pod ported to every stack of the cluster, devices from an annotation (so
// every vendor's nodes are candidates).
Json portable_pod(const std::string& ns, const std::string& uid) {
  return pod(ns, "portable-" + uid, uid,
             {{"suanli.io/model", "qwen2.5-7b"}, {"suanli.io/kind", "finetune"}, {"suanli.io/devices", "8"},
              {"suanli.io/stacks", "cann,neuware,cuda"}, {"suanli.io/work-tokens", "2e9"}});
}

// A CUDA-only pod asking for 8 NVIDIA GPUs: no domestic chip is ported to it (a gap job).
Json cuda_pod(const std::string& ns, const std::string& uid) {
  return pod(ns, "cuda-" + uid, uid, {{"suanli.io/model", "llama-3.1-8b"}, {"suanli.io/kind", "finetune"}},
             {{"nvidia.com/gpu", "8"}});
}

std::vector<std::string> names_of(const Json& j) {
  std::vector<std::string> out;
  for (const Json& n : j) out.push_back(n.get<std::string>());
  std::sort(out.begin(), out.end());
  return out;
}

std::map<std::string, std::int64_t> scores_of(const Json& list) {
  std::map<std::string, std::int64_t> out;
  for (const Json& h : list) out[h.at("Host").get<std::string>()] = h.at("Score").get<std::int64_t>();
  return out;
}

class K8s : public ::testing::Test {
 protected:
  void start(const std::string& scenario, std::vector<std::string> extra = {"--k8s-bind", "--k8s-api", "none"}) {
    dir_ = std::make_unique<TempDir>();
    std::vector<std::string> args = {"--scenario", scenario, "--k8s"};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<SuanliServer>(dir_->path(), "sqlite:" + (dir_->path() / "k8s.db").string(), args);
    op_ = server_->token("operator");
  }
  void SetUp() override { start(kScenario); }
  Client as(const std::string& token) const { return Client(server_->port(), token); }
  // POST a verb as kube-scheduler does: the token in the URL, no header.
  Reply verb(const std::string& name, const Json& body) const {
    Client c(server_->port());
    return c.post("/v1/k8s/" + op_ + "/" + name, body);
  }
  Json filter(const Json& body) const {
    const Reply r = verb("filter", body);
    EXPECT_EQ(r.status, 200) << r.text;
    return r.body;
  }
  Json fleet() const { return as(op_).get("/v1/fleet").body; }

  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<SuanliServer> server_;
  std::string op_;
};

TEST_F(K8s, CriticalNamespacePodIsFilteredOffImportedNodesWithTheReason) {
  // NodeNames (nodeCacheCapable: true): suanli knows the nodes by name.
  const Json r = filter(names_args(portable_pod("bank", "u-bank-1"), kAllNodes));
  EXPECT_EQ(names_of(r.at("NodeNames")), (std::vector<std::string>{"a910b-1", "a910c-1", "a910c-2"})) << r.dump();
  EXPECT_TRUE(r.at("Nodes").is_null());
  EXPECT_EQ(r.at("Error"), "");
  const Json& refused = r.at("FailedAndUnresolvableNodes");  // no preemption can change a rule
  for (const std::string n : {"h20-1", "h20-2", "h800-1"}) {
    ASSERT_TRUE(refused.contains(n)) << r.dump();
    const std::string why = refused.at(n).get<std::string>();
    EXPECT_NE(why.find("cii-domestic-only"), std::string::npos) << why;
    EXPECT_NE(why.find("critical-infrastructure tenants run on domestic accelerators only"), std::string::npos) << why;
  }
  EXPECT_TRUE(r.at("FailedNodes").empty()) << r.dump();

  // Full nodes (nodeCacheCapable: false): the pod asks for Ascend NPUs; the
  // allowed v1.Node objects come back as sent.
  const Json npu = pod("bank", "npu-1", "u-bank-2",
                       {{"suanli.io/model", "qwen2.5-7b"}, {"suanli.io/kind", "finetune"}, {"suanli.io/stacks", "cann"}},
                       {{"huawei.com/Ascend910", "8"}});
  const Json a = node("a910c-1", {{"suanli.io/accelerator", "ascend-910c"}}, {{"huawei.com/Ascend910", "8"}});
  const Json h = node("h20-1", {{"suanli.io/accelerator", "h20"}}, {{"nvidia.com/gpu", "8"}});
  const Json full = filter(nodes_args(npu, {a, h}));
  ASSERT_EQ(full.at("Nodes").at("items").size(), 1u) << full.dump();
  EXPECT_EQ(full.at("Nodes").at("items")[0], a);
  EXPECT_TRUE(full.at("NodeNames").is_null());
  EXPECT_TRUE(full.at("FailedAndUnresolvableNodes").contains("h20-1")) << full.dump();
}

TEST_F(K8s, GapPodKeepsImportedNodesOnlyWhenNoDomesticNodeFits) {
  // CUDA only: no domestic model of the fleet is ported to it, so imported nodes stay.
  const Json gap = filter(names_args(cuda_pod("llm-co", "u-gap-1"), kAllNodes));
  EXPECT_EQ(names_of(gap.at("NodeNames")), (std::vector<std::string>{"h20-1", "h20-2", "h800-1"})) << gap.dump();
  const std::string npu = gap.at("FailedAndUnresolvableNodes").at("a910c-1");
  EXPECT_NE(npu.find("requests nvidia.com/gpu"), std::string::npos) << npu;

  // Ported to CANN as well: the Ascend 910C can run it, so gap-only refuses every imported node.
  const Json ported = pod("llm-co", "ported-1", "u-gap-2",
                          {{"suanli.io/model", "llama-3.1-8b"}, {"suanli.io/kind", "finetune"},
                           {"suanli.io/stacks", "cuda,cann"}, {"suanli.io/devices", "8"}});
  const Json r = filter(names_args(ported, kAllNodes));
  EXPECT_EQ(names_of(r.at("NodeNames")), (std::vector<std::string>{"a910b-1", "a910c-1", "a910c-2"})) << r.dump();
  for (const std::string n : {"h20-1", "h20-2", "h800-1"}) {
    const std::string why = r.at("FailedAndUnresolvableNodes").at(n);
    EXPECT_NE(why.find("gap-only"), std::string::npos) << why;
    EXPECT_NE(why.find("domestic ascend-910c, ascend-910b3 can run this job"), std::string::npos) << why;
  }
}

TEST_F(K8s, PrioritizeOrdersDomesticNodesFirst) {
  const Reply r = verb("prioritize", names_args(portable_pod("llm-co", "u-prio-1"), kAllNodes));
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_TRUE(r.body.is_array()) << r.text;
  ASSERT_EQ(r.body.size(), kAllNodes.size());
  for (std::size_t i = 0; i < kAllNodes.size(); ++i) EXPECT_EQ(r.body[i].at("Host"), kAllNodes[i]);  // request order
  const auto s = scores_of(r.body);
  EXPECT_EQ(s.at("a910c-1"), 10) << r.text;  // the faster domestic model
  EXPECT_EQ(s.at("a910c-1"), s.at("a910c-2"));
  EXPECT_GE(s.at("a910b-1"), 6) << r.text;  // the slower one
  EXPECT_LT(s.at("a910b-1"), s.at("a910c-1")) << r.text;
  for (const std::string n : {"h20-1", "h20-2", "h800-1"}) EXPECT_EQ(s.at(n), 0) << n << " is refused (gap-only)";
}

TEST_F(K8s, PrioritizeRanksDomesticAboveImportedWhenBothAreAllowed) {
  start(kNoGapScenario);
  const Reply r = verb("prioritize", names_args(portable_pod("llm-co", "u-prio-2"), kAllNodes));
  ASSERT_EQ(r.status, 200) << r.text;
  const auto s = scores_of(r.body);
  std::int64_t lowest_domestic = 10, highest_imported = 0;
  for (const std::string n : {"a910b-1", "a910c-1", "a910c-2"}) lowest_domestic = std::min(lowest_domestic, s.at(n));
  for (const std::string n : {"h20-1", "h20-2", "h800-1"}) highest_imported = std::max(highest_imported, s.at(n));
  EXPECT_GE(lowest_domestic, 6) << r.text;
  EXPECT_LE(highest_imported, 4) << r.text;
  EXPECT_GT(s.at("h800-1"), s.at("h20-1")) << "the H800 trains faster than the H20: " << r.text;
  for (const auto& [host, score] : s) EXPECT_TRUE(score >= 0 && score <= 10) << host;
}

TEST_F(K8s, ImportedCapRefusesThePodThatWouldExceedIt) {
  // 12 imported devices may be in use (25% of 48): the first 8-GPU gap pod fits.
  const Json first = filter(names_args(cuda_pod("llm-co", "u-cap-1"), kAllNodes));
  EXPECT_EQ(names_of(first.at("NodeNames")).size(), 3u) << first.dump();
  const Reply bound = verb("bind", binding_args("llm-co", "cuda-u-cap-1", "u-cap-1", "h20-1"));
  ASSERT_EQ(bound.status, 200) << bound.text;
  EXPECT_EQ(bound.body.at("Error"), "") << bound.text;

  // The second would make 16: every imported node is refused for now (FailedNodes: it may pass later).
  const Json second = filter(names_args(cuda_pod("llm-co", "u-cap-2"), kAllNodes));
  EXPECT_TRUE(second.at("NodeNames").empty()) << second.dump();
  for (const std::string n : {"h20-1", "h20-2", "h800-1"}) {
    ASSERT_TRUE(second.at("FailedNodes").contains(n)) << second.dump();
    const std::string why = second.at("FailedNodes").at(n);
    EXPECT_NE(why.find("imported-cap"), std::string::npos) << why;
    EXPECT_NE(why.find("16 of 12 allowed"), std::string::npos) << why;
  }
  // A bind that races past filter is judged again, in the log's order, and refused.
  const Reply late = verb("bind", binding_args("llm-co", "cuda-u-cap-2", "u-cap-2", "h20-2"));
  ASSERT_EQ(late.status, 200) << late.text;
  EXPECT_NE(late.body.at("Error").get<std::string>().find("imported-cap"), std::string::npos) << late.text;
  EXPECT_DOUBLE_EQ(fleet().at("imported_in_use").get<double>(), 8.0);
}

TEST_F(K8s, LiveShareChangesAfterBind) {
  Client op = as(op_);
  const Json before = op.get("/v1/tenants/llm-co").body;
  EXPECT_DOUBLE_EQ(before.at("imported_in_use").get<double>(), 0.0);
  EXPECT_TRUE(before.at("usage").at("share_devices").is_null()) << before.dump();
  EXPECT_DOUBLE_EQ(fleet().at("imported_in_use").get<double>(), 0.0);

  filter(names_args(cuda_pod("llm-co", "u-share-1"), kAllNodes));
  const Reply bound = verb("bind", binding_args("llm-co", "cuda-u-share-1", "u-share-1", "h800-1"));
  ASSERT_EQ(bound.body.at("Error"), "") << bound.text;

  // Imported scope at once; the device-hour share as soon as a second has passed.
  EXPECT_DOUBLE_EQ(fleet().at("imported_in_use").get<double>(), 8.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  const Json after = op.get("/v1/tenants/llm-co").body;
  EXPECT_DOUBLE_EQ(after.at("imported_in_use").get<double>(), 8.0);
  ASSERT_FALSE(after.at("usage").at("share_devices").is_null()) << after.dump();
  EXPECT_DOUBLE_EQ(after.at("usage").at("share_devices").get<double>(), 0.0);
  EXPECT_GT(after.at("usage").at("device_hours_imported").get<double>(), 0.0);

  // The placement is in the log, explainable like any other: job k8s/<uid> on h800-1.
  const Json jobs = op.get("/v1/jobs?tenant=llm-co").body.at("jobs");
  ASSERT_EQ(jobs.size(), 1u) << jobs.dump();
  EXPECT_EQ(jobs[0].at("external_id"), "k8s/u-share-1");
  EXPECT_EQ(jobs[0].at("status"), "placed");
  EXPECT_EQ(jobs[0].at("nodes"), Json::array({"h800-1"}));
  const Json trail = op.get("/v1/decisions?job=" + std::to_string(jobs[0].at("id").get<std::int64_t>())).body;
  ASSERT_FALSE(trail.at("decisions").empty());
  EXPECT_EQ(trail.at("decisions")[0].at("kind"), "place");

  // A retried bind is the same placement, not a second job.
  const Reply again = verb("bind", binding_args("llm-co", "cuda-u-share-1", "u-share-1", "h800-1"));
  EXPECT_EQ(again.body.at("Error"), "") << again.text;
  EXPECT_EQ(op.get("/v1/jobs?tenant=llm-co").body.at("jobs").size(), 1u);

  // After a restart the log replays to the same state.
  server_->stop();
  server_->start();
  EXPECT_DOUBLE_EQ(as(op_).get("/v1/fleet").body.at("imported_in_use").get<double>(), 8.0);
}

TEST_F(K8s, BadOrPartialRequestsGetAReasonNeverACrash) {
  Client c(server_->port());
  const std::string url = "/v1/k8s/" + op_ + "/filter";
  // Malformed JSON and wrong types: 400 with the JSON path.
  Reply r = c.post_raw(url, "{\"Pod\": {\"metadata\": ");
  EXPECT_EQ(r.status, 400) << r.text;
  EXPECT_EQ(r.body["error"]["path"], "$") << r.text;
  r = c.post(url, {{"Pod", portable_pod("llm-co", "u-bad-1")}, {"NodeNames", 5}});
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["path"], "$.NodeNames") << r.text;
  r = c.post(url, {{"Nodes", nullptr}, {"NodeNames", Json::array({"h20-1"})}});
  EXPECT_EQ(r.body["error"]["path"], "$.Pod") << r.text;
  Json p = cuda_pod("llm-co", "u-bad-2");
  p["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"] = Json::array();
  r = c.post(url, names_args(p, {"h20-1"}));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body["error"]["path"], "$.Pod.spec.containers[0].resources.limits[\"nvidia.com/gpu\"]") << r.text;
  r = c.post(url, nodes_args(p, {Json{{"metadata", {{"labels", Json::object()}}}}}));
  EXPECT_EQ(r.status, 400);

  auto refused_everywhere = [&](const Json& body, const std::string& expected) {
    const Json out = filter(body);
    EXPECT_TRUE(out.at("NodeNames").empty()) << out.dump();
    for (const auto& [n, why] : out.at("FailedAndUnresolvableNodes").items()) {
      EXPECT_NE(why.get<std::string>().find(expected), std::string::npos) << n << ": " << why;
    }
    EXPECT_EQ(out.at("FailedAndUnresolvableNodes").size(), 2u) << out.dump();
  };
  // A pod without a tenant: namespace "default" is not one.
  refused_everywhere(names_args(cuda_pod("default", "u-bad-3"), {"h20-1", "h800-1"}), "no tenant");
  // A typo'd tenant label is named, with a suggestion.
  refused_everywhere(names_args(pod("default", "t", "u-bad-4", {{"suanli.io/model", "llama-3.1-8b"}},
                                    {{"nvidia.com/gpu", "8"}}, {{"suanli.io/tenant", "llm-c0"}}),
                                {"h20-1", "h800-1"}),
                     "did you mean 'llm-co'");
  // An accelerator resource the mapping does not know.
  refused_everywhere(names_args(pod("llm-co", "x", "u-bad-5", {{"suanli.io/model", "llama-3.1-8b"}},
                                    {{"huawei.com/Ascend999", "8"}}),
                                {"a910c-1", "a910c-2"}),
                     "huawei.com/Ascend999, which is not an accelerator resource of the mapping");
  // A device count that is not whole, an annotation that does not decode, an unknown one.
  refused_everywhere(names_args(pod("llm-co", "x", "u-bad-6", {{"suanli.io/model", "llama-3.1-8b"}}, {{"nvidia.com/gpu", "500m"}}),
                                {"h20-1", "h800-1"}),
                     "expected a whole number of devices");
  refused_everywhere(names_args(pod("llm-co", "x", "u-bad-7", {{"suanli.io/model", "llama-9"}}, {{"nvidia.com/gpu", "8"}}),
                                {"h20-1", "h800-1"}),
                     "annotation suanli.io/model: found \"llama-9\"");
  refused_everywhere(names_args(pod("llm-co", "x", "u-bad-8", {{"suanli.io/modle", "llama-3.1-8b"}}, {{"nvidia.com/gpu", "8"}}),
                                {"h20-1", "h800-1"}),
                     "did you mean suanli.io/model?");
  refused_everywhere(names_args(pod("llm-co", "x", "u-bad-9", {}, {{"nvidia.com/gpu", "8"}}), {"h20-1", "h800-1"}),
                     "names no model");

  // Nodes with an unknown model, or none suanli knows: refused one by one.
  const Json nodes = filter(nodes_args(cuda_pod("llm-co", "u-bad-10"),
                                       {node("h20-1", {{"suanli.io/accelerator", "h20"}}, {{"nvidia.com/gpu", "8"}}),
                                        node("gpu-x", {{"suanli.io/accelerator", "h999"}}, {{"nvidia.com/gpu", "8"}}),
                                        node("gpu-y", {}, {{"nvidia.com/gpu", "8"}}),
                                        node("gpu-z", {{"suanli.io/accelerator", "NVIDIA-H20"}}, {{"nvidia.com/gpu", "8"}})}));
  ASSERT_EQ(nodes.at("Nodes").at("items").size(), 2u) << nodes.dump();  // h20-1 and gpu-z (a vendor prefix is fine)
  EXPECT_NE(nodes.at("FailedAndUnresolvableNodes").at("gpu-x").get<std::string>().find("names no accelerator of the catalog"),
            std::string::npos);
  EXPECT_NE(nodes.at("FailedAndUnresolvableNodes").at("gpu-y").get<std::string>().find("no accelerator model"),
            std::string::npos);
  const Json unknown = filter(names_args(cuda_pod("llm-co", "u-bad-11"), {"h20-1", "not-in-fleet"}));
  EXPECT_NE(unknown.at("FailedAndUnresolvableNodes").at("not-in-fleet").get<std::string>().find("not a node of suanli's fleet"),
            std::string::npos);

  // A pod that asks for no accelerator is not suanli's business: every node passes.
  const Json plain = filter(names_args(pod("default", "web", "u-web", {}, {}), {"h20-1", "a910c-1"}));
  EXPECT_EQ(plain.at("NodeNames").size(), 2u) << plain.dump();

  // bind for a pod filter never saw, or under another name.
  Reply b = verb("bind", binding_args("llm-co", "ghost", "u-ghost", "h20-1"));
  EXPECT_EQ(b.status, 200);
  EXPECT_NE(b.body.at("Error").get<std::string>().find("was not filtered"), std::string::npos) << b.text;
  b = verb("bind", {{"PodName", "x"}, {"PodNamespace", "llm-co"}, {"Node", "h20-1"}});
  EXPECT_EQ(b.status, 400);
  EXPECT_EQ(b.body["error"]["path"], "$.PodUID") << b.text;
  EXPECT_DOUBLE_EQ(fleet().at("imported_in_use").get<double>(), 0.0);  // nothing was recorded
}

TEST_F(K8s, AccessTokensAndRoles) {
  const Json body = names_args(cuda_pod("llm-co", "u-acc-1"), {"h20-1"});
  Client anon(server_->port());
  EXPECT_EQ(anon.post("/v1/k8s/filter", body).status, 401);
  EXPECT_EQ(anon.post("/v1/k8s/sl_000000000000_bad/filter", body).status, 401);
  EXPECT_EQ(as(op_).post("/v1/k8s/filter", body).status, 200);  // the header works too
  const std::string tenant = server_->token("tenant", "llm-co");
  EXPECT_EQ(as(tenant).post("/v1/k8s/filter", body).status, 403);
  const std::string auditor = server_->token("auditor");
  EXPECT_EQ(Client(server_->port()).post("/v1/k8s/" + auditor + "/prioritize", body).status, 200);
  const Reply b = Client(server_->port()).post("/v1/k8s/" + auditor + "/bind", binding_args("llm-co", "cuda-u-acc-1", "u-acc-1", "h20-1"));
  EXPECT_EQ(b.status, 403) << b.text;
}

TEST_F(K8s, WithoutTheFlagsTheRoutesSayHowToTurnThemOn) {
  start(kScenario, {});
  Reply r = Client(server_->port()).post("/v1/k8s/" + op_ + "/bind", binding_args("llm-co", "p", "u", "h20-1"));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("--k8s-bind"), std::string::npos) << r.text;
  dir_.reset();
  server_.reset();
  dir_ = std::make_unique<TempDir>();
  server_ = std::make_unique<SuanliServer>(dir_->path(), "sqlite:" + (dir_->path() / "off.db").string(),
                                           std::vector<std::string>{"--scenario", kScenario});
  op_ = server_->token("operator");
  r = Client(server_->port()).post("/v1/k8s/" + op_ + "/filter", names_args(cuda_pod("llm-co", "u"), {"h20-1"}));
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body["error"]["message"].get<std::string>().find("--k8s"), std::string::npos) << r.text;
}

// A stand-in for the API server's pods/binding subresource.
class FakeApiServer {
 public:
  explicit FakeApiServer(int status, std::string body = "") : status_(status), body_(std::move(body)) {
    server_.Post(R"(/api/v1/namespaces/([^/]+)/pods/([^/]+)/binding)", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      paths_.push_back(req.path);
      auth_.push_back(req.get_header_value("Authorization"));
      bodies_.push_back(Json::parse(req.body, nullptr, false));
      res.status = status_;
      res.set_content(body_.empty() ? bodies_.back().dump() : body_, "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~FakeApiServer() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<std::string> paths() {
    std::lock_guard lock(mu_);
    return paths_;
  }
  std::vector<std::string> auth() {
    std::lock_guard lock(mu_);
    return auth_;
  }
  std::vector<Json> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }

 private:
  int status_;
  std::string body_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<std::string> paths_, auth_;
  std::vector<Json> bodies_;
};

class K8sBinding : public K8s {
 protected:
  void SetUp() override {}
  void start_with(FakeApiServer& api) {
    token_dir_ = std::make_unique<TempDir>();
    const auto token = token_dir_->path() / "token";
    std::ofstream(token) << "sa-token-123\n";
    start(kScenario, {"--k8s-bind", "--k8s-api", "http://127.0.0.1:" + std::to_string(api.port()),
                      "--k8s-api-token-file", token.string()});
  }
  std::unique_ptr<TempDir> token_dir_;
};

TEST_F(K8sBinding, BindCreatesTheBindingThroughTheApiServer) {
  FakeApiServer api(201);
  start_with(api);
  filter(names_args(cuda_pod("llm-co", "u-api-1"), kAllNodes));
  const Reply b = verb("bind", binding_args("llm-co", "cuda-u-api-1", "u-api-1", "h20-2"));
  ASSERT_EQ(b.status, 200) << b.text;
  EXPECT_EQ(b.body.at("Error"), "") << b.text;
  ASSERT_EQ(api.paths().size(), 1u);
  EXPECT_EQ(api.paths()[0], "/api/v1/namespaces/llm-co/pods/cuda-u-api-1/binding");
  EXPECT_EQ(api.auth()[0], "Bearer sa-token-123");
  const Json binding = api.bodies()[0];
  EXPECT_EQ(binding.at("apiVersion"), "v1");
  EXPECT_EQ(binding.at("kind"), "Binding");
  EXPECT_EQ(binding.at("metadata").at("name"), "cuda-u-api-1");
  EXPECT_EQ(binding.at("metadata").at("namespace"), "llm-co");
  EXPECT_EQ(binding.at("metadata").at("uid"), "u-api-1");
  EXPECT_EQ(binding.at("target"), (Json{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", "h20-2"}}));
  EXPECT_DOUBLE_EQ(fleet().at("imported_in_use").get<double>(), 8.0);

  // A pod suanli refuses never reaches the API server.
  filter(names_args(cuda_pod("bank", "u-api-2"), kAllNodes));
  const Reply refused = verb("bind", binding_args("bank", "cuda-u-api-2", "u-api-2", "h20-1"));
  EXPECT_NE(refused.body.at("Error").get<std::string>().find("cii-domestic-only"), std::string::npos) << refused.text;
  EXPECT_EQ(api.paths().size(), 1u);
}

TEST_F(K8sBinding, ApiServerRefusalCancelsTheRecordedPlacement) {
  FakeApiServer api(409, R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"pod cuda-u-api-3 is already assigned to node h20-2","reason":"Conflict","code":409})");
  start_with(api);
  filter(names_args(cuda_pod("llm-co", "u-api-3"), kAllNodes));
  const Reply b = verb("bind", binding_args("llm-co", "cuda-u-api-3", "u-api-3", "h20-1"));
  ASSERT_EQ(b.status, 200) << b.text;
  const std::string why = b.body.at("Error");
  EXPECT_NE(why.find("already assigned to node h20-2"), std::string::npos) << why;
  EXPECT_NE(why.find("cancelled in suanli"), std::string::npos) << why;
  EXPECT_DOUBLE_EQ(fleet().at("imported_in_use").get<double>(), 0.0);
  const Json jobs = as(op_).get("/v1/jobs?tenant=llm-co").body.at("jobs");
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].at("status"), "cancelled");
}

TEST(K8sLabels, LabelsAndTaintsForAFleet) {
  std::string out;
  ASSERT_EQ(live_test::suanli({"k8s", "labels", "--scenario", kScenario, "--taint-imported"}, out), 0) << out;
  EXPECT_NE(out.find("kubectl label node h20-1 suanli.io/accelerator=h20 suanli.io/origin=imported"), std::string::npos) << out;
  EXPECT_NE(out.find("kubectl label node a910c-2 suanli.io/accelerator=ascend-910c suanli.io/origin=domestic"), std::string::npos);
  EXPECT_NE(out.find("kubectl taint node h800-1 suanli.io/origin=imported:NoSchedule --overwrite"), std::string::npos);
  EXPECT_EQ(out.find("kubectl taint node a910c-1"), std::string::npos);
  EXPECT_NE(out.find("advertise 8 huawei.com/Ascend910"), std::string::npos);
  ASSERT_EQ(live_test::suanli({"k8s", "labels", "--scenario", kScenario, "--format", "yaml"}, out), 0) << out;
  EXPECT_NE(out.find("kind: Node\nmetadata:\n  name: a910b-1\n  labels:\n    suanli.io/accelerator: \"ascend-910b3\""), std::string::npos) << out;
  EXPECT_EQ(live_test::suanli({"k8s", "labels", "--scenario", "no-such-scenario"}, out), 2);
}

}  // namespace
}  // namespace suanli::k8s_test

// The Kubernetes extender on a 5,000-node request: one filter and one
// prioritize call for the same pod, as kube-scheduler makes them in one
// scheduling cycle.
//
//   BM_FilterPrioritize/names   in process: parse the ExtenderArgs body (NodeNames,
//       nodeCacheCapable: true), read the live state, judge, write both answers
//   BM_FilterPrioritize/nodes   the same with a full v1.NodeList (labels and
//       allocatable per node, ~1.9 MB), the filter answer echoing the allowed Nodes
//   BM_HttpFilterPrioritize/... the same two calls over loopback HTTP to the
//       service's routes (the path a real kube-scheduler takes)
//
// The fleet: 5,000 nodes of 7 models (Ascend 910B3/910C, MLU590, K100-AI, H20,
// H800, H200), the h200-window tenants and policy; the pod is ported to every
// stack, so every node is judged (domestic allowed, imported refused by gap-only).
#include <benchmark/benchmark.h>

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <thread>

#include <unistd.h>

#include "live_service.h"
#include "suanli/bridge/k8s/extender.h"
#include "suanli/bridge/k8s/routes.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"

namespace {

using namespace suanli;
using Json = nlohmann::json;

const Catalog& catalog() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

struct Group {
  const char* id;
  const char* accelerator;
  const char* resource;
  int nodes;
};
constexpr Group kGroups[] = {{"n910b", "ascend-910b3", "huawei.com/Ascend910", 1500},
                             {"n910c", "ascend-910c", "huawei.com/Ascend910", 1000},
                             {"nmlu", "mlu590", "cambricon.com/mlu", 500},
                             {"nk100", "k100-ai", "hygon.com/dcu", 500},
                             {"nh20", "h20", "nvidia.com/gpu", 800},
                             {"nh800", "h800", "nvidia.com/gpu", 400},
                             {"nh200", "h200", "nvidia.com/gpu", 300}};

struct Live {
  Live() : dir(std::filesystem::temp_directory_path() / ("suanli-k8s-bench-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir);
    Scenario s = config::load_scenario(catalog(), "h200-window");
    s.fleet.clear();
    s.purchases.clear();
    for (const Group& g : kGroups) {
      NodeGroup ng;
      ng.id = g.id;
      ng.accelerator = g.accelerator;
      ng.count = g.nodes;
      ng.devices_per_node = 8;
      ng.join = s.start;
      s.fleet.push_back(ng);
    }
    server::HttpOptions o;
    o.threads = 4;
    o.max_body = 32u << 20;
    service = std::make_unique<bench::LiveService>(
        catalog(), s, "sqlite:" + (dir / "k8s.db").string(), o,
        [this](server::HttpServer& http, server::Access& access, server::Service& svc) {
          extender = std::make_unique<bridge::k8s::Extender>(svc, bridge::k8s::Mapping{}, bridge::k8s::ExtenderOptions{},
                                                             bridge::k8s::record_only_binder());
          bridge::k8s::add_routes(http, access, extender.get());
        });
  }
  ~Live() {
    service.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  std::unique_ptr<bridge::k8s::Extender> extender;
  std::unique_ptr<bench::LiveService> service;
};

Live& live() {
  static Live l;
  return l;
}

Json pod() {
  return {{"metadata",
           {{"name", "bench"},
            {"namespace", "llm-co"},
            {"uid", "u-bench"},
            {"annotations",
             {{"suanli.io/model", "qwen2.5-7b"}, {"suanli.io/kind", "finetune"}, {"suanli.io/devices", "8"},
              {"suanli.io/stacks", "cann,neuware,dtk,cuda"}}}}},
          {"spec", {{"containers", Json::array({{{"name", "main"}, {"image", "x"}}})}}},
          {"status", {{"phase", "Pending"}}}};
}

// The request body: 5,000 node names, or a v1.NodeList of 5,000 nodes.
std::string request(bool full) {
  Json names = Json::array(), items = Json::array();
  for (const Group& g : kGroups) {
    for (int n = 1; n <= g.nodes; ++n) {
      const std::string name = std::string(g.id) + "-" + std::to_string(n);
      names.push_back(name);
      if (!full) continue;
      const Json res = {{"cpu", "192"}, {"memory", "2063627612Ki"}, {"pods", "110"}, {g.resource, "8"}};
      items.push_back({{"metadata",
                        {{"name", name},
                         {"labels",
                          {{"kubernetes.io/hostname", name},
                           {"suanli.io/accelerator", g.accelerator},
                           {"suanli.io/node-group", g.id}}}}},
                       {"status", {{"capacity", res}, {"allocatable", res}}}});
    }
  }
  if (full) return Json{{"Pod", pod()}, {"Nodes", {{"metadata", Json::object()}, {"items", items}}}, {"NodeNames", nullptr}}.dump();
  return Json{{"Pod", pod()}, {"Nodes", nullptr}, {"NodeNames", names}}.dump();
}

void BM_FilterPrioritize(benchmark::State& state) {
  Live& l = live();
  const std::string body = request(state.range(0) == 1);
  std::size_t allowed = 0, out_bytes = 0;
  for (auto _ : state) {
    const Json args = wire::parse_json(body);
    const Json f = l.extender->filter(args);
    const Json p = l.extender->prioritize(args);
    out_bytes = f.dump().size() + p.dump().size();
    allowed = f["NodeNames"].is_array() ? f["NodeNames"].size() : f["Nodes"]["items"].size();
  }
  state.counters["nodes"] = 5000;
  state.counters["allowed"] = static_cast<double>(allowed);
  state.counters["request_MB"] = static_cast<double>(body.size()) / 1e6;
  state.counters["answer_MB"] = static_cast<double>(out_bytes) / 1e6;
}
BENCHMARK(BM_FilterPrioritize)->Arg(0)->Arg(1)->ArgName("full_nodes")->Unit(benchmark::kMillisecond);

void BM_HttpFilterPrioritize(benchmark::State& state) {
  Live& l = live();
  const std::string body = request(state.range(0) == 1);
  httplib::Client client("127.0.0.1", l.service->http->port());
  client.set_keep_alive(true);
  client.set_tcp_nodelay(true);  // as Go's net/http (kube-scheduler) does
  client.set_read_timeout(30, 0);
  const std::string base = "/v1/k8s/" + l.service->token + "/";
  for (auto _ : state) {
    const auto f = client.Post((base + "filter").c_str(), body, "application/json");
    const auto p = client.Post((base + "prioritize").c_str(), body, "application/json");
    if (!f || !p || f->status != 200 || p->status != 200) {
      state.SkipWithError("the extender did not answer 200");
      break;
    }
  }
  state.counters["request_MB"] = static_cast<double>(body.size()) / 1e6;
}
BENCHMARK(BM_HttpFilterPrioritize)->Arg(0)->Arg(1)->ArgName("full_nodes")->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();

// One openb packing run at 130% load on the full 1,213-node GPU cluster
// (openb_node_list_gpu_node.csv, openb_pod_list_default.csv, seed 42), per
// policy; FGD is the one the issue asks about, and "suanli" is the
// scheduler's own placement rule (trace_sched/suanli_policy.h). Counters
// report the allocation reached. Data from $SUANLI_SHARED_DATA, else ../shared/data beside the repo.
#include <cstdlib>
#include <cstdio>
#include <string>

#include <benchmark/benchmark.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/openb_reader.h"
#include "suanli/trace/packing.h"
#include "suanli/trace_sched/suanli_policy.h"

namespace {

std::string data_dir() {
  const char* env = std::getenv("SUANLI_SHARED_DATA");
  return env != nullptr && *env != '\0' ? env : SUANLI_DEFAULT_SHARED_DATA;
}

const suanli::trace::PackingEngine& engine() {
  static const suanli::trace::PackingEngine e = [] {
    const std::string dir = data_dir() + "/traces/";
    return suanli::trace::PackingEngine(suanli::config::read_openb_nodes(dir + "openb_node_list_gpu_node.csv"),
                                        suanli::config::read_openb_pods(dir + "openb_pod_list_default.csv"));
  }();
  return e;
}

void BM_Pack130(benchmark::State& state) {
  const auto policy = static_cast<suanli::trace::PackPolicy>(state.range(0));
  state.SetLabel(std::string(suanli::trace::policy_name(policy)));
  double allocation = 0;
  int pods = 0;
  for (auto _ : state) {
    const auto r = engine().run(policy, 42);
    allocation = r.allocation();
    pods = r.pods;
    benchmark::DoNotOptimize(allocation);
  }
  state.counters["alloc_pct"] = allocation * 100;
  state.counters["pods"] = pods;
}
BENCHMARK(BM_Pack130)
    ->Arg(static_cast<int>(suanli::trace::PackPolicy::Fgd))
    ->Arg(static_cast<int>(suanli::trace::PackPolicy::Random))
    ->Arg(static_cast<int>(suanli::trace::PackPolicy::BestFit))
    ->Unit(benchmark::kMillisecond);

void BM_Pack130Suanli(benchmark::State& state) {
  static const suanli::Catalog catalog = suanli::config::load_default_catalog();
  static const suanli::trace::SuanliFleet fleet(engine(), catalog, suanli::config::openb_gpu_models());
  state.SetLabel("suanli");
  double allocation = 0;
  for (auto _ : state) {
    suanli::trace::SuanliPolicy policy(fleet);
    const auto r = engine().run(policy, 42);
    allocation = r.allocation();
    benchmark::DoNotOptimize(&allocation);
  }
  state.counters["alloc_pct"] = allocation * 100;
}
BENCHMARK(BM_Pack130Suanli)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  try {
    engine();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "trace_bench: %s (set SUANLI_SHARED_DATA to the shared data folder)\n", e.what());
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

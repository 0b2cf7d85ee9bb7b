// The max-min fairness allocation of the Gavel replay (trace/rounds.h) for 500
// active jobs on Gavel's 36 v100 + 36 p100 + 36 k80 cluster: both LPs of one
// recompute (1,501 variables, 1,003 rows). The jobs cycle through the 96 jobs
// of physical_cluster/max_min_fairness.trace (scale factors 1, 2, 4) with the
// simulation_throughputs.json table. Data from $SUANLI_SHARED_DATA, else
// ../shared/data beside the repository.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <numeric>
#include <string>

#include <benchmark/benchmark.h>

#include "suanli/config/gavel_reader.h"
#include "suanli/trace/rounds.h"

namespace {

std::string data_dir() {
  const char* env = std::getenv("SUANLI_SHARED_DATA");
  return env != nullptr && *env != '\0' ? env : SUANLI_DEFAULT_SHARED_DATA;
}

const suanli::trace::RoundEngine& engine(int jobs) {
  static std::unique_ptr<suanli::trace::RoundEngine> e;
  if (!e || static_cast<int>(e->jobs().size()) != jobs) {
    const std::string dir = data_dir() + "/peers/gavel/";
    const auto trace = suanli::config::read_gavel_trace(dir + "traces/physical_cluster/max_min_fairness.trace");
    std::vector<suanli::trace::GavelJob> all;
    for (int i = 0; i < jobs; ++i) all.push_back(trace[static_cast<std::size_t>(i) % trace.size()]);
    e = std::make_unique<suanli::trace::RoundEngine>(
        std::move(all), suanli::config::read_gavel_throughputs(dir + "simulation_throughputs.json"),
        std::vector<suanli::trace::WorkerPool>{{"v100", 36, suanli::Origin::Imported},
                                               {"p100", 36, suanli::Origin::Domestic},
                                               {"k80", 36, suanli::Origin::Domestic}});
  }
  return *e;
}

void BM_MaxMinAllocation(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const auto& e = engine(n);
  std::vector<int> active(static_cast<std::size_t>(n));
  std::iota(active.begin(), active.end(), 0);
  double t = 0;
  for (auto _ : state) {
    auto a = e.max_min_allocation(active);
    benchmark::DoNotOptimize(a.x.data());  // not the double itself: this Google Benchmark mangles it
    t = a.min_ratio;
  }
  state.counters["min_ratio"] = t;
}
BENCHMARK(BM_MaxMinAllocation)->Arg(100)->Arg(500)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  try {
    engine(100);
  } catch (const std::exception& ex) {
    std::fprintf(stderr, "gavel_bench: %s (set SUANLI_SHARED_DATA to the shared data folder)\n", ex.what());
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

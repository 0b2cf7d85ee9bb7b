// Benchmarks of the performance model (suanli::estimate / estimate_all) and of
// loading the embedded catalog.
//
//   build/release/bench/suanli_bench_perf --benchmark_min_time=0.5
//
// items_per_second is estimates per second: one per accelerator estimated.
#include <benchmark/benchmark.h>

#include <array>
#include <cstdint>
#include <string>

#include "suanli/catalog/catalog.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/model/enums.h"
#include "suanli/perf/estimate.h"

namespace {

using suanli::Catalog;
using suanli::Estimate;
using suanli::Precision;
using suanli::Task;
using suanli::Workload;

// Loaded once; read-only and shared by every benchmark.
const Catalog& catalog() {
  static const Catalog c = suanli::config::load_default_catalog();
  return c;
}

Workload inference(Task task, Precision precision) {
  Workload w;
  w.task = task;
  w.precision = precision;
  w.batch = 64;
  w.input_tokens = 2048;
  w.output_tokens = 256;
  w.devices = 0;  // the fewest that fit
  return w;
}

Workload training() {
  Workload w;
  w.task = Task::Train;
  w.precision = Precision::BF16;
  w.devices = 1024;
  w.seq_len = 4096;
  w.global_batch = 1024;
  return w;
}

constexpr std::array<Task, 4> kTasks = {Task::Train, Task::Prefill, Task::Decode, Task::Serve};

// One estimate: llama-3.1-70b decode, batch 64, fp8, devices auto, on h200.
void BM_EstimateOne(benchmark::State& state) {
  const Catalog& c = catalog();
  const suanli::ModelSpec& m = c.model("llama-3.1-70b");
  const suanli::Accelerator& a = c.accelerator("h200");
  const Workload w = inference(Task::Decode, Precision::FP8);
  suanli::validate(w, m);
  if (!suanli::estimate(w, m, a, c.perf).ok()) state.SkipWithError("llama-3.1-70b decode does not fit on h200");
  for (auto _ : state) {
    Estimate e = suanli::estimate(w, m, a, c.perf);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EstimateOne);

// Runs estimate_all over every accelerator in the catalog; one item per accelerator.
void run_all(benchmark::State& state, const Workload& w, const suanli::ModelSpec& m) {
  const Catalog& c = catalog();
  suanli::validate(w, m);
  int fitting = 0;
  for (const Estimate& e : suanli::estimate_all(w, m, c.accelerators, c.perf)) fitting += e.ok() ? 1 : 0;
  for (auto _ : state) {
    std::vector<Estimate> rows = suanli::estimate_all(w, m, c.accelerators, c.perf);
    benchmark::DoNotOptimize(rows.data());
    benchmark::ClobberMemory();
  }
  const auto n = static_cast<double>(c.accelerators.size());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * c.accelerators.size()));
  state.counters["accelerators"] = n;
  state.counters["fit"] = fitting;
}

// llama-3.1-70b x all accelerators, one task per argument (0 train .. 3 serve).
// Train: 1024 devices, seq 4096, global batch 1024, bf16. Inference: batch 64,
// 2048 in / 256 out, fp8, devices auto.
void BM_EstimateAllCatalog(benchmark::State& state) {
  const Task task = kTasks.at(static_cast<std::size_t>(state.range(0)));
  const Workload w = task == Task::Train ? training() : inference(task, Precision::FP8);
  state.SetLabel(std::string(suanli::name(task)));
  run_all(state, w, catalog().model("llama-3.1-70b"));
}
BENCHMARK(BM_EstimateAllCatalog)->ArgName("task")->DenseRange(0, 3);

// MoE: deepseek-v3 decode, batch 64, fp8, devices auto, on all accelerators.
void BM_EstimateMoE(benchmark::State& state) {
  run_all(state, inference(Task::Decode, Precision::FP8), catalog().model("deepseek-v3"));
}
BENCHMARK(BM_EstimateMoE);

// One serving estimate on h200, devices auto: offline (arg 0: the largest
// batch memory allows, one steady state per layout) or under a 50 ms TPOT
// limit (arg 1: the binary search over the batch).
void BM_EstimateServe(benchmark::State& state) {
  const Catalog& c = catalog();
  const suanli::ModelSpec& m = c.model("llama-3.1-70b");
  const suanli::Accelerator& a = c.accelerator("h200");
  Workload w = inference(Task::Serve, Precision::FP8);
  w.batch = 0;
  if (state.range(0) == 1) {
    w.mode = suanli::ServeMode::Slo;
    w.max_tpot_ms = 50;
  }
  state.SetLabel(std::string(suanli::name(w.mode)));
  suanli::validate(w, m);
  if (!suanli::estimate(w, m, a, c.perf).ok()) state.SkipWithError("llama-3.1-70b serve does not fit on h200");
  for (auto _ : state) {
    Estimate e = suanli::estimate(w, m, a, c.perf);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EstimateServe)->ArgName("slo")->DenseRange(0, 1);

// DeepSeek-V3 on 16 x H800 with EP16, MTP and disaggregated pools under
// TPOT 50 ms / TTFT 2 s: both pools' searches.
void BM_EstimateServeMoEDisaggregated(benchmark::State& state) {
  const Catalog& c = catalog();
  const suanli::ModelSpec& m = c.model("deepseek-v3");
  const suanli::Accelerator& a = c.accelerator("h800");
  Workload w = inference(Task::Serve, Precision::FP8);
  w.batch = 0;
  w.mode = suanli::ServeMode::Slo;
  w.max_tpot_ms = 50;
  w.max_ttft_ms = 2000;
  w.ep = 16;
  w.draft_tokens = 1;
  w.acceptance = 0.85;
  w.disaggregated = true;
  suanli::validate(w, m);
  if (!suanli::estimate(w, m, a, c.perf).ok()) state.SkipWithError("deepseek-v3 serve does not fit on 16 x h800");
  for (auto _ : state) {
    Estimate e = suanli::estimate(w, m, a, c.perf);
    benchmark::DoNotOptimize(e);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_EstimateServeMoEDisaggregated);

// Start-up cost: parsing the embedded YAML catalog, model zoo and calibration.
void BM_LoadCatalog(benchmark::State& state) {
  for (auto _ : state) {
    Catalog c = suanli::config::load_default_catalog();
    benchmark::DoNotOptimize(c);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_LoadCatalog)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

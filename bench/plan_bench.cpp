// Capacity-planner speed (issue 5): 25 accelerator models x 50 workload
// classes with the sovereignty rules and the import-cut resilience rule,
// solved to proven optimality by CBC. Benchmarks report; tests assert
// behaviour (no timing assertions anywhere).
//
// Counters: optimal (1 when CBC proved optimality), gap, vars, int_vars,
// rows, capex_usd. Build: `cmake --build --preset release`; run:
// build/release/bench/suanli_bench_plan
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/plan/planner.h"

namespace {

using namespace suanli;

const Catalog& catalog() {
  static const Catalog c = config::load_catalog({});
  return c;
}

// A synthetic but physically checked problem: every catalog accelerator but
// one (25) is a candidate at a price proportional to its BF16 rate, and 50
// classes mix fine-tunes, services and batch inference of the model zoo over
// every software stack, half of them critical infrastructure.
plan::PlanProblem big_problem() {
  const Catalog& c = catalog();
  plan::PlanProblem p;
  p.name = "bench-25x50";
  p.purchase_date = *parse_time("2026-01-05");
  p.horizon = 365 * kDay;
  p.budget_usd = 0;
  p.power_cap_kw = 20000;
  p.domestic_share_target = 0.6;
  p.imported_scope_cap = 0.3;
  p.resilience_all = 0.6;
  p.resilience_critical = true;
  p.policy.gap_only = true;
  int n = 0;
  for (const Accelerator& a : c.accelerators) {
    if (n == 25) break;
    if (a.id == "rubin") continue;  // BF16 rate unknown
    plan::Candidate cand;
    cand.accelerator = a.id;
    cand.devices_per_node = 8;
    cand.usd_per_node = 40000 + 120.0 * a.bf16_tflops.get().value_or(300) * 8 + (a.origin == Origin::Domestic ? 0 : 20000);
    cand.max_nodes = 64;
    cand.lead_time = 90 * kDay;
    if (!a.tdp_w.known()) p.device_power_w[a.id] = 700;
    p.candidates.push_back(cand);
    ++n;
  }
  // A small existing fleet.
  p.fleet.push_back(NodeGroup{.id = "a", .accelerator = "ascend-910b3", .count = 20, .devices_per_node = 8,
                              .zone = "a", .domain = "a", .join = 0, .retire = std::nullopt, .note = ""});
  p.fleet.push_back(NodeGroup{.id = "h", .accelerator = "h20", .count = 8, .devices_per_node = 8,
                              .zone = "b", .domain = "b", .join = 0, .retire = std::nullopt, .note = ""});
  const std::vector<std::string> sectors = {"energy", "internet", "finance", "education", "telecom"};
  for (std::size_t i = 0; i < sectors.size(); ++i) {
    Tenant t;
    t.name = "t" + std::to_string(i);
    t.sector = sectors[i];
    p.tenants.push_back(t);
  }
  const std::vector<std::string> models = {"llama-3.1-8b", "qwen2.5-7b", "glm-4-9b", "qwen2.5-72b", "llama-3.1-70b"};
  const std::vector<std::vector<std::string>> stacks = {
      {"cuda", "cann"}, {"cann"}, {"cuda"}, {"cann", "neuware", "dtk", "musa", "maca"}, {"cuda", "cann", "birensupa", "xpu", "ixuca"}};
  for (int i = 0; i < 50; ++i) {
    plan::Demand d;
    JobClass& s = d.shape;
    s.name = "class-" + std::to_string(i);
    s.tenant = p.tenants[static_cast<std::size_t>(i) % p.tenants.size()].name;
    s.model = models[static_cast<std::size_t>(i / 5) % models.size()];
    s.stacks = stacks[static_cast<std::size_t>(i + i / 5) % stacks.size()];
    // Critical-infrastructure work is ported to a domestic stack (else no plan exists).
    if (s.stacks == std::vector<std::string>{"cuda"} && (i % 5 == 0 || i % 5 == 2 || i % 5 == 4)) s.stacks = {"cann", "cuda"};
    const bool big = s.model == "qwen2.5-72b" || s.model == "llama-3.1-70b";
    switch (i % 3) {
      case 0:
        s.kind = JobKind::Finetune;
        s.devices = big ? 32 : 8;
        d.work_tokens = (big ? 2e11 : 1e11) * (1 + i % 4);
        d.within = 180 * kDay;
        break;
      case 1:
        s.kind = JobKind::Serve;
        s.slo = {.min_tokens_per_s = big ? 400.0 : 1000.0, .max_tpot_ms = 80.0};
        d.tokens_per_s = (big ? 2000.0 : 5000.0) * (1 + i % 3);
        break;
      default:
        s.kind = JobKind::BatchInfer;
        s.devices = big ? 8 : 1;
        s.output_tokens = 64;
        d.work_tokens = 1e12 * (1 + i % 2);
        d.within = 365 * kDay;
        break;
    }
    p.demand.push_back(d);
  }
  return p;
}

void BM_Plan25x50(benchmark::State& state) {
  const plan::PlanProblem p = big_problem();
  plan::PlanOptions o;
  o.explain = false;
  o.solve.time_limit_s = 120;
  plan::PlanResult r;
  for (auto _ : state) {
    r = plan::plan(p, catalog(), o);
    benchmark::DoNotOptimize(r.total_usd);
  }
  state.counters["optimal"] = r.status == plan::PlanStatus::Optimal ? 1 : 0;
  state.counters["gap"] = r.gap;
  state.counters["vars"] = r.variables;
  state.counters["int_vars"] = r.integer_variables;
  state.counters["rows"] = r.rows;
  state.counters["capex_usd"] = r.capex_usd;
  state.counters["unservable"] = static_cast<double>(r.unservable.size());
  state.counters["solve_s"] = r.solve_seconds;
}
BENCHMARK(BM_Plan25x50)->Unit(benchmark::kMillisecond)->Iterations(3);

// The same with the explanation re-solves (each binding rule priced) as the CLI runs it.
void BM_Plan25x50Explained(benchmark::State& state) {
  const plan::PlanProblem p = big_problem();
  plan::PlanResult r;
  for (auto _ : state) {
    r = plan::plan(p, catalog());
    benchmark::DoNotOptimize(r.total_usd);
  }
  state.counters["optimal"] = r.status == plan::PlanStatus::Optimal ? 1 : 0;
}
BENCHMARK(BM_Plan25x50Explained)->Unit(benchmark::kMillisecond)->Iterations(1);

}  // namespace

BENCHMARK_MAIN();

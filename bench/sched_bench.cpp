// Benchmarks of the scheduler core and the simulator.
//
//   build/release/bench/suanli_bench_sched
//
// - BM_ClusterFindBind: raw placement index on a 10,000-node, 80,000-device
//   fleet of five accelerator models: find + bind of mixed-size requests.
// - BM_ClusterFindBindFraction: find_fraction + bind of shares of one device
//   (0.1 to 0.75, proportional memory) on that fleet.
// - BM_ClusterFindBindAmidFractions: BM_ClusterFindBind's whole-device
//   requests on a fleet where a tenth of the devices host fractions (whole
//   placement must be as fast as without them).
// - BM_SchedulerPlacements: the whole scheduler (policy verdicts, candidate
//   ranking, index, decision records) placing a mixed queue on that fleet.
// - BM_SchedulerFractionPlacements: the same with services on shares of one
//   device (0.125 to 0.75).
// - BM_Simulate100kJobs: a 100,000-job scenario through the simulator.
#include <benchmark/benchmark.h>

#include <random>

#include "suanli/config/catalog_loader.h"
#include "suanli/policy/reason_text.h"
#include "suanli/sched/scheduler.h"
#include "suanli/sim/simulator.h"

namespace {

using namespace suanli;

const Catalog& catalog() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

// 10,000 nodes x 8 devices: 2,000 nodes of each of five models, 20 domains.
// `nodes` nodes of 8 devices: five models (three domestic) in four pods each.
std::vector<NodeGroup> big_fleet(int nodes = 10000) {
  std::vector<NodeGroup> groups;
  const char* models[] = {"ascend-910c", "ascend-910b3", "mlu370-x8", "h20", "h200"};
  for (int m = 0; m < 5; ++m) {
    for (int d = 0; d < 4; ++d) {
      NodeGroup g;
      g.id = std::string(models[m]) + "-pod" + std::to_string(d);
      g.accelerator = models[m];
      g.count = nodes / 20;
      g.devices_per_node = 8;
      g.domain = "pod" + std::to_string(d);
      groups.push_back(g);
    }
  }
  return groups;
}

ClusterState big_cluster() {
  ClusterState c;
  int gi = 0;
  for (const NodeGroup& g : big_fleet()) c.add_nodes(g, catalog().accelerator(g.accelerator), gi++);
  return c;
}

// Whole-device requests of mixed sizes on random pools; when one fails, every
// held placement is released (untimed) and the loop goes on.
void whole_device_placements(benchmark::State& state, ClusterState& c, std::mt19937& rng) {
  const int sizes[] = {1, 1, 2, 4, 8, 8, 16, 32};
  std::vector<NodeShares> held;
  std::int64_t placements = 0;
  for (auto _ : state) {
    const int pool = static_cast<int>(rng() % c.pools().size());
    auto shares = c.find(pool, sizes[rng() % 8]);
    if (shares.empty()) {
      state.PauseTiming();
      for (const auto& h : held) c.release(h);
      held.clear();
      state.ResumeTiming();
      continue;
    }
    c.bind(shares);
    held.push_back(std::move(shares));
    ++placements;
  }
  state.counters["placements/s"] = benchmark::Counter(static_cast<double>(placements), benchmark::Counter::kIsRate);
}

void BM_ClusterFindBind(benchmark::State& state) {
  ClusterState c = big_cluster();
  std::mt19937 rng(1);
  whole_device_placements(state, c, rng);
  state.counters["devices"] = c.total_devices();
}
BENCHMARK(BM_ClusterFindBind);


const int kShares[] = {100, 125, 250, 250, 300, 500, 500, 750};

void BM_ClusterFindBindFraction(benchmark::State& state) {
  ClusterState c = big_cluster();
  std::mt19937 rng(1);
  NodeShares held;
  std::int64_t placements = 0;
  for (auto _ : state) {
    const int pool = static_cast<int>(rng() % c.pools().size());
    const int milli = kShares[rng() % 8];
    const auto fit = c.find_fraction(pool, milli, c.pools()[static_cast<std::size_t>(pool)].device_mem_mib * milli / 1000);
    if (!fit) {
      state.PauseTiming();
      c.release(held);
      held.clear();
      state.ResumeTiming();
      continue;
    }
    c.bind({fit->share});
    held.push_back(fit->share);
    ++placements;
  }
  state.counters["placements/s"] = benchmark::Counter(static_cast<double>(placements), benchmark::Counter::kIsRate);
  state.counters["shared"] = c.pools()[0].shared_devices;
}
BENCHMARK(BM_ClusterFindBindFraction);

void BM_ClusterFindBindAmidFractions(benchmark::State& state) {
  ClusterState c = big_cluster();
  std::mt19937 rng(1);
  // A tenth of each pool's devices host fractions for the whole run.
  for (std::size_t p = 0; p < c.pools().size(); ++p) {
    while (c.pools()[p].shared_devices * 10 < c.pools()[p].total_devices) {
      const auto fit = c.find_fraction(static_cast<int>(p), kShares[rng() % 8], 0);
      if (!fit) break;
      c.bind({fit->share});
    }
  }
  whole_device_placements(state, c, rng);
  state.counters["shared"] = c.pools()[0].shared_devices;
}
BENCHMARK(BM_ClusterFindBindAmidFractions);

std::vector<JobClass> mixed_classes() {
  std::vector<JobClass> classes;
  auto add = [&](std::string name, std::string tenant, JobKind kind, std::string model, int devices,
                 std::vector<std::string> stacks) {
    JobClass c;
    c.name = std::move(name);
    c.tenant = std::move(tenant);
    c.kind = kind;
    c.model = std::move(model);
    c.devices = devices;
    c.work_tokens = 5e9;
    c.duration = 7 * kDay;
    c.stacks = std::move(stacks);
    classes.push_back(c);
  };
  add("grid-ft", "grid", JobKind::Finetune, "llama-3.1-8b", 8, {"cann"});
  add("bank-serve", "bank", JobKind::Serve, "qwen2.5-7b", 1, {"cann", "cuda"});
  add("web-train", "web", JobKind::Train, "llama-3.1-70b", 32, {"cann", "cuda"});
  add("lab-cuda", "lab", JobKind::Finetune, "llama-3.1-8b", 4, {"cuda"});
  add("web-serve", "web", JobKind::Serve, "llama-3.1-8b", 2, {"cann", "neuware", "cuda"});
  return classes;
}

std::vector<Tenant> tenants() {
  auto t = [](std::string n, std::string s, int p) {
    Tenant x;
    x.name = std::move(n);
    x.sector = std::move(s);
    x.priority = p;
    return x;
  };
  return {t("grid", "energy", 10), t("bank", "finance", 10), t("web", "internet", 0), t("lab", "education", 0)};
}

// Fractional services: shares of one device on every model that runs them.
std::vector<JobClass> fractional_classes() {
  std::vector<JobClass> classes;
  const int shares[] = {250, 500, 125, 300, 750};
  for (int milli : shares) {
    JobClass c;
    c.name = "svc-" + std::to_string(milli);
    c.tenant = milli % 250 == 0 ? "web" : "lab";
    c.kind = JobKind::Serve;
    c.model = "qwen2.5-7b";
    c.share_milli = milli;
    c.share_memory_mib = 30000;  // weights and KV fit on every model's share
    c.batch = 8;
    c.duration = 7 * kDay;
    c.stacks = {"cann", "cuda", "neuware"};
    classes.push_back(c);
  }
  return classes;
}

// Batches of arrivals from `classes`, one scheduling pass, then everything finishes.
void scheduler_placements(benchmark::State& state, const std::vector<JobClass>& classes) {
  const int batch = static_cast<int>(state.range(0));
  Scheduler s(catalog(), PolicySpec{}, tenants(), SchedulerOptions{});
  for (const NodeGroup& g : big_fleet()) {
    Event e;
    e.kind = Event::Kind::NodesJoin;
    e.group = g;
    s.on(e, 0);
  }
  std::int64_t next = 1, placements = 0;
  Seconds now = 0;
  std::vector<std::pair<std::int64_t, int>> placed;
  for (auto _ : state) {
    // A batch of arrivals, one scheduling pass, then everything finishes.
    for (int i = 0; i < batch; ++i) {
      Event a;
      a.kind = Event::Kind::JobArrival;
      a.job.id = next;
      a.job.shape = classes[static_cast<std::size_t>(next) % classes.size()];
      a.job.arrival = now;
      ++next;
      s.on(a, now);
    }
    for (const Decision& d : s.on(Event{}, now)) {
      if (d.kind == Decision::Kind::Place) placed.emplace_back(d.job, d.epoch);
    }
    placements += static_cast<std::int64_t>(placed.size());
    state.PauseTiming();
    ++now;
    for (const auto& [id, epoch] : placed) {
      Event f;
      f.kind = Event::Kind::JobFinish;
      f.job_id = id;
      f.epoch = epoch;
      s.on(f, now);
    }
    placed.clear();
    state.ResumeTiming();
  }
  state.counters["placements/s"] = benchmark::Counter(static_cast<double>(placements), benchmark::Counter::kIsRate);
  state.counters["pending"] = static_cast<double>(s.pending());
}

void BM_SchedulerPlacements(benchmark::State& state) { scheduler_placements(state, mixed_classes()); }
BENCHMARK(BM_SchedulerPlacements)->Arg(100)->Arg(1000);

void BM_SchedulerFractionPlacements(benchmark::State& state) { scheduler_placements(state, fractional_classes()); }
BENCHMARK(BM_SchedulerFractionPlacements)->Arg(100)->Arg(1000);

// The national-scale steady state: a full fleet of `nodes` nodes with `pending`
// jobs queued; each iteration `batch` running jobs finish, `batch` new jobs
// arrive and one pass places what fits. Everything is timed (finishes,
// arrivals, the pass), so placements/s is the rate the whole loop sustains.
void BM_SchedulerThroughput(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  const std::size_t want_pending = static_cast<std::size_t>(state.range(1));
  const int nodes = static_cast<int>(state.range(2));
  const std::vector<JobClass> classes = mixed_classes();
  Scheduler s(catalog(), PolicySpec{}, tenants(), SchedulerOptions{});
  for (const NodeGroup& g : big_fleet(nodes)) {
    Event e;
    e.kind = Event::Kind::NodesJoin;
    e.group = g;
    s.on(e, 0);
  }
  std::int64_t next = 1;
  Seconds now = 0;
  std::vector<std::pair<std::int64_t, int>> running;  // (job, epoch), in placement order
  std::size_t head = 0;                              // the oldest still running
  // One arrival event per class, built once: a caller's cost of making
  // events (copying a shape's strings) is not the scheduler's.
  std::vector<Event> arrivals(classes.size());
  for (std::size_t k = 0; k < classes.size(); ++k) {
    arrivals[k].kind = Event::Kind::JobArrival;
    arrivals[k].job.shape = classes[k];
  }
  auto arrive = [&](int n) {
    for (int i = 0; i < n; ++i) {
      Event& a = arrivals[static_cast<std::size_t>(next) % classes.size()];
      a.job.id = next;
      a.job.arrival = now;
      ++next;
      s.on(a, now);
    }
  };
  std::vector<Decision> decisions;  // reused, as a simulator or service would
  auto tick = [&] {
    std::int64_t placed = 0;
    decisions.clear();
    s.on(Event{}, now, decisions);
    for (const Decision& d : decisions) {
      if (d.kind == Decision::Kind::Place) {
        running.emplace_back(d.job, d.epoch);
        ++placed;
      }
    }
    return placed;
  };
  // Fill the fleet and the queue.
  while (s.pending() < want_pending) {
    arrive(static_cast<int>(std::min<std::size_t>(10000, want_pending)));
    ++now;
    tick();
  }
  auto step = [&] {
    ++now;
    Event f;
    f.kind = Event::Kind::JobFinish;
    for (int i = 0; i < batch && head < running.size(); ++i, ++head) {
      f.job_id = running[head].first;
      f.epoch = running[head].second;
      s.on(f, now);
    }
    arrive(batch);
    return tick();
  };
  // Warm up until the mix of running jobs settles (the large low-priority
  // jobs come to fill the fleet), so the rate does not depend on how many
  // iterations the library chooses.
  for (int i = 0; i < 1500; ++i) step();
  std::int64_t placements = 0;
  for (auto _ : state) placements += step();
  state.counters["placements/s"] = benchmark::Counter(static_cast<double>(placements), benchmark::Counter::kIsRate);
  state.counters["pending"] = static_cast<double>(s.pending());
  state.counters["running"] = static_cast<double>(s.running());
}
// Args: batch, jobs pending, nodes. The first is the headline (10,000 nodes,
// 100k pending); the others vary the queue's length and the fleet's size.
BENCHMARK(BM_SchedulerThroughput)
    ->Args({1000, 100000, 10000})
    ->Args({1000, 1000, 10000})
    ->Args({1000, 10000, 10000})
    ->Args({1000, 100000, 1000})
    ->Args({1000, 100000, 40000})
    ->Unit(benchmark::kMillisecond);

void BM_Simulate100kJobs(benchmark::State& state) {
  Scenario sc;
  sc.name = "bench-100k";
  sc.start = 0;
  sc.end = 120 * kDay;
  sc.seed = 7;
  sc.tenants = tenants();
  for (NodeGroup g : big_fleet()) {
    g.count = 10;  // 200 nodes, 1,600 devices: enough contention to queue
    sc.fleet.push_back(g);
  }
  sc.classes = mixed_classes();
  for (JobClass& c : sc.classes) {
    c.work_tokens = 2e9;
    c.duration = 12 * kHour;
  }
  for (int i = 0; i < 5; ++i) sc.arrivals.push_back(ArrivalProcess{i, static_cast<double>(state.range(0)) / 120 / 5, 0, 0, 0.3});
  std::int64_t events = 0, jobs = 0;
  for (auto _ : state) {
    SimOptions o;
    o.keep_log = false;
    const SimResult r = simulate(sc, catalog(), o);
    events += r.events;
    jobs = static_cast<std::int64_t>(r.jobs.size());
  }
  state.counters["events/s"] = benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["jobs"] = static_cast<double>(jobs);
}
BENCHMARK(BM_Simulate100kJobs)->Arg(10000)->Arg(100000)->Unit(benchmark::kMillisecond)->Iterations(1);

// Rendering a decision's structured reason into words (policy/reason_text.h),
// as the simulator's log, the API and the audit views do for each decision:
// a wait with three parts and the verdict behind it, in English (0) or Chinese (1).
void BM_RenderDecision(benchmark::State& state) {
  const i18n::Lang lang = state.range(0) == 0 ? i18n::Lang::En : i18n::Lang::Zh;
  const PolicySpec policy;
  Decision d;
  d.kind = Decision::Kind::Defer;
  d.reason = {.code = Reason::Code::Waits,
              .parts = {{.kind = ReasonPart::Kind::Busy, .accelerator = "ascend-910c", .devices = 8},
                        {.kind = ReasonPart::Kind::Capped, .accelerator = "h20"},
                        {.kind = ReasonPart::Kind::Denied, .accelerator = "h800", .rule = rule::kGapOnly}}};
  Verdict v{.accelerator = "h20", .allowed = false, .rule = rule::kImportedCap, .why = VerdictWhy::FleetCap,
            .in_use = 40, .limit = 32, .cap_share = 0.3, .fleet_devices = 108};
  for (auto _ : state) {
    benchmark::DoNotOptimize(render(d, policy, lang));
    benchmark::DoNotOptimize(render(v, policy, lang));
  }
}
BENCHMARK(BM_RenderDecision)->Arg(0)->Arg(1);

}  // namespace

BENCHMARK_MAIN();

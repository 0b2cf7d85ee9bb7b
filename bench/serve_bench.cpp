// The live service under load over loopback: acknowledged durable
// submissions per second, and the latency of a decision (a submission's
// round trip: HTTP, the scheduler's pass, the group-committed transaction),
// for SQLite and for a private PostgreSQL server.
//
//   BM_DurableSubmissions/<store>/<connections>  closed loop: every connection
//       submits as fast as it is answered; reports acked/s (items_per_second)
//       and the p50/p99 round trip.
//   BM_LatencyAtRate/<store>/<per second>        open loop at a fixed rate
//       (paced senders): p50/p99/max round trip at that load.
//
// The service runs in this process (the same code as `suanli serve`), the
// clients are threads of it, on the same 2 cores. A fresh store per run.
#include <benchmark/benchmark.h>

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include <unistd.h>

#include "live_service.h"
#include "postgres.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"

namespace {

using namespace suanli;
using Clock = std::chrono::steady_clock;

const Catalog& catalog() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

// A fresh store of the kind `which` (0 SQLite, 1 PostgreSQL) for one run.
struct Store {
  explicit Store(int which, int run) {
    if (which == 0) {
      dir = std::filesystem::temp_directory_path() / ("suanli-bench-" + std::to_string(::getpid()) + "-" + std::to_string(run));
      std::filesystem::create_directories(dir);
      url = "sqlite:" + (dir / "bench.db").string();
    } else {
      // One server for the process, stopped (and its folder removed) at exit.
      static const auto pg = std::make_unique<live_test::PostgresServer>();
      url = pg->create_database("bench" + std::to_string(run));
    }
  }
  ~Store() {
    std::error_code ec;
    if (!dir.empty()) std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  std::string url;
};

const char* const kClasses[] = {"bank-embed-batch", "uni-glm-finetune", "llm-cuda-research", "telecom-care-serve",
                                "grid-forecast-finetune", "llm-72b-finetune"};

std::string body_for(std::int64_t i) {
  return std::string(R"({"class": ")") + kClasses[i % 6] + R"(", "external_id": "b-)" + std::to_string(i) + "\"}";
}

struct Totals {
  std::vector<double> latencies;  // seconds
  std::int64_t acked = 0, failed = 0;
};

void report(benchmark::State& state, Totals& t, double seconds) {
  std::sort(t.latencies.begin(), t.latencies.end());
  auto q = [&](double p) {
    return t.latencies.empty() ? 0.0 : t.latencies[std::min(t.latencies.size() - 1, static_cast<std::size_t>(p * static_cast<double>(t.latencies.size())))];
  };
  state.counters["acked_per_s"] = static_cast<double>(t.acked) / seconds;
  state.counters["p50_ms"] = q(0.50) * 1e3;
  state.counters["p99_ms"] = q(0.99) * 1e3;
  state.counters["max_ms"] = t.latencies.empty() ? 0.0 : t.latencies.back() * 1e3;
  state.counters["failed"] = static_cast<double>(t.failed);
  state.SetItemsProcessed(t.acked);
}

// Sends `count` submissions on one keep-alive connection, at `every` apart
// (0: as fast as answered), starting at `first`.
void sender(int port, const std::string& token, std::int64_t first, std::int64_t count, std::int64_t stride,
            Clock::duration every, Clock::time_point start, Totals& out) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);
  const httplib::Headers h = {{"Authorization", "Bearer " + token}};
  out.latencies.reserve(static_cast<std::size_t>(count));
  for (std::int64_t k = 0; k < count; ++k) {
    const Clock::time_point due = start + every * k;
    if (every.count() > 0) std::this_thread::sleep_until(due);
    const Clock::time_point t0 = every.count() > 0 ? std::max(due, Clock::now()) : Clock::now();
    auto r = c.Post("/v1/jobs", h, body_for(first + k * stride), "application/json");
    if (r && (r->status == 201 || r->status == 200)) {
      out.acked += 1;
      out.latencies.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    } else {
      out.failed += 1;
    }
  }
}

using bench::LiveService;

// Worker threads for `connections` keep-alive clients (one each, and spare).
server::HttpOptions threads(int connections) {
  server::HttpOptions o;
  o.threads = connections + 8;
  return o;
}

Totals run_load(LiveService& live, int connections, std::int64_t per_connection, Clock::duration every) {
  std::vector<Totals> parts(static_cast<std::size_t>(connections));
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now() + std::chrono::milliseconds(20);
  for (int k = 0; k < connections; ++k) {
    threads.emplace_back(sender, live.http->port(), live.token, k, per_connection, connections, every,
                         start + every * k / connections, std::ref(parts[static_cast<std::size_t>(k)]));
  }
  for (std::thread& t : threads) t.join();
  Totals all;
  for (Totals& p : parts) {
    all.acked += p.acked;
    all.failed += p.failed;
    all.latencies.insert(all.latencies.end(), p.latencies.begin(), p.latencies.end());
  }
  return all;
}

int g_run = 0;

void BM_DurableSubmissions(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const int connections = static_cast<int>(state.range(1));
  const std::int64_t total = 20000;
  for (auto _ : state) {
    Store s(which, ++g_run);
    LiveService live(catalog(), config::load_scenario(catalog(), "h200-window"), s.url, threads(connections));
    const auto t0 = Clock::now();
    Totals t = run_load(live, connections, total / connections, Clock::duration::zero());
    const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    state.SetIterationTime(seconds);
    report(state, t, seconds);
    state.counters["batches"] = static_cast<double>(live.service->metrics().batches.load());
  }
  state.SetLabel(which == 0 ? "sqlite" : "postgresql");
}
BENCHMARK(BM_DurableSubmissions)
    ->ArgNames({"store", "connections"})
    ->Args({0, 16})->Args({0, 64})->Args({1, 16})->Args({1, 64})
    ->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_LatencyAtRate(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const std::int64_t rate = state.range(1);
  const int connections = 16;
  const std::int64_t seconds = 8;
  for (auto _ : state) {
    Store s(which, ++g_run);
    LiveService live(catalog(), config::load_scenario(catalog(), "h200-window"), s.url, threads(connections));
    const auto every = std::chrono::nanoseconds(1'000'000'000LL * connections / rate);
    const auto t0 = Clock::now();
    Totals t = run_load(live, connections, rate * seconds / connections, every);
    const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
    state.SetIterationTime(wall);
    report(state, t, wall);
  }
  state.SetLabel(which == 0 ? "sqlite" : "postgresql");
}
BENCHMARK(BM_LatencyAtRate)
    ->ArgNames({"store", "per_s"})
    ->Args({0, 1000})->Args({1, 1000})
    ->Iterations(1)->UseManualTime()->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

// The scenario simulator: a deterministic discrete-event loop that drives the
// scheduler core with virtual time.
//
// Events are ordered by (time, class, sequence): job completions first (they
// free devices), then node departures, node arrivals, supply (export-policy)
// events, job arrivals, and last one scheduling Tick per instant. One seeded
// RNG (std::mt19937_64) draws all arrivals and sizes up front, so the same
// scenario and seed give the same event log, byte for byte.
//
// Export-policy effects: no-new-supply cancels undelivered purchases of the
// models; no-support retires their installed nodes after a grace period;
// immediate-loss removes them now (running jobs are displaced and requeued
// with their checkpointed progress); restored lifts the cut for later orders.
//
// Thread-compatible; independent simulations may run in parallel.
#pragma once

#include <cstdint>
#include <functional>

#include "suanli/catalog/catalog.h"
#include "suanli/model/scenario.h"
#include "suanli/sched/scheduler.h"
#include "suanli/sim/metrics.h"

namespace suanli {

struct SimOptions {
  Algorithm algorithm = Algorithm::Sovereign;
  std::uint64_t seed = 0;     // 0: the scenario's seed
  bool keep_log = true;       // record the event log in SimResult::log
  // If set, each event-log line goes here as it happens instead of into
  // SimResult::log (a large run's log is streamed, not held): the run's
  // memory then does not grow with its log. Called on the simulating thread.
  std::function<void(const std::string&)> log_sink;
  // Called with the fraction of the period simulated (0..1), at most ~100 times.
  std::function<void(double)> progress;
};

// Jobs the scenario produces: its explicit jobs plus the generators' draws,
// ids assigned in arrival order. Deterministic for a seed.
std::vector<Job> generate_jobs(const Scenario& s, std::uint64_t seed);

// REQUIRES: the scenario was validated against `catalog` (config/ does this).
SimResult simulate(const Scenario& scenario, const Catalog& catalog, const SimOptions& options);

}  // namespace suanli

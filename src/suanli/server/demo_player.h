// DemoPlayer: plays a scenario against the live API in accelerated time, so
// that a newcomer sees the dashboard move (`suanli serve --demo`).
//
// It is a client like any other: over HTTP with an operator token it submits
// the scenario's jobs at their arrival times, joins node groups and
// purchases when they are delivered (unless the model's supply is cut by
// then), applies the scenario's export-policy events and failures, reports
// each placed job started and, after its modelled runtime, finished. Time is
// the service's clock (a ScaledClock); the player stops at the scenario's end.
//
// Thread-safe: run() on one thread, stop() from any.
#pragma once

#include <atomic>
#include <string>

#include "suanli/catalog/catalog.h"
#include "suanli/model/scenario.h"
#include "suanli/server/clock.h"

namespace suanli::server {

struct DemoStats {
  std::int64_t submitted = 0;
  std::int64_t started = 0;
  std::int64_t finished = 0;
  std::int64_t events = 0;  // joins, export events, failures
  std::int64_t errors = 0;  // requests the service refused (logged to stderr)
};

class DemoPlayer {
 public:
  // When the demo's clock should start: an hour before the scenario's first
  // job arrives (a scenario may open with weeks in which nothing is asked),
  // never before the scenario's start. The service is bootstrapped with the
  // fleet as it stands then; what happened before (purchases delivered,
  // export events) the player applies at once, in order.
  static Seconds start_of(const Scenario& scenario);

  DemoPlayer(const Scenario& scenario, Clock& clock, std::string host, int port, std::string token);
  // Plays until the scenario's end or stop(); returns what it did.
  DemoStats run();
  void stop() { stop_ = true; }

 private:
  const Scenario* scenario_;
  Clock* clock_;
  std::string host_;
  int port_;
  std::string token_;
  std::atomic<bool> stop_{false};
};

}  // namespace suanli::server

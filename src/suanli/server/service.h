// Service: the live state behind one sequencer thread and the durable log
// (DESIGN.md section 9).
//
// Writers call execute(): the command joins a queue and the caller waits.
// The sequencer takes whatever has queued (up to a batch limit), applies each
// command to the LiveState at the clock's time (never earlier than the last),
// writes the accepted commands and their decisions to the store in ONE
// transaction (group commit), and only then answers every caller of the
// batch. So an acknowledged command is durable, and readers (which take a
// shared lock that the sequencer holds exclusively from apply to commit) see
// only durable state. Refused commands (unknown job, bad input, a repeated
// idempotency key) are answered without touching the log.
//
// Timers: when LiveState::next_due() falls due, the sequencer applies a
// Timer command first (logged like any other), so replays see it too.
//
// Restart: open() replays the stored log into a fresh LiveState and checks
// that every replayed decision equals the stored one (the same JSON); a
// difference (e.g. the catalog changed between versions) stops the start
// unless accept_replay_changes is set. A store failure while running stops
// the process (fail-stop): the log, not memory, is the truth.
//
// Thread-safe: execute() and read() from any number of threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "suanli/live/live_state.h"
#include "suanli/model/scenario.h"
#include "suanli/server/clock.h"
#include "suanli/server/metrics.h"
#include "suanli/store/store.h"
#include "suanli/wire/json_reader.h"

namespace suanli::server {

struct ServiceOptions {
  int max_batch = 2048;                 // commands per transaction at most
  bool accept_replay_changes = false;   // start even if replayed decisions differ from the stored ones
  bool demo = false;                    // the fleet's later joins come from the demo player
};

// What became of one command.
struct Outcome {
  enum class Status { Applied, Duplicate, NotFound, Conflict, Invalid, Unavailable };
  Status status = Status::Applied;
  std::int64_t seq = 0;           // Applied: its place in the log
  std::int64_t job = 0;           // Submit: the job id
  Seconds at = 0;                 // when it was applied
  std::vector<wire::Json> decisions;   // the decisions it caused
  std::string where;              // Invalid: JSON path
  std::string message;            // NotFound, Conflict, Invalid, Unavailable
};

// The stored log does not replay to the stored decisions (see Service).
class ReplayMismatch : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ReplayReport {
  std::int64_t events = 0;
  std::int64_t decisions = 0;
  std::int64_t mismatched = 0;    // replayed decisions that differ from the stored ones
  std::string first_mismatch;     // "seq N: stored ... replayed ..."
  double seconds = 0;
};

class Service {
 public:
  // Opens the service over `store` for `scenario` (its tenants, fleet,
  // policy, scheduler knobs; classes for the API): replays the log, or on an
  // empty log writes the scenario's tenants and fleet as its first commands.
  // Throws InputError when the store was made for another scenario, and
  // ReplayMismatch when the replay differs (see above).
  Service(const Catalog& catalog, Scenario scenario, std::unique_ptr<store::Store> store, Clock& clock,
          ServiceOptions options = {});
  ~Service();
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  // Queues `c` and waits until it is applied and durable (or refused).
  Outcome execute(live::Command c);

  // Runs `f` on the state under the shared lock (keep it short).
  template <class F>
  auto read(F&& f) const {
    std::shared_lock lock(state_mu_);
    return f(state_);
  }

  const Scenario& scenario() const { return scenario_; }
  const Catalog& catalog() const { return *catalog_; }
  store::Store& store() { return *store_; }
  Clock& clock() { return *clock_; }
  Metrics& metrics() { return metrics_; }
  const ReplayReport& replay_report() const { return replay_; }
  bool ready() const { return ready_.load(); }
  // Stops the sequencer; queued commands are answered Unavailable.
  void stop();

 private:
  struct Pending {
    live::Command command;
    std::promise<Outcome> done;
    std::chrono::steady_clock::time_point queued;
  };

  void replay();
  void bootstrap();
  void loop();
  // Applies one command under the exclusive lock; appends its record when logged.
  Outcome apply(const live::Command& c, std::vector<store::Record>& batch);
  store::Record record_of(const live::Command& c, const live::Applied& a, Seconds at,
                          const std::vector<wire::Json>& decisions) const;
  std::vector<wire::Json> decisions_json(const std::vector<Decision>& ds) const;
  Seconds next_now();

  const Catalog* catalog_;
  Scenario scenario_;
  std::unique_ptr<store::Store> store_;
  Clock* clock_;
  ServiceOptions options_;
  Metrics metrics_;
  ReplayReport replay_;

  mutable std::shared_mutex state_mu_;
  live::LiveState state_;
  std::int64_t last_seq_ = 0;

  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<std::unique_ptr<Pending>> queue_;
  bool stopping_ = false;
  std::atomic<bool> ready_{false};
  std::thread sequencer_;
};

}  // namespace suanli::server

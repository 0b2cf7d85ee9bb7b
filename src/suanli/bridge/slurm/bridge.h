// SlurmBridge: suanli serve governing a real Slurm cluster (issue 10).
//
// It lives inside `suanli serve --slurm` and talks to the Service directly
// (the same commands and reads as the REST API; DESIGN.md section 9):
//
//   admission   POST /v1/slurm/admit (operator token; job_submit.lua calls
//               it for every submission): the submission becomes a suanli
//               Submit (submission.h) and the decision an answer: place
//               (steer to suanli's model, nodes and partition), hold (linked
//               and held until suanli places it), reject (the rule and its
//               reason, for sbatch's error), or pass (not suanli's). A job
//               that only the imported cap keeps waiting is refused, as
//               Slurm's DenyOnLimit refuses a job over a QOS limit, and its
//               suanli job is cancelled so that nothing waits for it.
//   following   a thread that every `poll` runs one round: read Slurm
//               (squeue, sinfo), read the live state, reconcile (reconcile.h),
//               send the commands, carry out the actions.
//   reads       GET /v1/slurm/cluster (Slurm's nodes and jobs beside
//               suanli's view of them, the bridge's recent actions) and
//               GET /v1/slurm/share (the sacct-based share beside suanli's
//               own record of the same window).
//
// Thread-safe: admissions run on the HTTP threads, rounds on the bridge's
// own; both go through Service::execute, and the bridge's own status is
// under a mutex.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "suanli/bridge/slurm/reconcile.h"
#include "suanli/bridge/slurm/slurm_cli.h"
#include "suanli/bridge/slurm/submission.h"
#include "suanli/server/http_api.h"
#include "suanli/server/service.h"

namespace suanli::bridge::slurm {

struct SlurmBridgeOptions {
  SlurmCliOptions cli;
  double poll_s = 0.5;         // between rounds when nothing changed
  ReconcileOptions reconcile;
};

class SlurmBridge {
 public:
  SlurmBridge(server::Service& service, SlurmBridgeOptions options);
  ~SlurmBridge();
  SlurmBridge(const SlurmBridge&) = delete;
  SlurmBridge& operator=(const SlurmBridge&) = delete;

  // (The routes under /v1/slurm call these; see add_routes below.)
  // suanli's side of each node and job (its reasons) in `lang`; Slurm's own words as Slurm wrote them.
  wire::Json cluster_view(i18n::Lang lang = i18n::Lang::En);
  wire::Json share_view(Seconds from, Seconds to);
  const server::Service& service() const { return *service_; }
  Seconds now() { return service_->clock().now(); }
  // Starts (stop: ends) the following thread.
  void start();
  void stop();

  // One round now; returns whether it changed anything. Errors reading
  // Slurm are recorded (cluster view) and retried next round.
  bool round();

  // The plugin's answer for one submission (see above). Throws InputError
  // located by the sbatch option at fault, or server::HttpError.
  wire::Json admit(const SlurmSubmission& s, const server::Principal& who);

 private:
  void loop();
  void note(std::string line);

  server::Service* service_;
  SlurmBridgeOptions options_;
  SlurmCli cli_;
  std::vector<std::string> fleet_models_;  // catalog ids of the scenario's fleet
  int max_node_devices_ = 8;
  std::string key_prefix_;                 // of external ids: "slurm:<random>-"
  std::atomic<std::int64_t> key_counter_{0};

  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
  // Status, under mu_.
  SlurmSnapshot last_;
  Seconds last_round_ = 0;
  std::int64_t rounds_ = 0;
  std::int64_t commands_sent_ = 0;
  std::int64_t actions_done_ = 0;
  std::string last_error_;
  std::deque<std::string> log_;            // recent actions and refusals
};

// Registers POST /v1/slurm/admit, GET /v1/slurm/cluster and GET
// /v1/slurm/share on `http` (before bind()). They are always registered, so
// that the OpenAPI document matches the server: without a bridge (`bridge`
// null: suanli serve without --slurm) they answer 404 saying how to turn it
// on. `bridge` must outlive `http`. Needs no Slurm until a request comes.
void add_routes(server::HttpServer& http, SlurmBridge* bridge);

}  // namespace suanli::bridge::slurm

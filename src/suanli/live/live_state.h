// LiveState: the scheduler core governing live work, and what the service
// shows of it (DESIGN.md section 9).
//
// apply(command, now) validates a command, turns it into scheduler events
// (then one scheduling pass), and folds the decisions into a read model:
// job records with their status and reasons, node states, export-policy
// events and their timers, device-time accounting per tenant for the
// domestic share, and counters for metrics. The state is a pure function of
// the commands applied and their times: the service stores each command with
// its time and decisions, and a replay of the stored commands rebuilds the
// same state and the same decisions (the store's tests assert both).
//
// Export-policy events act on the live fleet as the simulator's do:
// immediate-loss fails every node of the models now (running jobs are
// displaced and requeued with their checkpointed progress); no-support
// retires them when the grace period ends (a Timer command applies what has
// fallen due); no-new-supply records the cut; restored lifts the cut, cancels
// pending retirements and brings back the nodes the cut took.
//
// Errors: a command that names something unknown or contradicts the state
// throws Refused (not found / conflict) or InputError (bad input) before it
// changes anything. No I/O, no clock: `now` is passed in.
//
// Thread-compatible: one thread applies commands; readers must be excluded
// while it does (the service holds a lock).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "suanli/i18n/lang.h"
#include "suanli/catalog/catalog.h"
#include "suanli/live/command.h"
#include "suanli/model/decision.h"
#include "suanli/sched/scheduler.h"

namespace suanli::live {

// A command the state refuses: the API answers 404 or 409 with the message.
class Refused : public std::runtime_error {
 public:
  enum class Code { NotFound, Conflict };
  Refused(Code code, const std::string& message) : std::runtime_error(message), code_(code) {}
  Code code() const { return code_; }

 private:
  Code code_;
};

enum class JobStatus { Pending, Placed, Running, Finished, Failed, Cancelled, Rejected };
std::string_view name(JobStatus s);
std::optional<JobStatus> parse_job_status(std::string_view text);
bool terminal(JobStatus s);

struct JobRecord {
  std::int64_t id = 0;
  std::string tenant;
  std::string class_name;
  std::string external_id;
  std::string runner;        // the runner's own id for it, from a Link command ("slurm:42")
  JobClass shape;
  JobStatus status = JobStatus::Pending;
  Seconds submitted = 0;
  Seconds first_start = -1;  // first placement
  Seconds placed_at = -1;    // current (or last) placement
  Seconds started_at = -1;   // the runner's report for the current placement
  Seconds ended = -1;        // finished, failed, cancelled or rejected
  int epoch = 0;             // of the current (or last) placement
  std::string accelerator;   // current (or last) placement
  NodeShares shares;
  std::vector<std::string> nodes;  // names of the nodes in `shares`
  double devices = 0;        // device units held (a fraction as milli/1000)
  double tokens_per_s = 0;
  Seconds expected_end = 0;
  bool imported = false;
  // The last decision about it (its reason and verdicts, as data; nodes are in
  // `shares`); the job's own ends (submitted, finished, failed, cancelled)
  // replace only its reason. LiveState::reason() says it in words.
  Decision last;
  int placements = 0;
  int preemptions = 0;
};

enum class NodeStatus { Up, Drained, Failed, Lost, Retired };
std::string_view name(NodeStatus s);

// A node's state and why it changed last, as data: the words are rendered
// (reason()) in English or Chinese when asked.
struct NodeRecord {
  enum class Why {
    Joined,        // it joined the fleet
    Resumed,       // an operator resumed it
    Operator,      // an operator drained or failed it: `note`
    SupplyCut,     // an export-policy event (`effect`) took it out now: `note` (the event's label) or `models`
    SupportEnded,  // it retired when the support of its model ended: `note` or `models`
  };
  NodeStatus status = NodeStatus::Up;
  Why why = Why::Joined;
  std::string note{};                 // the operator's note or the export event's label ("" = none)
  std::vector<std::string> models{};  // SupplyCut, SupportEnded: the accelerator models concerned
  SupplyEffect effect = SupplyEffect::ImmediateLoss;  // SupplyCut
  Seconds since = 0;

  // Why it changed last, in words ("joined", "retired: no support for h20" /
  // "已加入集群", "停止技术支持后退役：h20"); notes and labels as given.
  std::string reason(i18n::Lang lang = i18n::Lang::En) const;
};

struct ExportRecord {
  Seconds at = 0;
  SupplyEffect effect = SupplyEffect::NoNewSupply;
  std::vector<std::string> accelerators;
  Seconds grace = 0;
  std::string label;
  int nodes_affected = 0;  // nodes failed, retired (when due) or resumed
};

// Device time over a window: device-hours and delivered compute (BF16 dense
// peak x time, PFLOP-hours), domestic and imported.
struct Usage {
  double device_hours_domestic = 0;
  double device_hours_imported = 0;
  double compute_domestic = 0;
  double compute_imported = 0;
  // Domestic share of device-hours / of compute; nullopt when nothing ran.
  std::optional<double> share_devices() const;
  std::optional<double> share_compute() const;
};

struct JobFilter {
  std::string tenant;                // "" = all
  std::vector<JobStatus> statuses;   // empty = all
  std::string class_name;            // "" = all
  std::int64_t before = 0;           // ids below this (0 = from the newest)
  int limit = 100;
};

struct Applied {
  std::int64_t job = 0;          // Submit: the id assigned (or the earlier one for a repeated key)
  bool duplicate = false;        // Submit with a known (tenant, external_id): nothing changed
  std::vector<Decision> decisions;
};

class LiveState {
 public:
  // `catalog` must outlive the state.
  LiveState(const Catalog& catalog, PolicySpec policy, SchedulerOptions options = {});

  // Applies `c` at `now` (>= the previous call's). Throws Refused or
  // InputError, with nothing changed, for a command it cannot apply.
  Applied apply(const Command& c, Seconds now);

  // The earliest time a Timer command has work to do, if any.
  std::optional<Seconds> next_due() const;
  Seconds now() const { return now_; }
  // When the first command was applied (the log's start), or -1.
  Seconds first() const { return first_; }
  std::int64_t commands() const { return commands_; }

  // --- reads -----------------------------------------------------------------
  const Scheduler& scheduler() const { return sched_; }
  const Catalog& catalog() const { return *catalog_; }
  const PolicySpec& policy() const { return sched_.policy().spec(); }
  const std::vector<Tenant>& tenants() const { return sched_.tenants(); }
  const Tenant* tenant(std::string_view name) const;
  const JobRecord* job(std::int64_t id) const;
  // Why the job waits, where and why it runs, or why it ended, in words (English unless asked).
  std::string reason(const JobRecord& r, i18n::Lang lang = i18n::Lang::En) const;
  const JobRecord* job_by_key(const std::string& tenant, const std::string& external_id) const;
  // Newest first; `next` is set to the cursor of the following page, or 0.
  std::vector<const JobRecord*> jobs(const JobFilter& f, std::int64_t* next) const;
  const std::map<std::int64_t, JobRecord>& all_jobs() const { return jobs_; }
  // Node state by cluster node index (scheduler().cluster().nodes()).
  const NodeRecord& node(int index) const { return nodes_.at(static_cast<std::size_t>(index)); }
  // Jobs holding devices on each node, by node index.
  std::vector<std::vector<std::int64_t>> jobs_by_node() const;
  // The node groups joined, in order (Node::group indexes it), and the fleet
  // as it stands: each group with its nodes that are up now.
  const std::vector<NodeGroup>& groups() const { return groups_; }
  std::vector<NodeGroup> fleet_now() const;
  const std::vector<ExportRecord>& export_events() const { return exports_; }
  const std::map<std::string, Seconds>& supply_cut() const { return cut_; }

  // Usage of one tenant ("" = the whole fleet) over [from, to), running work
  // counted up to `now`.
  Usage usage(std::string_view tenant, Seconds from, Seconds to, Seconds now) const;
  // The imported share of the fleet's device-hour capacity over [from, to).
  double imported_capacity_share(Seconds from, Seconds to, Seconds now) const;
  // Imported devices in use by a tenant now (fractions as milli/1000).
  double imported_in_use(std::string_view tenant) const;
  // Devices in use by a tenant now, and its pending jobs.
  double devices_in_use(std::string_view tenant) const;
  int pending_of(std::string_view tenant) const;

  // Counters since the log began (for metrics), per tenant so that a
  // tenant's view never includes another's.
  using TenantKey = std::pair<std::string, std::string>;  // (tenant, what)
  struct Counters {
    std::map<TenantKey, std::int64_t> placements;  // (tenant, accelerator)
    std::map<TenantKey, std::int64_t> denials;     // (tenant, rule)
    std::map<TenantKey, std::int64_t> decisions;   // (tenant, decision kind)
    std::map<std::string, std::int64_t> commands;  // by command kind
  };
  const Counters& counters() const { return counters_; }

 private:
  void validate(const Command& c) const;
  const JobRecord& active_job(const Command& c, bool need_placement) const;
  void submit(const Command& c, Seconds now, Applied& out);
  void end_job(const Command& c, JobStatus status, Seconds now, Applied& out);
  void export_event(const Command& c, Seconds now, Applied& out);
  void fire_timers(Seconds now, Applied& out);
  // Takes the nodes out with `why` (its status and reason); the scheduler's
  // event is labelled with the English reason.
  void node_down(const std::vector<int>& indices, const NodeRecord& why, Seconds now, Applied& out);
  void node_up(const std::vector<int>& indices, Seconds now);
  std::vector<int> nodes_of(const std::string& acc, std::initializer_list<NodeStatus> statuses) const;
  void run(const Event& e, Seconds now, Applied& out);
  void absorb(const Decision& d);
  void open_interval(JobRecord& r, const Decision& d);
  void close_interval(std::int64_t job, Seconds now);
  void note_capacity(Seconds now);
  int tenant_index(std::string_view name) const;
  bool of_tenant(const JobState& j, std::string_view tenant) const;  // "" = any

  const Catalog* catalog_;
  Scheduler sched_;
  Seconds now_ = 0;
  Seconds first_ = -1;
  std::int64_t commands_ = 0;
  std::int64_t next_job_ = 1;
  std::map<std::int64_t, JobRecord> jobs_;
  std::map<std::pair<std::string, std::string>, std::int64_t> by_key_;  // (tenant, external id) -> job
  std::vector<NodeRecord> nodes_;                                      // by cluster node index
  std::vector<NodeGroup> groups_;                                      // node groups joined, in order
  std::vector<ExportRecord> exports_;
  std::map<std::string, Seconds> cut_;                                 // accelerator -> cut since
  std::multimap<Seconds, std::string> retirements_;                    // due time -> accelerator
  Counters counters_;

  // Device-time accounting: one interval per placement.
  struct Interval {
    int tenant = 0;
    bool imported = false;
    double devices = 0;
    double tflops = 0;  // BF16 dense per device (0 when unknown)
    Seconds start = 0;
    Seconds end = -1;   // -1 while running
  };
  std::vector<Interval> intervals_;
  std::unordered_map<std::int64_t, std::size_t> open_;  // running job -> its interval
  // Fleet capacity after each change: (time, devices, imported devices).
  struct Capacity {
    Seconds at = 0;
    int devices = 0;
    int imported = 0;
  };
  std::vector<Capacity> capacity_;
};

}  // namespace suanli::live

// Gavel jobs and measured-throughput tables (Narayanan et al., "Heterogeneity-
// Aware Cluster Scheduling Policies for Deep Learning Workloads", OSDI'20).
//
// Plain value types. A GavelJob is one line of a Gavel trace; a
// ThroughputTable holds isolated throughputs (training steps per second) of a
// job type on `devices` devices of one worker type, each with its source. The
// table is general: Gavel's simulation_throughputs.json, the user's own CSV of
// measurements (config/gavel_reader.h) or anything else can fill it. Unknown
// stays unknown: lookup() returns std::nullopt for an absent entry; a present
// 0 means "measured: cannot run" (Gavel's out-of-memory entries).
//
// Out of scope: Gavel's space-sharing (co-location) pairs. The readers skip
// them and the replay engine runs every job alone on its workers.
//
// Lookups are O(log n) in the number of entries. Thread-safe for concurrent
// readers (no mutation after filling).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace suanli::trace {

struct GavelJob {
  std::string job_type;        // e.g. "ResNet-50 (batch size 64)"; a key of the throughput table
  long long total_steps = 0;   // training steps (iterations) to run, > 0
  int scale_factor = 1;        // workers (devices) the job occupies, all of one type
  double priority_weight = 1;  // > 0; larger = more weight in max-min fairness
  double slo = -1;             // service-level objective in seconds; -1 = none (kept, not enforced)
  long long arrival_s = 0;     // arrival time, seconds from the trace start, >= 0
  std::string tenant = "default";
};

struct ThroughputEntry {
  double steps_per_s = 0;  // isolated throughput; 0 = cannot run there
  std::string source;      // where the figure comes from (file, measurement)
};

class ThroughputTable {
 public:
  // `worker` is a catalog accelerator id or a worker-type name (Gavel's
  // "v100", "k80_unconsolidated"); names are compared exactly. A later add()
  // of the same key replaces the earlier entry.
  void add(const std::string& job_type, const std::string& worker, int devices, ThroughputEntry e) {
    entries_[{job_type, worker, devices}] = std::move(e);
  }
  std::optional<ThroughputEntry> lookup(const std::string& job_type, const std::string& worker, int devices) const {
    const auto it = entries_.find({job_type, worker, devices});
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  // Whether any entry names this job type (any worker, any device count).
  bool knows_job_type(const std::string& job_type) const {
    const auto it = entries_.lower_bound({job_type, std::string(), 0});
    return it != entries_.end() && std::get<0>(it->first) == job_type;
  }
  std::size_t size() const { return entries_.size(); }
  // Entries of one worker, in key order.
  std::size_t count_for_worker(const std::string& worker) const {
    std::size_t n = 0;
    for (const auto& [k, v] : entries_) n += std::get<1>(k) == worker ? 1 : 0;
    return n;
  }
  std::vector<std::string> workers() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : entries_) {
      bool seen = false;
      for (const std::string& w : out) seen = seen || w == std::get<1>(k);
      if (!seen) out.push_back(std::get<1>(k));
    }
    return out;
  }

 private:
  std::map<std::tuple<std::string, std::string, int>, ThroughputEntry> entries_;
};

// A Gavel worker type and the catalog accelerator it stands for.
struct GavelWorkerType {
  const char* name;         // as in simulation_throughputs.json
  const char* accelerator;  // intended catalog id (may be absent from the catalog)
};

}  // namespace suanli::trace

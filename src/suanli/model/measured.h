// Measured throughputs: what a job type was measured to do on `devices`
// devices of one accelerator, overriding the performance model.
//
// A ThroughputTable maps (job type, worker, devices) to an isolated rate with
// its source. `worker` is a catalog accelerator id or a worker-type name
// (Gavel's "v100", "k80_unconsolidated"), compared exactly. The table has one
// unit: training steps per second (Gavel's tables, the round-based replay) or
// work tokens per second (suanli's job classes: the rate at which a job
// consumes its work_tokens, as the performance model's tokens_per_s).
// Unknown stays unknown: lookup() returns std::nullopt for an absent entry; a
// present 0 means "measured: cannot run" (e.g. out of memory).
//
// Filled by config/gavel_reader.h (Gavel's JSON, the CSV format for one's
// own measurements). Used by trace/rounds.h and by policy/capability.h, where
// an entry for (class name or model id, accelerator id, devices) replaces the
// modelled throughput.
//
// Lookups are O(log n) in the number of entries. Thread-safe for concurrent
// readers (no mutation after filling).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace suanli {

enum class RateUnit { StepsPerS, TokensPerS };
inline std::string_view name(RateUnit u) { return u == RateUnit::StepsPerS ? "steps_per_s" : "tokens_per_s"; }

struct ThroughputEntry {
  double per_s = 0;    // isolated rate in the table's unit; 0 = cannot run there
  std::string source;  // where the figure comes from (file, measurement)

  bool operator==(const ThroughputEntry&) const = default;
};

class ThroughputTable {
 public:
  ThroughputTable() = default;
  explicit ThroughputTable(RateUnit u) : unit(u) {}

  RateUnit unit = RateUnit::StepsPerS;

  // A later add() of the same key replaces the earlier entry.
  void add(const std::string& job_type, const std::string& worker, int devices, ThroughputEntry e) {
    entries_[{job_type, worker, devices}] = std::move(e);
  }
  std::optional<ThroughputEntry> lookup(const std::string& job_type, const std::string& worker, int devices) const {
    const auto it = entries_.find({job_type, worker, devices});
    if (it == entries_.end()) return std::nullopt;
    return it->second;
  }
  // The entries of (job type, worker), by device count (ascending).
  std::vector<std::pair<int, ThroughputEntry>> for_pair(const std::string& job_type, const std::string& worker) const {
    std::vector<std::pair<int, ThroughputEntry>> out;
    for (auto it = entries_.lower_bound({job_type, worker, 0});
         it != entries_.end() && std::get<0>(it->first) == job_type && std::get<1>(it->first) == worker; ++it) {
      out.emplace_back(std::get<2>(it->first), it->second);
    }
    return out;
  }
  // Whether any entry names this job type (any worker, any device count).
  bool knows_job_type(const std::string& job_type) const {
    const auto it = entries_.lower_bound({job_type, std::string(), 0});
    return it != entries_.end() && std::get<0>(it->first) == job_type;
  }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  // Entries of one worker.
  std::size_t count_for_worker(const std::string& worker) const {
    std::size_t n = 0;
    for (const auto& [k, v] : entries_) n += std::get<1>(k) == worker ? 1 : 0;
    return n;
  }
  // Workers named by some entry, in first-seen key order.
  std::vector<std::string> workers() const {
    std::vector<std::string> out;
    for (const auto& [k, v] : entries_) {
      bool seen = false;
      for (const std::string& w : out) seen = seen || w == std::get<1>(k);
      if (!seen) out.push_back(std::get<1>(k));
    }
    return out;
  }

  bool operator==(const ThroughputTable&) const = default;

 private:
  std::map<std::tuple<std::string, std::string, int>, ThroughputEntry> entries_;
};

}  // namespace suanli

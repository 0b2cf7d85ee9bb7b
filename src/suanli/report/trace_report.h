// Rendering openb packing results (trace/packing.h): a terminal summary, CSV
// and JSON.
//
// Runs are grouped by policy, in the order given; a policy run with several
// seeds is summarised at the end of each run (the target load) by the mean,
// the sample standard deviation, min and max. Curves are written in long form
// (one row per policy, seed and sample point). Stateless; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "suanli/trace/packing.h"

namespace suanli::report {

struct PackSummary {
  trace::PackPolicy policy = trace::PackPolicy::Random;
  int runs = 0;
  // Allocation ratio and fragmentation at the end of each run, in % of GPU capacity.
  double alloc_mean = 0, alloc_sd = 0, alloc_min = 0, alloc_max = 0;
  double frag_mean = 0, frag_sd = 0;
  double arrived_mean = 0;      // % of capacity that arrived
  double gpu_failed_mean = 0;   // GPU pods that fit no node
};

std::vector<PackSummary> summarise_packing(const std::vector<trace::PackResult>& runs);

// An aligned table, one row per policy.
std::string packing_summary_text(const std::vector<trace::PackResult>& runs);
// CSV: policy,runs,alloc_mean_pct,alloc_sd_pct,alloc_min_pct,alloc_max_pct,frag_mean_pct,frag_sd_pct,...
std::string packing_summary_csv(const std::vector<trace::PackResult>& runs);
// CSV: policy,seed,arrived_pct,allocated_pct,fragmented_pct,frag_ratio_pct (fragmented / idle).
std::string packing_curves_csv(const std::vector<trace::PackResult>& runs);
// JSON: {"summary": [...], "runs": [{policy, seed, pods, placed, failed, allocation_pct, fragmentation_pct, curve}]}
std::string packing_json(const std::vector<trace::PackResult>& runs);
// Writes summary.csv and curves.csv into `dir` (created if needed); InputError if it cannot.
void write_packing_csv(const std::vector<trace::PackResult>& runs, const std::string& dir);

}  // namespace suanli::report

// Rendering openb replay results, pack mode (trace/packing.h) and time mode
// (trace/time_replay.h): a terminal summary, CSV and JSON. Policies are named
// by the result's policy string (the six built-ins, suanli or any other
// ReplayPolicy), in both modes.
//
// Runs are grouped by policy, in the order given; a policy run with several
// seeds is summarised at the end of each run (the target load) by the mean,
// the sample standard deviation, min and max. Curves are written in long form
// (one row per policy, seed and sample point). Stateless; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "suanli/report/sim_report.h"
#include "suanli/trace/packing.h"
#include "suanli/trace/time_replay.h"

namespace suanli::report {

struct PackSummary {
  std::string policy;  // PackResult::policy
  int runs = 0;
  // Allocation ratio and fragmentation at the end of each run, in % of GPU capacity.
  double alloc_mean = 0, alloc_sd = 0, alloc_min = 0, alloc_max = 0;
  double frag_mean = 0, frag_sd = 0;
  double arrived_mean = 0;      // % of capacity that arrived
  double gpu_failed_mean = 0;   // GPU pods that fit no node
};

std::vector<PackSummary> summarise_packing(const std::vector<trace::PackResult>& runs);

// The summary as rows, one per policy (the terminal table and the HTML page).
Grid packing_summary_grid(const std::vector<trace::PackResult>& runs, i18n::Lang lang = i18n::Lang::En);
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

// ---- time mode -------------------------------------------------------------

struct TimeSummary {
  std::string policy;
  int runs = 0;
  // Means over the policy's runs (seeds).
  double placed = 0, failed = 0, unplaced = 0, waited = 0;
  double wait_mean = 0, wait_p50 = 0, wait_p95 = 0;  // seconds
  double wait_max = 0;                               // seconds, the largest over runs
  double peak_alloc = 0, peak_alloc_min = 0, peak_alloc_max = 0;  // % of GPU capacity
  double mean_alloc = 0;                                          // time-weighted, %
};

std::vector<TimeSummary> summarise_time(const std::vector<trace::TimeResult>& runs);

// The summary as rows, one per policy (the terminal table and the HTML page); waits in seconds.
Grid time_summary_grid(const std::vector<trace::TimeResult>& runs, i18n::Lang lang = i18n::Lang::En);
std::string time_summary_text(const std::vector<trace::TimeResult>& runs);
// CSV: policy,runs,placed_mean,failed_mean,unplaced_mean,waited_mean,wait_mean_s,wait_p50_s,wait_p95_s,wait_max_s,
// peak_alloc_pct,mean_alloc_pct
std::string time_summary_csv(const std::vector<trace::TimeResult>& runs);
// CSV: policy,seed,time_s,allocated_pct,peak_pct,fragmented_pct,running,waiting
std::string time_curves_csv(const std::vector<trace::TimeResult>& runs);
// JSON: {"mode": "time", "summary": [...], "runs": [{policy, seed, pods, placed, failed, unplaced, waited,
// no_lifetime, wait_*_s, peak_allocation_pct, peak_time_s, mean_allocation_pct, curve}]}
std::string time_json(const std::vector<trace::TimeResult>& runs);
// Writes summary.csv and curves.csv into `dir` (created if needed); InputError if it cannot.
void write_time_csv(const std::vector<trace::TimeResult>& runs, const std::string& dir);

}  // namespace suanli::report

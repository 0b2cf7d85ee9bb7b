// Rendering Gavel round-based replays (trace/rounds.h): a terminal summary,
// JSON and CSV. One run per policy, in the order given. Times are reported in
// seconds in JSON/CSV and in hours in the terminal table. Stateless;
// thread-safe.
#pragma once

#include <string>
#include <vector>

#include "suanli/trace/rounds.h"

namespace suanli::report {

// One row per policy (avg JCT, makespan, rounds, LP solve times, device-hours
// by origin), then a per-tenant table when there are several tenants or a
// critical one.
std::string gavel_summary_text(const trace::RoundEngine& engine, const std::vector<trace::RoundResult>& runs);
// {"cluster": [...], "round_s", "seed", "jobs", "runs": [{policy, avg_jct_s, makespan_s, rounds, lp_solves,
//  lp_mean_s, lp_max_s, device_s: {type: s}, imported_device_s, domestic_device_s, unknown_origin_device_s,
//  tenants: [...], jobs: [{job, job_type, tenant, scale_factor, arrival_s, completion_s, jct_s, rounds_run}]}]}
std::string gavel_json(const trace::RoundEngine& engine, const std::vector<trace::RoundResult>& runs);
// Writes summary.csv, tenants.csv and jobs.csv into `dir` (created if needed); InputError if it cannot.
void write_gavel_csv(const trace::RoundEngine& engine, const std::vector<trace::RoundResult>& runs,
                     const std::string& dir);

}  // namespace suanli::report

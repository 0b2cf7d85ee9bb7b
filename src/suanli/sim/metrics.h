// What a simulation measured: per job, over time, and in total.
//
// Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "suanli/model/job.h"
#include "suanli/model/time.h"

namespace suanli {

struct JobRecord {
  std::int64_t id = 0;
  std::string tenant;
  std::string cls;
  JobKind kind = JobKind::Train;
  Seconds arrival = 0;
  Seconds first_start = -1;  // -1: never started
  Seconds finish = -1;       // -1: did not finish in the period
  std::string accelerator;   // where it (last) ran
  int devices = 0;           // devices it (last) ran on; a shared device counts as 1
  int placements = 0;
  int preemptions = 0;       // preempted or displaced
  bool rejected = false;
  std::string reject_reason;
  bool violation = false;    // ran somewhere the policy denies (baselines)
  bool imported = false;     // ran on an imported chip at least once
  double device_s_domestic = 0;
  double device_s_imported = 0;
  double compute_domestic = 0;  // device-seconds x dense BF16 TFLOPS (delivered compute)
  double compute_imported = 0;
  double running_s = 0;      // wall time spent running
  double requested_device_s = 0;  // what it asked for at its first placement's size and speed
};

struct Sample {
  Seconds t = 0;
  std::map<std::string, int> total_by_model;  // alive devices
  std::map<std::string, double> used_by_model;  // devices in use; a shared device counts its fractions' share
  int total_domestic = 0, total_imported = 0;
  double used_domestic = 0, used_imported = 0;
  int pending = 0;
  int running = 0;
  double domestic_share = 0;       // cumulative device-hours share so far (fleet)
  double imported_cap_devices = 0; // devices the imported cap allows now
};

struct ShockRecord {
  std::string label;
  Seconds at = 0;
  std::string effect;            // no-new-supply, no-support, immediate-loss, failure, retirement
  std::vector<std::string> accelerators;
  int devices_lost = 0;
  int purchases_cancelled = 0;
  int displaced_jobs = 0;
  int displaced_rejected = 0;    // displaced jobs nothing left could run
  Seconds lost_at = -1;          // when its nodes actually left (after any grace period)
  // From lost_at until every displaced job that could still run was running
  // again; 0 when nothing was displaced; -1 when that did not happen in the
  // period, or when every displaced job was rejected.
  Seconds recovered_after = -1;
  int displaced_resumed = 0;
  double unserved_device_hours = 0;  // demand of displaced jobs left unserved at the end
};

struct Stats {
  int count = 0;
  double mean = 0, p50 = 0, p99 = 0, max = 0;
};

struct ShareStat {
  double device_hours_domestic = 0;
  double device_hours_imported = 0;
  double compute_domestic = 0;   // PFLOP-equivalent: device-hours x TFLOPS / 1000
  double compute_imported = 0;
  double target = 0;
  double share_device_hours() const;
  double share_compute() const;
};

struct GroupStats {            // per tenant or per class
  std::string name;
  int submitted = 0, completed = 0, rejected = 0, unfinished = 0;
  Stats jct_h;                 // completion time, hours
  Stats wait_h;                // time to first start, hours
  ShareStat share;
  double slo_attainment = -1;  // serving: mean availability (running / since arrival); -1 if none
  int violations = 0;
};

struct SimResult {
  std::string scenario;
  std::string scheduler;
  std::uint64_t seed = 0;
  Seconds start = 0, end = 0;
  std::int64_t events = 0;
  std::int64_t decisions = 0;
  std::vector<JobRecord> jobs;
  std::vector<Sample> samples;
  std::vector<ShockRecord> shocks;
  std::vector<GroupStats> tenants;
  std::vector<GroupStats> classes;
  GroupStats fleet;
  std::map<std::string, double> utilisation_by_model;   // used / available device-hours
  double utilisation_domestic = 0, utilisation_imported = 0;
  double imported_cap = 1.0;            // policy cap on imported devices in use (fraction of fleet)
  double imported_peak_share = 0;       // highest imported-in-use / fleet devices seen
  // Highest imported device-hours / fleet device-hour capacity over any
  // sliding window of `imported_window_days` whole days (the policy's window).
  double imported_window_share = 0;
  int imported_window_days = 30;
  double imported_device_hours_share = 0;  // imported share of used device-hours
  int violations = 0;
  std::vector<std::string> log;         // the event log (one line per event or decision), if kept
  std::int64_t log_lines = 0;           // lines logged (kept or streamed to SimOptions::log_sink)
};

Stats make_stats(std::vector<double> values);

}  // namespace suanli

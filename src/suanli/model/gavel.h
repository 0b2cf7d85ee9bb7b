// Gavel jobs and measured-throughput tables (Narayanan et al., "Heterogeneity-
// Aware Cluster Scheduling Policies for Deep Learning Workloads", OSDI'20).
//
// Plain value types. A GavelJob is one line of a Gavel trace. The replay
// advances jobs by the isolated throughputs (training steps per second) of a
// ThroughputTable (model/measured.h): Gavel's simulation_throughputs.json or
// the user's own CSV of measurements (config/gavel_reader.h).
//
// Out of scope: Gavel's space-sharing (co-location) pairs. The readers skip
// them and the replay engine runs every job alone on its workers.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "suanli/model/measured.h"

namespace suanli::trace {

struct GavelJob {
  std::string job_type;        // e.g. "ResNet-50 (batch size 64)"; a key of the throughput table
  long long total_steps = 0;   // training steps (iterations) to run, > 0
  int scale_factor = 1;        // workers (devices) the job occupies, all of one type
  double priority_weight = 1;  // > 0; larger = more weight in max-min fairness
  double slo = -1;             // service-level objective in seconds; -1 = none (kept, not enforced)
  // Arrival, microseconds from the trace start, >= 0: Gavel writes seconds
  // with six decimals ("1234.567890"), kept exactly.
  std::int64_t arrival_us = 0;
  std::string tenant = "default";

  double arrival_s() const { return static_cast<double>(arrival_us) / 1e6; }
  bool operator==(const GavelJob&) const = default;
};

// The measured-throughput table (model/measured.h), in steps per second here.
using ::suanli::ThroughputEntry;
using ::suanli::ThroughputTable;

// A Gavel worker type and the catalog accelerator it stands for.
struct GavelWorkerType {
  const char* name;         // as in simulation_throughputs.json
  const char* accelerator;  // intended catalog id (may be absent from the catalog)
};

}  // namespace suanli::trace

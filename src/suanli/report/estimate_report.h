// Rendering performance estimates: one row per accelerator, best first, as a
// terminal table, CSV or JSON. Columns depend on the task (TPOT for decode,
// TTFT for prefill, step time and MFU for training).
#pragma once

#include <string>
#include <vector>

#include "suanli/model/model_spec.h"
#include "suanli/perf/estimate.h"
#include "suanli/report/table.h"

namespace suanli::report {

Table estimate_table(const std::vector<Estimate>& rows, const Workload& w);
std::string estimates_json(const std::vector<Estimate>& rows, const Workload& w, const ModelSpec& m);
// One line describing the workload, e.g. "decode llama-3.1-70b fp8, batch 64, 2048 in / 256 out".
std::string describe(const Workload& w, const ModelSpec& m);
// "TP8", "TP8 PP2", "TP8 PP4 DP64 EP64" ...
std::string describe(const Parallelism& p, Task task);

}  // namespace suanli::report

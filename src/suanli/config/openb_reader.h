// Readers for the Alibaba cluster-trace-gpu-v2023 ("openb") CSV files.
//
// Node list: `sn,cpu_milli,memory_mib,gpu,model` (model empty on CPU-only
// nodes). Pod list, two layouts: the full one
// `name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,
// creation_time,deletion_time,scheduled_time` and the short one of the
// multigpu* files, `name,cpu_milli,memory_mib,num_gpu,gpu_milli` (no times).
// The layout is chosen by the header line, which must be one of these.
//
// Every malformed line throws InputError("<file>:<line>", "column '<name>':
// found '<text>', expected <what>"). Quantities stay integers as in the trace.
// Pure functions of their input; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "suanli/model/openb.h"

namespace suanli::config {

using trace::OpenbNode;
using trace::OpenbPod;
using trace::TraceGpuModel;

// Parse the text of a file; `file` names it in errors.
std::vector<OpenbNode> parse_openb_nodes(std::string_view text, const std::string& file);
std::vector<OpenbPod> parse_openb_pods(std::string_view text, const std::string& file);

// Read and parse a file; a missing or unreadable file is an InputError.
std::vector<OpenbNode> read_openb_nodes(const std::string& path);
std::vector<OpenbPod> read_openb_pods(const std::string& path);

// The trace's GPU model codes and the catalog accelerator each stands for.
const std::vector<TraceGpuModel>& openb_gpu_models();

}  // namespace suanli::config

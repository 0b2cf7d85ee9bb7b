// Records of the Alibaba cluster-trace-gpu-v2023 ("openb") node and pod lists.
//
// Plain value types; quantities stay integers as in the trace (milli-CPU,
// MiB, milli-GPU). Read by config/openb_reader.h, replayed by trace/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace suanli::trace {

inline constexpr std::int64_t kMilliPerGpu = 1000;

struct OpenbNode {
  std::string name;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  int gpus = 0;
  std::string model;  // trace GPU code (T4, P100, V100M16, V100M32, A10, G1..G3); empty = no GPU
};

struct OpenbPod {
  std::string name;
  std::int64_t cpu_milli = 0;
  std::int64_t memory_mib = 0;
  int num_gpu = 0;             // whole GPUs, or 1 for a shared GPU
  std::int64_t gpu_milli = 0;  // per GPU, 1..1000 when num_gpu > 0, else 0; < 1000 only when num_gpu == 1
  std::vector<std::string> gpu_spec;  // allowed GPU models; empty = any
  // Full layout only (absent in the short one).
  std::string qos, phase;
  std::optional<std::int64_t> creation_time, deletion_time, scheduled_time;  // seconds from trace start

  std::int64_t gpu_request_milli() const { return num_gpu * gpu_milli; }
};

// The trace's GPU model codes and the catalog accelerator each stands for.
// The mapping names catalog ids (data/accelerators.yaml holds their figures
// and sources); G1/G2/G3 are undisclosed by Alibaba and map to nothing
// (opaque devices known by count only).
struct TraceGpuModel {
  std::string_view code;        // as in the trace
  std::string_view accelerator; // intended catalog id; empty = undisclosed
  std::string_view description;
};
}  // namespace suanli::trace

// Capability: whether, and how well, an accelerator model can run a job shape.
//
// "Feasible" means it could run on enough free devices of that model: the job
// is ported to the chip's software stack, its model fits in memory at the
// device count it asks for (or the fewest that fit), the figures the estimate
// needs are known, and its SLO is met. Judged by the performance model; this
// is the physics the sovereignty policy's gap test and the scheduler share.
// Services and batch inference are estimated as continuous batching in the
// steady state (perf/serving.h): a service with a TPOT or TTFT limit runs the
// largest batch (at most the class's batch per replica) that keeps it, on the
// fewest devices that can; batch inference runs offline at the largest batch.
//
// A fractional job (JobClass::share_milli > 0) is judged on one device whose
// memory is its share (share_memory_mib, or share_milli/1000 of the device's):
// the perf model's memory fit on that device says whether the weights and KV
// cache fit the share, and its throughput there times share_milli/1000 is the
// job's (the compute share, like HAMi's gpucores or a vNPU's AI cores, bounds
// the time the job gets on the device's compute and memory bandwidth; TPOT
// grows by the inverse).
//
// Measured throughputs (Catalog::measured, work tokens per second) replace the
// model's where the table has an entry for (the class name, else its model
// id; the accelerator id; the device count): for a class with a fixed device
// count, that count; for one sized by the model, the count the model chose,
// else the fewest devices measured. A measurement holds even where the model
// cannot judge (unknown figures, a memory fit it doubts: the job ran); a
// measured 0 means it cannot run there. The rate is the job's whole rate of
// consuming work tokens (prompt + generated for batch inference). TPOT comes
// from the model when it can tell; a TPOT SLO the model cannot check makes the
// job infeasible there. Fractional jobs are not matched (a measurement names
// whole devices). Capability::measured names the source.
//
// Pure; thread-safe. CapabilityCache memoises by (shape, accelerator) and is
// thread-compatible (one per scheduler).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>

#include "suanli/catalog/catalog.h"
#include "suanli/model/job.h"
#include "suanli/model/time.h"

namespace suanli {

struct Capability {
  bool feasible = false;
  std::string why;           // when not feasible: one line, e.g. "not ported to cann"
  int devices = 0;           // devices the job takes on this model (1 for a fraction)
  int milli = 0;             // a fraction: milli-units of that one device (0 = whole devices)
  int mem_mib = 0;           // a fraction: MiB of the device's memory it takes
  double tokens_per_s = 0;   // the job's throughput there (work tokens per second)
  double tpot_ms = 0;        // serving: time per output token
  double bf16_tflops = 0;    // per device, for delivered-compute accounting
  std::string measured;      // the source of a measured throughput that replaced the model's, else empty

  // What it holds in milli-units of devices: devices x 1000, or the fraction.
  std::int64_t milli_units() const { return milli > 0 ? milli : std::int64_t{devices} * 1000; }
  // The same in devices (a fraction as milli/1000): for device-hour and sizing arithmetic.
  double device_units() const { return static_cast<double>(milli_units()) / 1000.0; }
};

// REQUIRES: shape.model names a model in `catalog`.
Capability assess(const JobClass& shape, const Accelerator& a, const Catalog& catalog);

// Seconds the job needs at `cap` for `work_tokens` (train, finetune,
// batch-infer) or its duration (serve).
Seconds runtime(const JobClass& shape, const Capability& cap, double work_tokens);

class CapabilityCache {
 public:
  explicit CapabilityCache(const Catalog& catalog) : catalog_(&catalog) {}
  const Capability& get(const JobClass& shape, const Accelerator& a);
  std::size_t size() const { return cache_.size(); }

 private:
  const Catalog* catalog_;
  std::unordered_map<std::string, Capability> cache_;
};

}  // namespace suanli

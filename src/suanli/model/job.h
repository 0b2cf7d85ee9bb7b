// Jobs: what a tenant asks the fleet to run.
//
// Plain value types; thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "suanli/model/enums.h"
#include "suanli/model/time.h"

namespace suanli {

enum class JobKind { Train, Finetune, Serve, BatchInfer };

std::string_view name(JobKind k);
std::optional<JobKind> parse_job_kind(std::string_view text);

// A service-level objective. Zero fields are not constrained.
struct Slo {
  double min_tokens_per_s = 0;  // whole job, generated tokens for serving
  double max_tpot_ms = 0;       // time per output token (serve, batch-infer)
  double max_ttft_ms = 0;       // time to first token (serve)

  bool operator==(const Slo&) const = default;
};

// A class of jobs (what a generator draws from, and what coverage analysis
// reports on): the shape of the work and who submits it.
struct JobClass {
  std::string name;
  std::string tenant;
  JobKind kind = JobKind::Train;
  std::string model;                // model zoo id
  Precision precision = Precision::BF16;
  int devices = 0;                  // devices requested; 0 = sized by the performance model
  // A share of one device instead of whole devices (then devices is 0 or 1).
  // Real-world sources: HAMi vGPU (gpucores %, gpumem MiB), Ascend vNPU
  // templates (e.g. vir05_1c_16g / vir10_3c_32g on a 910B: a slice of the AI
  // cores and of the HBM), openb pods (gpu_milli).
  int share_milli = 0;              // 1..999 milli-units of one device's compute; 0 = whole devices
  int share_memory_mib = 0;         // device memory of the share; 0 = proportional (share_milli/1000 x device memory)
  Slo slo;
  double work_tokens = 0;           // tokens to train or process (train, finetune, batch-infer)
  Seconds duration = 0;             // how long a service runs (serve)
  std::vector<std::string> stacks;  // software stacks the job is ported to, e.g. {"cuda", "cann"}
  // Accelerator models (catalog ids) the submitter asked for, e.g. a Slurm
  // typed GPU request (--gres=gpu:h200:8); empty = any. A constraint on
  // where it may run, never a way around the policy: the rules (the gap test
  // included) judge the job as if it had not asked.
  std::vector<std::string> accelerators;
  int priority = 0;                 // added to the tenant's priority
  bool preemptible = true;
  // Request shape the performance model uses for inference classes: mean
  // prompt and output tokens, and at most `batch` sequences in flight per
  // replica (a service runs the largest batch within its TPOT/TTFT limits).
  int batch = 32;
  int input_tokens = 2048;
  int output_tokens = 256;
  int seq_len = 4096;               // training sequence length
  int global_batch = 512;           // training sequences per step
  std::string note;

  bool fractional() const { return share_milli > 0; }

  bool operator==(const JobClass&) const = default;
};

// One job instance. `id` is unique within a run; `cls` indexes the scenario's
// job classes (or -1 for a job given directly in a job list with its own shape).
struct Job {
  std::int64_t id = 0;
  int cls = -1;
  JobClass shape;  // the class's fields, possibly varied per job
  Seconds arrival = 0;

  bool operator==(const Job&) const = default;
};

}  // namespace suanli

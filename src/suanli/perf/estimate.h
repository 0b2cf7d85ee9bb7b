// The performance model: what a workload does on an accelerator.
//
// A roofline per phase (DESIGN.md section 5) with calibrated efficiencies:
// - train: 6 x active params + causal attention FLOPs per token; memory fit of
//   weights, gradients, optimizer state (distributed optimizer) and
//   activations under tensor (TP, inside the chip-to-chip domain), pipeline
//   (PP), data (DP) and, for MoE, expert (EP) parallelism; TP, DP and EP
//   communication over the link or the scale-out network, with the calibrated
//   share of DP/EP traffic hidden behind compute; pipeline bubbles.
// - prefill: compute-bound pass over the prompt (2 x active params + attention).
// - decode: each step reads the weights touched by the batch and the KV cache;
//   bounded by memory bandwidth or compute, plus TP collectives per layer.
// - serve: prefill then decode for a request shape.
// Every estimate names the term that limited it. A chip without the requested
// precision runs at its best supported one and says so; a figure the estimate
// needs but the catalog does not know makes the estimate Unknown, naming the
// figure, rather than guessing.
//
// Pure: same inputs, same answer; no I/O, no globals; thread-safe.
// Cost: O(#parallel configurations tried) = O(log^2 devices), no allocation on
// the success path beyond the Estimate's strings.
#pragma once

#include <string>
#include <vector>

#include "suanli/model/accelerator.h"
#include "suanli/model/enums.h"
#include "suanli/model/model_spec.h"
#include "suanli/model/perf_params.h"

namespace suanli {

struct Workload {
  Task task = Task::Decode;
  Precision precision = Precision::BF16;
  int batch = 1;             // concurrent sequences (prefill, decode, serve)
  int input_tokens = 2048;   // prompt tokens per sequence
  int output_tokens = 256;   // generated tokens per sequence
  int seq_len = 4096;        // training sequence length
  int global_batch = 1024;   // training sequences per optimizer step
  int devices = 0;           // devices to use; 0 = the fewest that fit
};

// Throws InputError naming the offending field when a workload is impossible
// (batch 0, non-positive token counts, a device count that is neither 1, 2, 4
// nor a multiple of 8, a training precision other than bf16/fp8, a context
// longer than the model's).
void validate(const Workload& w, const ModelSpec& m);

struct Parallelism {
  int tp = 1;  // tensor parallel (inside the chip-to-chip domain)
  int pp = 1;  // pipeline stages
  int dp = 1;  // data-parallel replicas (training)
  int ep = 1;  // expert-parallel group (MoE training)
  int vp = 1;          // virtual pipeline stages per device (interleaved 1F1B)
  double recompute = 0;  // training: fraction of layers fully recomputed to fit memory
};

enum class Fit {
  Fits,
  OutOfMemory,    // does not fit at the device count (or at any count tried)
  BadDevices,     // the device count cannot be laid out on this chip's nodes
  UnknownFigure,  // a figure the estimate needs is unknown
};

struct Estimate {
  const Accelerator* accelerator = nullptr;  // not owned; outlives the estimate
  Task task = Task::Decode;
  Fit fit = Fit::Fits;
  std::string why;  // when fit != Fits: the reason in one line

  Precision precision = Precision::BF16;  // the precision actually modelled
  bool precision_fallback = false;        // the requested one is not supported
  int devices = 0;
  int nodes = 0;
  Parallelism parallel;
  double mem_per_device_gb = 0;  // modelled footprint on the busiest device
  double mem_usable_gb = 0;      // usable capacity per device

  // Tokens per second for the whole deployment: trained tokens (train),
  // prompt tokens (prefill), generated tokens (decode, serve).
  double tokens_per_s = 0;
  double tokens_per_s_per_device = 0;
  double tokens_per_s_per_node = 0;
  double step_s = 0;   // train: optimizer step; decode: one token step; prefill: the pass
  double ttft_s = 0;   // prefill, serve: time to first token of the batch
  double tpot_s = 0;   // decode, serve: time per output token
  double mfu = 0;      // train: model FLOPs / (time x devices x dense BF16 peak)
  double tokens_per_s_per_kw = 0;  // 0 when the TDP is unknown
  bool power_known = false;

  Bound bound = Bound::Compute;
  double t_compute_s = 0;  // the terms of one step, before overlap
  double t_memory_s = 0;
  double t_comm_s = 0;

  std::vector<std::string> notes;  // fallbacks and assumptions used

  bool ok() const { return fit == Fit::Fits; }
};

// Estimate `w` for model `m` on accelerator `a`.
// REQUIRES: validate(w, m) passed.
Estimate estimate(const Workload& w, const ModelSpec& m, const Accelerator& a, const PerfParams& p);

// Estimates on each accelerator, best first: fitting estimates by throughput
// per device (descending), then the rest by name.
std::vector<Estimate> estimate_all(const Workload& w, const ModelSpec& m, const std::vector<Accelerator>& accs,
                                   const PerfParams& p);

std::string_view name(Fit f);

}  // namespace suanli

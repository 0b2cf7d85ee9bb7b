// The performance model: what a workload does on an accelerator.
//
// A roofline per phase (DESIGN.md section 5) with calibrated efficiencies:
// - train: 6 x active params + causal attention FLOPs per token; memory fit of
//   weights, gradients, optimizer state (distributed optimizer) and
//   activations under tensor (TP, inside the chip-to-chip domain), pipeline
//   (PP), data (DP) and, for MoE, expert (EP) parallelism; TP, DP and EP
//   communication over the link or the scale-out network, with the calibrated
//   share of DP/EP traffic hidden behind compute; pipeline bubbles.
// - prefill, decode, serve: built from the cost of one engine step
//   (perf/step.h, a roofline per kernel class with efficiencies that depend on
//   the work) and the serving model of perf/serving.h: a prefill pass, decode
//   at a fixed batch, and serving in the steady state of continuous batching,
//   offline (the largest batch memory allows) or under TTFT/TPOT limits,
//   colocated or with prefill and decode on separate pools. MoE models run
//   tensor parallel or expert parallel (data-parallel attention, experts over
//   the group, all-to-all over the scale-up domain or the NIC), with
//   multi-token prediction or speculative drafts at an acceptance rate.
// Layouts: the estimate tries tensor x pipeline splits inside the chip-to-chip
// domain and, for MoE, expert parallelism over all the devices, and keeps the
// one with the highest throughput per device.
// Every estimate names the term that limited it. A chip without the requested
// precision runs at its best supported one and says so; a figure the estimate
// needs but the catalog does not know makes the estimate Unknown, naming the
// figure, rather than guessing.
//
// Pure: same inputs, same answer; no I/O, no globals; thread-safe.
// Cost: O(#parallel configurations tried) = O(log^2 devices) step costs; a
// serve estimate under SLOs multiplies that by O(log batch) for its search.
// No allocation on the success path beyond the Estimate's strings.
#pragma once

#include <string>
#include <vector>

#include "suanli/model/accelerator.h"
#include "suanli/model/enums.h"
#include "suanli/model/model_spec.h"
#include "suanli/model/perf_params.h"
#include "suanli/perf/serving.h"

namespace suanli {

// Serving mode: offline = the throughput at the largest batch memory allows;
// slo = the highest throughput at which TTFT and TPOT stay within the limits.
enum class ServeMode { Offline, Slo };
std::string_view name(ServeMode m);

struct Workload {
  Task task = Task::Decode;
  Precision precision = Precision::BF16;
  int batch = 1;             // prefill, decode: concurrent sequences; serve: at most this many in flight (0 = no cap)
  int input_tokens = 2048;   // prompt tokens per sequence (serve: the mean)
  int output_tokens = 256;   // generated tokens per sequence (serve: the mean)
  int seq_len = 4096;        // training sequence length
  int global_batch = 1024;   // training sequences per optimizer step
  int devices = 0;           // devices to use; 0 = the fewest that fit

  // Serving (serve; decode and prefill take ep, the experts and the drafts too).
  ServeMode mode = ServeMode::Offline;
  double max_ttft_ms = 0;        // slo mode: time to first token limit (0 = none)
  double max_tpot_ms = 0;        // slo mode: time per output token limit (0 = none)
  bool disaggregated = false;    // prefill and decode on separate pools of the same chip
  int tp = 0;                    // tensor-parallel degree (pipeline stages fill the rest; 0 = the estimate chooses)
  int ep = 0;                    // MoE: expert-parallel group (0 = the estimate chooses TP or EP)
  int redundant_experts = 0;     // MoE with ep: extra expert copies for load balancing
  int draft_tokens = 0;          // MTP / speculative tokens proposed per step
  double acceptance = 0;         // probability each draft token is accepted
};

// Throws InputError naming the offending field when a workload is impossible
// (batch 0 outside serve, non-positive token counts, a device count that is
// neither 1, 2, 4 nor a multiple of 8, a training precision other than
// bf16/fp8, a context longer than the model's, expert parallelism on a dense
// model or over a group the devices do not match, an acceptance outside
// [0, 1), negative SLOs, SLOs in offline mode).
void validate(const Workload& w, const ModelSpec& m);

struct Parallelism {
  int tp = 1;  // tensor parallel (inside the chip-to-chip domain)
  int pp = 1;  // pipeline stages
  int dp = 1;  // data-parallel replicas (training)
  int ep = 1;  // expert-parallel group (MoE training; inference: data-parallel attention over it)
  int vp = 1;          // virtual pipeline stages per device (interleaved 1F1B)
  double recompute = 0;  // training: fraction of layers fully recomputed to fit memory
};

enum class Fit {
  Fits,
  OutOfMemory,    // does not fit at the device count (or at any count tried)
  BadDevices,     // the device count cannot be laid out on this chip's nodes
  UnknownFigure,  // a figure the estimate needs is unknown
  SloUnmet,       // fits, but no batch meets the serving limits at the device counts tried
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
  double step_s = 0;   // train: optimizer step; decode, serve: one engine step; prefill: the pass
  double ttft_s = 0;   // prefill: the pass; serve: time to first token in the steady state
  double tpot_s = 0;   // decode, serve: time per output token
  double mfu = 0;      // train: model FLOPs / (time x devices x dense BF16 peak)
  double tokens_per_s_per_kw = 0;  // 0 when the TDP is unknown
  bool power_known = false;

  // Serving (serve): the steady state chosen.
  double batch = 0;               // decode, serve: sequences in flight per replica (serve disaggregated: decode pool)
  BatchLimit limit = BatchLimit::KvCache;  // serve: what bounded the batch
  double total_tokens_per_s_per_device = 0;  // serve: prompt + generated tokens
  double decode_tokens_per_s_per_device = 0;   // serve disaggregated: the decode pool's own rate
  double prefill_tokens_per_s_per_device = 0;  // serve disaggregated: the prefill pool's prompt tokens
  double prefill_devices_per_decode_device = 0;  // serve disaggregated: pool ratio
  double tokens_per_step = 1;     // decode, serve: tokens kept per sequence and step (drafts accepted + 1)

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

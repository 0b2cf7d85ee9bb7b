// Serving as engines run it, built on step costs (perf/step.h).
//
// The unit of work is one replica for tensor/pipeline layouts and one device
// for expert-parallel ones (each runs its own sequences); rates are per unit.
//  - prefill pass: prompts processed in one step, attending on average to half
//    their length;
//  - decode at a fixed batch: B sequences generating at a mean context of
//    input + output/2, each step running 1 + draft tokens per sequence and
//    keeping tau = 1 + a + ... + a^D of them (acceptance a per draft token);
//    the draft module costs one layer per draft token;
//  - continuous batching (colocated): B sequences in flight; every step each
//    keeps tau tokens and the step also carries the prompt tokens that keep B
//    in flight, B x input x tau / output (chunked prefill mixed into decode).
//    Output = B tau / T(B); TPOT = T(B) / tau. B is bounded by the KV cache
//    (an admitted sequence reserves input + kv_reserved_output_fraction x
//    output tokens), by the step token budget, by a concurrency cap and, under
//    SLOs, by TPOT and TTFT. TTFT = the steps a prompt needs at the budget left
//    after decode tokens (each as long as a step with a full chunk), stretched
//    by the M/D/1 wait at that budget's utilisation;
//  - disaggregated: a decode pool at the largest batch its KV cache and the
//    TPOT limit allow, and a prefill pool sized to feed it, whose step is as
//    large as the TTFT limit allows; output per device counts both pools.
// SLO searches are binary searches over the batch (TPOT and TTFT grow with it)
// and over the prefill chunk: O(log batch) step costs.
//
// Pure; thread-safe.
#pragma once

#include <string>

#include "suanli/perf/step.h"

namespace suanli {

// What bounded a serving batch.
enum class BatchLimit { KvCache, StepTokens, Concurrency, Tpot, Ttft };
std::string_view name(BatchLimit l);

// One engine: a model on a layout with the rates of its device.
struct Engine {
  const ModelSpec* model = nullptr;  // not owned
  Rates rates;
  Layout layout;
  double kv_tokens = 0;        // tokens of KV cache one unit holds
  double units_per_replica = 1;
  double devices_per_unit = 1;
};

struct Drafting {
  int draft_tokens = 0;   // MTP or speculative tokens proposed per step
  double acceptance = 0;  // probability each is accepted (given the previous ones were)
  double tokens_per_step() const;  // tau
};

struct Request {
  double input = 0;   // mean prompt tokens
  double output = 0;  // mean generated tokens
};

struct ServeLimits {
  double max_ttft_s = 0;  // 0: unconstrained
  double max_tpot_s = 0;
  double max_seqs = 0;    // concurrency cap per unit (0: none)
  double step_tokens = 0; // tokens one step may carry per unit
  double reserved_output_fraction = 1;
};

struct PhaseResult {
  double time_s = 0;       // the step (decode: one token step)
  double tokens_per_s = 0; // per unit: prompt tokens (prefill), kept tokens (decode)
  StepCost cost;
};

struct ServeResult {
  bool ok = false;
  std::string why;         // when not ok
  double batch = 0;        // sequences in flight per unit (decode pool when disaggregated)
  BatchLimit limit = BatchLimit::KvCache;
  double output_per_s = 0; // generated tokens per second per device, all pools counted
  double ttft_s = 0;
  double tpot_s = 0;
  StepCost cost;           // the (decode) step
  // Disaggregated only: each pool's own rate per device, and its size.
  double decode_output_per_s = 0;
  double prefill_input_per_s = 0;
  double prefill_devices_per_decode_device = 0;
};

PhaseResult prefill_pass(const Engine& e, double prompts, double input);
PhaseResult decode_at(const Engine& e, double seqs, double context, const Drafting& d);
ServeResult serve_colocated(const Engine& e, const Request& q, const Drafting& d, const ServeLimits& lim);
ServeResult serve_disaggregated(const Engine& decode, const Engine& prefill, const Request& q, const Drafting& d,
                                const ServeLimits& lim);

}  // namespace suanli

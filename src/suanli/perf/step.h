// The cost of one forward step of an inference engine on one replica, the unit
// every inference estimate is built from (DESIGN.md section 5).
//
// A step runs the kernels of the layers a device holds one after another, so
// its time is the sum of the kernel classes' times, each the larger of its
// memory time and its compute time (a roofline per kernel class), plus a
// fixed overhead per step:
//  - GEMMs read the weights the step's tokens touch (MoE: the experts they are
//    routed to) and multiply at gemm_flops x m / (tile x ceil(m / tile)) for
//    m tokens per GEMM (GEMMs pad to whole tiles; below one tile, to the small
//    tile of the kernels engines use for few tokens); routed experts run at a further `moe` factor, and the
//    busiest device of an expert-parallel group carries the statistical excess
//    of its routed tokens, 1 + sqrt(2 ln(ep) / tokens routed to it).
//  - Attention reads every generating sequence's KV cache and does the score
//    and value products (MLA in its absorbed form), prompt tokens attend to
//    their prefix.
//  - Tensor parallelism all-reduces twice per layer; pipeline stages hand the
//    activations on; expert parallelism dispatches (FP8) and combines (BF16)
//    every token's k expert inputs per MoE layer, over the chip-to-chip link
//    to peers inside the scale-up domain and over the NIC to the rest, with
//    `overlap` of it hidden behind compute (two-batch overlap).
// Layouts: tensor x pipeline parallel replicas (a MoE model's experts then
// split like every other matrix), or expert parallel groups whose devices
// each run attention and the dense layers on their own sequences (data-
// parallel attention) and hold 1/ep of the experts plus redundant copies.
//
// Pure; thread-safe; no allocation.
#pragma once

#include "suanli/model/model_spec.h"

namespace suanli {

// One device's rates after efficiencies (built by the estimate from the
// catalog figures and the stack's InferenceEfficiency).
struct Rates {
  double gemm_flops = 0;       // FLOP/s of large GEMMs at the modelled precision
  double attention_flops = 0;  // FLOP/s of attention math
  double mem_bw = 0;           // bytes/s of HBM reached
  double link_bw = 0;          // bytes/s one direction inside the scale-up domain (0: no link)
  double scaleout_bw = 0;      // bytes/s one direction over the NIC
  double collective_s = 0;     // fixed cost of a tensor-parallel all-reduce
  double a2a_s = 0;            // fixed cost of an all-to-all inside the domain
  double scaleout_collective_s = 0;  // fixed cost of an all-to-all across domains
  double overlap = 0;          // share of expert-parallel traffic hidden
  double step_overhead_s = 0;  // fixed cost of one step
  double moe = 1;              // grouped-expert GEMM factor
  double gemm_tile_tokens = 1; // rows of the matrix unit's tile
  double small_gemm_tile_tokens = 1;  // the same below one tile
  double weight_bytes = 2;     // bytes per parameter
  double kv_bytes = 2;         // bytes per KV-cache element
  int scaleup = 1;             // devices in the chip-to-chip domain
};

struct Layout {
  int tp = 1;                 // tensor parallel (tp x pp devices), when ep == 1
  int pp = 1;                 // pipeline stages
  int ep = 1;                 // expert-parallel group size (> 1: data-parallel attention over ep devices)
  int redundant_experts = 0;  // extra expert copies spread over the group (load balancing)

  bool expert_parallel() const { return ep > 1; }
  int devices() const { return expert_parallel() ? ep : tp * pp; }
};

// The work of one step. Per replica for tensor/pipeline layouts; per device
// for expert-parallel ones (each runs its own sequences).
struct StepWork {
  double decode_seqs = 0;     // sequences generating a token
  double verify_tokens = 1;   // tokens each of them runs (1 + draft tokens verified)
  double decode_context = 0;  // their mean context, tokens
  double prefill_tokens = 0;  // prompt tokens in the step
  double prefill_context = 0; // mean prefix a prompt token attends to

  double tokens() const { return decode_seqs * verify_tokens + prefill_tokens; }
};

struct StepCost {
  double time_s = 0;     // the step
  double compute_s = 0;  // kernel time set by arithmetic
  double memory_s = 0;   // kernel time set by memory bandwidth
  double comm_s = 0;     // collectives on the critical path
};

StepCost step_cost(const StepWork& w, const ModelSpec& m, const Rates& r, const Layout& l);

// Bytes of weights one device holds.
double weight_bytes_per_device(const ModelSpec& m, const Rates& r, const Layout& l);

// KV-cache bytes one token of context takes on one device (tensor layouts
// split the heads, or replicate KV heads when there are fewer than tp ranks;
// pipeline layouts split the layers; expert-parallel devices keep their own
// sequences whole).
double kv_bytes_per_token(const ModelSpec& m, const Rates& r, const Layout& l);

}  // namespace suanli

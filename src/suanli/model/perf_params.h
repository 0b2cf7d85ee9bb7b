// PerfParams: the calibration data of the performance model.
//
// Efficiency factors are the fraction of a published peak that real software
// reaches on one software stack; constants are the few modelling assumptions
// that are not chip figures. Each carries the measurement or reference it came
// from. Loaded from data/perf.yaml (compiled in).
//
// Training uses one Efficiency per stack. Inference uses one
// InferenceEfficiency per stack whose terms are functions of the work: a GEMM
// over m tokens runs in tiles of gemm_tile_tokens rows (fewer tokens than a
// tile: small_gemm_tile_tokens, the kernels engines switch to), so it reaches
// gemm x m / (tile x ceil(m / tile)) of peak; memory-bound kernels reach a
// fraction of the HBM bandwidth; collectives pay a fixed cost plus bytes over
// a fraction of the link; every forward step pays a fixed overhead.
//
// Plain value type; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "suanli/model/enums.h"

namespace suanli {

// The phases training efficiency is calibrated for (inference has its own entries).
enum class Phase { Train };

struct Efficiency {
  std::string stack;       // software stack, or "*" for the fallback
  Phase phase = Phase::Train;
  double compute = 0.5;    // fraction of dense peak reached by the phase's matmuls
  double memory = 0.8;     // fraction of peak memory bandwidth reached
  double link = 0.7;       // fraction of link / network bandwidth reached by collectives
  double overlap = 0.0;    // fraction of communication hidden behind compute
  double latency_us = 0;   // fixed cost of one collective (launch + synchronisation)
  // End-to-end speed-up of FP8/INT8/FP4 compute over BF16 on this stack: not
  // every operation runs in the low precision, so the gain is below the ratio
  // of peaks. The modelled rate is min(low-precision peak, BF16 peak x this).
  double low_precision_speedup = 2.0;
  Grade grade = Grade::Unknown;
  std::string source;      // the measurement it was calibrated on

  bool operator==(const Efficiency&) const = default;
};

// What one stack's inference kernels reach (see the header comment).
struct InferenceEfficiency {
  std::string stack;             // software stack, or "*" for the fallback
  double gemm = 0.6;             // fraction of dense peak reached by large GEMMs
  int gemm_tile_tokens = 64;     // rows (tokens) of the matrix unit's tile: GEMMs pad up to whole tiles
  int small_gemm_tile_tokens = 8;  // the same for GEMMs over fewer tokens than a tile
  double memory = 0.8;           // fraction of peak HBM bandwidth reached streaming weights and KV cache
  double attention = 0.4;        // fraction of the BF16 peak reached by attention math
  double moe = 0.6;              // grouped expert GEMMs relative to dense ones (routing, permutation, padding)
  double link = 0.7;             // fraction of link / NIC bandwidth reached by collectives
  double collective_us = 10;     // fixed cost of one tensor-parallel all-reduce
  double a2a_us = 20;            // fixed cost of one expert-parallel all-to-all inside the chip-to-chip domain
  double scaleout_collective_us = 50;  // fixed cost of one all-to-all that crosses domains
  double overlap = 0;            // fraction of expert-parallel all-to-all hidden behind compute
  double step_overhead_us = 0;   // fixed cost of one forward step (scheduling, sampling, launches)
  double low_precision_speedup = 2.0;  // as Efficiency::low_precision_speedup
  Grade grade = Grade::Unknown;
  std::string source;            // the measurements it was fitted on

  bool operator==(const InferenceEfficiency&) const = default;
};

struct PerfParams {
  // Fraction of device memory usable for weights, KV cache and activations
  // (the rest: runtime context, allocator fragmentation, workspaces).
  double usable_memory_fraction = 0.9;
  // Scale-out (inter-node) network bandwidth per device, GB/s, one direction.
  double scaleout_gbps_per_device = 50.0;
  // Activation bytes per token per layer per hidden unit under selective
  // recomputation with sequence parallelism (Korthikanti et al. 2022: 34 s b h / t).
  double activation_bytes_selective = 34.0;
  // Same with full recomputation (only the layer input is kept: 2 s b h).
  double activation_bytes_full = 2.0;
  // Model-state bytes per parameter with a distributed (ZeRO-1) optimizer:
  // fixed part (bf16 weights + fp32 gradients) and the part sharded over data parallel.
  double state_bytes_fixed = 6.0;
  double state_bytes_sharded = 12.0;
  // Virtual pipeline stages per device in the interleaved 1F1B schedule; the
  // pipeline bubble is (pp - 1) / (v x microbatches).
  int pipeline_virtual_stages = 4;
  // Fraction of the dense matmul efficiency that routed-expert layers reach in
  // training (small per-expert GEMMs, routing, load imbalance).
  double moe_expert_efficiency = 1.0;

  // Inference engine constants.
  // Most tokens one forward step processes (the engine's max_num_tokens): when
  // serving under latency limits, and when serving offline.
  int online_step_tokens = 8192;
  int offline_step_tokens = 32768;
  // Most sequences one replica keeps in flight.
  int max_sequences = 4096;
  // Share of a sequence's output tokens whose KV cache is reserved on admission
  // (1 = room for the whole output, as a no-eviction scheduler keeps).
  double kv_reserved_output_fraction = 1.0;

  std::vector<std::string> notes;  // provenance of the constants above

  std::vector<Efficiency> efficiency;
  std::vector<InferenceEfficiency> inference;

  // The training entry for `stack`, falling back to "*".
  // REQUIRES: a "*" entry exists (the loader checks this).
  const Efficiency& lookup(const std::string& stack, Phase phase) const;
  // The inference entry for `stack`, falling back to "*".
  // REQUIRES: a "*" entry exists (the loader checks this).
  const InferenceEfficiency& inference_for(const std::string& stack) const;

  bool operator==(const PerfParams&) const = default;
};

std::string_view name(Phase p);

}  // namespace suanli

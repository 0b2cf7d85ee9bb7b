// PerfParams: the calibration data of the performance model.
//
// Efficiency factors are the fraction of a published peak that real software
// reaches, per software stack and phase; constants are the few modelling
// assumptions that are not chip figures. Each carries the measurement or
// reference it came from. Loaded from data/perf.yaml (compiled in).
//
// Plain value type; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "suanli/model/enums.h"

namespace suanli {

// The phases efficiency is calibrated for (serve = prefill + decode).
enum class Phase { Train, Prefill, Decode };

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
  std::vector<std::string> notes;  // provenance of the constants above

  std::vector<Efficiency> efficiency;

  // The entry for (stack, phase), falling back to ("*", phase).
  // REQUIRES: a "*" entry exists for every phase (the loader checks this).
  const Efficiency& lookup(const std::string& stack, Phase phase) const;

  bool operator==(const PerfParams&) const = default;
};

std::string_view name(Phase p);

}  // namespace suanli

#include "suanli/perf/estimate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli {
namespace {

constexpr double kGB = 1e9;
constexpr double kTera = 1e12;
constexpr double kActivationBytes = 2.0;  // activations and collectives travel in BF16
constexpr int kMaxDevices = 65536;

// The precision a chip runs a request at: the requested one when supported,
// else the next one it has (FP4 -> FP8 -> BF16, INT8 -> BF16; for inference an
// 8-bit request runs W8A8 INT8 on a chip with INT8 but no FP8, as DeepSeek is
// served on Ascend). A format whose support is unknown is not assumed.
Precision effective_precision(Precision requested, const Accelerator& a, Task task) {
  auto has = [&](Precision p) { return a.rate(p).known(); };
  switch (requested) {
    case Precision::FP4:
      if (has(Precision::FP4)) return Precision::FP4;
      [[fallthrough]];
    case Precision::FP8:
      if (has(Precision::FP8)) return Precision::FP8;
      if (task != Task::Train && has(Precision::INT8)) return Precision::INT8;
      return Precision::BF16;
    case Precision::INT8:
      return has(Precision::INT8) ? Precision::INT8 : Precision::BF16;
    case Precision::BF16:
      return Precision::BF16;
  }
  return Precision::BF16;
}

// KV cache in BF16, or in 8 bits alongside 8- and 4-bit weights.
double kv_bytes_per_element(Precision p) { return p == Precision::BF16 ? 2.0 : 1.0; }

// The chip figures a training estimate needs, checked once.
struct Chip {
  double peak_flops;     // at the modelled precision, FLOP/s
  double bf16_flops;     // for MFU
  double mem_bytes;      // usable bytes per device
  double link_bw;        // bytes/s one direction, after efficiency; 0 if unknown
  double scaleout_bw;    // bytes/s one direction, after efficiency
  double latency_s;      // per collective
  double overlap;
  int scaleup;
  int node;
};

// Ring all-reduce of `bytes` over `n` ranks: 2 (n-1)/n of the data crosses
// each link, plus a fixed cost per collective.
double allreduce_s(double bytes, int n, double bw, double latency) {
  if (n <= 1) return 0.0;
  return 2.0 * (n - 1) / n * bytes / bw + latency;
}

std::vector<int> device_counts(int node) {
  std::vector<int> out;
  for (int d = 1; d < node; d *= 2) out.push_back(d);
  for (int d = node; d <= kMaxDevices; d *= 2) out.push_back(d);
  return out;
}

std::vector<int> tp_options(int limit, int devices) {
  std::vector<int> out;
  for (int tp = 1; tp <= std::min(limit, devices); tp *= 2) {
    if (devices % tp == 0) out.push_back(tp);
  }
  return out;
}

Bound bound_of(double compute, double memory, double comm) {
  if (comm >= compute && comm >= memory) return Bound::Interconnect;
  return memory > compute ? Bound::MemoryBandwidth : Bound::Compute;
}

void fail(Estimate& e, Fit fit, std::string why) {
  e.fit = fit;
  e.why = std::move(why);
}

// --- training ---------------------------------------------------------------

struct TrainResult {
  double mem_bytes = 0;  // at the chosen recomputation
  double min_mem_bytes = 0;  // with every layer recomputed
  bool fits = false;
  double step_s = 0;
  double t_compute = 0, t_comm = 0;
  Parallelism par;
};

// Models one optimizer step at layout (tp, pp, dp, ep). Recomputation is
// chosen as the smallest fraction of layers that makes the activations fit
// (Megatron's --recompute-num-layers), since each recomputed layer costs an
// extra forward pass.
TrainResult run_train(const Workload& w, const ModelSpec& m, const Chip& c, const PerfParams& p, int n,
                      Parallelism par) {
  TrainResult r;
  const int tp = par.tp, pp = par.pp, dp = par.dp, ep = par.ep;
  const double s = w.seq_len;
  const double h = m.hidden;
  const double micro = static_cast<double>(w.global_batch) / dp;  // microbatches of one sequence per replica
  const double layers_stage = static_cast<double>(m.layers) / pp;

  // Model states: experts are sharded over the ep ranks of the data-parallel
  // group; optimizer state over data-parallel ranks (distributed optimizer).
  const double expert_params = m.params_per_expert() * m.experts;
  const double dense_params = m.params() - expert_params;
  const double dense_dev = dense_params / (tp * pp);
  const double expert_dev = expert_params / (static_cast<double>(tp) * pp * ep);
  const double states = (dense_dev + expert_dev) * p.state_bytes_fixed + dense_dev * p.state_bytes_sharded / dp +
                        expert_dev * p.state_bytes_sharded / std::max(1, dp / ep);
  // Activations: under 1F1B the first stage holds min(pp, micro) microbatches
  // of its layers.
  const double in_flight = std::min<double>(pp, micro);
  const double per_layer = s * h * layers_stage * in_flight / tp;
  const double act_selective = p.activation_bytes_selective * per_layer;
  const double act_full = p.activation_bytes_full * per_layer;
  r.min_mem_bytes = states + act_full;
  const double room = c.mem_bytes - states;
  double recompute = 0;
  if (room < act_selective) {
    if (room < act_full) return r;  // does not fit even with every layer recomputed
    recompute = (act_selective - room) / (act_selective - act_full);
  }
  r.fits = true;
  par.recompute = recompute;
  r.mem_bytes = states + act_selective * (1 - recompute) + act_full * recompute;

  // Compute: model FLOPs per token, plus a second forward for recomputed layers.
  const double attn_fwd = 2.0 * m.layers * s * m.attention_width();  // causal: mean context s/2, 2 matmuls
  const double model_flops_tok = 6.0 * m.active_params() + 3.0 * attn_fwd;
  const double hw_flops_tok = model_flops_tok + recompute * (2.0 * m.active_params() + attn_fwd);
  const double tokens = static_cast<double>(w.global_batch) * s;
  // Routed-expert matmuls run at a fraction of the dense efficiency.
  const double expert_share = m.is_moe() ? 6.0 * m.experts_per_token * m.params_per_expert() / model_flops_tok : 0.0;
  const double moe_slowdown = 1.0 - expert_share + expert_share / p.moe_expert_efficiency;
  const double t_math = tokens * hw_flops_tok * moe_slowdown / n / c.peak_flops;
  // Interleaved 1F1B: bubble (pp - 1) / (v x micro).
  par.vp = pp > 1 ? std::max(1, std::min(p.pipeline_virtual_stages, static_cast<int>(layers_stage))) : 1;
  const double bubble = 1.0 + (pp - 1) / (par.vp * micro);
  r.t_compute = t_math * bubble;

  // Tensor parallel: 4 all-reduce equivalents of one microbatch's activations
  // per layer (2 forward, 2 backward), on the critical path.
  const double t_tp = micro * layers_stage * 4.0 * allreduce_s(s * h * kActivationBytes, tp, c.link_bw, c.latency_s);
  // Data parallel: reduce-scatter gradients + all-gather parameters (BF16).
  const double t_dp = allreduce_s(dense_dev * kActivationBytes, dp, c.scaleout_bw, c.latency_s) +
                      allreduce_s(expert_dev * kActivationBytes, std::max(1, dp / ep), c.scaleout_bw, c.latency_s);
  // Expert parallel: dispatch + combine of each token's k expert inputs,
  // forward and backward, for the share that leaves the rank; over the
  // chip-to-chip link when the group fits in the scale-up domain.
  double t_ep = 0;
  if (m.is_moe() && ep > 1) {
    const double moe_layers = static_cast<double>(m.layers - m.dense_layers) / pp;
    const double tokens_rank = tokens / dp / tp;
    const double bytes = tokens_rank * moe_layers * m.experts_per_token * h * kActivationBytes * 4.0 * (ep - 1) / ep;
    const bool inside_domain = static_cast<long>(ep) * tp <= c.scaleup && c.link_bw > 0;
    t_ep = bytes / (inside_domain ? c.link_bw : c.scaleout_bw);
  }
  r.t_comm = t_tp + t_dp + t_ep;
  r.step_s = r.t_compute + t_tp + (t_dp + t_ep) * (1.0 - c.overlap);
  r.par = par;
  return r;
}


double model_flops_per_token(const Workload& w, const ModelSpec& m) {
  return 6.0 * m.active_params() + 6.0 * m.layers * static_cast<double>(w.seq_len) * m.attention_width();
}

// Searches the layouts at each device count (the one asked for, or growing
// until one fits) and fills `e` with the fastest.
void estimate_train(const Workload& w, const ModelSpec& m, const Chip& c, const PerfParams& p, Estimate& e) {
  const std::vector<int> counts = w.devices > 0 ? std::vector<int>{w.devices} : device_counts(c.node);
  const int tp_limit = std::min(c.node, c.scaleup);
  double best_mem = std::numeric_limits<double>::infinity();
  int last_n = 0;
  for (int n : counts) {
    last_n = n;
    std::optional<TrainResult> best;
    for (int tp : tp_options(tp_limit, n)) {
      for (int pp = 1; pp <= m.layers && tp * pp <= n; pp *= 2) {
        if (n % (tp * pp) != 0) continue;
        const int dp = n / (tp * pp);
        if (dp > w.global_batch) continue;
        const int ep = m.is_moe() ? std::gcd(dp, m.experts) : 1;
        TrainResult r = run_train(w, m, c, p, n, Parallelism{tp, pp, dp, ep, 1, 0});
        best_mem = std::min(best_mem, r.min_mem_bytes);
        if (r.fits && (!best || r.step_s < best->step_s)) best = r;
      }
    }
    if (!best) continue;
    e.devices = n;
    e.parallel = best->par;
    e.mem_per_device_gb = best->mem_bytes / kGB;
    e.step_s = best->step_s;
    e.tokens_per_s = static_cast<double>(w.global_batch) * w.seq_len / best->step_s;
    e.mfu = e.tokens_per_s * model_flops_per_token(w, m) / (n * c.bf16_flops);
    e.t_compute_s = best->t_compute;
    e.t_comm_s = best->t_comm;
    e.bound = bound_of(best->t_compute, 0, best->step_s - best->t_compute);
    if (best->par.recompute > 0) {
      e.notes.push_back(fmt::format("recomputes {:.0f}% of layers to fit activations", best->par.recompute * 100));
    }
    return;
  }
  if (w.devices > 0) {
    fail(e, Fit::OutOfMemory, fmt::format("needs {:.0f} GB per device on {} devices; {:.0f} GB usable", best_mem / kGB,
                                          last_n, c.mem_bytes / kGB));
  } else {
    fail(e, Fit::OutOfMemory, fmt::format("does not fit on up to {} devices", last_n));
  }
}

Chip train_chip(const Accelerator& a, Precision prec, const Efficiency& eff, const PerfParams& p) {
  Chip c{};
  // Low precision speeds up only part of the work: cap the gain over BF16.
  c.peak_flops = std::min(a.rate(prec).value, a.bf16_tflops.value * eff.low_precision_speedup) * kTera * eff.compute;
  c.bf16_flops = a.bf16_tflops.value * kTera;
  c.mem_bytes = a.mem_gb.value * kGB * p.usable_memory_fraction;
  const auto link = a.link_gbps_per_direction();
  c.link_bw = link ? *link * kGB * eff.link : 0.0;
  c.scaleout_bw = p.scaleout_gbps_per_device * kGB * eff.link;
  c.latency_s = eff.latency_us * 1e-6;
  c.overlap = eff.overlap;
  c.node = std::max(1, a.node_devices);
  c.scaleup = std::max(1, a.scaleup_devices);
  return c;
}

// --- inference --------------------------------------------------------------

Rates inference_rates(const Accelerator& a, Precision prec, const InferenceEfficiency& ie, const PerfParams& p) {
  Rates r;
  // Low precision speeds up only part of the work: cap the gain over BF16.
  // Attention runs at the same precision (an 8-bit KV cache is read by 8-bit kernels).
  const double peak = std::min(a.rate(prec).value, a.bf16_tflops.value * ie.low_precision_speedup) * kTera;
  r.gemm_flops = peak * ie.gemm;
  r.attention_flops = peak * ie.attention;
  r.mem_bw = a.mem_tbps.value * kTera * ie.memory;
  const auto link = a.link_gbps_per_direction();
  r.link_bw = link ? *link * kGB * ie.link : 0.0;
  r.scaleout_bw = p.scaleout_gbps_per_device * kGB * ie.link;
  r.collective_s = ie.collective_us * 1e-6;
  r.a2a_s = ie.a2a_us * 1e-6;
  r.scaleout_collective_s = ie.scaleout_collective_us * 1e-6;
  r.overlap = ie.overlap;
  r.step_overhead_s = ie.step_overhead_us * 1e-6;
  r.moe = ie.moe;
  r.gemm_tile_tokens = std::max(1, ie.gemm_tile_tokens);
  r.small_gemm_tile_tokens = std::max(1, ie.small_gemm_tile_tokens);
  r.weight_bytes = bytes_per_value(prec);
  r.kv_bytes = kv_bytes_per_element(prec);
  r.scaleup = std::max(1, a.scaleup_devices);
  return r;
}

// Tensor x pipeline splits inside the chip-to-chip domain and, for MoE,
// expert parallelism over all n devices (or only the group asked for).
std::vector<Layout> inference_layouts(const Workload& w, const ModelSpec& m, int n, int tp_limit) {
  std::vector<Layout> out;
  if (w.ep > 0) {
    if (n == w.ep) out.push_back(Layout{.ep = n, .redundant_experts = w.redundant_experts});
    return out;
  }
  for (int tp : tp_options(tp_limit, n)) {
    if (n / tp <= m.layers && (w.tp == 0 || w.tp == tp)) out.push_back(Layout{.tp = tp, .pp = n / tp});
  }
  if (w.tp > 0) return out;
  if (m.is_moe() && n > 1 && n <= m.experts) out.push_back(Layout{.ep = n});
  return out;
}

// One layout's outcome for the workload.
struct Outcome {
  bool memory_fits = false;  // weights and the least KV the task needs fit
  bool ok = false;           // and the task's limits are met
  std::string why;
  double need_bytes = 0;     // per device at that least load
  double used_bytes = 0;     // per device at the load modelled
  Layout layout;
  double per_device = 0;     // tokens/s per device, the figure layouts are compared on
  ServeResult serve;
  PhaseResult phase;
  double batch = 0;          // sequences per replica
};

Engine engine_for(const ModelSpec& m, const Rates& r, const Layout& l, double usable_bytes) {
  Engine e;
  e.model = &m;
  e.rates = r;
  e.layout = l;
  e.units_per_replica = l.expert_parallel() ? l.ep : 1;
  e.devices_per_unit = l.expert_parallel() ? 1 : l.devices();
  e.kv_tokens = std::max(0.0, usable_bytes - weight_bytes_per_device(m, r, l)) / kv_bytes_per_token(m, r, l);
  return e;
}

ServeLimits serve_limits(const Workload& w, const PerfParams& p, const Engine& e) {
  ServeLimits lim;
  lim.max_ttft_s = w.max_ttft_ms * 1e-3;
  lim.max_tpot_s = w.max_tpot_ms * 1e-3;
  lim.max_seqs = w.batch > 0 ? w.batch / e.units_per_replica : p.max_sequences;
  lim.step_tokens = w.mode == ServeMode::Offline ? p.offline_step_tokens : p.online_step_tokens;
  lim.reserved_output_fraction = p.kv_reserved_output_fraction;
  return lim;
}

Outcome run_layout(const Workload& w, const ModelSpec& m, const Rates& r, const Layout& l, double usable,
                   const PerfParams& p) {
  Outcome o;
  o.layout = l;
  const Engine e = engine_for(m, r, l, usable);
  const Drafting d{w.draft_tokens, w.acceptance};
  const double kv_token = kv_bytes_per_token(m, r, l);
  const double units = e.units_per_replica;
  // The least KV the task needs per unit: its batch's contexts, or one sequence when serving.
  const double seqs = w.task == Task::Serve ? 1.0 : w.batch / units;
  const double context = w.input_tokens + (w.task == Task::Prefill ? 0.0 : w.output_tokens);
  o.need_bytes = weight_bytes_per_device(m, r, l) + seqs * context * kv_token;
  o.memory_fits = o.need_bytes <= usable;
  if (!o.memory_fits) return o;
  o.used_bytes = o.need_bytes;
  if (w.task == Task::Prefill) {
    o.phase = prefill_pass(e, seqs, w.input_tokens);
    o.per_device = o.phase.tokens_per_s / e.devices_per_unit;
    o.batch = w.batch;
    o.ok = true;
  } else if (w.task == Task::Decode) {
    o.phase = decode_at(e, seqs, w.input_tokens + w.output_tokens / 2.0, d);
    o.per_device = o.phase.tokens_per_s / e.devices_per_unit;
    o.batch = w.batch;
    o.ok = true;
  } else {
    const Request q{static_cast<double>(w.input_tokens), static_cast<double>(w.output_tokens)};
    const ServeLimits lim = serve_limits(w, p, e);
    o.serve = w.disaggregated ? serve_disaggregated(e, e, q, d, lim) : serve_colocated(e, q, d, lim);
    o.ok = o.serve.ok;
    o.why = o.serve.why;
    o.per_device = o.serve.output_per_s;
    o.batch = o.serve.batch * units;
    o.used_bytes = weight_bytes_per_device(m, r, l) + std::min(e.kv_tokens, o.serve.batch * (q.input + q.output)) * kv_token;
  }
  return o;
}

void fill_inference(const Workload& w, const Outcome& o, Estimate& e) {
  const Layout& l = o.layout;
  e.devices = l.devices();
  e.parallel = Parallelism{l.tp, l.pp, 1, l.ep, 1, 0};
  e.mem_per_device_gb = o.used_bytes / kGB;
  e.tokens_per_s_per_device = o.per_device;
  e.tokens_per_s = o.per_device * e.devices;
  e.batch = o.batch;
  e.tokens_per_step = Drafting{w.draft_tokens, w.acceptance}.tokens_per_step();
  const StepCost& c = w.task == Task::Serve ? o.serve.cost : o.phase.cost;
  e.t_compute_s = c.compute_s;
  e.t_memory_s = c.memory_s;
  e.t_comm_s = c.comm_s;
  e.bound = bound_of(c.compute_s, c.memory_s, c.comm_s);
  if (w.task == Task::Prefill) {
    e.step_s = e.ttft_s = o.phase.time_s;
  } else if (w.task == Task::Decode) {
    e.step_s = o.phase.time_s;
    e.tpot_s = o.phase.time_s / e.tokens_per_step;
  } else {
    e.ttft_s = o.serve.ttft_s;
    e.tpot_s = o.serve.tpot_s;
    e.step_s = o.serve.tpot_s * e.tokens_per_step;
    e.limit = o.serve.limit;
    e.total_tokens_per_s_per_device = o.per_device * (w.input_tokens + w.output_tokens) / w.output_tokens;
    e.decode_tokens_per_s_per_device = o.serve.decode_output_per_s;
    e.prefill_tokens_per_s_per_device = o.serve.prefill_input_per_s;
    e.prefill_devices_per_decode_device = o.serve.prefill_devices_per_decode_device;
  }
}

void estimate_inference(const Workload& w, const ModelSpec& m, const Accelerator& a, const PerfParams& p,
                        Estimate& e) {
  const InferenceEfficiency& ie = p.inference_for(a.stack);
  if (ie.stack == "*") e.notes.push_back(fmt::format("no fitted inference efficiency for the {} stack; fallback used", a.stack));
  const Rates r = inference_rates(a, e.precision, ie, p);
  const double usable = a.mem_gb.value * kGB * p.usable_memory_fraction;
  e.mem_usable_gb = usable / kGB;
  const int node = std::max(1, a.node_devices);
  const int tp_limit = std::min(node, std::max(1, a.scaleup_devices));
  const int asked = w.devices > 0 ? w.devices : w.ep;
  const std::vector<int> counts = asked > 0 ? std::vector<int>{asked} : device_counts(node);
  std::optional<Outcome> least_memory, missed;
  for (int n : counts) {
    if (n > 1 && r.link_bw <= 0 && n <= node) {
      fail(e, Fit::UnknownFigure, "unknown link_gbps (needed for more than one device)");
      return;
    }
    std::optional<Outcome> best;
    for (const Layout& l : inference_layouts(w, m, n, tp_limit)) {
      Outcome o = run_layout(w, m, r, l, usable, p);
      if (!least_memory || o.need_bytes < least_memory->need_bytes) least_memory = o;
      if (o.memory_fits && !o.ok && !missed) missed = o;
      if (o.ok && (!best || o.per_device > best->per_device)) best = o;
    }
    if (best) return fill_inference(w, *best, e);
  }
  if (missed) return fail(e, Fit::SloUnmet, missed->why);
  const int last = counts.empty() ? 0 : counts.back();
  if (!least_memory) {
    fail(e, Fit::BadDevices, fmt::format("{} devices cannot be laid out for {}", last, m.id));
  } else if (asked > 0) {
    fail(e, Fit::OutOfMemory, fmt::format("needs {:.0f} GB per device on {} devices; {:.0f} GB usable",
                                          least_memory->need_bytes / kGB, last, usable / kGB));
  } else {
    fail(e, Fit::OutOfMemory, fmt::format("does not fit on up to {} devices", last));
  }
}

// Collects the figures this estimate needs that are unknown.
std::vector<std::string> missing_figures(const Accelerator& a, Precision prec, bool multi_device) {
  std::vector<std::string> missing;
  if (!a.rate(prec).known()) missing.push_back(std::string(name(prec)) + (prec == Precision::INT8 ? "_tops" : "_tflops"));
  // The BF16 rate bounds the end-to-end gain of lower precisions (and is the MFU denominator).
  if (prec != Precision::BF16 && !a.bf16_tflops.known()) missing.push_back("bf16_tflops");
  if (!a.mem_gb.known()) missing.push_back("mem_gb");
  if (!a.mem_tbps.known()) missing.push_back("mem_tbps");
  if (multi_device && !a.link_gbps.known() && a.node_devices > 1) missing.push_back("link_gbps");
  return missing;
}

// Architecture fields the zoo does not know (0), named; empty when all known.
std::string unknown_model_fields(const ModelSpec& m) {
  std::string missing;
  for (auto [field, value] : {std::pair{"layers", m.layers}, std::pair{"hidden", m.hidden}, std::pair{"heads", m.heads},
                              std::pair{"kv_heads", m.kv_heads}, std::pair{"head_dim", m.head_dim}}) {
    if (value <= 0) missing += (missing.empty() ? "" : ", ") + std::string(field);
  }
  return missing;
}


// The serving fields of an inference workload (see validate()).
void validate_serving(const Workload& w, const ModelSpec& m) {
  if (w.max_ttft_ms < 0) throw InputError("--ttft-ms", fmt::format("must be positive, got {}", w.max_ttft_ms));
  if (w.max_tpot_ms < 0) throw InputError("--tpot-ms", fmt::format("must be positive, got {}", w.max_tpot_ms));
  if (w.mode == ServeMode::Offline && (w.max_ttft_ms > 0 || w.max_tpot_ms > 0)) {
    throw InputError("--mode", "offline serving has no latency limits; use --mode slo with --ttft-ms/--tpot-ms");
  }
  if (w.tp < 0 || (w.tp & (w.tp - 1)) != 0) {
    throw InputError("--tp", fmt::format("expected a power of two, got {}", w.tp));
  }
  if (w.tp > 0 && w.ep > 0) throw InputError("--tp", "give --tp or --ep, not both");
  if (w.tp > 0 && w.devices > 0 && w.devices % w.tp != 0) {
    throw InputError("--tp", fmt::format("{} devices are not a whole number of TP{} groups", w.devices, w.tp));
  }
  if (w.ep < 0 || w.ep > kMaxDevices) throw InputError("--ep", fmt::format("must be positive, got {}", w.ep));
  if (w.ep > 0) {
    if (!m.is_moe()) throw InputError("--ep", fmt::format("{} is dense: expert parallelism needs a MoE model", m.id));
    if (w.ep < 2 || w.ep > m.experts + w.redundant_experts) {
      throw InputError("--ep", fmt::format("an expert-parallel group of {} devices for {} experts; expected 2 to {}",
                                           w.ep, m.experts, m.experts + w.redundant_experts));
    }
    if (w.devices > 0 && w.devices != w.ep) {
      throw InputError("--devices", fmt::format("{} devices with --ep {}: one expert-parallel group is the replica; "
                                                "give the same count or leave --devices out", w.devices, w.ep));
    }
  }
  if (w.redundant_experts < 0 || (w.redundant_experts > 0 && w.ep == 0)) {
    throw InputError("--redundant-experts", "needs --ep and a count of 0 or more");
  }
  if (w.acceptance > 0 && w.draft_tokens == 0) throw InputError("--accept", "needs --mtp (draft tokens per step)");
  if (w.draft_tokens < 0 || w.draft_tokens > 16) {
    throw InputError("--mtp", fmt::format("draft tokens per step: expected 0 to 16, got {}", w.draft_tokens));
  }
  if (w.acceptance < 0 || w.acceptance >= 1) {
    throw InputError("--accept", fmt::format("acceptance rate: expected a fraction in [0, 1), got {}", w.acceptance));
  }
}

}  // namespace

void validate(const Workload& w, const ModelSpec& m) {
  auto positive = [](int v, const char* flag) {
    if (v <= 0) throw InputError(flag, fmt::format("must be a positive integer, got {}", v));
  };
  if (w.task == Task::Train) {
    if (w.precision != Precision::BF16 && w.precision != Precision::FP8) {
      throw InputError("--precision", fmt::format("training is modelled in bf16 or fp8 mixed precision, got {}",
                                                  name(w.precision)));
    }
    positive(w.seq_len, "--seq");
    positive(w.global_batch, "--global-batch");
    if (w.tp != 0 || w.ep != 0 || w.draft_tokens != 0 || w.disaggregated) {
      throw InputError("--task", "--tp, --ep, --mtp and --disaggregated apply to inference; training picks its layout");
    }
    if (m.max_context > 0 && w.seq_len > m.max_context) {
      throw InputError("--seq", fmt::format("{} tokens exceeds {}'s context of {}", w.seq_len, m.id, m.max_context));
    }
  } else {
    if (w.task == Task::Serve) {
      if (w.batch < 0) throw InputError("--batch", fmt::format("must be 0 (no cap) or positive, got {}", w.batch));
    } else {
      positive(w.batch, "--batch");
    }
    positive(w.input_tokens, "--input");
    if (w.task != Task::Prefill) positive(w.output_tokens, "--output");
    const long ctx = static_cast<long>(w.input_tokens) + (w.task == Task::Prefill ? 0 : w.output_tokens);
    if (m.max_context > 0 && ctx > m.max_context) {
      throw InputError("--input", fmt::format("input + output = {} tokens exceeds {}'s context of {}", ctx, m.id,
                                              m.max_context));
    }
    validate_serving(w, m);
  }
  if (w.devices < 0) throw InputError("--devices", fmt::format("must be positive, got {}", w.devices));
  if (w.devices > kMaxDevices) throw InputError("--devices", fmt::format("at most {} devices are modelled, got {}", kMaxDevices, w.devices));
  if (w.devices > 0 && w.devices != 1 && w.devices != 2 && w.devices != 4 && w.devices % 8 != 0) {
    throw InputError("--devices", fmt::format("{} devices cannot be laid out in parallel groups; use 1, 2, 4 or a "
                                              "multiple of 8 (whole 8-device nodes)", w.devices));
  }
  if (w.task == Task::Train && w.devices > w.global_batch * 64L) {
    throw InputError("--devices", "more devices than the global batch can keep busy");
  }
}

Estimate estimate(const Workload& w, const ModelSpec& m, const Accelerator& a, const PerfParams& p) {
  Estimate e;
  e.accelerator = &a;
  e.task = w.task;
  e.precision = effective_precision(w.precision, a, w.task);
  e.precision_fallback = e.precision != w.precision;
  if (e.precision_fallback) {
    const bool unknown = a.rate(w.precision).state == Figure::State::Unknown;
    e.notes.push_back(fmt::format("{} {} on {}; modelled at {}", name(w.precision),
                                  unknown ? "support unknown" : "not supported", a.id, name(e.precision)));
  }
  if (const std::string unknown = unknown_model_fields(m); !unknown.empty()) {
    fail(e, Fit::UnknownFigure, fmt::format("model {}: unknown {}", m.id, unknown));
    return e;
  }
  const int asked = w.devices > 0 ? w.devices : w.ep;
  if (auto missing = missing_figures(a, e.precision, asked > 1); !missing.empty()) {
    std::string list;
    for (const auto& f : missing) list += (list.empty() ? "" : ", ") + f;
    fail(e, Fit::UnknownFigure, "unknown " + list);
    return e;
  }
  const int node = std::max(1, a.node_devices);
  if (asked > node && asked % node != 0) {
    fail(e, Fit::BadDevices, fmt::format("{} devices is not a whole number of {}-device nodes", asked, node));
    return e;
  }
  if (w.task == Task::Train) {
    const Efficiency& eff = p.lookup(a.stack, Phase::Train);
    if (eff.stack == "*") e.notes.push_back(fmt::format("no measured efficiency for the {} stack; fallback used", a.stack));
    const Chip c = train_chip(a, e.precision, eff, p);
    e.mem_usable_gb = c.mem_bytes / kGB;
    if (w.devices > 1 && c.link_bw <= 0 && w.devices <= c.node) {
      fail(e, Fit::UnknownFigure, "unknown link_gbps (needed for more than one device)");
      return e;
    }
    estimate_train(w, m, c, p, e);
  } else {
    estimate_inference(w, m, a, p, e);
  }
  if (!e.ok()) return e;
  e.nodes = (e.devices + node - 1) / node;
  e.tokens_per_s_per_device = e.tokens_per_s / e.devices;
  e.tokens_per_s_per_node = e.tokens_per_s_per_device * std::min(e.devices, node);
  if (e.nodes > 1) e.tokens_per_s_per_node = e.tokens_per_s / e.nodes;
  if (a.tdp_w.known() && a.tdp_w.value > 0) {
    e.power_known = true;
    e.tokens_per_s_per_kw = e.tokens_per_s / (e.devices * a.tdp_w.value / 1000.0);
  }
  return e;
}

std::vector<Estimate> estimate_all(const Workload& w, const ModelSpec& m, const std::vector<Accelerator>& accs,
                                   const PerfParams& p) {
  std::vector<Estimate> out;
  out.reserve(accs.size());
  for (const Accelerator& a : accs) out.push_back(estimate(w, m, a, p));
  std::stable_sort(out.begin(), out.end(), [](const Estimate& x, const Estimate& y) {
    if (x.ok() != y.ok()) return x.ok();
    if (x.ok()) return x.tokens_per_s_per_device > y.tokens_per_s_per_device;
    return x.accelerator->id < y.accelerator->id;
  });
  return out;
}

std::string_view name(Fit f) {
  switch (f) {
    case Fit::Fits: return "fits";
    case Fit::OutOfMemory: return "out of memory";
    case Fit::BadDevices: return "bad device count";
    case Fit::UnknownFigure: return "unknown figure";
    case Fit::SloUnmet: return "misses the SLO";
  }
  return "unknown";
}

std::string_view name(ServeMode m) { return m == ServeMode::Offline ? "offline" : "slo"; }

}  // namespace suanli

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
// else the next wider one it has (FP4 -> FP8 -> BF16, INT8 -> BF16). A format
// whose support is unknown is not assumed.
Precision effective_precision(Precision requested, const Accelerator& a) {
  auto has = [&](Precision p) { return a.rate(p).known(); };
  switch (requested) {
    case Precision::FP4:
      if (has(Precision::FP4)) return Precision::FP4;
      [[fallthrough]];
    case Precision::FP8:
      if (has(Precision::FP8)) return Precision::FP8;
      return Precision::BF16;
    case Precision::INT8:
      return has(Precision::INT8) ? Precision::INT8 : Precision::BF16;
    case Precision::BF16:
      return Precision::BF16;
  }
  return Precision::BF16;
}

double kv_bytes_per_element(Precision p) { return p == Precision::BF16 ? 2.0 : 1.0; }

// The chip figures every estimate needs, checked once.
struct Chip {
  double peak_flops;     // at the modelled precision, FLOP/s
  double bf16_flops;     // for MFU
  double mem_bytes;      // usable bytes per device
  double mem_bw;         // bytes/s, after efficiency
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

// --- inference --------------------------------------------------------------

struct InferenceResult {
  double mem_bytes = 0;
  double time_s = 0;  // the phase's latency: TPOT (decode) or the pass (prefill)
  double t_compute = 0, t_memory = 0, t_comm = 0;
  Parallelism par;
};

// One pipeline tick of `mb` sequences through one stage, then the phase time.
InferenceResult run_inference(Phase phase, const Workload& w, const ModelSpec& m, const Chip& c, Precision prec,
                              int n, const Parallelism& par) {
  InferenceResult r;
  r.par = par;
  const int tp = par.tp, pp = par.pp;
  const double wbytes = bytes_per_value(prec);
  const double kvb = kv_bytes_per_element(prec);
  const int b = w.batch;
  const int mb = std::max(1, b / pp);                 // sequences per microbatch
  const int nmb = (b + mb - 1) / mb;                  // microbatches in flight
  const double layers_stage = static_cast<double>(m.layers) / pp;

  // Memory: weights split over all devices; KV split over TP (heads, or
  // sequences for MLA with data-parallel attention) and PP (layers). GQA with
  // fewer KV heads than TP ranks replicates heads.
  const double ctx_max = w.input_tokens + (phase == Phase::Decode ? w.output_tokens : 0);
  double kv_split = tp;
  if (m.attention != Attention::MLA && m.kv_heads > 0 && m.kv_heads < tp) kv_split = m.kv_heads;
  const double kv_total = static_cast<double>(b) * ctx_max * m.kv_elements_per_token() * kvb;
  r.mem_bytes = m.params() * wbytes / n + kv_total / (kv_split * pp);

  const double dense_flops_per_token = 2.0 * m.active_params();
  const double bytes_collective = kActivationBytes * m.hidden;
  if (phase == Phase::Decode) {
    const double ctx = w.input_tokens + w.output_tokens / 2.0;  // mean context over the generation
    const double flops_tok = dense_flops_per_token + 4.0 * m.layers * ctx * m.attention_width();
    const double w_tick = m.params_touched(mb) * wbytes / (tp * pp);
    const double kv_tick = mb * ctx * m.kv_elements_per_token() * kvb / (kv_split * pp);
    r.t_memory = (w_tick + kv_tick) / c.mem_bw;
    r.t_compute = mb * flops_tok / (tp * pp) / c.peak_flops;
    r.t_comm = layers_stage * 2.0 * allreduce_s(mb * bytes_collective, tp, c.link_bw, c.latency_s);
    if (pp > 1) r.t_comm += mb * bytes_collective / c.scaleout_bw + c.latency_s;
    const double tick = std::max(r.t_memory, r.t_compute) + r.t_comm;
    r.time_s = pp * tick;  // a token of one microbatch passes every stage
  } else {
    const double s = w.input_tokens;
    const double tokens = mb * s;
    const double flops_tok = dense_flops_per_token + 2.0 * m.layers * s * m.attention_width();  // causal: mean context s/2
    r.t_compute = tokens * flops_tok / (tp * pp) / c.peak_flops;
    r.t_memory = m.params_touched(tokens) * wbytes / (tp * pp) / c.mem_bw;
    r.t_comm = layers_stage * 2.0 * allreduce_s(tokens * bytes_collective, tp, c.link_bw, c.latency_s);
    if (pp > 1) r.t_comm += tokens * bytes_collective / c.scaleout_bw + c.latency_s;
    const double tick = std::max(r.t_memory, r.t_compute) + r.t_comm;
    r.time_s = (nmb + pp - 1) * tick;
  }
  return r;
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

Bound bound_of(double compute, double memory, double comm) {
  if (comm >= compute && comm >= memory) return Bound::Interconnect;
  return memory > compute ? Bound::MemoryBandwidth : Bound::Compute;
}

void fail(Estimate& e, Fit fit, std::string why) {
  e.fit = fit;
  e.why = std::move(why);
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
    if (m.max_context > 0 && w.seq_len > m.max_context) {
      throw InputError("--seq", fmt::format("{} tokens exceeds {}'s context of {}", w.seq_len, m.id, m.max_context));
    }
  } else {
    positive(w.batch, "--batch");
    positive(w.input_tokens, "--input");
    if (w.task != Task::Prefill) positive(w.output_tokens, "--output");
    const long ctx = static_cast<long>(w.input_tokens) + (w.task == Task::Prefill ? 0 : w.output_tokens);
    if (m.max_context > 0 && ctx > m.max_context) {
      throw InputError("--input", fmt::format("input + output = {} tokens exceeds {}'s context of {}", ctx, m.id,
                                              m.max_context));
    }
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
  e.precision = effective_precision(w.precision, a);
  e.precision_fallback = e.precision != w.precision;
  if (e.precision_fallback) {
    const bool unknown = a.rate(w.precision).state == Figure::State::Unknown;
    e.notes.push_back(fmt::format("{} {} on {}; modelled at {}", name(w.precision),
                                  unknown ? "support unknown" : "not supported", a.id, name(e.precision)));
  }

  // Architecture fields the zoo does not know (0) stop the estimate, named.
  std::string model_missing;
  for (auto [field, value] : {std::pair{"layers", m.layers}, std::pair{"hidden", m.hidden}, std::pair{"heads", m.heads},
                              std::pair{"kv_heads", m.kv_heads}, std::pair{"head_dim", m.head_dim}}) {
    if (value <= 0) model_missing += (model_missing.empty() ? "" : ", ") + std::string(field);
  }
  if (!model_missing.empty()) {
    fail(e, Fit::UnknownFigure, fmt::format("model {}: unknown {}", m.id, model_missing));
    return e;
  }

  const bool multi = w.devices != 1;
  if (auto missing = missing_figures(a, e.precision, multi && w.devices > 1); !missing.empty()) {
    std::string list;
    for (const auto& f : missing) list += (list.empty() ? "" : ", ") + f;
    fail(e, Fit::UnknownFigure, "unknown " + list);
    return e;
  }

  const Phase phase = w.task == Task::Train ? Phase::Train : (w.task == Task::Prefill ? Phase::Prefill : Phase::Decode);
  const Efficiency& eff = p.lookup(a.stack, phase);
  if (eff.stack == "*") e.notes.push_back(fmt::format("no measured efficiency for the {} stack; fallback used", a.stack));
  Chip c{};
  // Low precision speeds up only part of the work: cap the gain over BF16.
  c.peak_flops = std::min(a.rate(e.precision).value, a.bf16_tflops.value * eff.low_precision_speedup) * kTera * eff.compute;
  c.bf16_flops = a.bf16_tflops.value * kTera;
  c.mem_bytes = a.mem_gb.value * kGB * p.usable_memory_fraction;
  c.mem_bw = a.mem_tbps.value * kTera * eff.memory;
  const auto link = a.link_gbps_per_direction();
  c.link_bw = link ? *link * kGB * eff.link : 0.0;
  c.scaleout_bw = p.scaleout_gbps_per_device * kGB * eff.link;
  c.latency_s = eff.latency_us * 1e-6;
  c.overlap = eff.overlap;
  c.node = std::max(1, a.node_devices);
  c.scaleup = std::max(1, a.scaleup_devices);
  e.mem_usable_gb = c.mem_bytes / kGB;

  // Device counts to try: the one asked for, or growing until one fits.
  std::vector<int> counts = w.devices > 0 ? std::vector<int>{w.devices} : device_counts(c.node);
  if (w.devices > c.node && w.devices % c.node != 0) {
    fail(e, Fit::BadDevices, fmt::format("{} devices is not a whole number of {}-device nodes", w.devices, c.node));
    return e;
  }
  const int tp_limit = std::min(c.node, c.scaleup);

  bool found = false;
  double best_mem = std::numeric_limits<double>::infinity();
  int last_n = 0;
  for (int n : counts) {
    if (n > 1 && c.link_bw <= 0 && n <= c.node) {
      // No known link: the chips cannot be modelled together.
      fail(e, Fit::UnknownFigure, "unknown link_gbps (needed for more than one device)");
      return e;
    }
    last_n = n;
    if (w.task == Task::Train) {
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
      found = true;
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
      break;
    }

    std::optional<InferenceResult> best;
    for (int tp : tp_options(tp_limit, n)) {
      const int pp = n / tp;
      if (pp > m.layers) continue;
      InferenceResult r = run_inference(phase, w, m, c, e.precision, n, Parallelism{tp, pp, 1, 1, 1, 0});
      best_mem = std::min(best_mem, r.mem_bytes);
      if (r.mem_bytes > c.mem_bytes) continue;
      if (!best || r.time_s < best->time_s) best = r;
    }
    if (w.task == Task::Serve && best) {
      // Serve = prefill of the batch, then decode; both on the same layout.
      InferenceResult pre = run_inference(Phase::Prefill, w, m, c, e.precision, n, best->par);
      const Efficiency& eff_pre = p.lookup(a.stack, Phase::Prefill);
      const double scale = eff.compute / eff_pre.compute;  // prefill matmuls run at the prefill efficiency
      e.ttft_s = pre.time_s * (pre.t_compute >= pre.t_memory ? scale : 1.0);
    }
    if (!best) continue;
    found = true;
    e.devices = n;
    e.parallel = best->par;
    e.mem_per_device_gb = best->mem_bytes / kGB;
    e.t_compute_s = best->t_compute;
    e.t_memory_s = best->t_memory;
    e.t_comm_s = best->t_comm;
    e.bound = bound_of(best->t_compute, best->t_memory, best->t_comm);
    if (w.task == Task::Prefill) {
      e.step_s = e.ttft_s = best->time_s;
      e.tokens_per_s = static_cast<double>(w.batch) * w.input_tokens / best->time_s;
    } else if (w.task == Task::Decode) {
      e.step_s = e.tpot_s = best->time_s;
      e.tokens_per_s = w.batch / best->time_s;
    } else {
      e.step_s = e.tpot_s = best->time_s;
      const double total = e.ttft_s + w.output_tokens * e.tpot_s;
      e.tokens_per_s = static_cast<double>(w.batch) * w.output_tokens / total;
    }
    break;
  }

  if (!found) {
    const double need_gb = best_mem / kGB;
    if (w.devices > 0) {
      fail(e, Fit::OutOfMemory, fmt::format("needs {:.0f} GB per device on {} devices; {:.0f} GB usable", need_gb,
                                            last_n, c.mem_bytes / kGB));
    } else {
      fail(e, Fit::OutOfMemory, fmt::format("does not fit on up to {} devices", last_n));
    }
    return e;
  }

  e.nodes = (e.devices + c.node - 1) / c.node;
  e.tokens_per_s_per_device = e.tokens_per_s / e.devices;
  e.tokens_per_s_per_node = e.tokens_per_s_per_device * std::min(e.devices, c.node);
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
  }
  return "unknown";
}

}  // namespace suanli

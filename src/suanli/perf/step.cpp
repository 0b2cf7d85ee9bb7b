#include "suanli/perf/step.h"

#include <algorithm>
#include <cmath>

namespace suanli {
namespace {

constexpr double kActivationBytes = 2.0;  // activations travel in BF16
constexpr double kDispatchBytes = 1.0;    // expert inputs are dispatched in FP8 ...
constexpr double kCombineBytes = 2.0;     // ... and their outputs combined in BF16

// A kernel class: its time is the larger of moving its bytes and doing its math.
struct Kernel {
  double memory_s = 0;
  double compute_s = 0;
  double time() const { return std::max(memory_s, compute_s); }
};

// A GEMM over `tokens` rows pads them to whole tiles (small tiles below one tile).
double gemm_rate(double tokens, const Rates& r) {
  const double tile = tokens < r.gemm_tile_tokens ? r.small_gemm_tile_tokens : r.gemm_tile_tokens;
  const double tiles = std::max(1.0, std::ceil(tokens / tile - 1e-9));
  return r.gemm_flops * tokens / (tiles * tile);
}

// Parameters every token of a MoE model uses (all of a dense model's).
double shared_params(const ModelSpec& m) { return m.is_moe() ? m.dense_params() : m.active_params(); }

double kv_split(const ModelSpec& m, const Layout& l) {
  if (l.expert_parallel()) return 1.0;
  const bool replicated = m.attention != Attention::MLA && m.kv_heads > 0 && m.kv_heads < l.tp;
  return (replicated ? m.kv_heads : l.tp) * static_cast<double>(l.pp);
}

Kernel attention(const StepWork& w, const ModelSpec& m, const Rates& r, const Layout& l) {
  const double split_math = l.expert_parallel() ? 1.0 : static_cast<double>(l.tp) * l.pp;
  const double kv = w.decode_seqs * w.decode_context * m.kv_elements_per_token() * r.kv_bytes / kv_split(m, l);
  const double flops = (w.decode_seqs * w.verify_tokens * w.decode_context * m.decode_attention_flops_per_context_token() +
                        w.prefill_tokens * w.prefill_context * 4.0 * m.layers * m.attention_width()) /
                       split_math;
  return {kv / r.mem_bw, flops / r.attention_flops};
}

// Tensor/pipeline replica: the GEMMs of one stage for `tokens` tokens.
Kernel tp_gemms(double tokens, const ModelSpec& m, const Rates& r, const Layout& l) {
  const double split = static_cast<double>(l.tp) * l.pp;
  const double bytes = m.params_touched(tokens) * r.weight_bytes / split;
  double seconds = tokens * 2.0 * shared_params(m) / split / gemm_rate(tokens, r);
  if (m.is_moe()) {
    // Only the experts the tokens are routed to run, each over its own tokens.
    const double k = m.experts_per_token;
    const double touched = m.experts * (1.0 - std::pow(1.0 - k / m.experts, tokens));
    seconds += tokens * 2.0 * k * m.params_per_expert() / split / (gemm_rate(tokens * k / touched, r) * r.moe);
  }
  return {bytes / r.mem_bw, seconds};
}

double tp_comm(double tokens, const ModelSpec& m, const Rates& r, const Layout& l) {
  const double layers = static_cast<double>(m.layers) / l.pp;
  const double bytes = tokens * m.hidden * kActivationBytes;
  double t = 0;
  if (l.tp > 1) t += layers * 2.0 * (r.collective_s + 2.0 * (l.tp - 1) / l.tp * bytes / r.link_bw);
  if (l.pp > 1) {
    const bool inside = l.tp * l.pp <= r.scaleup && r.link_bw > 0;
    t += inside ? r.collective_s + bytes / r.link_bw : r.scaleout_collective_s + bytes / r.scaleout_bw;
  }
  return t;
}

StepCost tp_step(const StepWork& w, const ModelSpec& m, const Rates& r, const Layout& l) {
  // Up to pp microbatches in flight (no fewer than one sequence each): each
  // stage runs one through 1/pp of the layers, and a token passes all pp
  // stages. With fewer sequences than stages, stages wait (the bubble).
  const double prompts = w.prefill_tokens / std::max(1.0, 2.0 * w.prefill_context);
  const double microbatches = std::clamp(w.decode_seqs + prompts, 1.0, static_cast<double>(l.pp));
  StepWork stage = w;
  stage.decode_seqs /= microbatches;
  stage.prefill_tokens /= microbatches;
  const Kernel g = tp_gemms(stage.tokens(), m, r, l);
  const Kernel a = attention(stage, m, r, l);
  const double comm = tp_comm(stage.tokens(), m, r, l);
  StepCost c;
  c.compute_s = l.pp * (g.compute_s + a.compute_s);
  c.memory_s = l.pp * (g.memory_s + a.memory_s);
  c.comm_s = l.pp * comm;
  c.time_s = l.pp * (g.time() + a.time() + comm) + r.step_overhead_s;
  return c;
}

// Expert-parallel device: dense layers on its own tokens, 1/ep of the experts
// for the whole group's tokens.
Kernel ep_gemms(double tokens, const ModelSpec& m, const Rates& r, const Layout& l) {
  const double k = m.experts_per_token;
  const double local_experts = static_cast<double>(m.experts + l.redundant_experts) / l.ep;
  const double touched = 1.0 - std::pow(1.0 - k / m.experts, tokens * l.ep);
  const double routed = tokens * k * (1.0 + std::sqrt(2.0 * std::log(l.ep) / std::max(1.0, tokens * k)));
  const double bytes = (m.dense_params() + local_experts * touched * m.params_per_expert()) * r.weight_bytes;
  const double seconds = tokens * 2.0 * m.dense_params() / gemm_rate(tokens, r) +
                         routed * 2.0 * m.params_per_expert() / (gemm_rate(routed / (local_experts * touched), r) * r.moe);
  return {bytes / r.mem_bw, seconds};
}

// Dispatch (FP8) and combine (BF16) of every token's expert inputs per MoE
// layer. Decode-sized steps send a copy per routed expert straight to its
// device (low-latency mode); prompt-heavy steps send one copy per remote
// scale-up domain and forward inside it over the link (normal mode).
double ep_all_to_all(const StepWork& w, const ModelSpec& m, const Rates& r, const Layout& l) {
  const double k = m.experts_per_token;
  const double per_copy = m.hidden * (kDispatchBytes + kCombineBytes);
  const int domain = r.link_bw > 0 ? std::min(l.ep, r.scaleup) : 1;
  const double domains = std::ceil(static_cast<double>(l.ep) / domain);
  const double inside = static_cast<double>(domain - 1) / (l.ep - 1);
  const double tokens = w.tokens();
  double link_bytes = tokens * k * per_copy * (domain - 1) / l.ep;
  double nic_bytes = tokens * k * per_copy * (1.0 - inside) * (l.ep - 1) / l.ep;
  if (w.prefill_tokens > w.decode_seqs * w.verify_tokens && domains > 1) {
    nic_bytes = tokens * per_copy * (domains - 1) * (1.0 - std::pow(1.0 - 1.0 / domains, k));
    link_bytes = tokens * k * per_copy * (domain - 1) / domain;
  }
  const double transfer = std::max(link_bytes > 0 ? link_bytes / r.link_bw : 0.0, nic_bytes / r.scaleout_bw);
  const double fixed = 2.0 * (domains > 1 ? r.scaleout_collective_s : r.a2a_s);
  return m.moe_layers() * (fixed + transfer);
}

StepCost ep_step(const StepWork& w, const ModelSpec& m, const Rates& r, const Layout& l) {
  const Kernel g = ep_gemms(w.tokens(), m, r, l);
  const Kernel a = attention(w, m, r, l);
  const double comm = ep_all_to_all(w, m, r, l);
  StepCost c;
  c.compute_s = g.compute_s + a.compute_s;
  c.memory_s = g.memory_s + a.memory_s;
  c.comm_s = comm * (1.0 - r.overlap);
  c.time_s = g.time() + a.time() + c.comm_s + r.step_overhead_s;
  return c;
}

}  // namespace

StepCost step_cost(const StepWork& w, const ModelSpec& m, const Rates& r, const Layout& l) {
  return l.expert_parallel() ? ep_step(w, m, r, l) : tp_step(w, m, r, l);
}

double weight_bytes_per_device(const ModelSpec& m, const Rates& r, const Layout& l) {
  if (!l.expert_parallel()) return m.params() * r.weight_bytes / (static_cast<double>(l.tp) * l.pp);
  const double local_experts = static_cast<double>(m.experts + l.redundant_experts) / l.ep;
  return (m.dense_params() + local_experts * m.params_per_expert()) * r.weight_bytes;
}

double kv_bytes_per_token(const ModelSpec& m, const Rates& r, const Layout& l) {
  return m.kv_elements_per_token() * r.kv_bytes / kv_split(m, l);
}

}  // namespace suanli

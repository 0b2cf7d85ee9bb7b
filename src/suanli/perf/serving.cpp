#include "suanli/perf/serving.h"

#include <algorithm>
#include <cmath>
#include <functional>

#include <fmt/format.h>

namespace suanli {
namespace {

// Draft module (MTP or a one-layer speculative head): each draft token is a
// forward pass of one layer's worth of a decode step, with its own fixed cost.
double draft_s(const Engine& e, double seqs, double context, const Drafting& d) {
  if (d.draft_tokens == 0 || seqs <= 0) return 0;
  const StepWork w{.decode_seqs = seqs, .verify_tokens = 1, .decode_context = context};
  const StepCost c = step_cost(w, *e.model, e.rates, e.layout);
  const double overhead = e.rates.step_overhead_s;
  return d.draft_tokens * ((c.time_s - overhead) / e.model->layers + overhead);
}

// The largest integer b in [1, hi] with ok(b), given ok is monotone
// (true up to some b); 0 when even ok(1) fails.
double largest(double hi, const std::function<bool(double)>& ok) {
  double top = std::floor(hi);
  if (top < 1 || !ok(1)) return 0;
  if (ok(top)) return top;
  double lo = 1;  // ok(lo), !ok(top)
  while (top - lo > 1) {
    const double mid = std::floor((lo + top) / 2);
    (ok(mid) ? lo : top) = mid;
  }
  return lo;
}

// Steady state of continuous batching at b sequences per unit.
struct Steady {
  double output_per_s = 0;  // per unit
  double tpot_s = 0;
  double ttft_s = 0;
  StepCost cost;
};

Steady steady(const Engine& e, const Request& q, const Drafting& d, const ServeLimits& lim, bool queueing, double b) {
  const double tau = d.tokens_per_step();
  const double verify = 1.0 + d.draft_tokens;
  const double context = q.input + q.output / 2;
  StepWork w{.decode_seqs = b, .verify_tokens = verify, .decode_context = context,
             .prefill_tokens = b * q.input * tau / q.output, .prefill_context = q.input / 2};
  Steady s;
  s.cost = step_cost(w, *e.model, e.rates, e.layout);
  const double draft = draft_s(e, b, context, d);
  const double step = s.cost.time_s + draft;
  s.tpot_s = step / tau;
  s.output_per_s = b * tau / step;
  // A prompt is prefilled at the budget decode tokens leave, in steps that
  // carry a full chunk; under load it waits for the budget (M/D/1).
  const double budget = lim.step_tokens - b * verify;
  const double rho = std::min(w.prefill_tokens / budget, 0.999);
  w.prefill_tokens = std::max(w.prefill_tokens, std::min(q.input, budget));
  const double full_step = step_cost(w, *e.model, e.rates, e.layout).time_s + draft;
  const double wait = queueing ? 1.0 + rho / (2.0 * (1.0 - rho)) : 1.0;
  s.ttft_s = std::max(1.0, q.input / budget) * full_step * wait;
  return s;
}

std::string ms(double s) { return fmt::format("{:.1f} ms", s * 1000.0); }

}  // namespace

std::string_view name(BatchLimit l) {
  switch (l) {
    case BatchLimit::KvCache: return "kv-cache";
    case BatchLimit::StepTokens: return "step-tokens";
    case BatchLimit::Concurrency: return "concurrency";
    case BatchLimit::Tpot: return "tpot";
    case BatchLimit::Ttft: return "ttft";
  }
  return "kv-cache";
}

double Drafting::tokens_per_step() const {
  double tau = 1, term = 1;
  for (int i = 0; i < draft_tokens; ++i) tau += (term *= acceptance);
  return tau;
}

PhaseResult prefill_pass(const Engine& e, double prompts, double input) {
  const StepWork w{.prefill_tokens = prompts * input, .prefill_context = input / 2};
  PhaseResult r;
  r.cost = step_cost(w, *e.model, e.rates, e.layout);
  r.time_s = r.cost.time_s;
  r.tokens_per_s = w.prefill_tokens / r.time_s;
  return r;
}

PhaseResult decode_at(const Engine& e, double seqs, double context, const Drafting& d) {
  const StepWork w{.decode_seqs = seqs, .verify_tokens = 1.0 + d.draft_tokens, .decode_context = context};
  PhaseResult r;
  r.cost = step_cost(w, *e.model, e.rates, e.layout);
  r.time_s = r.cost.time_s + draft_s(e, seqs, context, d);
  r.tokens_per_s = seqs * d.tokens_per_step() / r.time_s;
  return r;
}

ServeResult serve_colocated(const Engine& e, const Request& q, const Drafting& d, const ServeLimits& lim) {
  ServeResult r;
  const double tau = d.tokens_per_step();
  const double per_seq_kv = q.input + lim.reserved_output_fraction * q.output;
  struct Bound {
    double batch;
    BatchLimit limit;
  };
  Bound b{e.kv_tokens / per_seq_kv, BatchLimit::KvCache};
  const double by_step = lim.step_tokens / (1.0 + d.draft_tokens + q.input * tau / q.output);
  if (by_step < b.batch) b = {by_step, BatchLimit::StepTokens};
  if (lim.max_seqs > 0 && lim.max_seqs < b.batch) b = {lim.max_seqs, BatchLimit::Concurrency};
  if (b.batch < 1) {
    r.why = b.limit == BatchLimit::KvCache
                ? fmt::format("KV cache holds {:.0f} tokens, one sequence reserves {:.0f}", e.kv_tokens, per_seq_kv)
                : fmt::format("a step of {:.0f} tokens cannot carry one sequence", lim.step_tokens);
    return r;
  }
  const bool online = lim.max_tpot_s > 0 || lim.max_ttft_s > 0;
  auto at = [&](double batch) { return steady(e, q, d, lim, online, batch); };
  auto tpot_ok = [&](double batch) { return lim.max_tpot_s <= 0 || at(batch).tpot_s <= lim.max_tpot_s; };
  auto ttft_ok = [&](double batch) { return lim.max_ttft_s <= 0 || at(batch).ttft_s <= lim.max_ttft_s; };
  double batch = std::floor(b.batch);
  if (!tpot_ok(batch) || !ttft_ok(batch)) {
    const double by_tpot = largest(batch, tpot_ok);
    const double by_ttft = largest(batch, ttft_ok);
    batch = std::min(by_tpot, by_ttft);
    b.limit = by_tpot <= by_ttft ? BatchLimit::Tpot : BatchLimit::Ttft;
    if (batch < 1) {
      const Steady one = at(1);
      r.why = b.limit == BatchLimit::Tpot
                  ? fmt::format("TPOT {} at batch 1 exceeds the SLO of {}", ms(one.tpot_s), ms(lim.max_tpot_s))
                  : fmt::format("TTFT {} at batch 1 exceeds the SLO of {}", ms(one.ttft_s), ms(lim.max_ttft_s));
      return r;
    }
  }
  const Steady s = at(batch);
  r.ok = true;
  r.batch = batch;
  r.limit = b.limit;
  r.output_per_s = s.output_per_s / e.devices_per_unit;
  r.ttft_s = s.ttft_s;
  r.tpot_s = s.tpot_s;
  r.cost = s.cost;
  return r;
}

ServeResult serve_disaggregated(const Engine& decode, const Engine& prefill, const Request& q, const Drafting& d,
                                const ServeLimits& lim) {
  ServeResult r;
  const double context = q.input + q.output / 2;
  // Decode pool: the largest batch its KV cache, the cap and the TPOT limit allow.
  double batch = decode.kv_tokens / (q.input + q.output);
  r.limit = BatchLimit::KvCache;
  if (lim.max_seqs > 0 && lim.max_seqs < batch) {
    batch = lim.max_seqs;
    r.limit = BatchLimit::Concurrency;
  }
  auto tpot_ok = [&](double b) {
    const PhaseResult p = decode_at(decode, b, context, d);
    return lim.max_tpot_s <= 0 || p.time_s / d.tokens_per_step() <= lim.max_tpot_s;
  };
  if (batch < 1) {
    r.why = fmt::format("decode KV cache holds {:.0f} tokens, one sequence needs {:.0f}", decode.kv_tokens,
                        q.input + q.output);
    return r;
  }
  if (!tpot_ok(std::floor(batch))) r.limit = BatchLimit::Tpot;
  batch = largest(batch, tpot_ok);
  if (batch < 1) {
    const PhaseResult one = decode_at(decode, 1, context, d);
    r.why = fmt::format("TPOT {} at batch 1 exceeds the SLO of {}", ms(one.time_s / d.tokens_per_step()),
                        ms(lim.max_tpot_s));
    return r;
  }
  const PhaseResult dec = decode_at(decode, batch, context, d);
  // Prefill pool: whole prompts per step, as many as the budget, its KV cache
  // and the TTFT limit allow (a prompt longer than the budget takes several steps).
  const double fit = std::min(lim.step_tokens, prefill.kv_tokens);
  const double most = std::max(1.0, std::floor(fit / q.input));
  auto ttft_of = [&](double prompts) {
    const double tokens = std::min(prompts * q.input, fit);
    const PhaseResult p = prefill_pass(prefill, tokens / q.input, q.input);
    return std::max(1.0, q.input / tokens) * p.time_s;
  };
  double prompts = lim.max_ttft_s > 0 ? largest(most, [&](double n) { return ttft_of(n) <= lim.max_ttft_s; }) : most;
  if (prompts < 1) {
    r.why = fmt::format("TTFT {} for one prompt exceeds the SLO of {}", ms(ttft_of(1)), ms(lim.max_ttft_s));
    return r;
  }
  const double tokens = std::min(prompts * q.input, fit);
  const PhaseResult pre = prefill_pass(prefill, tokens / q.input, q.input);
  r.ok = true;
  r.batch = batch;
  r.decode_output_per_s = dec.tokens_per_s / decode.devices_per_unit;
  r.prefill_input_per_s = pre.tokens_per_s / prefill.devices_per_unit;
  r.prefill_devices_per_decode_device = r.decode_output_per_s * q.input / q.output / r.prefill_input_per_s;
  r.output_per_s = r.decode_output_per_s / (1.0 + r.prefill_devices_per_decode_device);
  r.ttft_s = ttft_of(prompts);
  r.tpot_s = dec.time_s / d.tokens_per_step();
  r.cost = dec.cost;
  return r;
}

}  // namespace suanli

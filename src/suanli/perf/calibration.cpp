#include "suanli/perf/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "suanli/model/error.h"

namespace suanli {
namespace {

constexpr double kMissPenalty = 2.302585092994046 * 2.302585092994046;  // ln(10)^2: a factor of ten

double figure_of(const Estimate& e, PointMetric m) {
  switch (m) {
    case PointMetric::OutputPerDevice:
    case PointMetric::InputPerDevice: return e.tokens_per_s_per_device;
    case PointMetric::DecodeOutputPerDevice:
      return e.decode_tokens_per_s_per_device > 0 ? e.decode_tokens_per_s_per_device : e.tokens_per_s_per_device;
    case PointMetric::TpotMs: return e.tpot_s * 1000.0;
  }
  return 0;
}

// Golden-section search of f over [lo, hi] on a log scale; returns the best x seen.
template <typename F>
double golden_log(F f, double lo, double hi, double x0, double fx0) {
  const double phi = 0.6180339887498949;
  double a = std::log(lo), b = std::log(hi);
  double c = b - phi * (b - a), d = a + phi * (b - a);
  double fc = f(std::exp(c)), fd = f(std::exp(d));
  double best = x0, fbest = fx0;
  for (int i = 0; i < 18; ++i) {
    if (fc < fbest) best = std::exp(c), fbest = fc;
    if (fd < fbest) best = std::exp(d), fbest = fd;
    if (fc < fd) {
      b = d, d = c, fd = fc;
      c = b - phi * (b - a);
      fc = f(std::exp(c));
    } else {
      a = c, c = d, fc = fd;
      d = a + phi * (b - a);
      fd = f(std::exp(d));
    }
  }
  return best;
}

}  // namespace

double acceptance_for(int drafts, double accept_length) {
  if (drafts <= 0 || accept_length <= 1) return 0;
  double lo = 0, hi = 1;
  for (int i = 0; i < 60; ++i) {
    const double mid = (lo + hi) / 2;
    (Drafting{drafts, mid}.tokens_per_step() < accept_length ? lo : hi) = mid;
  }
  return std::min(lo, 0.999999);
}

Workload workload_of(const InferencePoint& p) {
  Workload w;
  w.precision = p.precision;
  w.devices = p.devices;
  w.tp = p.tp;
  w.ep = p.ep;
  w.redundant_experts = p.redundant_experts;
  w.input_tokens = p.input;
  w.output_tokens = p.output;
  w.batch = static_cast<int>(std::lround(p.batch));
  w.draft_tokens = p.draft_tokens;
  w.acceptance = acceptance_for(p.draft_tokens, p.accept_length);
  switch (p.scenario) {
    case PointScenario::Offline: w.task = Task::Serve; break;
    case PointScenario::Slo:
      w.task = Task::Serve;
      w.mode = ServeMode::Slo;
      w.max_tpot_ms = p.max_tpot_ms;
      w.max_ttft_ms = p.max_ttft_ms;
      w.disaggregated = p.disaggregated;
      break;
    case PointScenario::Decode: w.task = Task::Decode; break;
    case PointScenario::Prefill: w.task = Task::Prefill; break;
  }
  return w;
}

PointResult evaluate(const PointCase& c, const PerfParams& params) {
  PointResult r;
  const Workload w = workload_of(*c.point);
  try {
    validate(w, *c.model);
  } catch (const InputError& e) {
    r.why = e.what();
    return r;
  }
  const Estimate e = estimate(w, *c.model, *c.accelerator, params);
  if (!e.ok()) {
    r.why = e.why;
    return r;
  }
  r.ok = true;
  r.modelled = figure_of(e, c.point->metric);
  r.error = r.modelled / c.point->value - 1.0;
  return r;
}

double& field_of(PerfParams& p, const FitParameter& f) {
  for (InferenceEfficiency& e : p.inference) {
    if (e.stack != f.stack) continue;
    switch (f.field) {
      case FitParameter::Field::Gemm: return e.gemm;
      case FitParameter::Field::Memory: return e.memory;
      case FitParameter::Field::Attention: return e.attention;
      case FitParameter::Field::Moe: return e.moe;
      case FitParameter::Field::Overlap: return e.overlap;
      case FitParameter::Field::StepOverheadUs: return e.step_overhead_us;
      case FitParameter::Field::CollectiveUs: return e.collective_us;
      case FitParameter::Field::A2aUs: return e.a2a_us;
      case FitParameter::Field::ScaleoutCollectiveUs: return e.scaleout_collective_us;
    }
  }
  SUANLI_ASSERT(false && "fit parameter names a stack without an inference entry");
  return p.inference.front().gemm;
}

std::string_view name(FitParameter::Field f) {
  switch (f) {
    case FitParameter::Field::Gemm: return "gemm";
    case FitParameter::Field::Memory: return "memory";
    case FitParameter::Field::Attention: return "attention";
    case FitParameter::Field::Moe: return "moe";
    case FitParameter::Field::Overlap: return "overlap";
    case FitParameter::Field::StepOverheadUs: return "step_overhead_us";
    case FitParameter::Field::CollectiveUs: return "collective_us";
    case FitParameter::Field::A2aUs: return "a2a_us";
    case FitParameter::Field::ScaleoutCollectiveUs: return "scaleout_collective_us";
  }
  return "gemm";
}

std::vector<FitParameter> default_fit_parameters() {
  using F = FitParameter::Field;
  std::vector<FitParameter> out;
  for (const char* stack : {"cuda", "cann"}) {
    out.push_back({stack, F::Gemm, 0.3, 0.95});
    out.push_back({stack, F::Memory, 0.5, 0.95});
    out.push_back({stack, F::Moe, 0.1, 1.0});
    out.push_back({stack, F::StepOverheadUs, 1, 20000});
    out.push_back({stack, F::A2aUs, 1, 2000});
  }
  // CUDA attention is sourced (FlashMLA), not fitted.
  out.push_back({"cann", F::Attention, 0.1, 1.0});
  out.push_back({"cuda", F::CollectiveUs, 1, 200});
  out.push_back({"cuda", F::ScaleoutCollectiveUs, 1, 2000});
  return out;
}

double objective(const std::vector<PointCase>& cases, const PerfParams& params) {
  double sum = 0;
  for (const PointCase& c : cases) {
    const PointResult r = evaluate(c, params);
    const double log_error = r.ok && r.modelled > 0 ? std::log(r.modelled / c.point->value) : 0;
    sum += r.ok && r.modelled > 0 ? log_error * log_error : kMissPenalty;
  }
  return sum;
}

PerfParams fit(const std::vector<PointCase>& cases, PerfParams start, const std::vector<FitParameter>& params,
               int sweeps) {
  PerfParams p = std::move(start);
  double current = objective(cases, p);
  for (int s = 0; s < sweeps; ++s) {
    const double before = current;
    for (const FitParameter& f : params) {
      double& slot = field_of(p, f);
      const double x0 = std::clamp(slot, f.lo, f.hi);
      auto at = [&](double x) {
        slot = x;
        return objective(cases, p);
      };
      const double fx0 = at(x0);
      slot = golden_log(at, f.lo, f.hi, x0, fx0);
      current = objective(cases, p);
    }
    if (before - current < 1e-6 * std::max(1.0, before)) break;
  }
  return p;
}

}  // namespace suanli

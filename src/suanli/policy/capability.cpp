#include "suanli/policy/capability.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>

#include <fmt/format.h>

#include "suanli/perf/estimate.h"

namespace suanli {
namespace {

bool ported(const JobClass& shape, const Accelerator& a) {
  return std::find(shape.stacks.begin(), shape.stacks.end(), a.stack) != shape.stacks.end();
}

Workload workload_of(const JobClass& shape) {
  Workload w;
  w.precision = shape.precision;
  w.devices = shape.devices;
  w.batch = shape.batch;
  w.input_tokens = shape.input_tokens;
  w.output_tokens = shape.output_tokens;
  w.seq_len = shape.seq_len;
  w.global_batch = shape.global_batch;
  switch (shape.kind) {
    case JobKind::Train:
    case JobKind::Finetune: w.task = Task::Train; break;
    case JobKind::Serve:
    case JobKind::BatchInfer: w.task = Task::Serve; break;
  }
  // A service with latency limits runs continuous batching at the largest
  // batch that keeps them (the limits, not the class's batch, bound it).
  if (w.task == Task::Serve && (shape.slo.max_tpot_ms > 0 || shape.slo.max_ttft_ms > 0)) {
    w.mode = ServeMode::Slo;
    w.max_tpot_ms = shape.slo.max_tpot_ms;
    w.max_ttft_ms = shape.slo.max_ttft_ms;
    w.batch = 0;
  }
  return w;
}

struct MeasuredFit {
  int devices = 0;
  ThroughputEntry entry;
};

// The measurement for `shape` on `a` (see the header), if any.
std::optional<MeasuredFit> measured_fit(const JobClass& shape, const Accelerator& a, const ThroughputTable& table,
                                        int modelled_devices) {
  if (table.empty() || shape.fractional()) return std::nullopt;
  const std::string& job = table.knows_job_type(shape.name) ? shape.name : shape.model;
  if (shape.devices > 0) {
    const auto e = table.lookup(job, a.id, shape.devices);
    return e ? std::optional<MeasuredFit>({shape.devices, *e}) : std::nullopt;
  }
  if (modelled_devices > 0) {
    if (const auto e = table.lookup(job, a.id, modelled_devices)) return MeasuredFit{modelled_devices, *e};
  }
  for (const auto& [devices, e] : table.for_pair(job, a.id)) {
    if (e.per_s > 0) return MeasuredFit{devices, e};
  }
  return std::nullopt;
}

}  // namespace

Capability assess(const JobClass& shape, const Accelerator& a, const Catalog& catalog) {
  Capability cap;
  if (!ported(shape, a)) {
    cap.why = fmt::format("the job is not ported to {}", a.stack);
    return cap;
  }
  const ModelSpec& m = catalog.model(shape.model);
  Workload w = workload_of(shape);
  // Services without a fixed size are sized by replicas of the smallest layout that fits.
  const bool replicate = shape.kind == JobKind::Serve && shape.devices == 0 && !shape.fractional();
  if (replicate) w.devices = 0;
  // A fraction runs on one device whose memory is the share (see the header).
  const Accelerator* on = &a;
  Accelerator slice;
  double share = 1.0;
  if (shape.fractional()) {
    const int device_mib = a.mem_mib();
    cap.milli = shape.share_milli;
    cap.mem_mib = shape.share_memory_mib > 0 ? shape.share_memory_mib
                                             : static_cast<int>(static_cast<std::int64_t>(device_mib) * cap.milli / 1000);
    if (!a.mem_gb.known()) {
      cap.why = fmt::format("{}'s device memory is unknown, so a share of it cannot be judged", a.id);
      return cap;
    }
    if (cap.mem_mib > device_mib) {
      cap.why = fmt::format("a share of {:.1f} GB exceeds the device's {:.0f} GB", gb_from_mib(cap.mem_mib), a.mem_gb.value);
      return cap;
    }
    slice = a;
    slice.mem_gb.value = gb_from_mib(cap.mem_mib);
    on = &slice;
    w.devices = 1;
    share = cap.milli / 1000.0;
  }
  const Estimate e = estimate(w, m, *on, catalog.perf);
  // One replica's (or the whole job's) rate, devices and TPOT: measured where
  // the table knows, else modelled.
  double rate = 0;
  int devices = 0;
  std::optional<double> tpot_ms;
  if (const auto fit = measured_fit(shape, a, catalog.measured, e.ok() ? e.devices : 0)) {
    cap.measured = fit->entry.source;
    if (fit->entry.per_s <= 0) {
      cap.why = fmt::format("measured: cannot run on {} x {} ({})", fit->devices, a.id, fit->entry.source);
      return cap;
    }
    rate = fit->entry.per_s;
    devices = fit->devices;
    if (e.ok() && e.devices == devices) tpot_ms = e.tpot_s * 1000.0;
  } else {
    if (!e.ok()) {
      cap.why = shape.fractional()
                    ? fmt::format("on a {:g} share with {:.1f} GB: {}", share, gb_from_mib(cap.mem_mib), e.why)
                    : e.why;
      return cap;
    }
    rate = e.tokens_per_s * share;
    // Work counts prompt and generated tokens.
    if (shape.kind == JobKind::BatchInfer) rate = e.total_tokens_per_s_per_device * e.devices * share;
    devices = e.devices;
    tpot_ms = e.tpot_s * 1000.0 / share;
  }
  cap.devices = devices;
  cap.tokens_per_s = rate;
  cap.tpot_ms = tpot_ms.value_or(0);
  cap.bf16_tflops = a.bf16_tflops.known() ? a.bf16_tflops.value : 0;
  if (shape.slo.max_tpot_ms > 0) {
    if (!tpot_ms) {
      cap.why = fmt::format("TPOT unknown on {} devices (measured throughput only), the SLO asks for {:.0f} ms",
                            devices, shape.slo.max_tpot_ms);
      return cap;
    }
    if (*tpot_ms > shape.slo.max_tpot_ms) {
      cap.why = fmt::format("TPOT {:.1f} ms exceeds the SLO of {:.0f} ms", *tpot_ms, shape.slo.max_tpot_ms);
      return cap;
    }
  }
  if (shape.slo.min_tokens_per_s > 0) {
    if (replicate) {
      const double replicas = std::ceil(shape.slo.min_tokens_per_s / rate);
      cap.devices = static_cast<int>(replicas) * devices;
      cap.tokens_per_s = replicas * rate;
    } else if (rate < shape.slo.min_tokens_per_s) {
      cap.why = fmt::format("{:.0f} tokens/s on {} devices, below the SLO of {:.0f}", rate, devices,
                            shape.slo.min_tokens_per_s);
      return cap;
    }
  }
  cap.feasible = true;
  return cap;
}

Seconds runtime(const JobClass& shape, const Capability& cap, double work_tokens) {
  if (shape.kind == JobKind::Serve) return std::max<Seconds>(1, shape.duration);
  if (cap.tokens_per_s <= 0) return 0;
  return std::max<Seconds>(1, static_cast<Seconds>(std::ceil(work_tokens / cap.tokens_per_s)));
}

const Capability& CapabilityCache::get(const JobClass& s, const Accelerator& a) {
  std::string key = fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|", a.id, s.model,
                                static_cast<int>(s.kind), static_cast<int>(s.precision), s.devices, s.batch,
                                s.input_tokens, s.output_tokens, s.seq_len, s.global_batch, s.slo.min_tokens_per_s,
                                s.slo.max_tpot_ms, s.slo.max_ttft_ms, s.share_milli, s.share_memory_mib);
  for (const std::string& st : s.stacks) key += st + ",";
  if (!catalog_->measured.empty()) key += "|" + s.name;  // measurements may name the class
  auto it = cache_.find(key);
  if (it != cache_.end()) return it->second;
  return cache_.emplace(std::move(key), assess(s, a, *catalog_)).first->second;
}

}  // namespace suanli

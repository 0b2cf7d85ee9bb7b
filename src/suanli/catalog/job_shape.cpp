#include "suanli/catalog/job_shape.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

namespace suanli {

bool valid_device_count(int devices) {
  return devices == 1 || devices == 2 || devices == 4 || (devices > 0 && devices % 8 == 0);
}

std::vector<std::string> known_stacks(const Catalog& catalog) {
  std::set<std::string> stacks;
  for (const Accelerator& a : catalog.accelerators) stacks.insert(a.stack);
  return {stacks.begin(), stacks.end()};
}

namespace {

std::optional<ShapeProblem> check_stacks(const Catalog& catalog, const JobClass& jc, const std::string& what) {
  if (jc.stacks.empty()) return ShapeProblem{"", fmt::format("{}: missing required field 'stacks' (e.g. [cann, cuda])", what)};
  const std::vector<std::string> known = known_stacks(catalog);
  for (const std::string& s : jc.stacks) {
    if (std::find(known.begin(), known.end(), s) == known.end()) {
      const auto near = closest_names(s, known);
      return ShapeProblem{"stacks", fmt::format("found '{}', expected a software stack of a catalog accelerator ({}){}",
                                                s, fmt::join(known, ", "),
                                                near.empty() ? "" : fmt::format("; did you mean '{}'?", near.front()))};
    }
  }
  return std::nullopt;
}

std::optional<ShapeProblem> check_size(const JobClass& jc, const std::string& what) {
  if (jc.devices != 0 && !valid_device_count(jc.devices)) {
    return ShapeProblem{"devices", fmt::format("found {}, expected 1, 2, 4 or a multiple of 8 (omit it and give an slo "
                                               "to let the performance model size the job)",
                                               jc.devices)};
  }
  if (jc.fractional() && jc.devices > 1) {
    return ShapeProblem{"devices", fmt::format("found {} with share {:g}, expected 1 or no devices (a share is a "
                                               "fraction of one device)",
                                               jc.devices, jc.share_milli / 1000.0)};
  }
  if (!jc.fractional() && jc.share_memory_mib > 0) {
    return ShapeProblem{"share_memory_gb", "found without 'share', expected it only with a share of one device"};
  }
  if (jc.devices <= 0 && !jc.fractional() && jc.slo.min_tokens_per_s <= 0 && jc.slo.max_tpot_ms <= 0) {
    return ShapeProblem{"", fmt::format("{}: found neither 'devices' nor 'slo', expected one (devices to request, or a "
                                        "service-level objective the performance model sizes the job for)",
                                        what)};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ShapeProblem> check_job_shape(const Catalog& catalog, const JobClass& jc, const ShapeFields& given,
                                            const std::string& what) {
  const bool serve = jc.kind == JobKind::Serve;
  const bool training = jc.kind == JobKind::Train || jc.kind == JobKind::Finetune;
  if (jc.model.empty()) return ShapeProblem{"", fmt::format("{}: missing required field 'model'", what)};
  if (auto p = check_stacks(catalog, jc, what)) return p;
  if (serve && jc.duration <= 0) {
    return ShapeProblem{"", fmt::format("{}: a serve job needs 'duration' above zero (how long the service runs)", what)};
  }
  if (!serve && jc.work_tokens <= 0) {
    return ShapeProblem{"", fmt::format("{}: a {} job needs 'work_tokens' above zero (tokens to process)", what,
                                        name(jc.kind))};
  }
  if (serve && given.work_tokens) {
    return ShapeProblem{"work_tokens", "found on a serve job, expected 'duration' (a service runs for a time)"};
  }
  if (!serve && given.duration) {
    return ShapeProblem{"duration", fmt::format("found on a {} job, expected 'work_tokens' (it runs until its work is "
                                                "done)",
                                                name(jc.kind))};
  }
  if (auto p = check_size(jc, what)) return p;
  if (training && jc.precision != Precision::BF16 && jc.precision != Precision::FP8) {
    return ShapeProblem{"precision", fmt::format("found {} on a {} job, expected bf16 or fp8 (training is modelled in "
                                                 "mixed precision)",
                                                 name(jc.precision), name(jc.kind))};
  }
  const ModelSpec* m = catalog.find_model(jc.model);
  if (!m) return ShapeProblem{"model", fmt::format("found '{}', expected a model of the zoo", jc.model)};
  if (m->max_context > 0) {
    if (training && jc.seq_len > m->max_context) {
      return ShapeProblem{"seq_len", fmt::format("found {}, expected at most {}'s context of {} tokens", jc.seq_len,
                                                 m->id, m->max_context)};
    }
    const long ctx = static_cast<long>(jc.input_tokens) + jc.output_tokens;
    if (!training && ctx > m->max_context) {
      return ShapeProblem{"input_tokens", fmt::format("input_tokens + output_tokens: found {}, expected at most {}'s "
                                                      "context of {} tokens",
                                                      ctx, m->id, m->max_context)};
    }
  }
  return std::nullopt;
}

}  // namespace suanli

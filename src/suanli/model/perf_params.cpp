#include "suanli/model/perf_params.h"

#include "suanli/model/error.h"

namespace suanli {
namespace {

// The entry whose stack is `stack`, else the "*" one.
template <typename Entry, typename Match>
const Entry& by_stack(const std::vector<Entry>& entries, const std::string& stack, Match match) {
  const Entry* fallback = nullptr;
  for (const Entry& e : entries) {
    if (!match(e)) continue;
    if (e.stack == stack) return e;
    if (e.stack == "*") fallback = &e;
  }
  SUANLI_ASSERT(fallback != nullptr);
  return *fallback;
}

}  // namespace

const Efficiency& PerfParams::lookup(const std::string& stack, Phase phase) const {
  return by_stack(efficiency, stack, [phase](const Efficiency& e) { return e.phase == phase; });
}

const InferenceEfficiency& PerfParams::inference_for(const std::string& stack) const {
  return by_stack(inference, stack, [](const InferenceEfficiency&) { return true; });
}

std::string_view name(Phase p) {
  switch (p) {
    case Phase::Train: return "train";
  }
  return "train";
}

}  // namespace suanli

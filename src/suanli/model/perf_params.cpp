#include "suanli/model/perf_params.h"

#include "suanli/model/error.h"

namespace suanli {

const Efficiency& PerfParams::lookup(const std::string& stack, Phase phase) const {
  const Efficiency* fallback = nullptr;
  for (const Efficiency& e : efficiency) {
    if (e.phase != phase) continue;
    if (e.stack == stack) return e;
    if (e.stack == "*") fallback = &e;
  }
  SUANLI_ASSERT(fallback != nullptr);
  return *fallback;
}

std::string_view name(Phase p) {
  switch (p) {
    case Phase::Train: return "train";
    case Phase::Prefill: return "prefill";
    case Phase::Decode: return "decode";
  }
  return "train";
}

}  // namespace suanli

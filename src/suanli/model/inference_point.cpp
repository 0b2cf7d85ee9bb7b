#include "suanli/model/inference_point.h"

namespace suanli {

std::string_view name(PointRole r) { return r == PointRole::Fit ? "fit" : "test"; }

std::string_view name(PointScenario s) {
  switch (s) {
    case PointScenario::Offline: return "offline";
    case PointScenario::Slo: return "slo";
    case PointScenario::Decode: return "decode";
    case PointScenario::Prefill: return "prefill";
  }
  return "offline";
}

std::string_view name(PointMetric m) {
  switch (m) {
    case PointMetric::OutputPerDevice: return "output_per_device";
    case PointMetric::DecodeOutputPerDevice: return "decode_output_per_device";
    case PointMetric::InputPerDevice: return "input_per_device";
    case PointMetric::TpotMs: return "tpot_ms";
  }
  return "output_per_device";
}

}  // namespace suanli

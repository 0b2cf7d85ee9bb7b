#include "suanli/config/inference_points_loader.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

#include "suanli/config/yaml_reader.h"
#include "suanli/data/embedded.h"

namespace suanli::config {
namespace {

// `key`'s text as one of `names` (the enum's order), else a located error.
template <typename E, std::size_t N>
E choice(const YamlReader& r, const Node& node, const char* key, const std::array<std::string_view, N>& names) {
  const std::string found = r.text(node, key);
  for (std::size_t i = 0; i < N; ++i) {
    if (names[i] == found) return static_cast<E>(i);
  }
  std::string expected;
  for (std::string_view n : names) expected += (expected.empty() ? "" : ", ") + std::string(n);
  r.fail(node[key], fmt::format("{}: found '{}', expected one of {}", key, found, expected));
}

Grade grade_of(const YamlReader& r, const Node& node) {
  const std::string g = r.text(node, "grade");
  const auto parsed = parse_grade(g);
  if (!parsed || *parsed == Grade::Unknown) r.fail(node["grade"], fmt::format("grade: found '{}', expected H, M or L", g));
  return *parsed;
}

InferenceSource read_source(const YamlReader& r, const Node& node) {
  r.expect_map(node, "source");
  r.check_keys(node, {"id", "title", "url", "grade", "note"});
  return InferenceSource{r.text(node, "id"), r.text(node, "title"), r.text(node, "url"), grade_of(r, node),
                         r.optional_text(node, "note").value_or("")};
}

void read_shape(const YamlReader& r, const Node& node, InferencePoint& p) {
  p.devices = r.integer(node, "devices");
  p.tp = r.optional_integer(node, "tp").value_or(0);
  p.ep = r.optional_integer(node, "ep").value_or(0);
  p.redundant_experts = r.optional_integer(node, "redundant_experts").value_or(0);
  p.input = r.integer(node, "input");
  p.output = r.integer(node, "output");
  p.batch = r.optional_number(node, "batch").value_or(0.0);
  p.max_tpot_ms = r.optional_number(node, "max_tpot_ms").value_or(0.0);
  p.max_ttft_ms = r.optional_number(node, "max_ttft_ms").value_or(0.0);
  p.disaggregated = r.optional_bool(node, "disaggregated").value_or(false);
  p.draft_tokens = r.optional_integer(node, "draft_tokens").value_or(0);
  p.accept_length = r.optional_number(node, "accept_length").value_or(1.0);
  if (p.devices < 1 || p.input < 1 || p.output < 1 || p.tp < 0 || p.ep < 0 || p.redundant_experts < 0 || p.batch < 0) {
    r.fail(node, "devices, input and output must be positive; tp, ep, redundant_experts and batch not negative");
  }
  if (p.accept_length < 1 || p.accept_length > 1 + p.draft_tokens) {
    r.fail(node, fmt::format("accept_length: found {}, expected 1 to 1 + draft_tokens ({})", p.accept_length,
                             1 + p.draft_tokens));
  }
}

InferencePoint read_point(const YamlReader& r, const Node& node, const InferencePoints& known,
                          const Catalog& catalog) {
  r.expect_map(node, "point");
  r.check_keys(node, {"id", "source", "group", "role", "grade", "software", "accelerator", "model", "precision",
                      "devices", "tp", "ep", "redundant_experts", "input", "output", "scenario", "batch", "max_tpot_ms",
                      "max_ttft_ms", "disaggregated", "draft_tokens", "accept_length", "metric", "value", "note"});
  InferencePoint p;
  p.id = r.text(node, "id");
  p.source = r.text(node, "source");
  const bool cited = std::any_of(known.sources.begin(), known.sources.end(),
                                 [&](const InferenceSource& s) { return s.id == p.source; });
  if (!cited) r.fail(node["source"], fmt::format("source: '{}' is not in the sources list", p.source));
  p.group = r.text(node, "group");
  p.role = choice<PointRole>(r, node, "role", std::array<std::string_view, 2>{"fit", "test"});
  p.grade = grade_of(r, node);
  p.software = r.text(node, "software");
  p.accelerator = catalog.accelerator(r.text(node, "accelerator"), r.where(node["accelerator"])).id;
  p.model = catalog.model(r.text(node, "model"), r.where(node["model"])).id;
  const std::string precision = r.text(node, "precision");
  const auto parsed = parse_precision(precision);
  if (!parsed) r.fail(node["precision"], fmt::format("precision: found '{}', expected bf16, fp8, int8 or fp4", precision));
  p.precision = *parsed;
  read_shape(r, node, p);
  p.scenario = choice<PointScenario>(r, node, "scenario",
                                     std::array<std::string_view, 4>{"offline", "slo", "decode", "prefill"});
  p.metric = choice<PointMetric>(
      r, node, "metric",
      std::array<std::string_view, 4>{"output_per_device", "decode_output_per_device", "input_per_device", "tpot_ms"});
  p.value = r.number(node, "value");
  if (p.value <= 0) r.fail(node["value"], fmt::format("value: found {}, expected a positive figure", p.value));
  p.note = r.optional_text(node, "note").value_or("");
  return p;
}

}  // namespace

InferencePoints read_inference_points(std::string_view yaml, const std::string& file, const Catalog& catalog) {
  YamlReader r(file, yaml);
  const Node& root = r.root();
  r.expect_map(root, "inference points file");
  r.check_keys(root, {"sources", "points"});
  InferencePoints out;
  const Node sources = root["sources"];
  const Node points = root["points"];
  if (!sources || !points) r.fail(root, "expected 'sources' and 'points' lists");
  r.expect_sequence(sources, "sources");
  r.expect_sequence(points, "points");
  for (const Node& node : sources.items()) out.sources.push_back(read_source(r, node));
  for (const Node& node : points.items()) {
    InferencePoint p = read_point(r, node, out, catalog);
    const bool duplicate = std::any_of(out.points.begin(), out.points.end(), [&](const InferencePoint& q) { return q.id == p.id; });
    if (duplicate) r.fail(node["id"], fmt::format("id: '{}' appears twice", p.id));
    out.points.push_back(std::move(p));
  }
  return out;
}

InferencePoints load_default_inference_points(const Catalog& catalog) {
  return read_inference_points(embedded::inference_points_yaml(), "<embedded>/inference_points.yaml", catalog);
}

}  // namespace suanli::config

// Files as people and tools write them (issue 15).
//
// RoundTrip: every data file of the repository (the embedded defaults:
// catalog, models, perf, inference points, policies, scenarios; plans and
// prices) rewritten by a standard emitter loads to values equal to what the
// original loads to.
// Emitters: Debian's python3-yaml in several settings (tests/formats/emit.py),
// Debian's yq (the jq wrapper that writes YAML with PyYAML) and JSON. The
// whole tree is rewritten, so a plan reads the rewritten scenario and prices.
// Missing emitters fail the test: scripts/install-deps.sh installs them.
//
// YamlFeatures / YamlErrors: merge keys, anchors, long strings in every style,
// comments and markers load as their plain equivalent; every kind of YAML
// error is an InputError at file:line:column.
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/inference_points_loader.h"
#include "suanli/config/plan_loader.h"
#include "suanli/config/scenario_loader.h"

#include "run_process.h"
#include "shared_data.h"

namespace suanli {
namespace {

namespace fs = std::filesystem;
using test_data::error_of;

const fs::path kDataDir = SUANLI_DATA_DIR;
const fs::path kEmitScript = SUANLI_EMIT_SCRIPT;

const std::vector<std::string> kPolicies = {"policies/seed.yaml", "policies/strict.yaml"};
const std::vector<std::string> kScenarios = {"scenarios/h200-window.yaml", "scenarios/import-cut.yaml",
                                             "scenarios/all-domestic.yaml"};
const std::vector<std::string> kPlans = {"plans/h200-q1-2026.yaml", "plans/h200-cuda-growth.yaml"};

std::vector<std::string> all_files() {
  std::vector<std::string> out = {"accelerators.yaml", "models.yaml", "perf.yaml", "inference_points.yaml",
                                  "prices.yaml"};
  for (const auto* list : {&kPolicies, &kScenarios, &kPlans}) out.insert(out.end(), list->begin(), list->end());
  return out;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Everything a data tree loads to. Files are named by their path relative to
// the tree in every message and value, so two trees compare equal.
struct Loaded {
  Catalog catalog;
  InferencePoints points;
  std::vector<PolicySpec> policies;
  std::vector<Scenario> scenarios;
  std::vector<plan::PlanProblem> plans;
};

Loaded load_tree(const fs::path& dir) {
  Loaded l;
  config::merge_accelerators(l.catalog, read_text(dir / "accelerators.yaml"), "accelerators.yaml");
  config::merge_models(l.catalog, read_text(dir / "models.yaml"), "models.yaml");
  config::merge_perf(l.catalog, read_text(dir / "perf.yaml"), "perf.yaml");
  l.points =
      config::read_inference_points(read_text(dir / "inference_points.yaml"), "inference_points.yaml", l.catalog);
  for (const std::string& f : kPolicies) l.policies.push_back(config::parse_policy(read_text(dir / f), f));
  for (const std::string& f : kScenarios) {
    l.scenarios.push_back(config::parse_scenario(l.catalog, read_text(dir / f), f, (dir / "scenarios").string()));
  }
  for (const std::string& f : kPlans) {
    l.plans.push_back(config::parse_plan(l.catalog, read_text(dir / f), f, (dir / "plans").string()));
  }
  return l;
}

const Loaded& originals() {
  static const Loaded l = load_tree(kDataDir);
  return l;
}

// Element by element first, so that a failure names the entry that differs.
template <class T>
void expect_same_items(const std::vector<T>& want, const std::vector<T>& got, const std::string& what) {
  ASSERT_EQ(want.size(), got.size()) << what;
  for (std::size_t i = 0; i < want.size(); ++i) EXPECT_TRUE(want[i] == got[i]) << what << "[" << i << "] differs";
}

void expect_same(const Loaded& want, const Loaded& got) {
  expect_same_items(want.catalog.accelerators, got.catalog.accelerators, "accelerators");
  expect_same_items(want.catalog.models, got.catalog.models, "models");
  expect_same_items(want.catalog.export_events, got.catalog.export_events, "export_events");
  expect_same_items(want.catalog.perf.efficiency, got.catalog.perf.efficiency, "perf.efficiency");
  EXPECT_TRUE(want.catalog == got.catalog) << "catalog (sources, perf constants)";
  expect_same_items(want.points.points, got.points.points, "inference points");
  EXPECT_TRUE(want.points == got.points) << "inference point sources";
  expect_same_items(want.policies, got.policies, "policies");
  for (std::size_t i = 0; i < want.scenarios.size() && i < got.scenarios.size(); ++i) {
    const Scenario &w = want.scenarios[i], &g = got.scenarios[i];
    expect_same_items(w.classes, g.classes, kScenarios[i] + " classes");
    expect_same_items(w.fleet, g.fleet, kScenarios[i] + " fleet");
    expect_same_items(w.events, g.events, kScenarios[i] + " events");
    expect_same_items(w.jobs, g.jobs, kScenarios[i] + " jobs");
  }
  expect_same_items(want.scenarios, got.scenarios, "scenarios");
  for (std::size_t i = 0; i < want.plans.size() && i < got.plans.size(); ++i) {
    expect_same_items(want.plans[i].candidates, got.plans[i].candidates, kPlans[i] + " candidates");
    expect_same_items(want.plans[i].demand, got.plans[i].demand, kPlans[i] + " demand");
  }
  expect_same_items(want.plans, got.plans, "plans");
}

// An emitter: tests/formats/emit.py with a variant, or yq with arguments.
struct Emitter {
  std::string name;
  std::vector<std::string> yq_args;  // empty: emit.py variant `name`
};

std::ostream& operator<<(std::ostream& os, const Emitter& e) { return os << e.name; }

void emit_tree(const Emitter& e, const fs::path& out, const fs::path& scratch) {
  const std::vector<std::string> files = all_files();
  if (e.yq_args.empty()) {
    std::vector<std::string> args = {kEmitScript.string(), e.name, out.string(), kDataDir.string()};
    args.insert(args.end(), files.begin(), files.end());
    const auto r = cli_test::run_process("/usr/bin/python3", args, scratch);
    ASSERT_TRUE(r.exited && r.exit_code == 0) << "emit.py " << e.name << ": " << r.describe() << "\n"
                                              << r.err << "(python3-yaml missing? run scripts/install-deps.sh)";
    return;
  }
  for (const std::string& f : files) {
    std::vector<std::string> args = e.yq_args;
    args.push_back((kDataDir / f).string());
    const auto r = cli_test::run_process("/usr/bin/yq", args, scratch);
    ASSERT_TRUE(r.exited && r.exit_code == 0) << "yq on " << f << ": " << r.describe() << "\n"
                                              << r.err << "(yq missing? run scripts/install-deps.sh)";
    fs::create_directories((out / f).parent_path());
    std::ofstream(out / f, std::ios::binary) << r.out;
  }
}

class RoundTrip : public ::testing::TestWithParam<Emitter> {};

TEST_P(RoundTrip, LoadsTheSameValues) {
  cli_test::ScratchDir scratch;
  const fs::path out = scratch.path() / "data";
  ASSERT_NO_FATAL_FAILURE(emit_tree(GetParam(), out, scratch.path()));
  Loaded got;
  try {
    got = load_tree(out);
  } catch (const InputError& e) {
    FAIL() << GetParam().name << " output does not load: " << e.what() << "\n"
           << read_text(out / e.where().substr(0, e.where().find(':')));
  }
  expect_same(originals(), got);
}

INSTANTIATE_TEST_SUITE_P(
    Emitters, RoundTrip,
    ::testing::Values(Emitter{"pyyaml-default", {}}, Emitter{"pyyaml-flow", {}}, Emitter{"pyyaml-flow-narrow", {}},
                      Emitter{"pyyaml-block-narrow", {}}, Emitter{"pyyaml-unicode", {}},
                      Emitter{"pyyaml-double-quoted", {}}, Emitter{"pyyaml-single-quoted", {}},
                      Emitter{"pyyaml-literal", {}}, Emitter{"pyyaml-folded", {}}, Emitter{"json-indented", {}},
                      Emitter{"json-compact", {}}, Emitter{"json-tabs", {}}, Emitter{"yq_yaml", {"-y", "."}},
                      Emitter{"yq_yaml_narrow_indentless", {"-y", "--width", "20", "--indentless-lists", "."}},
                      Emitter{"yq_json", {"."}}),
    [](const ::testing::TestParamInfo<Emitter>& p) {
      std::string n = p.param.name;
      for (char& c : n) c = c == '-' ? '_' : c;
      return n;
    });

// ---------------------------------------------------------------------------
// YAML features: each text loads to the same values as its plain equivalent.

const Catalog& defaults() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

Scenario scenario(const std::string& text) { return config::parse_scenario(defaults(), text, "t.yaml", ""); }

const std::string kPlainScenario = R"(name: t
period: {start: 2026-01-01, end: 2026-06-30}
tenants:
  - {name: grid, sector: energy, priority: 10, domestic_target: 1.0}
  - {name: bank, sector: finance, priority: 10, domestic_target: 1.0}
fleet:
  - {id: g1, accelerator: ascend-910b3, nodes: 4, zone: a}
  - {id: g2, accelerator: ascend-910b3, nodes: 2, zone: a}
classes:
  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-8b, devices: 8, work_tokens: 1.0e9, stacks: [cann]}
  - {name: c2, tenant: bank, kind: finetune, model: llama-3.1-8b, devices: 16, work_tokens: 1.0e9, stacks: [cann]}
)";

TEST(YamlFeatures, MergeKeysInEveryForm) {
  const std::string merged = R"(name: t
period: {start: 2026-01-01, end: 2026-06-30}
tenants:
  - &grid {name: grid, sector: energy, priority: 10, domestic_target: 1.0}
  - <<: *grid            # a map by alias; written keys win
    name: bank
    sector: finance
fleet:
  - &g {id: g1, accelerator: ascend-910b3, nodes: 4, zone: a}
  - {<<: *g, id: g2, nodes: 2}
classes:
  - &finetune
    name: c1
    tenant: grid
    kind: finetune
    model: llama-3.1-8b
    devices: 8
    work_tokens: 1.0e9
    stacks: [cann]
  - <<: [{devices: 16}, *finetune]   # a list: the earlier map wins (devices 16)
    name: c2
    tenant: bank
)";
  EXPECT_TRUE(scenario(merged) == scenario(kPlainScenario));
  std::string inline_map = merged;
  inline_map.replace(inline_map.find("{<<: *g, id: g2, nodes: 2}"), 26,
                     "{<<: {accelerator: ascend-910b3, zone: a}, id: g2, nodes: 2}");
  EXPECT_TRUE(scenario(inline_map) == scenario(kPlainScenario));
}

TEST(YamlFeatures, AnchorsAliasesCommentsAndMarkers) {
  const std::string text = R"(%YAML 1.1
# a comment before the document
---
name: t   # after a value
period: {start: 2026-01-01,   # inside a flow map
         end: 2026-06-30}
tenants:
  # between entries
  - {name: grid, sector: &energy energy, priority: 10, domestic_target: 1.0}
  - {name: bank, sector: finance, priority: 10, domestic_target: 1.0}
fleet:
  - {id: g1, accelerator: &chip ascend-910b3, nodes: 4, zone: a}
  - {id: g2, accelerator: *chip, nodes: 2, zone: a}
classes:
  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-8b, devices: 8, work_tokens: 1.0e9, stacks: &s [cann]}
  - {name: c2, tenant: bank, kind: finetune, model: llama-3.1-8b, devices: 16, work_tokens: 1.0e9, stacks: *s}
...
# a comment after the end marker
)";
  EXPECT_TRUE(scenario(text) == scenario(kPlainScenario));
}

TEST(YamlFeatures, TagsAndQuotedScalarsReadByTheField) {
  std::string text = kPlainScenario;
  text.replace(text.find("nodes: 4"), 8, "nodes: !!int \"4\"");
  text.replace(text.find("domestic_target: 1.0"), 20, "domestic_target: '1.0'");
  text.replace(text.find("period: {start: 2026-01-01"), 26, "period: {start: !!timestamp 2026-01-01");
  EXPECT_TRUE(scenario(text) == scenario(kPlainScenario));
}

// The name of h200 after merging `entry` (the lines after "  - id: h200").
std::string h200_name(const std::string& entry) {
  Catalog c = defaults();
  config::merge_accelerators(c, "accelerators:\n  - id: h200\n" + entry, "n.yaml");
  return c.accelerator("h200").name;
}

TEST(YamlFeatures, LongStringsInEveryStyle) {
  const std::string folded = "NVIDIA H200 SXM, the long name of a chip that an emitter folds";
  EXPECT_EQ(h200_name("    name: NVIDIA H200 SXM, the long name\n      of a chip that an emitter folds\n"), folded);
  EXPECT_EQ(h200_name("    name: 'NVIDIA H200 SXM, the long name\n      of a chip that an emitter folds'\n"), folded);
  EXPECT_EQ(h200_name("    name: \"NVIDIA H200 SXM, the long name\\\n      \\ of a chip that an emitter folds\"\n"),
            folded);
  EXPECT_EQ(h200_name("    name: >-\n      NVIDIA H200 SXM, the long name\n      of a chip that an emitter folds\n"),
            folded);
  EXPECT_EQ(h200_name("    name: |-\n      NVIDIA H200 SXM, the long name\n      of a chip that an emitter folds\n"),
            "NVIDIA H200 SXM, the long name\nof a chip that an emitter folds");
  EXPECT_EQ(h200_name("    name: \"it's \\\"quoted\\\" \\u7B97\\u529B\"\n"),
            "it's \"quoted\" \xE7\xAE\x97\xE5\x8A\x9B");
  EXPECT_EQ(h200_name("    name: 'it''s'\n"), "it's");
}

// ---------------------------------------------------------------------------
// YAML errors: each kind is an InputError at file:line:column.

std::string yaml_error(const std::string& text) {
  return error_of([&] {
    Catalog c = defaults();
    config::merge_accelerators(c, text, "e.yaml");
  });
}

void expect_error(const std::string& text, std::initializer_list<std::string> parts) {
  const std::string m = yaml_error(text);
  for (const std::string& p : parts) EXPECT_NE(m.find(p), std::string::npos) << "missing '" << p << "' in: " << m;
}

TEST(YamlErrors, Syntax) {
  expect_error("accelerators: [1, 2\n",
               {"e.yaml:2:1: malformed YAML", "flow sequence that starts at line 1, column 15"});
  expect_error("accelerators:\n  - id: h200\n    name: \"NVIDIA\n  - id: h20\n",
               {"e.yaml:5:1: malformed YAML", "quoted scalar that starts at line 3, column 11"});
  expect_error("accelerators:\n\t- id: x\n", {"e.yaml:2:1: malformed YAML: found a tab, expected spaces"});
  expect_error("accelerators:\n  - id: h200\n    name: \xff\n",
               {"e.yaml:3:11: malformed YAML: found the byte 0xFF (invalid leading UTF-8 octet)"});
  expect_error("accelerators:\n  - id: h200\n    name: a\x01z\n",
               {"e.yaml:3:12: malformed YAML: found the byte 0x01 (control characters are not allowed)"});
}

TEST(YamlErrors, Structure) {
  expect_error("accelerators: []\n---\naccelerators: []\n", {"e.yaml:2:1: found a second document, expected one"});
  expect_error("accelerators: []\nsources: {}\naccelerators: []\n",
               {"e.yaml:3:1: found the key 'accelerators' a second time in this map (first at line 1, column 1)"});
  expect_error("? {a: 1}\n: x\n", {"e.yaml:1:3: found a map as a key, expected a field name"});
  expect_error("accelerators: !foo []\n", {"e.yaml:1:15: found the tag '!foo', expected none or a core one"});
  expect_error("accelerators: " + std::string(100, '[') + std::string(100, ']') + "\n",
               {"e.yaml:1:78: found lists or maps nested deeper than 64 levels"});
}

TEST(YamlErrors, AliasesAndMergeKeys) {
  expect_error("accelerators: *nope\n", {"e.yaml:1:15: found the alias *nope, expected an anchor &nope before it"});
  expect_error("accelerators: &a [*a]\n", {"e.yaml:1:19: found the alias *a inside the node anchored &a"});
  std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i < 10; ++i) {
    const std::string n = std::to_string(i), prev = std::to_string(i - 1);
    bomb.append("a").append(n).append(": &a").append(n).append(" [");
    for (int j = 0; j < 10; ++j) bomb.append(j ? ", *a" : "*a").append(prev);
    bomb.append("]\n");
  }
  expect_error(bomb, {"e.yaml:6:5: found aliases and merge keys that expand to more than 1000000 nodes"});
  expect_error("accelerators:\n  - <<: 3\n    id: h200\n",
               {"e.yaml:2:9: merge key '<<': found text, expected a map or a list of maps"});
  expect_error("accelerators:\n  - <<: [{name: x}, [1]]\n    id: h200\n",
               {"e.yaml:2:21: merge key '<<': found a list in the list"});
  // Typos stay errors wherever the key is written, merged or quoted.
  expect_error("accelerators:\n  - <<: {nmae: x}\n    id: h200\n",
               {"e.yaml:2:10: unknown field 'nmae'; did you mean 'name'?"});
  expect_error("accelerators:\n  - \"<<\": {name: x}\n    id: h200\n", {"e.yaml:2:5: unknown field '<<'"});
}

}  // namespace
}  // namespace suanli

// Scenarios and policies load from the embedded defaults and from files; every
// reference is checked against the catalog and the scenario, and bad input
// fails with "file:line", what was found and what was expected.
#include "suanli/config/scenario_loader.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/model/accelerator.h"
#include "suanli/model/error.h"

namespace suanli {
namespace {

const Catalog& defaults() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

std::string message_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const InputError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected InputError";
  return "";
}

// Runs `fn`, expecting an InputError whose message contains each of `parts`.
void expect_input_error(const std::function<void()>& fn, std::initializer_list<std::string> parts) {
  const std::string m = message_of(fn);
  for (const std::string& p : parts) EXPECT_NE(m.find(p), std::string::npos) << "missing '" << p << "' in: " << m;
}

int devices_of(const std::vector<NodeGroup>& groups, std::string_view accelerator) {
  int n = 0;
  for (const NodeGroup& g : groups) {
    if (g.accelerator == accelerator) n += g.count * g.devices_per_node;
  }
  return n;
}

const JobClass& class_named(const Scenario& s, std::string_view name) {
  for (const JobClass& c : s.classes) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no class " << name;
  return s.classes.front();
}

// A small valid scenario; tests replace one line (1-based) to break it.
std::vector<std::string> base_lines() {
  return {
      "name: t",                                                 // 1
      "period: {start: 2026-01-01, end: 2026-06-30}",            // 2
      "tenants:",                                                // 3
      "  - {name: grid, sector: energy, domestic_target: 1.0}",  // 4
      "fleet:",                                                  // 5
      "  - {id: g1, accelerator: ascend-910b3, nodes: 4}",       // 6
      "classes:",                                                // 7
      "  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-8b, devices: 8, work_tokens: 1.0e9, stacks: "
      "[cann]}",                                                           // 8
      "jobs:",                                                             // 9
      "  - {class: c1, arrival: 2026-02-01}",                              // 10
      "events:",                                                           // 11
      "  - {at: 2026-03-01, supply: no-new-supply, accelerators: [h20]}",  // 12
  };
}

std::string text_of(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

Scenario parse(const std::vector<std::string>& lines) {
  return config::parse_scenario(defaults(), text_of(lines), "t.yaml", "");
}

// The base scenario with line `n` replaced by `line`.
std::vector<std::string> with(int n, std::string line) {
  auto lines = base_lines();
  lines.at(static_cast<std::size_t>(n - 1)) = std::move(line);
  return lines;
}

TEST(ScenarioLoader, BaseScenarioParses) {
  const Scenario s = parse(base_lines());
  EXPECT_EQ(s.name, "t");
  EXPECT_EQ(s.source, "t.yaml");
  EXPECT_EQ(s.start, *parse_time("2026-01-01"));
  EXPECT_EQ(s.end, *parse_time("2026-07-01"));  // end date includes its whole day
  ASSERT_EQ(s.fleet.size(), 1u);
  EXPECT_EQ(s.fleet[0].join, s.start);        // join defaults to the period start
  EXPECT_EQ(s.fleet[0].devices_per_node, 8);  // the catalog's node size
  EXPECT_EQ(s.policy.name, "seed");           // the default policy
  ASSERT_EQ(s.jobs.size(), 1u);
  EXPECT_EQ(s.jobs[0].id, 1);
  EXPECT_EQ(s.jobs[0].cls, 0);
  EXPECT_EQ(s.jobs[0].shape.name, "c1");
  ASSERT_EQ(s.events.size(), 1u);
  EXPECT_EQ(s.events[0].kind, Event::Kind::Supply);
  EXPECT_EQ(s.events[0].effect, SupplyEffect::NoNewSupply);
}

TEST(ScenarioLoader, EmbeddedNamesAreListed) {
  EXPECT_EQ(config::embedded_scenario_names(), (std::vector<std::string>{"h200-window", "import-cut", "all-domestic"}));
  EXPECT_EQ(config::embedded_policy_names(), (std::vector<std::string>{"seed", "strict"}));
}

TEST(ScenarioLoader, H200WindowHasTheDocumentedShape) {
  const Scenario s = config::load_scenario(defaults(), "h200-window");
  EXPECT_EQ(s.name, "h200-window");
  EXPECT_EQ(s.source, "<embedded>/scenarios/h200-window.yaml");
  EXPECT_EQ(s.start, *parse_time("2025-10-01"));
  EXPECT_EQ(s.end, *parse_time("2027-01-01"));
  EXPECT_EQ(s.seed, 42u);
  EXPECT_EQ(s.sample_interval, 6 * kHour);
  EXPECT_TRUE(s.preemption);
  EXPECT_EQ(s.checkpoint_interval, kHour);
  EXPECT_EQ(s.policy.name, "seed");
  EXPECT_DOUBLE_EQ(s.policy.imported_cap_fleet, 0.30);
  EXPECT_DOUBLE_EQ(s.policy.domestic_target, 0.8);

  EXPECT_EQ(s.tenants.size(), 5u);
  EXPECT_EQ(s.fleet.size(), 6u);
  EXPECT_EQ(devices_of(s.fleet, "ascend-910b3"), 320);
  EXPECT_EQ(devices_of(s.fleet, "ascend-910c"), 128);
  EXPECT_EQ(devices_of(s.fleet, "mlu370-x8"), 64);
  EXPECT_EQ(devices_of(s.fleet, "k100-ai"), 64);
  EXPECT_EQ(devices_of(s.fleet, "h20"), 96);
  EXPECT_EQ(devices_of(s.fleet, "h800"), 64);
  int nodes = 0;
  for (const NodeGroup& g : s.fleet) nodes += g.count;
  for (const Purchase& p : s.purchases) nodes += p.group.count;
  EXPECT_EQ(nodes, 124);
  EXPECT_GE(nodes, 60);
  EXPECT_LE(nodes, 150);

  EXPECT_EQ(s.classes.size(), 11u);
  EXPECT_EQ(s.arrivals.size(), 11u);
  double per_day = 0;
  for (const ArrivalProcess& a : s.arrivals) {
    per_day += a.per_day;
    EXPECT_EQ(a.start, s.start);
    EXPECT_EQ(a.end, s.end);
  }
  const double expected_jobs = per_day * static_cast<double>(s.end - s.start) / kDay;
  EXPECT_GT(expected_jobs, 1000);  // "a few thousand jobs at most"
  EXPECT_LT(expected_jobs, 4000);

  // The gap: a CUDA-only class; the CII classes are not ported to CUDA-only.
  EXPECT_EQ(class_named(s, "llm-cuda-research").stacks, std::vector<std::string>{"cuda"});
  const JobClass& dsv3 = class_named(s, "llm-dsv3-serve");
  EXPECT_EQ(dsv3.kind, JobKind::Serve);
  EXPECT_EQ(dsv3.precision, Precision::FP8);
  EXPECT_EQ(dsv3.devices, 0);  // sized by the SLO
  EXPECT_DOUBLE_EQ(dsv3.slo.min_tokens_per_s, 1000);
  EXPECT_EQ(dsv3.duration, 14 * kDay);

  // Explicit jobs: numbered from 1, the class's shape with overrides.
  ASSERT_EQ(s.jobs.size(), 3u);
  EXPECT_EQ(s.jobs[0].id, 1);
  EXPECT_EQ(s.jobs[2].id, 3);
  EXPECT_EQ(s.classes[static_cast<std::size_t>(s.jobs[0].cls)].name, "llm-72b-finetune");
  EXPECT_EQ(s.jobs[0].shape.devices, 128);
  EXPECT_DOUBLE_EQ(s.jobs[0].shape.work_tokens, 6.0e10);
  EXPECT_EQ(s.jobs[0].shape.model, "qwen2.5-72b");  // from the class
  EXPECT_EQ(s.jobs[1].shape.duration, 30 * kDay);
  EXPECT_DOUBLE_EQ(s.jobs[2].shape.slo.min_tokens_per_s, 4000);

  ASSERT_EQ(s.events.size(), 4u);
  EXPECT_EQ(s.events[1].effect, SupplyEffect::Restored);
  EXPECT_EQ(s.events[1].at, *parse_time("2025-12-08"));
  EXPECT_EQ(s.events[2].kind, Event::Kind::NodesLeave);
  EXPECT_EQ(s.events[2].group.id, "ascend-910b");
  EXPECT_EQ(s.events[2].group.count, 2);
  EXPECT_EQ(s.events[3].effect, SupplyEffect::NoSupport);
  EXPECT_EQ(s.events[3].grace, 90 * kDay);
  EXPECT_EQ(s.events[3].accelerators, (std::vector<std::string>{"h200", "h20"}));
  EXPECT_FALSE(s.notes.empty());
}

TEST(ScenarioLoader, PurchasesJoinAtOrderedPlusLeadTime) {
  const Scenario s = config::load_scenario(defaults(), "h200-window");
  ASSERT_EQ(s.purchases.size(), 2u);
  const Purchase& h200 = s.purchases[0];
  EXPECT_EQ(h200.group.id, "h200-order");
  EXPECT_EQ(h200.group.accelerator, "h200");
  EXPECT_EQ(h200.ordered, *parse_time("2025-12-15"));
  EXPECT_EQ(h200.group.join, *parse_time("2025-12-15") + 90 * kDay);
  EXPECT_EQ(h200.group.join, *parse_time("2026-03-15"));
  EXPECT_EQ(s.purchases[1].group.join, *parse_time("2026-05-10"));
}

TEST(ScenarioLoader, ImportCutStopsImportsWithAShock) {
  const Scenario s = config::load_scenario(defaults(), "import-cut");
  const Scenario w = config::load_scenario(defaults(), "h200-window");
  EXPECT_EQ(s.fleet.size(), w.fleet.size());
  EXPECT_EQ(s.classes.size(), w.classes.size());
  EXPECT_EQ(s.tenants.size(), w.tenants.size());
  EXPECT_EQ(s.seed, w.seed);
  std::set<SupplyEffect> effects;
  for (const Event& e : s.events) {
    if (e.kind == Event::Kind::Supply) effects.insert(e.effect);
  }
  EXPECT_TRUE(effects.count(SupplyEffect::NoNewSupply));
  EXPECT_TRUE(effects.count(SupplyEffect::NoSupport));
  EXPECT_TRUE(effects.count(SupplyEffect::ImmediateLoss));
  for (const Event& e : s.events) {
    if (e.effect == SupplyEffect::NoNewSupply && e.kind == Event::Kind::Supply) {
      // Before the H200 delivery, so the order is cancelled.
      EXPECT_LT(e.at, s.purchases[0].group.join);
    }
    if (e.effect == SupplyEffect::NoSupport && e.kind == Event::Kind::Supply) {
      EXPECT_EQ(e.grace, 60 * kDay);
    }
    if (e.effect == SupplyEffect::ImmediateLoss && e.kind == Event::Kind::Supply) {
      EXPECT_EQ(e.accelerators, std::vector<std::string>{"h800"});
    }
  }
}

TEST(ScenarioLoader, AllDomesticHasNoImportedChips) {
  const Scenario s = config::load_scenario(defaults(), "all-domestic");
  EXPECT_EQ(s.fleet.size(), 4u);
  EXPECT_EQ(s.purchases.size(), 1u);
  EXPECT_EQ(s.tenants.size(), 5u);
  EXPECT_EQ(s.classes.size(), 11u);
  for (const NodeGroup& g : s.fleet) EXPECT_EQ(defaults().accelerator(g.accelerator).origin, Origin::Domestic) << g.id;
  for (const Purchase& p : s.purchases) EXPECT_EQ(defaults().accelerator(p.group.accelerator).origin, Origin::Domestic);
  // The gap classes are still there, with no stack any fleet chip runs.
  EXPECT_EQ(class_named(s, "uni-cuda-course").stacks, std::vector<std::string>{"cuda"});
}

TEST(ScenarioLoader, UnknownEmbeddedNameSuggestsTheClosest) {
  expect_input_error([] { config::load_scenario(defaults(), "h200-windw"); },
                     {"unknown scenario 'h200-windw'", "did you mean 'h200-window'"});
}

TEST(PolicyLoader, SeedAndStrict) {
  const PolicySpec seed = config::load_policy("seed");
  EXPECT_EQ(seed.name, "seed");
  EXPECT_EQ(seed.source, "<embedded>/policies/seed.yaml");
  EXPECT_TRUE(seed.cii_domestic_only);
  EXPECT_TRUE(seed.gap_only);
  EXPECT_EQ(seed.critical_sectors,
            (std::vector<std::string>{"telecom", "energy", "finance", "transport", "government"}));
  EXPECT_DOUBLE_EQ(seed.imported_cap_fleet, 0.30);
  EXPECT_DOUBLE_EQ(seed.imported_cap_tenant, 1.0);
  EXPECT_EQ(seed.cap_window, 30 * kDay);
  EXPECT_DOUBLE_EQ(seed.domestic_target, 0.8);

  const PolicySpec strict = config::load_policy("strict");
  EXPECT_EQ(strict.name, "strict");
  EXPECT_DOUBLE_EQ(strict.imported_cap_fleet, 0.10);
  EXPECT_DOUBLE_EQ(strict.imported_cap_tenant, 0.50);
  EXPECT_DOUBLE_EQ(strict.domestic_target, 0.9);
  EXPECT_EQ(strict.critical_sectors, seed.critical_sectors);  // from its base
  EXPECT_EQ(strict.cii_reason, seed.cii_reason);
  EXPECT_NE(strict.cap_reason, seed.cap_reason);
}

TEST(PolicyLoader, InlinePolicyWithBaseOverridesOneField) {
  auto lines = base_lines();
  lines.push_back("policy: {base: seed, domestic_target: 0.95}");
  const Scenario s = parse(lines);
  const PolicySpec seed = config::load_policy("seed");
  EXPECT_DOUBLE_EQ(s.policy.domestic_target, 0.95);
  EXPECT_DOUBLE_EQ(s.policy.imported_cap_fleet, seed.imported_cap_fleet);
  EXPECT_EQ(s.policy.critical_sectors, seed.critical_sectors);
  EXPECT_EQ(s.policy.gap_reason, seed.gap_reason);
  EXPECT_EQ(s.policy.name, "seed (modified)");
  EXPECT_EQ(s.policy.source, "t.yaml:13:9 (inline)");

  lines.back() = "policy: {base: seed, rules: {imported-cap: {enabled: false}}}";
  const Scenario uncapped = parse(lines);
  EXPECT_DOUBLE_EQ(uncapped.policy.imported_cap_fleet, 1.0);
  EXPECT_DOUBLE_EQ(uncapped.policy.domestic_target, seed.domestic_target);
}

TEST(PolicyLoader, LocatedErrors) {
  const std::string head = "name: p\nrules:\n";
  expect_input_error([&] { config::parse_policy(head + "  gap-onl: {enabled: true}\n", "p.yaml"); },
                     {"p.yaml:3", "unknown rule 'gap-onl'", "did you mean 'gap-only'"});
  expect_input_error(
      [&] { config::parse_policy(head + "  cii-domestic-only: {sectors: [energy, fnance]}\n", "p.yaml"); },
      {"p.yaml:3", "sector: found 'fnance'", "did you mean 'finance'"});
  expect_input_error([&] { config::parse_policy(head + "  imported-cap: {fleet: 1.5}\n", "p.yaml"); },
                     {"p.yaml:3", "fleet: found 1.5, expected a share between 0 and 1"});
  expect_input_error([&] { config::parse_policy("name: p\ndomestic_target: -0.1\n", "p.yaml"); },
                     {"p.yaml:2", "expected a share between 0 and 1"});
  expect_input_error([&] { config::parse_policy("base: sed\n", "p.yaml"); },
                     {"p.yaml:1", "unknown policy 'sed'", "did you mean 'seed'"});
  expect_input_error([&] { config::parse_policy("description: x\n", "p.yaml"); },
                     {"p.yaml:1", "missing required field 'name'"});
  expect_input_error([] { config::load_policy("strct"); }, {"unknown policy 'strct'", "did you mean 'strict'"});
}

TEST(ScenarioLoader, UnknownKeySuggestsTheClosest) {
  expect_input_error([] { parse(with(6, "  - {id: g1, accelerator: ascend-910b3, nodes: 4, zones: a}")); },
                     {"t.yaml:6", "unknown field 'zones'", "did you mean 'zone'"});
  auto lines = base_lines();
  lines.push_back("evnts: []");
  expect_input_error([&] { parse(lines); }, {"t.yaml:13", "unknown field 'evnts'", "did you mean 'events'"});
}

TEST(ScenarioLoader, UnknownAcceleratorSuggestsTheClosest) {
  expect_input_error([] { parse(with(6, "  - {id: g1, accelerator: ascend-91b3, nodes: 4}")); },
                     {"t.yaml:6", "unknown accelerator 'ascend-91b3'", "did you mean", "'ascend-910b3'"});
  expect_input_error([] { parse(with(12, "  - {at: 2026-03-01, supply: no-support, accelerators: [h2O]}")); },
                     {"t.yaml:12", "unknown accelerator 'h2O'", "did you mean"});
}

TEST(ScenarioLoader, UnknownModelSuggestsTheClosest) {
  expect_input_error(
      [] {
        parse(with(8,
                   "  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-9b, devices: 8, work_tokens: 1.0e9, "
                   "stacks: [cann]}"));
      },
      {"t.yaml:8", "unknown model 'llama-3.1-9b'", "did you mean"});
}

TEST(ScenarioLoader, UnknownTenantClassStackAndGroup) {
  expect_input_error(
      [] {
        parse(with(8,
                   "  - {name: c1, tenant: grd, kind: finetune, model: llama-3.1-8b, devices: 8, work_tokens: 1.0e9, "
                   "stacks: [cann]}"));
      },
      {"t.yaml:8", "tenant: found 'grd'", "did you mean 'grid'"});
  expect_input_error([] { parse(with(10, "  - {class: c2, arrival: 2026-02-01}")); },
                     {"t.yaml:10", "class: found 'c2'", "did you mean 'c1'"});
  expect_input_error(
      [] {
        parse(with(8,
                   "  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-8b, devices: 8, work_tokens: 1.0e9, "
                   "stacks: [cann, cudaa]}"));
      },
      {"t.yaml:8", "stacks: found 'cudaa'", "did you mean 'cuda'"});
  expect_input_error([] { parse(with(12, "  - {at: 2026-03-01, fail: {group: g2, nodes: 1}}")); },
                     {"t.yaml:12", "group: found 'g2'", "did you mean 'g1'"});
  expect_input_error([] { parse(with(12, "  - {at: 2026-03-01, fail: {group: g1, nodes: 5}}")); },
                     {"t.yaml:12", "nodes: found 5, expected 1 to 4"});
}

TEST(ScenarioLoader, UnknownSector) {
  expect_input_error([] { parse(with(4, "  - {name: grid, sector: enrgy}")); },
                     {"t.yaml:4", "sector: found 'enrgy'", "expected one of telecom", "did you mean 'energy'"});
}

TEST(ScenarioLoader, ShareOutsideZeroToOne) {
  expect_input_error([] { parse(with(4, "  - {name: grid, sector: energy, domestic_target: 1.5}")); },
                     {"t.yaml:4", "domestic_target: found 1.5, expected a share between 0 and 1"});
}

TEST(ScenarioLoader, ShareOfOneDevice) {
  const std::string svc = "  - {name: c1, tenant: grid, kind: serve, model: qwen2.5-7b, duration: 1h, stacks: [cann], ";
  const Scenario s = parse(with(8, svc + "share: 0.25, share_memory_gb: 24}"));
  const JobClass& c = class_named(s, "c1");
  EXPECT_EQ(c.share_milli, 250);
  EXPECT_EQ(c.share_memory_mib, mib_from_gb(24));
  EXPECT_EQ(c.devices, 0);
  // A job may override the share.
  auto lines = with(8, svc + "share: 0.25}");
  lines.at(9) = "  - {class: c1, arrival: 2026-02-01, share: 0.125, devices: 1}";
  const Scenario j = parse(lines);
  EXPECT_EQ(j.jobs.at(0).shape.share_milli, 125);
  EXPECT_EQ(j.jobs.at(0).shape.devices, 1);

  expect_input_error([&] { parse(with(8, svc + "share: 1.0}")); },
                     {"t.yaml:8", "share: found 1", "above 0 and below 1"});
  expect_input_error([&] { parse(with(8, svc + "share: 0.2505}")); }, {"t.yaml:8", "share: found 0.2505", "0.001"});
  expect_input_error([&] { parse(with(8, svc + "share: 0.25, devices: 8}")); },
                     {"t.yaml:8", "devices: found 8 with share 0.25", "expected 1 or no devices"});
  expect_input_error([&] { parse(with(8, svc + "devices: 1, share_memory_gb: 24}")); },
                     {"t.yaml:8", "share_memory_gb: found without 'share'"});
  expect_input_error([&] { parse(with(8, svc + "share: 0.5, share_memory_gb: 0}")); },
                     {"t.yaml:8", "share_memory_gb: found 0", "above zero"});
  // Regression: a huge share_memory_gb was converted to MiB out of int range (UBSan).
  expect_input_error([&] { parse(with(8, svc + "share: 0.5, share_memory_gb: 1e300}")); },
                     {"t.yaml:8", "share_memory_gb: found 1e+300, expected a number above zero and at most 100000"});
  lines.at(9) = "  - {class: c1, arrival: 2026-02-01, devices: 2}";
  expect_input_error([&] { parse(lines); }, {"t.yaml:10", "devices: found 2 with share 0.25"});
}

TEST(ScenarioLoader, MalformedDate) {
  expect_input_error([] { parse(with(10, "  - {class: c1, arrival: 2026-02-30}")); },
                     {"t.yaml:10", "arrival: found '2026-02-30', expected a date yyyy-mm-dd"});
  expect_input_error([] { parse(with(2, "period: {start: 2026-1-01, end: 2026-06-30}")); },
                     {"t.yaml:2", "start: found '2026-1-01'"});
}

TEST(ScenarioLoader, DatesOutsideThePeriod) {
  expect_input_error([] { parse(with(12, "  - {at: 2027-01-01, supply: no-new-supply, accelerators: [h20]}")); },
                     {"t.yaml:12", "at: found 2027-01-01, expected a time inside the period 2026-01-01 to 2026-06-30"});
  expect_input_error([] { parse(with(10, "  - {class: c1, arrival: 2025-12-31T23:00}")); },
                     {"t.yaml:10", "arrival: found 2025-12-31T23:00, expected a time inside the period"});
  expect_input_error([] { parse(with(2, "period: {start: 2026-01-01, end: 2026-01-01}")); },
                     {"t.yaml:2", "end: found 2026-01-01, expected a date after the start"});
  // The last day of the period is inside it.
  EXPECT_NO_THROW(parse(with(10, "  - {class: c1, arrival: 2026-06-30T18:00}")));
}

TEST(ScenarioLoader, MalformedYaml) {
  expect_input_error([] { parse(with(6, "  - {id: g1, accelerator: ascend-910b3, nodes: [4}")); },
                     {"t.yaml:6", "malformed YAML"});
}

TEST(ScenarioLoader, CountsAndShapes) {
  expect_input_error([] { parse(with(6, "  - {id: g1, accelerator: ascend-910b3, nodes: 0}")); },
                     {"t.yaml:6", "nodes: found 0, expected a positive integer"});
  expect_input_error([] { parse(with(6, "  - {id: g1, accelerator: ascend-910b3, nodes: 4, devices_per_node: 3}")); },
                     {"t.yaml:6", "devices_per_node: found 3, expected 1, 2, 4, 8 or 16"});
  expect_input_error(
      [] {
        parse(with(8, "  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-8b, devices: 8, stacks: [cann]}"));
      },
      {"t.yaml:8", "needs 'work_tokens' above zero"});
  expect_input_error(
      [] {
        parse(with(8, "  - {name: c1, tenant: grid, kind: serve, model: llama-3.1-8b, devices: 8, stacks: [cann]}"));
      },
      {"t.yaml:8", "a serve class needs 'duration'"});
  expect_input_error(
      [] {
        parse(with(
            8,
            "  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-8b, work_tokens: 1.0e9, stacks: [cann]}"));
      },
      {"t.yaml:8", "found neither 'devices' nor 'slo'"});
  expect_input_error(
      [] {
        parse(with(8,
                   "  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-8b, devices: 6, work_tokens: 1.0e9, "
                   "stacks: [cann]}"));
      },
      {"t.yaml:8", "devices: found 6, expected 1, 2, 4 or a multiple of 8"});
  expect_input_error(
      [] {
        parse(with(8,
                   "  - {name: c1, tenant: grid, kind: bake, model: llama-3.1-8b, devices: 8, work_tokens: 1.0e9, "
                   "stacks: [cann]}"));
      },
      {"t.yaml:8", "kind: found 'bake', expected train, finetune, serve or batch-infer"});
}

TEST(ScenarioLoader, DuplicateNames) {
  auto lines = base_lines();
  lines.insert(lines.begin() + 4, "  - {name: grid, sector: finance}");  // line 5
  expect_input_error([&] { parse(lines); }, {"t.yaml:5", "tenant 'grid' is defined twice (first at t.yaml:4:12)"});
  lines = base_lines();
  lines.insert(lines.begin() + 6, "  - {id: g1, accelerator: ascend-910c, nodes: 2}");  // line 7
  expect_input_error([&] { parse(lines); }, {"t.yaml:7", "node group 'g1' is defined twice"});
}

TEST(ScenarioLoader, JobOverridesAndArrivals) {
  auto lines = with(10, "  - {class: c1, arrival: 2026-02-01T08:30, devices: 32, work_tokens: 5.0e9, priority: 3}");
  lines[7] =
      "  - {name: c1, tenant: grid, kind: finetune, model: llama-3.1-8b, devices: 8, work_tokens: 1.0e9, stacks: "
      "[cann], "
      "arrivals: {per_day: 2.5, start: 2026-02-01, size_jitter: 0.3}}";
  const Scenario s = parse(lines);
  ASSERT_EQ(s.jobs.size(), 1u);
  EXPECT_EQ(s.jobs[0].arrival, *parse_time("2026-02-01T08:30"));
  EXPECT_EQ(s.jobs[0].shape.devices, 32);
  EXPECT_DOUBLE_EQ(s.jobs[0].shape.work_tokens, 5.0e9);
  EXPECT_EQ(s.jobs[0].shape.priority, 3);
  EXPECT_EQ(s.classes[0].devices, 8);  // the class is unchanged
  ASSERT_EQ(s.arrivals.size(), 1u);
  EXPECT_EQ(s.arrivals[0].cls, 0);
  EXPECT_DOUBLE_EQ(s.arrivals[0].per_day, 2.5);
  EXPECT_EQ(s.arrivals[0].start, *parse_time("2026-02-01"));
  EXPECT_EQ(s.arrivals[0].end, s.end);
  EXPECT_DOUBLE_EQ(s.arrivals[0].size_jitter, 0.3);
}

TEST(ScenarioLoader, RelativeFilesResolveAgainstTheScenario) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() /
                       ("suanli-scenario-test-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()));
  fs::create_directories(dir);
  {
    std::ofstream(dir / "jobs.yaml")
        << "jobs:\n  - {class: c1, arrival: 2026-03-01}\n  - {class: c1, arrival: 2026-02-30}\n";
    std::ofstream(dir / "mine.yaml") << "name: mine\nbase: strict\ndomestic_target: 0.99\n";
    auto lines = base_lines();
    lines.push_back("jobs_file: jobs.yaml");
    lines.push_back("policy: mine.yaml");
    std::ofstream(dir / "s.yaml") << text_of(lines);
  }
  const std::string path = (dir / "s.yaml").string();
  expect_input_error([&] { config::load_scenario(defaults(), path); },
                     {(dir / "jobs.yaml").string() + ":3", "arrival: found '2026-02-30'"});
  std::ofstream(dir / "jobs.yaml") << "jobs:\n  - {class: c1, arrival: 2026-03-01}\n";
  const Scenario s = config::load_scenario(defaults(), path);
  ASSERT_EQ(s.jobs.size(), 2u);
  EXPECT_EQ(s.jobs[1].id, 2);
  EXPECT_EQ(s.jobs[1].arrival, *parse_time("2026-03-01"));
  EXPECT_EQ(s.policy.name, "mine");
  EXPECT_DOUBLE_EQ(s.policy.domestic_target, 0.99);
  EXPECT_DOUBLE_EQ(s.policy.imported_cap_fleet, 0.10);  // from strict
  EXPECT_EQ(s.source, path);

  auto missing = base_lines();
  missing.push_back("jobs_file: absent.yaml");
  std::ofstream(dir / "s.yaml") << text_of(missing);
  expect_input_error([&] { config::load_scenario(defaults(), path); },
                     {path + ":13", "jobs_file: cannot read jobs file", "absent.yaml"});
  fs::remove_all(dir);
}

}  // namespace
}  // namespace suanli

// The capacity planner: tiny plans with hand-checked optimal answers, the
// sovereignty and resilience rules binding where they should, conflicts
// named, and plan files with located errors.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/plan_loader.h"
#include "suanli/model/error.h"
#include "suanli/solver/milp.h"
#include "suanli/plan/planner.h"
#include "suanli/policy/capability.h"
#include "suanli/report/plan_html.h"

namespace suanli {
namespace {

namespace fs = std::filesystem;

const Catalog& catalog() {
  static const Catalog c = config::load_catalog({});
  return c;
}

// A fine-tune of Llama 3.1 8B on 8 devices, ported to CUDA and CANN.
JobClass finetune(const std::string& tenant) {
  JobClass s;
  s.name = "ft";
  s.tenant = tenant;
  s.kind = JobKind::Finetune;
  s.model = "llama-3.1-8b";
  s.devices = 8;
  s.stacks = {"cuda", "cann"};
  return s;
}

// Devices the class's steady rate takes on `accelerator` per token/s.
double devices_per_tps(const JobClass& s, const std::string& accelerator) {
  const Capability cap = assess(s, catalog().accelerator(accelerator), catalog());
  EXPECT_TRUE(cap.feasible) << accelerator << ": " << cap.why;
  return cap.devices / cap.tokens_per_s;
}

plan::Candidate candidate(const std::string& id, double usd) {
  plan::Candidate c;
  c.accelerator = id;
  c.devices_per_node = 8;
  c.usd_per_node = usd;
  c.price_source = "test";
  return c;
}

// One class whose demand takes exactly `devices_910c` Ascend 910C devices;
// candidates 910C (domestic) and H200 (imported); no existing fleet, no
// energy cost, policy off unless a test turns it on.
plan::PlanProblem tiny(const std::string& tenant_sector, double devices_910c, double price_910c, double price_h200) {
  plan::PlanProblem p;
  p.name = "tiny";
  p.purchase_date = *parse_time("2026-01-05");
  p.horizon = 100 * kDay;
  p.electricity_usd_per_kwh = 0;
  Tenant t;
  t.name = "t";
  t.sector = tenant_sector;
  p.tenants = {t};
  p.policy.gap_only = false;
  p.resilience_critical = true;
  p.candidates = {candidate("ascend-910c", price_910c), candidate("h200", price_h200)};
  plan::Demand d;
  d.shape = finetune("t");
  d.within = 100 * kDay;
  const double tps = devices_910c / devices_per_tps(d.shape, "ascend-910c");
  d.work_tokens = tps * static_cast<double>(d.within);
  p.demand = {d};
  return p;
}

int nodes_of(const plan::PlanResult& r, const std::string& id) {
  for (const plan::PurchaseLine& l : r.purchases) {
    if (l.accelerator == id) return l.nodes;
  }
  return 0;
}

TEST(Milp, SolvesASmallKnapsackToProvenOptimality) {
  // max 5a + 4b + 3c  s.t. 2a + 3b + c <= 5, 4a + b + 2c <= 11, 3a + 4b + 2c <= 8, integer >= 0
  // optimum 13 at (2, 0, 1).
  solver::MilpModel m;
  const int a = m.add_var({.name = "a", .lower = 0, .upper = 10, .integer = true, .cost = -5});
  const int b = m.add_var({.name = "b", .lower = 0, .upper = 10, .integer = true, .cost = -4});
  const int c = m.add_var({.name = "c", .lower = 0, .upper = 10, .integer = true, .cost = -3});
  m.add_row({.name = "r1", .group = "g", .terms = {{a, 2}, {b, 3}, {c, 1}}, .sense = solver::Sense::LessEqual, .rhs = 5});
  m.add_row({.name = "r2", .group = "g", .terms = {{a, 4}, {b, 1}, {c, 2}}, .sense = solver::Sense::LessEqual, .rhs = 11});
  m.add_row({.name = "r3", .group = "g", .terms = {{a, 3}, {b, 4}, {c, 2}}, .sense = solver::Sense::LessEqual, .rhs = 8});
  const solver::Solution s = solver::solve(m);
  ASSERT_EQ(s.status, solver::Solution::Status::Optimal);
  EXPECT_NEAR(s.objective, -13, 1e-6);
  EXPECT_EQ(s.values[static_cast<std::size_t>(a)], 2);
  EXPECT_EQ(s.values[static_cast<std::size_t>(c)], 1);
  EXPECT_EQ(s.gap, 0);
}

TEST(Milp, InfeasibleIsAStatusNotAnError) {
  solver::MilpModel m;
  const int x = m.add_var({.name = "x", .lower = 0, .upper = 1, .integer = true, .cost = 1});
  m.add_row({.name = "r", .group = "g", .terms = {{x, 1}}, .sense = solver::Sense::GreaterEqual, .rhs = 2});
  EXPECT_EQ(solver::solve(m).status, solver::Solution::Status::Infeasible);
}

TEST(Plan, BuysTheCheaperModelThatFitsInTheExactNumber) {
  // 20 devices of 910C = 3 nodes (2.5 rounded up) at 100k; H200 costs 10x.
  const plan::PlanResult r = plan::plan(tiny("internet", 20, 100000, 1000000), catalog());
  ASSERT_EQ(r.status, plan::PlanStatus::Optimal);
  EXPECT_EQ(r.mode, plan::PlanMode::MinCost);
  EXPECT_EQ(nodes_of(r, "ascend-910c"), 3);
  EXPECT_EQ(nodes_of(r, "h200"), 0);
  EXPECT_NEAR(r.capex_usd, 300000, 1e-6);
  EXPECT_EQ(r.gap, 0);

  // Swap the prices: the H200 nodes the same demand takes, rounded up.
  plan::PlanProblem p = tiny("internet", 20, 1000000, 100000);
  const double h200_devices = 20 / devices_per_tps(p.demand[0].shape, "ascend-910c") *
                              devices_per_tps(p.demand[0].shape, "h200");
  const plan::PlanResult s = plan::plan(p, catalog());
  ASSERT_EQ(s.status, plan::PlanStatus::Optimal);
  EXPECT_EQ(nodes_of(s, "ascend-910c"), 0);
  EXPECT_EQ(nodes_of(s, "h200"), static_cast<int>(std::ceil(h200_devices / 8 - 1e-9)));
}

TEST(Plan, CriticalInfrastructureStaysDomesticEvenWhenImportedIsCheaper) {
  plan::PlanProblem p = tiny("energy", 20, 1000000, 100000);
  p.resilience_critical = false;
  const plan::PlanResult sovereign = plan::plan(p, catalog());
  ASSERT_EQ(sovereign.status, plan::PlanStatus::Optimal);
  EXPECT_EQ(nodes_of(sovereign, "ascend-910c"), 3);
  EXPECT_EQ(nodes_of(sovereign, "h200"), 0);
  for (const plan::AllocationLine& a : sovereign.allocations) EXPECT_TRUE(a.domestic) << a.accelerator;

  plan::PlanOptions cost_only;
  cost_only.sovereignty = false;
  const plan::PlanResult free = plan::plan(p, catalog(), cost_only);
  EXPECT_EQ(nodes_of(free, "ascend-910c"), 0);
  EXPECT_GT(nodes_of(free, "h200"), 0);
  EXPECT_LT(free.total_usd, sovereign.total_usd);
}

TEST(Plan, ResilienceBuysDomesticCapacityForTheImportCut) {
  plan::PlanProblem p = tiny("internet", 20, 1000000, 100000);
  const plan::PlanResult none = plan::plan(p, catalog());
  EXPECT_EQ(nodes_of(none, "ascend-910c"), 0);
  EXPECT_NEAR(none.resilience_all, 0, 1e-9);

  p.resilience_all = 0.5;  // 10 devices of 910C = 2 nodes must exist for the cut
  const plan::PlanResult half = plan::plan(p, catalog());
  ASSERT_EQ(half.status, plan::PlanStatus::Optimal);
  EXPECT_EQ(nodes_of(half, "ascend-910c"), 2);
  EXPECT_GE(half.resilience_all, 0.5 - 1e-9);
  EXPECT_GT(half.total_usd, none.total_usd);
  bool priced = false;
  for (const std::string& b : half.binding) priced = priced || b.find("import-cut resilience rule binds") != std::string::npos;
  EXPECT_TRUE(priced);

  p.resilience_all = 1.0;  // all 20 devices: 3 nodes, and then H200 is not worth buying at all
  const plan::PlanResult full = plan::plan(p, catalog());
  EXPECT_EQ(nodes_of(full, "ascend-910c"), 3);
  EXPECT_EQ(nodes_of(full, "h200"), 0);
}

TEST(Plan, DomesticShareTargetMovesWorkHome) {
  plan::PlanProblem p = tiny("internet", 20, 1000000, 100000);
  p.domestic_share_target = 0.5;
  const plan::PlanResult r = plan::plan(p, catalog());
  ASSERT_EQ(r.status, plan::PlanStatus::Optimal);
  EXPECT_GE(r.domestic_share_devices, 0.5 - 1e-6);
  EXPECT_GT(nodes_of(r, "ascend-910c"), 0);
}

TEST(Plan, ConflictingGroupsAreNamed) {
  plan::PlanProblem p = tiny("internet", 20, 1000000, 100000);
  p.candidates[0].max_nodes = 1;  // 8 910C devices at most
  p.resilience_all = 1.0;         // but the cut needs 20
  const plan::PlanResult r = plan::plan(p, catalog());
  ASSERT_EQ(r.status, plan::PlanStatus::Infeasible);
  ASSERT_EQ(r.conflict.size(), 2u);
  EXPECT_NE(r.conflict[0].find("supply caps (ascend-910c <= 1 nodes)"), std::string::npos) << r.conflict[0];
  EXPECT_NE(r.conflict[1].find("import-cut resilience"), std::string::npos) << r.conflict[1];
}

TEST(Plan, CriticalClassWithNoDomesticModelIsUnservable) {
  plan::PlanProblem p = tiny("finance", 20, 100000, 100000);
  p.demand[0].shape.stacks = {"cuda"};
  const plan::PlanResult r = plan::plan(p, catalog());
  ASSERT_EQ(r.status, plan::PlanStatus::Infeasible);
  ASSERT_EQ(r.unservable.size(), 1u);
  EXPECT_NE(r.unservable[0].find("critical-infrastructure"), std::string::npos) << r.unservable[0];
}

TEST(Plan, BudgetShortfallServesAsMuchAsTheBudgetBuys) {
  plan::PlanProblem p = tiny("internet", 20, 100000, 1000000);
  p.budget_usd = 200000;  // 2 of the 3 nodes needed
  const plan::PlanResult r = plan::plan(p, catalog());
  ASSERT_NE(r.status, plan::PlanStatus::Infeasible);
  EXPECT_EQ(r.mode, plan::PlanMode::MaxServed);
  EXPECT_EQ(nodes_of(r, "ascend-910c"), 2);
  EXPECT_NEAR(r.served_share, 16.0 / 20.0, 1e-6);
}

TEST(Plan, UnlicensedModelIsNotBought) {
  plan::PlanProblem p = tiny("internet", 20, 1000000, 100000);
  p.candidates[1].available = false;
  p.candidates[1].availability_why = "no licence";
  const plan::PlanResult r = plan::plan(p, catalog());
  EXPECT_EQ(nodes_of(r, "h200"), 0);
  EXPECT_EQ(nodes_of(r, "ascend-910c"), 3);
  ASSERT_FALSE(r.notes.empty());
  EXPECT_NE(r.notes[0].find("no licence"), std::string::npos);
}

TEST(Plan, SweepCostRisesWithTheDomesticTarget) {
  const plan::PlanProblem p = tiny("internet", 20, 1000000, 100000);
  const auto results = plan::sweep_domestic_share(p, catalog(), {0.0, 0.5, 1.0});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_LE(results[0].total_usd, results[1].total_usd);
  EXPECT_LE(results[1].total_usd, results[2].total_usd);
  EXPECT_EQ(nodes_of(results[2], "h200"), 0);
}

// --- plan files -------------------------------------------------------------

fs::path repo() { return fs::path(__FILE__).parent_path().parent_path().parent_path(); }

std::string load_error(const std::string& text) {
  const fs::path dir = fs::temp_directory_path() / ("suanli_plan_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path file = dir / "plan.yaml";
  std::ofstream(file) << text;
  try {
    config::load_plan(catalog(), file.string());
  } catch (const InputError& e) {
    fs::remove_all(dir);
    return e.what();
  }
  fs::remove_all(dir);
  return "";
}

// Three lines: errors below are at line 4 and after.
const std::string kHead = "name: t\nscenario: h200-window\npurchase_date: 2026-01-05\n";

std::string with_prices() { return kHead + "prices: " + (repo() / "data/prices.yaml").string() + "\n"; }

TEST(PlanLoader, ExampleLoadsAndSolves) {
  const plan::PlanProblem p = config::load_plan(catalog(), (repo() / "data/plans/h200-q1-2026.yaml").string());
  EXPECT_EQ(p.name, "h200-q1-2026");
  const auto h200 = std::find_if(p.candidates.begin(), p.candidates.end(),
                                 [](const plan::Candidate& c) { return c.accelerator == "h200"; });
  ASSERT_NE(h200, p.candidates.end());
  EXPECT_TRUE(h200->available) << h200->availability_why;
  const auto b200 = std::find_if(p.candidates.begin(), p.candidates.end(),
                                 [](const plan::Candidate& c) { return c.accelerator == "b200"; });
  ASSERT_NE(b200, p.candidates.end());
  EXPECT_FALSE(b200->available);
  EXPECT_TRUE(h200->price_estimate);
  const plan::PlanResult r = plan::plan(p, catalog());
  EXPECT_EQ(r.status, plan::PlanStatus::Optimal);
  EXPECT_GE(r.domestic_share_devices, 0.75 - 1e-6);
  EXPECT_GE(r.resilience_all, 0.7 - 1e-6);
  EXPECT_NEAR(r.resilience_critical, 1.0, 1e-6);
}

// The examples answer the question: H200 in Q1 2026? Not with the
// base demand (the CUDA gap fits on installed H800/H20); yes, one node, when
// CUDA-only work grows past them.
TEST(PlanLoader, ExamplesAnswerTheH200Question) {
  const plan::PlanResult base =
      plan::plan(config::load_plan(catalog(), (repo() / "data/plans/h200-q1-2026.yaml").string()), catalog());
  ASSERT_EQ(base.status, plan::PlanStatus::Optimal);
  EXPECT_EQ(nodes_of(base, "h200"), 0);
  EXPECT_GT(nodes_of(base, "ascend-910c"), 0);
  EXPECT_EQ(nodes_of(base, "b200"), 0);
  const plan::PlanResult growth =
      plan::plan(config::load_plan(catalog(), (repo() / "data/plans/h200-cuda-growth.yaml").string()), catalog());
  ASSERT_EQ(growth.status, plan::PlanStatus::Optimal);
  EXPECT_GE(nodes_of(growth, "h200"), 1);
  for (const plan::AllocationLine& a : growth.allocations) {
    if (a.accelerator == "h200") {
      EXPECT_EQ(a.cls, "llm-cuda-research");  // gap-only: CUDA-only work alone
    }
  }
}

// Regression (fuzzing): a scenario path that cannot be read was reported
// without the plan's line.
TEST(PlanLoader, UnreadableScenarioFileIsLocatedAtTheField) {
  const std::string e = load_error("name: t\npurchase_date: 2026-01-05\nscenario: no/such/scenario.yaml\n");
  EXPECT_NE(e.find("plan.yaml:3:11: scenario: cannot read scenario file"), std::string::npos) << e;
  EXPECT_NE(e.find("no/such/scenario.yaml"), std::string::npos) << e;
}

// Regression: a huge space_nodes was converted to int out of range (UBSan).
TEST(PlanLoader, SpaceNodesIsAnInteger) {
  const std::string e = load_error(kHead + "space_nodes: 1e300\ncandidates: []\ndemand: []\n");
  EXPECT_NE(e.find("plan.yaml:4:14: space_nodes: found '1e300', expected an integer"), std::string::npos) << e;
}

TEST(PlanLoader, UnknownFieldIsLocated) {
  const std::string e = load_error(kHead + "budget: 5\ncandidates: []\ndemand: []\n");
  EXPECT_NE(e.find("plan.yaml:4"), std::string::npos) << e;
  EXPECT_NE(e.find("budget"), std::string::npos) << e;
}

TEST(PlanLoader, UnknownClassIsLocatedWithASuggestion) {
  const std::string e = load_error(with_prices() +
                                   "candidates:\n  - {accelerator: ascend-910c, usd_per_node: 1}\n"
                                   "demand:\n  - {class: grid-forecast-finetun, work_tokens: 1e9, within: 30d}\n");
  EXPECT_NE(e.find("plan.yaml:8"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'grid-forecast-finetune'"), std::string::npos) << e;
}

TEST(PlanLoader, ServiceDemandNeedsARate) {
  const std::string e = load_error(with_prices() +
                                   "candidates:\n  - {accelerator: ascend-910c, usd_per_node: 1}\n"
                                   "demand:\n  - {class: grid-dispatch-serve, work_tokens: 1e9, within: 30d}\n");
  EXPECT_NE(e.find("plan.yaml:8"), std::string::npos) << e;
  EXPECT_NE(e.find("tokens_per_s"), std::string::npos) << e;
}

TEST(PlanLoader, MissingPriceIsLocated) {
  const std::string e = load_error(kHead +
                                   "candidates:\n  - {accelerator: h200}\n"
                                   "demand:\n  - {class: grid-dispatch-serve, tokens_per_s: 100}\n");
  EXPECT_NE(e.find("plan.yaml:5"), std::string::npos) << e;
  EXPECT_NE(e.find("no price for h200"), std::string::npos) << e;
}

TEST(PlanLoader, BadShareIsLocated) {
  const std::string e = load_error(kHead + "domestic_share: 1.5\n");
  EXPECT_NE(e.find("plan.yaml:4"), std::string::npos) << e;
  EXPECT_NE(e.find("between 0 and 1"), std::string::npos) << e;
}

// A price file may price devices and the host apart: node = devices x device + host.
TEST(PlanLoader, PerDevicePricesMakeTheNodePrice) {
  const fs::path dir = fs::temp_directory_path() / ("suanli_price_test_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  // The shipped price file, with its 910C entry replaced by a later one priced per device.
  std::ifstream shipped(repo() / "data/prices.yaml");
  const std::string base((std::istreambuf_iterator<char>(shipped)), std::istreambuf_iterator<char>());
  auto write_prices = [&](const std::string& entry) { std::ofstream(dir / "prices.yaml") << base << entry; };
  write_prices("  - {accelerator: ascend-910c, devices_per_node: 8, usd_per_device: 25000, usd_per_host: 30000,"
               " estimate: true, source: test, node_power_w: 6000, power_source: test}\n");
  std::ofstream(dir / "plan.yaml") << kHead << "prices: prices.yaml\n"
                                   << "candidates:\n  - {accelerator: ascend-910c}\n"
                                   << "demand:\n  - {class: grid-dispatch-serve, tokens_per_s: 100}\n";
  const plan::PlanProblem p = config::load_plan(catalog(), (dir / "plan.yaml").string());
  ASSERT_EQ(p.candidates.size(), 1u);
  EXPECT_DOUBLE_EQ(p.candidates[0].usd_per_node, 8 * 25000.0 + 30000.0);
  write_prices("  - {accelerator: ascend-910c, usd_per_node: 1, usd_per_device: 2, estimate: true, source: test}\n");
  try {
    config::load_plan(catalog(), (dir / "plan.yaml").string());
    ADD_FAILURE() << "both prices given: expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("exactly one of usd_per_node or usd_per_device"), std::string::npos) << e.what();
  }
  fs::remove_all(dir);
}

// --- the HTML report ----------------------------------------------------------

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(PlanHtml, SelfContainedPageWithChartsAndEscapedNames) {
  plan::PlanProblem p = tiny("energy", 20, 1000000, 100000);
  p.resilience_critical = false;
  p.name = "tiny <&> plan";
  p.description = "a \"test\" of <b>escaping</b> & more";
  const plan::PlanResult r = plan::plan(p, catalog());
  ASSERT_EQ(r.status, plan::PlanStatus::Optimal);
  plan::PlanOptions co;
  co.sovereignty = false;
  const plan::PlanResult cost_only = plan::plan(p, catalog(), co);
  const std::vector<double> targets = {0.0, 0.5, 1.0};
  const auto sweep = plan::sweep_domestic_share(p, catalog(), targets);

  const std::string html = report::plan_html(p, r, {.cost_only = &cost_only, .sweep_targets = targets, .sweep = sweep});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("</html>"), std::string::npos);
  EXPECT_GE(count(html, "<svg"), 4u);  // devices (both plans), cost, the sweep curve
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_NE(html.find("<td>ascend-910c</td><td>domestic</td><td class=\"num\">3</td><td class=\"num\">24</td>"),
            std::string::npos);
  EXPECT_NE(html.find("<td>h200</td><td>imported</td>"), std::string::npos);  // the cost-only plan's purchase
  EXPECT_NE(html.find("estimate"), std::string::npos);
  EXPECT_NE(html.find("Cost of sovereignty"), std::string::npos);
  EXPECT_NE(html.find("tiny &lt;&amp;&gt; plan"), std::string::npos);
  EXPECT_EQ(html.find("<&>"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(count(html, "http://"), count(html, "xmlns=\"http://www.w3.org/2000/svg\""));
}

TEST(PlanHtml, ExamplePlanAndInfeasiblePlan) {
  const plan::PlanProblem p = config::load_plan(catalog(), (repo() / "data/plans/h200-q1-2026.yaml").string());
  const plan::PlanResult r = plan::plan(p, catalog());
  const std::string html = report::plan_html(p, r);
  EXPECT_NE(html.find("<svg"), std::string::npos);
  for (const plan::PurchaseLine& l : r.purchases) {
    EXPECT_NE(html.find("<td>" + l.accelerator + "</td>"), std::string::npos) << l.accelerator;
  }
  EXPECT_NE(html.find("Import cut"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);

  plan::PlanProblem q = tiny("internet", 20, 1000000, 100000);
  q.candidates[0].max_nodes = 1;
  q.resilience_all = 1.0;
  const plan::PlanResult none = plan::plan(q, catalog());
  ASSERT_EQ(none.status, plan::PlanStatus::Infeasible);
  const std::string page = report::plan_html(q, none);
  EXPECT_NE(page.find("No plan exists"), std::string::npos);
  EXPECT_NE(page.find("supply caps (ascend-910c &lt;= 1 nodes)"), std::string::npos);
}

}  // namespace
}  // namespace suanli

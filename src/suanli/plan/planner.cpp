#include "suanli/plan/planner.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "suanli/policy/capability.h"
#include "suanli/policy/policy.h"
#include "suanli/policy/rule_reason.h"

namespace suanli::plan {

std::string_view name(PlanMode m) { return m == PlanMode::MinCost ? "min-cost" : "max-served"; }

std::string_view name(PlanStatus s) {
  switch (s) {
    case PlanStatus::Optimal: return "optimal";
    case PlanStatus::Feasible: return "feasible";
    case PlanStatus::Infeasible: return "infeasible";
  }
  return "?";
}

namespace {

// Group names: the unit the explanation and the conflict search work with.
constexpr const char* kDemand = "demand";
constexpr const char* kCapacity = "capacity";
constexpr const char* kBudget = "budget";
constexpr const char* kPower = "power";
constexpr const char* kSpace = "space";
constexpr const char* kSupply = "supply";
constexpr const char* kShare = "domestic-share";
constexpr const char* kScope = "imported-scope";
constexpr const char* kResilience = "resilience";
constexpr const char* kServed = "served-floor";

struct ModelInfo {
  const Accelerator* a = nullptr;
  bool domestic = false;
  int existing_devices = 0;
  int existing_nodes = 0;
  double existing_kw = 0;
  int candidate = -1;       // index into PlanProblem::candidates
  bool buyable = false;
  double device_kw = 0;     // device TDP plus its share of host overhead, kW
  double tflops = 0;        // BF16 per device
};

// One (class, model) pair where the class can run and the policy allows it.
struct Pair {
  int c = 0;
  int m = 0;
  double devices = 0;  // devices the class's whole demand takes on m
  int x = -1;          // allocation variable
  int r = -1;          // resilience variable (domestic models only)
};

struct Build {
  std::vector<ModelInfo> models;
  std::vector<Pair> pairs;
  std::vector<int> buy;              // per model, -1 when not buyable
  std::vector<double> weight;        // per class: compute it needs, PFLOPS (for served shares)
  std::vector<bool> critical;        // per class
  std::vector<std::string> unservable;
  std::vector<std::string> notes;
  MilpModel milp;
  int served_objective_rows = 0;
};

double energy_usd_per_device(const PlanProblem& p, const ModelInfo& mi) {
  const double hours = static_cast<double>(p.horizon) / 3600.0;
  return mi.device_kw * p.pue * hours * p.electricity_usd_per_kwh;
}

double demand_rate(const Demand& d) {
  if (d.shape.kind == JobKind::Serve) return d.tokens_per_s;
  return d.within > 0 ? d.work_tokens / static_cast<double>(d.within) : 0.0;
}

Build build(const PlanProblem& p, const Catalog& catalog, bool sovereignty) {
  Build b;
  const Policy policy(p.policy);
  std::map<std::string, int> index;
  auto model_of = [&](const std::string& id) {
    const Accelerator& a = catalog.accelerator(id);
    auto [it, fresh] = index.emplace(a.id, static_cast<int>(b.models.size()));
    if (fresh) {
      ModelInfo mi;
      mi.a = &a;
      mi.domestic = a.origin == Origin::Domestic;
      mi.tflops = a.bf16_tflops.get().value_or(0);
      b.models.push_back(mi);
    }
    return it->second;
  };
  for (const NodeGroup& g : p.fleet) {
    if (g.join > p.purchase_date || (g.retire && *g.retire <= p.purchase_date)) continue;
    ModelInfo& mi = b.models[static_cast<std::size_t>(model_of(g.accelerator))];
    const double tdp = mi.a->tdp_w.get().value_or(0);
    mi.existing_devices += g.count * g.devices_per_node;
    mi.existing_nodes += g.count;
    mi.existing_kw += g.count * (tdp * g.devices_per_node + p.existing_host_overhead_w) / 1000.0;
    mi.device_kw = (tdp + p.existing_host_overhead_w / g.devices_per_node) / 1000.0;
    if (auto it = p.device_power_w.find(mi.a->id); it != p.device_power_w.end()) {
      mi.existing_kw -= g.count * (tdp * g.devices_per_node + p.existing_host_overhead_w) / 1000.0;
      mi.existing_kw += g.count * g.devices_per_node * it->second / 1000.0;
      mi.device_kw = it->second / 1000.0;
    }
  }
  for (std::size_t k = 0; k < p.candidates.size(); ++k) {
    const Candidate& cand = p.candidates[k];
    ModelInfo& mi = b.models[static_cast<std::size_t>(model_of(cand.accelerator))];
    mi.candidate = static_cast<int>(k);
    const double tdp = mi.a->tdp_w.get().value_or(0);
    mi.device_kw = (tdp + cand.host_overhead_w / cand.devices_per_node) / 1000.0;
    if (auto it = p.device_power_w.find(mi.a->id); it != p.device_power_w.end()) mi.device_kw = it->second / 1000.0;
    const Seconds delivery = p.purchase_date + cand.lead_time;
    if (!cand.available) {
      b.notes.push_back(fmt::format("{} cannot be bought on {}: {}", cand.accelerator, format_date(p.purchase_date),
                                    cand.availability_why));
    } else if (delivery >= p.purchase_date + p.horizon) {
      b.notes.push_back(fmt::format("{} cannot be bought: delivery {} is after the horizon", cand.accelerator,
                                    format_date(delivery)));
    } else if (cand.max_nodes == 0) {
      b.notes.push_back(fmt::format("{}: supply cap 0 nodes", cand.accelerator));
    } else {
      mi.buyable = true;
    }
  }

  // Allocation pairs: capability first (physics), then the policy.
  const std::size_t nc = p.demand.size();
  b.weight.assign(nc, 0);
  b.critical.assign(nc, false);
  std::vector<std::vector<Capability>> caps(nc);
  for (std::size_t c = 0; c < nc; ++c) {
    const Demand& d = p.demand[c];
    const auto t = std::find_if(p.tenants.begin(), p.tenants.end(),
                                [&](const Tenant& x) { return x.name == d.shape.tenant; });
    b.critical[c] = t != p.tenants.end() && p.policy.cii_domestic_only && policy.critical(*t);
    const double rate = demand_rate(d);
    bool domestic_can = false;
    double best_weight = -1;
    std::vector<std::string> why;
    for (std::size_t m = 0; m < b.models.size(); ++m) {
      const ModelInfo& mi = b.models[m];
      caps[c].push_back(assess(d.shape, *mi.a, catalog));
      const Capability& cap = caps[c].back();
      const bool present = mi.existing_devices >= cap.devices || mi.buyable;
      if (!cap.feasible || cap.tokens_per_s <= 0) {
        why.push_back(fmt::format("{}: {}", mi.a->id, cap.why));
        continue;
      }
      if (!present) {
        why.push_back(fmt::format("{}: not in the fleet and cannot be bought", mi.a->id));
        continue;
      }
      const double devices = rate / cap.tokens_per_s * cap.device_units();
      const double w = devices * mi.tflops / 1000.0;
      if (best_weight < 0 || w < best_weight) best_weight = w;
      if (mi.domestic) domestic_can = true;
    }
    b.weight[c] = std::max(0.0, best_weight);
    for (std::size_t m = 0; m < b.models.size(); ++m) {
      const ModelInfo& mi = b.models[m];
      const Capability& cap = caps[c][m];
      if (!cap.feasible || cap.tokens_per_s <= 0 || !(mi.existing_devices >= cap.devices || mi.buyable)) continue;
      if (sovereignty && !mi.domestic) {
        if (b.critical[c]) {
          why.push_back(fmt::format("{}: {}", mi.a->id, rule_reason(p.policy, Rule::CiiDomesticOnly, i18n::Lang::En)));
          continue;
        }
        if (p.policy.gap_only && domestic_can) continue;
      }
      Pair pair;
      pair.c = static_cast<int>(c);
      pair.m = static_cast<int>(m);
      pair.devices = rate / cap.tokens_per_s * cap.device_units();  // a share counts milli/1000
      b.pairs.push_back(pair);
    }
    const bool any = std::any_of(b.pairs.begin(), b.pairs.end(), [&](const Pair& x) { return x.c == static_cast<int>(c); });
    if (!any) {
      std::string reasons;
      for (const std::string& w : why) reasons += (reasons.empty() ? "" : "; ") + w;
      b.unservable.push_back(fmt::format("class {} can run on no allowed accelerator ({})", d.shape.name, reasons));
    }
  }

  // Variables.
  MilpModel& milp = b.milp;
  b.buy.assign(b.models.size(), -1);
  for (std::size_t m = 0; m < b.models.size(); ++m) {
    const ModelInfo& mi = b.models[m];
    if (!mi.buyable) continue;
    const Candidate& cand = p.candidates[static_cast<std::size_t>(mi.candidate)];
    b.buy[m] = milp.add_var({.name = fmt::format("buy[{}]", mi.a->id), .lower = 0, .upper = kInfinity,
                             .integer = true, .cost = cand.usd_per_node});
  }
  const bool resilience = sovereignty && (p.resilience_all > 0 || p.resilience_critical);
  for (Pair& pair : b.pairs) {
    const ModelInfo& mi = b.models[static_cast<std::size_t>(pair.m)];
    const std::string label = fmt::format("{},{}", p.demand[static_cast<std::size_t>(pair.c)].shape.name, mi.a->id);
    pair.x = milp.add_var({.name = "x[" + label + "]", .lower = 0, .upper = 1, .integer = false,
                           .cost = pair.devices * energy_usd_per_device(p, mi)});
    if (resilience && mi.domestic) {
      pair.r = milp.add_var({.name = "r[" + label + "]", .lower = 0, .upper = 1, .integer = false, .cost = 0});
    }
  }

  // Rows.
  for (std::size_t c = 0; c < nc; ++c) {
    MilpRow row{.name = fmt::format("demand[{}]", p.demand[c].shape.name), .group = kDemand, .terms = {},
                .sense = Sense::Equal, .rhs = 1};
    for (const Pair& pair : b.pairs) {
      if (pair.c == static_cast<int>(c)) row.terms.push_back({pair.x, 1});
    }
    milp.add_row(std::move(row));
  }
  int existing_total = 0;
  int existing_nodes = 0;
  double existing_kw = 0;
  for (std::size_t m = 0; m < b.models.size(); ++m) {
    const ModelInfo& mi = b.models[m];
    existing_total += mi.existing_devices;
    existing_nodes += mi.existing_nodes;
    existing_kw += mi.existing_kw;
    MilpRow row{.name = fmt::format("capacity[{}]", mi.a->id), .group = kCapacity, .terms = {},
                .sense = Sense::LessEqual, .rhs = static_cast<double>(mi.existing_devices)};
    for (const Pair& pair : b.pairs) {
      if (pair.m == static_cast<int>(m)) row.terms.push_back({pair.x, pair.devices});
    }
    if (b.buy[m] >= 0) {
      const Candidate& cand = p.candidates[static_cast<std::size_t>(mi.candidate)];
      row.terms.push_back({b.buy[m], -static_cast<double>(cand.devices_per_node)});
      if (cand.max_nodes > 0) {
        milp.add_row({.name = fmt::format("supply[{}]", mi.a->id), .group = kSupply,
                      .terms = {{b.buy[m], 1}}, .sense = Sense::LessEqual, .rhs = static_cast<double>(cand.max_nodes)});
      }
    }
    if (!row.terms.empty()) milp.add_row(std::move(row));
  }
  auto over_buys = [&](const std::string& name, const char* group, auto coef, double rhs) {
    MilpRow row{.name = name, .group = group, .terms = {}, .sense = Sense::LessEqual, .rhs = rhs};
    for (std::size_t m = 0; m < b.models.size(); ++m) {
      if (b.buy[m] >= 0) row.terms.push_back({b.buy[m], coef(b.models[m], p.candidates[static_cast<std::size_t>(b.models[m].candidate)])});
    }
    milp.add_row(std::move(row));
  };
  if (p.budget_usd > 0) {
    over_buys("budget", kBudget, [](const ModelInfo&, const Candidate& c) { return c.usd_per_node; }, p.budget_usd);
  }
  if (p.power_cap_kw > 0) {
    over_buys("power", kPower,
              [](const ModelInfo& mi, const Candidate& c) { return mi.device_kw * c.devices_per_node; },
              p.power_cap_kw - existing_kw);
  }
  if (p.space_nodes > 0) {
    over_buys("space", kSpace, [](const ModelInfo&, const Candidate&) { return 1.0; },
              static_cast<double>(p.space_nodes - existing_nodes));
  }
  if (sovereignty && p.domestic_share_target > 0) {
    MilpRow row{.name = "domestic-share", .group = kShare, .terms = {}, .sense = Sense::GreaterEqual, .rhs = 0};
    const double t = p.domestic_share_target;
    for (const Pair& pair : b.pairs) {
      const bool dom = b.models[static_cast<std::size_t>(pair.m)].domestic;
      row.terms.push_back({pair.x, pair.devices * (dom ? 1 - t : -t)});
    }
    milp.add_row(std::move(row));
  }
  if (sovereignty && p.imported_scope_cap < 1) {
    MilpRow row{.name = "imported-scope", .group = kScope, .terms = {}, .sense = Sense::LessEqual,
                .rhs = p.imported_scope_cap * existing_total};
    for (const Pair& pair : b.pairs) {
      if (!b.models[static_cast<std::size_t>(pair.m)].domestic) row.terms.push_back({pair.x, pair.devices});
    }
    for (std::size_t m = 0; m < b.models.size(); ++m) {
      if (b.buy[m] >= 0) {
        row.terms.push_back({b.buy[m], -p.imported_scope_cap *
                                           p.candidates[static_cast<std::size_t>(b.models[m].candidate)].devices_per_node});
      }
    }
    milp.add_row(std::move(row));
  }
  if (resilience) {
    // The import cut: the same demand on domestic capacity alone.
    for (std::size_t m = 0; m < b.models.size(); ++m) {
      const ModelInfo& mi = b.models[m];
      if (!mi.domestic) continue;
      MilpRow row{.name = fmt::format("cut-capacity[{}]", mi.a->id), .group = kResilience, .terms = {},
                  .sense = Sense::LessEqual, .rhs = static_cast<double>(mi.existing_devices)};
      for (const Pair& pair : b.pairs) {
        if (pair.m == static_cast<int>(m) && pair.r >= 0) row.terms.push_back({pair.r, pair.devices});
      }
      if (row.terms.empty()) continue;
      if (b.buy[m] >= 0) {
        row.terms.push_back({b.buy[m], -static_cast<double>(p.candidates[static_cast<std::size_t>(mi.candidate)].devices_per_node)});
      }
      milp.add_row(std::move(row));
    }
    MilpRow all{.name = "cut-served", .group = kResilience, .terms = {}, .sense = Sense::GreaterEqual, .rhs = 0};
    for (std::size_t c = 0; c < nc; ++c) {
      MilpRow cap_row{.name = fmt::format("cut-at-most-demand[{}]", p.demand[c].shape.name), .group = kResilience,
                      .terms = {}, .sense = Sense::LessEqual, .rhs = 1};
      MilpRow crit{.name = fmt::format("cut-critical[{}]", p.demand[c].shape.name), .group = kResilience,
                   .terms = {}, .sense = Sense::GreaterEqual, .rhs = 0};
      for (const Pair& pair : b.pairs) {
        if (pair.c != static_cast<int>(c)) continue;
        if (pair.r >= 0) {
          cap_row.terms.push_back({pair.r, 1});
          crit.terms.push_back({pair.r, 1});
          all.terms.push_back({pair.r, b.weight[c]});
        }
        crit.terms.push_back({pair.x, -1});
        all.terms.push_back({pair.x, -p.resilience_all * b.weight[c]});
      }
      if (!cap_row.terms.empty()) milp.add_row(std::move(cap_row));
      if (b.critical[c] && p.resilience_critical) milp.add_row(std::move(crit));
    }
    if (p.resilience_all > 0) milp.add_row(std::move(all));
  }
  return b;
}

// Mode MaxServed: demand rows become <= 1 and the objective is -served.
MilpModel served_model(const Build& b) {
  MilpModel m = b.milp;
  for (MilpVar& v : m.vars) v.cost = 0;
  for (const Pair& pair : b.pairs) m.vars[static_cast<std::size_t>(pair.x)].cost = -b.weight[static_cast<std::size_t>(pair.c)];
  for (MilpRow& r : m.rows) {
    if (r.group == kDemand) r.sense = Sense::LessEqual;
  }
  return m;
}

MilpModel served_floor_model(const Build& b, double served) {
  MilpModel m = b.milp;
  for (MilpRow& r : m.rows) {
    if (r.group == kDemand) r.sense = Sense::LessEqual;
  }
  MilpRow floor{.name = "served-floor", .group = kServed, .terms = {}, .sense = Sense::GreaterEqual,
                .rhs = served * (1 - 1e-7)};
  for (const Pair& pair : b.pairs) floor.terms.push_back({pair.x, b.weight[static_cast<std::size_t>(pair.c)]});
  m.add_row(std::move(floor));
  return m;
}

bool feasible(const MilpModel& m, const SolveOptions& o) {
  return solve(m, o).status != Solution::Status::Infeasible;
}

MilpModel without_groups(const MilpModel& m, const std::vector<std::string>& groups) {
  MilpModel out;
  out.vars = m.vars;
  for (const MilpRow& r : m.rows) {
    if (std::find(groups.begin(), groups.end(), r.group) == groups.end()) out.rows.push_back(r);
  }
  return out;
}

// "USD 6,378,092"
std::string usd(double v) {
  const std::string digits = fmt::format("{:.0f}", std::abs(v));
  std::string out = v < 0 ? "USD -" : "USD ";
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string describe_group(const std::string& g, const PlanProblem& p) {
  if (g == kBudget) return fmt::format("the budget of {}", usd(p.budget_usd));
  if (g == kPower) return fmt::format("the power cap of {:.0f} kW", p.power_cap_kw);
  if (g == kSpace) return fmt::format("the space of {} nodes", p.space_nodes);
  if (g == kSupply) {
    std::string caps;
    for (const Candidate& c : p.candidates) {
      if (c.max_nodes > 0) caps += fmt::format("{}{} <= {} nodes", caps.empty() ? "" : ", ", c.accelerator, c.max_nodes);
    }
    return "the supply caps (" + caps + ")";
  }
  if (g == kShare) return fmt::format("the domestic-share target of {:.0f}%", p.domestic_share_target * 100);
  if (g == kScope) return fmt::format("the imported scope cap of {:.0f}% of devices", p.imported_scope_cap * 100);
  if (g == kResilience) {
    return fmt::format("the import-cut resilience rule (domestic capacity alone serves {}{:.0f}% of all demand)",
                       p.resilience_critical ? "all critical demand and " : "", p.resilience_all * 100);
  }
  return g;
}

// Deletion filter: a minimal set of relaxable groups that, with demand and
// capacity, admits no plan.
std::vector<std::string> conflicting_groups(const MilpModel& m, const SolveOptions& o) {
  std::vector<std::string> groups;
  for (const MilpRow& r : m.rows) {
    if (r.group != kDemand && r.group != kCapacity &&
        std::find(groups.begin(), groups.end(), r.group) == groups.end()) {
      groups.push_back(r.group);
    }
  }
  std::vector<std::string> dropped;
  std::vector<std::string> kept;
  for (const std::string& g : groups) {
    std::vector<std::string> trial = dropped;
    trial.push_back(g);
    if (!feasible(without_groups(m, trial), o)) {
      dropped = trial;  // still infeasible without g: g is not needed for the conflict
    } else {
      kept.push_back(g);
    }
  }
  return kept;
}

// What survives an import cut with the plan's fleet: maximise the served
// share on domestic capacity alone, critical classes first.
void measure_cut(const PlanProblem& p, const Catalog& catalog, const std::vector<double>& weight, PlanResult& res) {
  PlanProblem q = p;
  q.fleet.clear();
  for (const ModelUse& u : res.models) {
    const int devices = u.existing_devices + u.bought_devices;
    if (u.domestic && devices > 0) {
      NodeGroup g;
      g.id = u.accelerator;
      g.accelerator = u.accelerator;
      g.count = devices;
      g.devices_per_node = 1;
      g.join = p.purchase_date;
      q.fleet.push_back(g);
    }
  }
  q.candidates.clear();
  q.budget_usd = q.power_cap_kw = 0;
  q.space_nodes = 0;
  q.domestic_share_target = 0;
  q.imported_scope_cap = 1;
  q.resilience_all = 0;
  q.resilience_critical = false;
  Build b = build(q, catalog, true);
  b.weight = weight;  // classes that cannot run on domestic chips still count as demand
  MilpModel m = served_model(b);
  // Critical classes first: a weight far above any non-critical one.
  double total = 0;
  for (double w : b.weight) total += w;
  for (const Pair& pair : b.pairs) {
    if (b.critical[static_cast<std::size_t>(pair.c)]) m.vars[static_cast<std::size_t>(pair.x)].cost *= 1e3 * (1 + total);
  }
  const Solution s = solve(m, {});
  res.resilience_all = 0;
  res.resilience_critical = 1;
  if (!s.has_solution()) return;
  std::vector<double> served(p.demand.size(), 0);
  for (const Pair& pair : b.pairs) served[static_cast<std::size_t>(pair.c)] += s.values[static_cast<std::size_t>(pair.x)];
  double all = 0, weights = 0;
  for (std::size_t c = 0; c < p.demand.size(); ++c) {
    all += b.weight[c] * std::min(1.0, served[c]);
    weights += b.weight[c];
    if (b.critical[c]) res.resilience_critical = std::min(res.resilience_critical, std::min(1.0, served[c]));
  }
  res.resilience_all = weights > 0 ? all / weights : 1;
}

void extract(const PlanProblem& p, const Build& b, const Solution& s, PlanResult& res) {
  res.gap = s.gap;
  res.best_bound = s.best_bound;
  for (std::size_t m = 0; m < b.models.size(); ++m) {
    const ModelInfo& mi = b.models[m];
    ModelUse use{.accelerator = mi.a->id, .domestic = mi.domestic, .existing_devices = mi.existing_devices,
                 .bought_devices = 0, .used_devices = 0, .resilience_devices = 0};
    if (b.buy[m] >= 0) {
      const Candidate& cand = p.candidates[static_cast<std::size_t>(mi.candidate)];
      const int nodes = static_cast<int>(std::lround(s.values[static_cast<std::size_t>(b.buy[m])]));
      if (nodes > 0) {
        res.purchases.push_back({.accelerator = mi.a->id, .domestic = mi.domestic, .nodes = nodes,
                                 .devices = nodes * cand.devices_per_node, .capex_usd = nodes * cand.usd_per_node,
                                 .delivery = p.purchase_date + cand.lead_time, .price_estimate = cand.price_estimate,
                                 .price_source = cand.price_source});
        res.capex_usd += nodes * cand.usd_per_node;
        use.bought_devices = nodes * cand.devices_per_node;
      }
    }
    res.models.push_back(use);
  }
  double dom_dev = 0, all_dev = 0, dom_tf = 0, all_tf = 0, served = 0, weights = 0;
  for (double w : b.weight) weights += w;
  for (const Pair& pair : b.pairs) {
    const double x = s.values[static_cast<std::size_t>(pair.x)];
    const ModelInfo& mi = b.models[static_cast<std::size_t>(pair.m)];
    res.energy_usd += x * b.milp.vars[static_cast<std::size_t>(pair.x)].cost;
    ModelUse& use = res.models[static_cast<std::size_t>(pair.m)];
    use.used_devices += x * pair.devices;
    if (pair.r >= 0) use.resilience_devices += s.values[static_cast<std::size_t>(pair.r)] * pair.devices;
    served += x * b.weight[static_cast<std::size_t>(pair.c)];
    all_dev += x * pair.devices;
    all_tf += x * pair.devices * mi.tflops;
    if (mi.domestic) {
      dom_dev += x * pair.devices;
      dom_tf += x * pair.devices * mi.tflops;
    }
    if (x > 1e-6) {
      const Demand& d = p.demand[static_cast<std::size_t>(pair.c)];
      res.allocations.push_back({.cls = d.shape.name, .tenant = d.shape.tenant,
                                 .critical = b.critical[static_cast<std::size_t>(pair.c)], .accelerator = mi.a->id,
                                 .domestic = mi.domestic, .share = x, .devices = x * pair.devices});
    }
  }
  res.total_usd = res.capex_usd + res.energy_usd;
  res.served_share = weights > 0 ? served / weights : 1;
  res.domestic_share_devices = all_dev > 0 ? dom_dev / all_dev : 1;
  res.domestic_share_compute = all_tf > 0 ? dom_tf / all_tf : 1;
}

// Binding rows, in words.
void binding(const PlanProblem& p, const Build& b, const Solution& s, PlanResult& res) {
  for (std::size_t r = 0; r < b.milp.rows.size(); ++r) {
    const MilpRow& row = b.milp.rows[r];
    if (row.group == kDemand || row.group == kServed) continue;
    double scale = 1 + std::abs(row.rhs);
    for (const MilpTerm& t : row.terms) scale += std::abs(t.coef * s.values[static_cast<std::size_t>(t.var)]);
    if (std::abs(s.row_activity[r] - row.rhs) > 1e-6 * scale) continue;
    if (row.group == kCapacity) {
      // Full installed capacity is expected; only worth saying for models not bought.
      const bool bought = std::any_of(res.purchases.begin(), res.purchases.end(),
                                      [&](const PurchaseLine& l) { return "capacity[" + l.accelerator + "]" == row.name; });
      const bool used = std::any_of(row.terms.begin(), row.terms.end(), [&](const MilpTerm& t) {
        return s.values[static_cast<std::size_t>(t.var)] > 1e-9;
      });
      if (!bought && used) res.binding.push_back(fmt::format("{} is fully used", row.name.substr(9, row.name.size() - 10)));
    } else if (row.group == kResilience) {
      // The import-cut allocation is not unique, so its rows are tight by
      // accident; whether the rule binds is priced by re-solving without it.
    } else {
      res.binding.push_back(fmt::format("{} binds", describe_group(row.group, p)));
    }
  }
}

PlanResult plan_impl(const PlanProblem& p, const Catalog& catalog, const PlanOptions& o) {
  PlanResult res;
  res.name = p.name;
  res.sovereignty = o.sovereignty;
  res.domestic_target = o.sovereignty ? p.domestic_share_target : 0;
  res.resilience_target = o.sovereignty ? p.resilience_all : 0;
  const Build b = build(p, catalog, o.sovereignty);
  res.notes = b.notes;
  res.variables = static_cast<int>(b.milp.vars.size());
  res.rows = static_cast<int>(b.milp.rows.size());
  for (const MilpVar& v : b.milp.vars) res.integer_variables += v.integer ? 1 : 0;
  if (!b.unservable.empty()) {
    res.unservable = b.unservable;
    res.conflict.push_back("demand: " + std::to_string(b.unservable.size()) +
                           " class(es) have no allowed accelerator; see the list above");
    return res;
  }
  Solution s = solve(b.milp, o.solve);
  res.solve_seconds += s.seconds;
  MilpModel used = b.milp;
  if (s.status == Solution::Status::Infeasible && p.budget_usd > 0 &&
      feasible(b.milp.without(kBudget), o.solve)) {
    // Demand cannot all be met within the budget: serve as much as it buys.
    res.mode = PlanMode::MaxServed;
    const Solution first = solve(served_model(b), o.solve);
    res.solve_seconds += first.seconds;
    used = served_floor_model(b, -first.objective);
    s = solve(used, o.solve);
    res.solve_seconds += s.seconds;
  }
  if (!s.has_solution()) {
    const std::vector<std::string> groups = conflicting_groups(b.milp, o.solve);
    for (const std::string& g : groups) res.conflict.push_back(describe_group(g, p));
    if (groups.empty()) res.conflict.push_back("the demand exceeds what the existing fleet and buyable models can hold");
    return res;
  }
  res.status = s.status == Solution::Status::Optimal ? PlanStatus::Optimal : PlanStatus::Feasible;
  extract(p, b, s, res);
  Build shown = b;
  shown.milp = used;
  binding(p, shown, s, res);
  measure_cut(p, catalog, b.weight, res);
  return res;
}

std::string purchase_text(const PlanResult& r) {
  if (r.purchases.empty()) return "nothing";
  std::string out;
  for (const PurchaseLine& l : r.purchases) out += fmt::format("{}{} x {}", out.empty() ? "" : ", ", l.nodes, l.accelerator);
  return out;
}

}  // namespace

PlanResult plan(const PlanProblem& p, const Catalog& catalog, const PlanOptions& o) {
  PlanResult res = plan_impl(p, catalog, o);
  if (!o.explain || !o.sovereignty || res.status == PlanStatus::Infeasible || res.mode != PlanMode::MinCost) return res;
  // Price each sovereignty rule that binds by solving without it.
  PlanOptions quiet = o;
  quiet.explain = false;
  auto price = [&](const std::string& what, PlanProblem q, PlanOptions qo) {
    const PlanResult alt = plan_impl(q, catalog, qo);
    if (alt.status == PlanStatus::Infeasible || alt.mode != PlanMode::MinCost) return;
    const double extra = res.total_usd - alt.total_usd;
    if (extra <= 1e-6 * std::max(1.0, res.total_usd)) return;
    res.binding.push_back(fmt::format("{} binds: it costs {} more ({:+.1f}%) than without it, which would buy {} "
                                      "instead of {}",
                                      what, usd(extra), 100 * extra / std::max(1.0, alt.total_usd), purchase_text(alt),
                                      purchase_text(res)));
  };
  if (p.domestic_share_target > 0) {
    PlanProblem q = p;
    q.domestic_share_target = 0;
    price(fmt::format("the domestic-share target of {:.0f}%", p.domestic_share_target * 100), q, quiet);
  }
  if (p.resilience_all > 0 || p.resilience_critical) {
    PlanProblem q = p;
    q.resilience_all = 0;
    q.resilience_critical = false;
    price("the import-cut resilience rule", q, quiet);
  }
  if (p.imported_scope_cap < 1) {
    PlanProblem q = p;
    q.imported_scope_cap = 1;
    price("the imported scope cap", q, quiet);
  }
  if (p.policy.gap_only) {
    PlanProblem q = p;
    q.policy.gap_only = false;
    price("the gap-only rule (imported chips only for work no domestic chip can run)", q, quiet);
  }
  PlanOptions cost_only = quiet;
  cost_only.sovereignty = false;
  price("sovereignty as a whole (policy, share, scope, resilience)", p, cost_only);
  // Critical demand that lands on bought domestic nodes.
  for (const PurchaseLine& l : res.purchases) {
    if (!l.domestic) continue;
    double crit = 0;
    for (const AllocationLine& a : res.allocations) {
      if (a.critical && a.accelerator == l.accelerator) crit += a.devices;
    }
    const ModelUse* u = nullptr;
    for (const ModelUse& m : res.models) {
      if (m.accelerator == l.accelerator) u = &m;
    }
    if (u && crit > u->existing_devices + 1e-6) {
      res.binding.push_back(fmt::format("critical-infrastructure demand on {} needs {:.1f} devices, {:.1f} more than installed",
                                        l.accelerator, crit, crit - u->existing_devices));
    }
  }
  return res;
}

std::vector<PlanResult> sweep_domestic_share(const PlanProblem& p, const Catalog& catalog,
                                             const std::vector<double>& targets, const PlanOptions& o) {
  std::vector<PlanResult> out;
  PlanOptions quiet = o;
  quiet.explain = false;
  for (double t : targets) {
    PlanProblem q = p;
    q.domestic_share_target = t;
    out.push_back(plan(q, catalog, quiet));
  }
  return out;
}

}  // namespace suanli::plan

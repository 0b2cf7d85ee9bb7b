// The capacity planner: what to buy, where each workload class runs, what it
// costs, and what survives an import cut (issue 5).
//
// plan() builds a MILP (build_model, readable on its own), solves it through
// the adapter in milp.h and explains the answer:
//   variables  buy[m]      integer nodes of candidate m
//              x[c,m]      share of class c's demand served on model m, only
//                          where c can run on m (capability from assess()) and
//                          the policy allows it (cii-domestic-only, gap-only)
//              r[c,m]      the resilience allocation: the same on domestic
//                          models only, as if every imported device were lost
//   rows       demand, capacity, budget, power, space, supply, domestic-share,
//              imported-scope, resilience (each row tagged with its group)
//   objective  capex + energy over the horizon (mode MinCost); when demand
//              cannot all be met within the budget, first maximise served
//              demand (each class weighted by the compute it needs) and then
//              minimise cost at that level (mode MaxServed).
// When no plan exists the conflicting constraint groups are found by a
// deletion filter (a minimal set of groups that cannot hold together).
//
// Pure apart from the solver's own time limit; reentrant.
#pragma once

#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/solver/milp.h"
#include "suanli/plan/problem.h"

namespace suanli::plan {

using solver::kInfinity;
using solver::MilpModel;
using solver::MilpRow;
using solver::MilpTerm;
using solver::MilpVar;
using solver::Sense;
using solver::Solution;
using solver::SolveOptions;

struct PlanOptions {
  SolveOptions solve;
  bool sovereignty = true;   // false: cost-only (no cii/gap pruning, share, scope or resilience)
  bool explain = true;       // re-solve without binding groups to price them (extra solves)
};

enum class PlanMode { MinCost, MaxServed };
enum class PlanStatus { Optimal, Feasible, Infeasible };

struct PurchaseLine {
  std::string accelerator;
  bool domestic = false;
  int nodes = 0;
  int devices = 0;
  double capex_usd = 0;
  Seconds delivery = 0;
  bool price_estimate = true;
  std::string price_source;
};

struct AllocationLine {
  std::string cls;
  std::string tenant;
  bool critical = false;
  std::string accelerator;
  bool domestic = false;
  double share = 0;    // of the class's demand
  double devices = 0;  // devices it occupies there
};

struct ModelUse {
  std::string accelerator;
  bool domestic = false;
  int existing_devices = 0;
  int bought_devices = 0;
  double used_devices = 0;       // by the allocation
  double resilience_devices = 0; // by the import-cut allocation
};

struct PlanResult {
  std::string name;
  PlanMode mode = PlanMode::MinCost;
  PlanStatus status = PlanStatus::Infeasible;
  bool sovereignty = true;
  std::vector<PurchaseLine> purchases;
  std::vector<AllocationLine> allocations;
  std::vector<ModelUse> models;
  double capex_usd = 0;
  double energy_usd = 0;
  double total_usd = 0;
  double served_share = 0;            // of all demand, compute-weighted (1 in MinCost mode)
  double domestic_share_devices = 0;  // of used device-hours
  double domestic_share_compute = 0;  // of used BF16 compute
  double domestic_target = 0;
  double resilience_all = 0;          // served by domestic capacity alone after an import cut
  double resilience_critical = 0;     // lowest over critical classes (1 = all served)
  double resilience_target = 0;
  double gap = 0;                     // proven relative optimality gap
  double best_bound = 0;
  double solve_seconds = 0;
  int variables = 0;
  int integer_variables = 0;
  int rows = 0;
  std::vector<std::string> binding;   // binding constraints, in words
  std::vector<std::string> conflict;  // when infeasible: the conflicting groups, in words
  std::vector<std::string> unservable;// classes with no allowed accelerator, and why
  std::vector<std::string> notes;     // candidates not buyable, assumptions
};

// REQUIRES: every accelerator and model named in `problem` is in `catalog`
// (config/plan_loader validates this).
PlanResult plan(const PlanProblem& problem, const Catalog& catalog, const PlanOptions& options = {});

// The cost-of-sovereignty curve: the plan's total cost at each domestic-share
// target (infeasible points have status Infeasible).
std::vector<PlanResult> sweep_domestic_share(const PlanProblem& problem, const Catalog& catalog,
                                             const std::vector<double>& targets, const PlanOptions& options = {});

std::string_view name(PlanMode m);
std::string_view name(PlanStatus s);

}  // namespace suanli::plan

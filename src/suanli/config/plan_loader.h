// Loading capacity plans (issue 5) and price files from YAML.
//
// File formats: data/plans/h200-q1-2026.yaml documents the plan format in its
// header and data/prices.yaml the price format. A plan reuses a scenario
// (built-in name or path) for its fleet, tenants, policy, workload classes
// and supply events, and adds the purchase date, candidates, prices, demand,
// budget, power, energy and the sovereignty targets.
//
// Availability: an imported candidate can be bought only if the latest supply
// event at or before the purchase date (the scenario's events, then the
// catalog's export events) grants it (restored / allowed / licence-granted);
// with no event at all it counts as not licensed. Domestic models are always
// available. A candidate's `licensed:` overrides this.
//
// Every error is an InputError located at "file:line" saying what was found
// and what was expected. Reentrant; holds no state.
#pragma once

#include <string>
#include <string_view>

#include "suanli/catalog/catalog.h"
#include "suanli/model/scenario.h"
#include "suanli/plan/problem.h"

namespace suanli::config {

// Where a plan's scenario and prices come from when it is not a file of the
// user's (the live service plans over its own fleet and reads no files).
struct PlanSources {
  // The scenario to plan over (its fleet, tenants, policy, classes and
  // events), instead of the plan's `scenario:`, which may then be omitted or
  // must name this one.
  const Scenario* scenario = nullptr;
  // Whether `prices:` may name a file. Without, it must be omitted, and the
  // built-in prices (data/prices.yaml) apply.
  bool files = true;
};

// A plan from YAML text. `file` names it in errors; `base_dir` resolves the
// scenario and price paths. Throws InputError.
plan::PlanProblem parse_plan(const Catalog& catalog, std::string_view yaml, const std::string& file,
                             const std::string& base_dir, const PlanSources& sources = {});

// A plan file by path. Throws InputError.
plan::PlanProblem load_plan(const Catalog& catalog, const std::string& path);

}  // namespace suanli::config

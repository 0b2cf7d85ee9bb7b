// Rendering capacity plans: terminal text and JSON (issue 5).
//
// Pure functions of their inputs; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "suanli/plan/planner.h"
#include "suanli/plan/problem.h"

namespace suanli::report {

// The plan as a manager reads it: purchases, costs, domestic share, each
// class's allocation, what survives an import cut, optimality, binding
// constraints in words; or, when infeasible, the conflict.
std::string plan_text(const plan::PlanProblem& problem, const plan::PlanResult& result);
std::string plan_json(const plan::PlanProblem& problem, const plan::PlanResult& result);

// Sovereign plan beside the cost-only plan.
std::string compare_text(const plan::PlanProblem& problem, const plan::PlanResult& sovereign,
                         const plan::PlanResult& cost_only);
std::string compare_json(const plan::PlanProblem& problem, const plan::PlanResult& sovereign,
                         const plan::PlanResult& cost_only);

// The cost-of-sovereignty curve: total cost per domestic-share target.
std::string sweep_text(const plan::PlanProblem& problem, const std::vector<double>& targets,
                       const std::vector<plan::PlanResult>& results);
std::string sweep_json(const plan::PlanProblem& problem, const std::vector<double>& targets,
                       const std::vector<plan::PlanResult>& results);

}  // namespace suanli::report

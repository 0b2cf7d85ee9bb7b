// A self-contained HTML report of a capacity plan (`suanli plan --html`).
//
// Same house style as html_report.h: one inline <style>, system fonts, inline
// SVG charts drawn here, no scripts and nothing fetched; all text from the
// inputs is HTML-escaped. Pure functions of their inputs; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "suanli/i18n/lang.h"
#include "suanli/plan/planner.h"
#include "suanli/plan/problem.h"

namespace suanli::report {

// What the page shows beyond the plan itself; both parts optional.
struct PlanHtmlExtras {
  const plan::PlanResult* cost_only = nullptr;  // --compare cost-only: shown beside the sovereign plan
  std::vector<double> sweep_targets;             // --sweep: domestic-share targets ...
  std::vector<plan::PlanResult> sweep;           // ... and the plan at each (same length)
};

// The page: title and description, status and optimality gap, purchases (with
// estimated prices flagged), cost, domestic share against the target, each
// class's allocation, the import-cut resilience, what binds in words, or the
// conflict when no plan exists; charts of devices per accelerator model
// (existing / bought / used, imported hatched), cost per plan, and with a
// sweep the cost-of-sovereignty curve.
// The page's words are in `lang`; the planner's own sentences (notes, what
// binds, conflicts) exist in English only and are marked "[EN]" in Chinese.
std::string plan_html(const plan::PlanProblem& problem, const plan::PlanResult& result,
                      const PlanHtmlExtras& extras = {}, i18n::Lang lang = i18n::Lang::En);

}  // namespace suanli::report

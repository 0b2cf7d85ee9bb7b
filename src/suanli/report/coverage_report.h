// Rendering a scenario's coverage analysis (policy/coverage.h): the text of
// `suanli check` in English or Chinese, and JSON (keys in English, stable).
#pragma once

#include <string>

#include "suanli/catalog/catalog.h"
#include "suanli/i18n/lang.h"
#include "suanli/model/scenario.h"
#include "suanli/policy/coverage.h"

namespace suanli::report {

// For a terminal: the scenario in one line, the fleet's accelerator models
// (with their Chinese names in Chinese), a table of which models can serve
// each job class and which the policy allows, why each model cannot run a
// class, which models the policy denies and by which rule (the policy's
// reason in `lang`, marked where the policy gives only the other language),
// and the warnings. Reasons that come from the performance model exist in
// English only and are marked "[EN]" in Chinese.
std::string coverage_text(const Scenario& s, const Coverage& cov, const Catalog& catalog,
                          i18n::Lang lang = i18n::Lang::En);

// The same as JSON; the policy's reasons in `lang`, everything else as data.
std::string coverage_json(const Scenario& s, const Coverage& cov, i18n::Lang lang = i18n::Lang::En);

}  // namespace suanli::report

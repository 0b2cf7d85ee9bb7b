// Rendering a scenario's coverage analysis (policy/coverage.h) as JSON.
#pragma once

#include <string>

#include "suanli/model/scenario.h"
#include "suanli/policy/coverage.h"

namespace suanli::report {

std::string coverage_json(const Scenario& s, const Coverage& cov);

}  // namespace suanli::report

// Rendering the catalog: the accelerator list, one accelerator in full with
// every figure's source and grade, and the model zoo. Text for terminals,
// JSON for programs.
#pragma once

#include <string>

#include "suanli/catalog/catalog.h"
#include "suanli/report/table.h"

namespace suanli::report {

Table accelerator_table(const Catalog& catalog);
std::string accelerators_json(const Catalog& catalog);

std::string accelerator_detail(const Accelerator& a, const Catalog& catalog);
std::string accelerator_json(const Accelerator& a, const Catalog& catalog);

Table model_table(const Catalog& catalog);
std::string models_json(const Catalog& catalog);
std::string model_detail(const ModelSpec& m);
std::string model_json(const ModelSpec& m);

}  // namespace suanli::report

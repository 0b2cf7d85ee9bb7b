// Rendering the catalog: the accelerator list, one accelerator in full with
// every figure's source and grade, and the model zoo. Text for terminals,
// JSON for programs.
#pragma once

#include <string>

#include "suanli/catalog/catalog.h"
#include "suanli/i18n/lang.h"
#include "suanli/report/table.h"

namespace suanli::report {

// Headers and words in `lang`; in Chinese a column of the Chinese names.
Table accelerator_table(const Catalog& catalog, i18n::Lang lang = i18n::Lang::En);
// The lines under the table: what '?' and 'no' mean, the grades.
std::string accelerator_table_footer(i18n::Lang lang = i18n::Lang::En);
// JSON keys stay English; every accelerator carries "name_zh" (null where unknown).
std::string accelerators_json(const Catalog& catalog);

// Every figure with its source and grade, the Chinese name with its source,
// the export classification. Words in `lang`; figures, notes and sources as
// the catalog writes them.
std::string accelerator_detail(const Accelerator& a, const Catalog& catalog, i18n::Lang lang = i18n::Lang::En);
std::string accelerator_json(const Accelerator& a, const Catalog& catalog);

Table model_table(const Catalog& catalog);
std::string models_json(const Catalog& catalog);
std::string model_detail(const ModelSpec& m);
std::string model_json(const ModelSpec& m);

}  // namespace suanli::report

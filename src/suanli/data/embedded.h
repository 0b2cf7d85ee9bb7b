// The default data files (data/*.yaml in the source tree), compiled in so that
// suanli runs with no files at all. Each function returns the file's bytes.
#pragma once

#include <string_view>

namespace suanli::embedded {

std::string_view accelerators_yaml();
std::string_view models_yaml();
std::string_view perf_yaml();

}  // namespace suanli::embedded

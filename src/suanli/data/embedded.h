// The default data files (data/*.yaml in the source tree), compiled in so that
// suanli runs with no files at all. Each function returns the file's bytes;
// the views point at static storage and stay valid for the whole run.
#pragma once

#include <span>
#include <string_view>

namespace suanli::embedded {

std::string_view accelerators_yaml();
std::string_view models_yaml();
std::string_view perf_yaml();
std::string_view inference_points_yaml();

// data/prices.yaml: estimated prices of the catalogue's models (the plan's default)
std::string_view prices_yaml();

// data/policies/<name>.yaml
std::string_view seed_policy_yaml();
std::string_view strict_policy_yaml();

// data/scenarios/<name>.yaml
std::string_view h200_window_scenario_yaml();
std::string_view import_cut_scenario_yaml();
std::string_view all_domestic_scenario_yaml();

// A named embedded file: `name` is the file name without directory and
// extension ("seed", "h200-window").
struct EmbeddedFile {
  std::string_view name;
  std::string_view text;
};

// The built-in policies and scenarios, in a fixed order (the default first).
std::span<const EmbeddedFile> policies();
std::span<const EmbeddedFile> scenarios();

}  // namespace suanli::embedded

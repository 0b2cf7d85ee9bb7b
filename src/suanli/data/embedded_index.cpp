// Lists the embedded policies and scenarios by name, so that loaders and the
// CLI can offer them without knowing each accessor.
#include "suanli/data/embedded.h"

namespace suanli::embedded {

std::span<const EmbeddedFile> policies() {
  static const EmbeddedFile files[] = {
      {"seed", seed_policy_yaml()},
      {"strict", strict_policy_yaml()},
  };
  return files;
}

std::span<const EmbeddedFile> scenarios() {
  static const EmbeddedFile files[] = {
      {"h200-window", h200_window_scenario_yaml()},
      {"import-cut", import_cut_scenario_yaml()},
      {"all-domestic", all_domestic_scenario_yaml()},
  };
  return files;
}

}  // namespace suanli::embedded

// Loading scenarios and sovereignty policies from YAML.
//
// File formats: data/scenarios/h200-window.yaml documents the scenario format
// in its header and data/policies/seed.yaml the policy format; both are
// compiled in and are themselves the reference examples. Built-in scenarios
// and policies are known by name ("h200-window", "seed"); anything else is a
// file path.
//
// Every reference is validated against the catalog (accelerators, models,
// software stacks) and against the scenario itself (tenants, classes, node
// groups, dates inside the period). A period or arrivals `end` given as a date
// without a time includes that whole day (Scenario::end is the next midnight).
// Every error is an InputError located at "file:line" that says what was found
// and what was expected.
//
// Thread-safety: the functions are reentrant; they read files and the catalog
// passed in, and hold no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/policy_spec.h"
#include "suanli/model/scenario.h"

namespace suanli::config {

// A built-in policy by name ("seed", "strict") or a policy file path.
// Throws InputError (an unknown name suggests the closest built-in one).
PolicySpec load_policy(std::string_view name_or_path);

// A policy from YAML text; `file` names it in errors and is the directory a
// relative `base:` path is resolved against. Throws InputError.
PolicySpec parse_policy(std::string_view yaml, const std::string& file);

// A scenario from YAML text. `file` names it in errors (and becomes
// Scenario::source); `base_dir` resolves relative paths (policy files,
// jobs_file); empty means the working directory. Throws InputError.
Scenario parse_scenario(const Catalog& catalog, std::string_view yaml, const std::string& file,
                        const std::string& base_dir);

// A built-in scenario by name ("h200-window", "import-cut", "all-domestic")
// or a file path (relative paths inside it resolve against its directory).
// Throws InputError (an unknown name suggests the closest built-in one; a
// file that cannot be read is an error without a location, which a caller
// naming the file locates at its own field).
Scenario load_scenario(const Catalog& catalog, const std::string& name_or_path);

// Names of the built-in scenarios, in a fixed order.
std::vector<std::string> embedded_scenario_names();
std::vector<std::string> embedded_policy_names();

// The sectors a tenant or a policy may name.
const std::vector<std::string>& known_sectors();

}  // namespace suanli::config

// A sovereignty policy file (config::parse_policy; `base:` names a built-in
// policy or a policy file).
#include "fuzz_target.h"
#include "suanli/config/scenario_loader.h"

SUANLI_FUZZ_TARGET(policy, "fuzz.yaml") { suanli::config::parse_policy(input, label); }

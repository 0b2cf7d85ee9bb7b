// A scenario file (config::parse_scenario). Relative paths (policy files,
// jobs_file) resolve against data/scenarios, so the embedded examples'
// references load as they do from the repository.
#include "fuzz_data.h"
#include "fuzz_target.h"
#include "suanli/config/scenario_loader.h"

SUANLI_FUZZ_TARGET(scenario, "fuzz.yaml") {
  suanli::config::parse_scenario(suanli::fuzz::default_catalog(), input, label, SUANLI_DATA_DIR "/scenarios");
}

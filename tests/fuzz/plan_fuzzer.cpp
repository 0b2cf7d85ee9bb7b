// A capacity plan file (config::parse_plan); its scenario and price paths
// resolve against data/plans, as for the embedded examples.
#include "fuzz_data.h"
#include "fuzz_target.h"
#include "suanli/config/plan_loader.h"

SUANLI_FUZZ_TARGET(plan, "fuzz.yaml") {
  suanli::config::parse_plan(suanli::fuzz::default_catalog(), input, label, SUANLI_DATA_DIR "/plans");
}

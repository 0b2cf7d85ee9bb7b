// Gavel's simulation_throughputs.json (--throughputs FILE.json).
#include "fuzz_target.h"
#include "suanli/config/gavel_reader.h"

SUANLI_FUZZ_TARGET(gavel_throughputs, "fuzz.json") { suanli::config::parse_gavel_throughputs(input, label); }

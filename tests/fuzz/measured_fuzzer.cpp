// A measured-throughputs CSV (--measured, --throughputs FILE.csv): steps/s
// or tokens/s by its header.
#include "fuzz_target.h"
#include "suanli/config/gavel_reader.h"

SUANLI_FUZZ_TARGET(measured, "fuzz.csv") { suanli::config::parse_throughput_csv(input, label); }

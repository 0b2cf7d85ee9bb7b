// A Gavel trace (both of Gavel's layouts).
#include "fuzz_target.h"
#include "suanli/config/gavel_reader.h"

SUANLI_FUZZ_TARGET(gavel_trace, "fuzz.trace") { suanli::config::parse_gavel_trace(input, label); }

// A performance calibration file merged onto the defaults (--perf).
#include "fuzz_data.h"
#include "fuzz_target.h"

SUANLI_FUZZ_TARGET(perf, "fuzz.yaml") {
  suanli::Catalog c = suanli::fuzz::default_catalog();
  suanli::config::merge_perf(c, input, label);
}

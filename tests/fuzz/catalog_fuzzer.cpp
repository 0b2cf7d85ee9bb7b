// An accelerator catalog file merged onto the defaults (--catalog).
#include "fuzz_data.h"
#include "fuzz_target.h"

SUANLI_FUZZ_TARGET(catalog, "fuzz.yaml") {
  suanli::Catalog c = suanli::fuzz::default_catalog();
  suanli::config::merge_accelerators(c, input, label);
}

// A model file merged onto the defaults (--models).
#include "fuzz_data.h"
#include "fuzz_target.h"

SUANLI_FUZZ_TARGET(models, "fuzz.yaml") {
  suanli::Catalog c = suanli::fuzz::default_catalog();
  suanli::config::merge_models(c, input, label);
}

// POST /v1/jobs bodies (wire::read_submit): a class of the scenario or a full
// job description, checked against the catalog.
#include "api_fuzz.h"
#include "fuzz_target.h"
#include "suanli/wire/codec.h"

SUANLI_FUZZ_TARGET(api_job, "body.json") {
  using namespace suanli;
  fuzz::decode_body(input, label, [](const wire::JsonReader& r) {
    wire::read_submit(r, fuzz::default_catalog(), fuzz::default_scenario().classes, "bank");
  });
}

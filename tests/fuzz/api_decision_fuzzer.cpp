// A stored decision (wire::decision_json's output, in the audit log): its
// structured reason ("why") read back for rendering in either language. The
// log is written by the service itself, but a damaged or hand-edited record
// must give a located error when read, and the audit views that render it
// (wire::localized) must never fail on it.
#include "api_fuzz.h"
#include "fuzz_target.h"
#include "suanli/policy/reason_text.h"
#include "suanli/wire/reason_json.h"

SUANLI_FUZZ_TARGET(api_decision, "decision.json") {
  using namespace suanli;
  fuzz::decode_body(input, label, [](const wire::JsonReader& r) {
    const PolicySpec& policy = fuzz::default_scenario().policy;
    for (i18n::Lang lang : i18n::kLangs) (void)wire::localized(r.value(), policy, lang);  // never throws
    const Decision d = wire::read_decision_why(r);
    for (i18n::Lang lang : i18n::kLangs) (void)render(d, policy, lang);
  });
}

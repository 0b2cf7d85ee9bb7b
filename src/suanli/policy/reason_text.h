// Reasons in words: the one renderer of the structured reasons of
// model/reason.h (Verdict, Reason, Decision) into English or Simplified
// Chinese, through the message catalogue (ids "reason.*").
//
// The English sentences are the ones suanli has always written in its logs,
// JSON and reports (tests compare them word for word). A rule's own one-line
// reason comes from the policy the decision was made under, in the language
// asked for, with rule_reason()'s visible fallback ("[EN] ...") when the
// policy gives it in the other language only. Texts that exist in English
// only (the performance model's reason why a job cannot run on a chip, notes
// given by operators) appear as written; in Chinese the model's text is
// marked "[EN] ". A job not ported to a chip's software stack is said in
// either language (the reason carries rule::kPortedStack and the stack).
//
// Pure; thread-safe. REQUIRES for render(Reason): r.code is not Placed or
// PinnedDenied (those quote the Decision's verdict: render the Decision).
#pragma once

#include <string>

#include "suanli/i18n/lang.h"
#include "suanli/model/decision.h"
#include "suanli/model/policy_spec.h"
#include "suanli/model/reason.h"

namespace suanli {

std::string render(const Verdict& v, const PolicySpec& policy, i18n::Lang lang);
std::string render(const Reason& r, const PolicySpec& policy, i18n::Lang lang);
std::string render(const Decision& d, const PolicySpec& policy, i18n::Lang lang);

// The English rendering, the language of logs and of the stored decisions.
template <typename Why>
std::string english(const Why& why, const PolicySpec& policy) {
  return render(why, policy, i18n::Lang::En);
}

}  // namespace suanli

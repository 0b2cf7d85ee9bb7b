// The policy's rules by id, and their one-line reasons in a language.
//
// Each rule of the sovereignty policy carries its reason as data in English
// and Chinese (model/policy_spec.h, data/policies/*.yaml). A user's policy
// may give a rule's reason in one language only: asked for the other, the
// reason comes back in the language it was given, marked so that a reader
// sees it is untranslated ("[EN] imported use stays ..." in a Chinese text,
// "[中文] 进口芯片..." in an English one), never as an empty string.
//
// Pure; thread-safe. For the API, the reports and the audit: an audit row
// stores the rule id, and the reason is rendered here in either language later.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "suanli/i18n/lang.h"
#include "suanli/model/policy_spec.h"

namespace suanli {

enum class Rule { CiiDomesticOnly, GapOnly, ImportedCap, PortedStack };

inline constexpr Rule kRules[] = {Rule::CiiDomesticOnly, Rule::GapOnly, Rule::ImportedCap, Rule::PortedStack};

// "cii-domestic-only", "gap-only", "imported-cap", "ported-stack": the ids
// policy files, verdicts and the audit log use.
std::string_view rule_id(Rule rule);
std::optional<Rule> parse_rule(std::string_view id);

// The rule's short name in `lang`, the dashboard's words: "critical
// infrastructure on domestic chips only" / "关键信息基础设施仅用国产芯片".
std::string rule_title(Rule rule, i18n::Lang lang);

// The marks put before a reason shown in the other language.
inline constexpr std::string_view kMarkEnglish = "[EN] ";   // English text in a Chinese rendering
inline constexpr std::string_view kMarkChinese = "[中文] ";  // Chinese text in an English rendering

// The policy's one-line reason for `rule` in `lang`; when the policy gives it
// only in the other language, that text behind kMarkEnglish / kMarkChinese.
// (Both empty cannot come from the loader; it gives "" then.)
std::string rule_reason(const PolicySpec& policy, Rule rule, i18n::Lang lang);

// Whether rule_reason(policy, rule, lang) is the other language's text.
bool rule_reason_is_fallback(const PolicySpec& policy, Rule rule, i18n::Lang lang);

// The same by rule id; nullopt for an id that is no rule of the policy.
std::optional<std::string> rule_reason(const PolicySpec& policy, std::string_view rule_id, i18n::Lang lang);

}  // namespace suanli

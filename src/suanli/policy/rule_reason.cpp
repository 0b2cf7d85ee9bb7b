#include "suanli/policy/rule_reason.h"

#include <utility>

#include "suanli/i18n/catalogue.h"

namespace suanli {
namespace {

// The reason's two texts in the policy: {English, Chinese}.
std::pair<const std::string&, const std::string&> texts(const PolicySpec& p, Rule rule) {
  switch (rule) {
    case Rule::CiiDomesticOnly: return {p.cii_reason, p.cii_reason_zh};
    case Rule::GapOnly: return {p.gap_reason, p.gap_reason_zh};
    case Rule::ImportedCap: return {p.cap_reason, p.cap_reason_zh};
    case Rule::PortedStack: break;
  }
  return {p.stack_reason, p.stack_reason_zh};
}

}  // namespace

std::string_view rule_id(Rule rule) {
  switch (rule) {
    case Rule::CiiDomesticOnly: return "cii-domestic-only";
    case Rule::GapOnly: return "gap-only";
    case Rule::ImportedCap: return "imported-cap";
    case Rule::PortedStack: break;
  }
  return "ported-stack";
}

std::optional<Rule> parse_rule(std::string_view id) {
  for (Rule r : kRules) {
    if (rule_id(r) == id) return r;
  }
  return std::nullopt;
}

std::string rule_title(Rule rule, i18n::Lang lang) {
  switch (rule) {
    case Rule::CiiDomesticOnly: return i18n::tr(lang, "rule.cii_domestic_only");
    case Rule::GapOnly: return i18n::tr(lang, "rule.gap_only");
    case Rule::ImportedCap: return i18n::tr(lang, "rule.imported_cap");
    case Rule::PortedStack: break;
  }
  return i18n::tr(lang, "rule.ported_stack");
}

bool rule_reason_is_fallback(const PolicySpec& policy, Rule rule, i18n::Lang lang) {
  const auto [en, zh] = texts(policy, rule);
  const std::string& wanted = lang == i18n::Lang::Zh ? zh : en;
  const std::string& other = lang == i18n::Lang::Zh ? en : zh;
  return wanted.empty() && !other.empty();
}

std::string rule_reason(const PolicySpec& policy, Rule rule, i18n::Lang lang) {
  const auto [en, zh] = texts(policy, rule);
  if (lang == i18n::Lang::Zh) return !zh.empty() || en.empty() ? zh : std::string(kMarkEnglish) + en;
  return !en.empty() || zh.empty() ? en : std::string(kMarkChinese) + zh;
}

std::optional<std::string> rule_reason(const PolicySpec& policy, std::string_view id, i18n::Lang lang) {
  const std::optional<Rule> rule = parse_rule(id);
  if (!rule) return std::nullopt;
  return rule_reason(policy, *rule, lang);
}

}  // namespace suanli

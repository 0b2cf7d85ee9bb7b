#include "suanli/report/coverage_report.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "suanli/i18n/catalogue.h"
#include "suanli/i18n/format.h"
#include "suanli/i18n/terms.h"
#include "suanli/policy/rule_reason.h"
#include "suanli/report/table.h"
#include "suanli/policy/reason_text.h"

namespace suanli::report {

namespace {

using i18n::arg;
using i18n::Lang;
using i18n::tr;

// "NAME (origin)", the Chinese name in Chinese where the catalog has one.
std::string model_label(const Catalog& catalog, const std::string& id, Lang lang) {
  const Accelerator* a = catalog.find_accelerator(id);
  if (a == nullptr) return id;
  const std::string& name = lang == Lang::Zh && !a->name_zh.text.empty() ? a->name_zh.text : a->name;
  return tr(lang, "check.model_label", arg("id", a->id), arg("name", name),
            arg("origin", i18n::origin_name(a->origin, lang)));
}

std::string why_text(const ModelCoverage& m, const Catalog& catalog, Lang lang) {
  switch (m.not_feasible) {
    case ModelCoverage::NotFeasible::NotPorted: {
      const Accelerator* a = catalog.find_accelerator(m.accelerator);
      return tr(lang, "check.not_ported", arg("stack", a ? a->stack : m.accelerator));
    }
    case ModelCoverage::NotFeasible::FleetTooSmall:
      return tr(lang, "check.fleet_too_small", arg("devices", m.devices), arg("fleet", m.fleet_devices));
    case ModelCoverage::NotFeasible::None:
    case ModelCoverage::NotFeasible::Other:
      break;
  }
  // The performance model's own words exist in English only.
  return lang == Lang::Zh ? std::string(kMarkEnglish) + m.why : m.why;
}

std::string warning_text(const CoverageWarning& w, const std::string& english, Lang lang) {
  if (lang == Lang::En) return english;
  using Kind = CoverageWarning::Kind;
  switch (w.kind) {
    case Kind::CriticalGap:
      return tr(lang, "check.warn_critical_gap", arg("cls", w.cls), arg("tenant", w.tenant),
                arg("detail", std::string(kMarkEnglish) + w.detail));
    case Kind::DeniedOnly: return tr(lang, "check.warn_denied_only", arg("cls", w.cls));
    case Kind::Unservable: return tr(lang, "check.warn_unservable", arg("cls", w.cls));
    case Kind::GapJob: break;
  }
  return tr(lang, "check.warn_gap_job", arg("cls", w.cls));
}

}  // namespace

std::string coverage_text(const Scenario& s, const Coverage& cov, const Catalog& catalog, Lang lang) {
  std::string out = tr(lang, "check.head", arg("name", s.name), arg("from", i18n::date(lang, s.start)),
                       arg("to", i18n::date(lang, s.end)), arg("groups", s.fleet.size()),
                       arg("purchases", s.purchases.size()), arg("tenants", s.tenants.size()),
                       arg("classes", s.classes.size()), arg("policy", s.policy.name)) +
                    "\n";
  out += tr(lang, "check.models") + "\n";
  for (const std::string& id : cov.fleet_models) out += "  " + model_label(catalog, id, lang) + "\n";
  out += "\n";
  const std::string yes = tr(lang, "check.yes"), no = tr(lang, "check.no"), none = tr(lang, "check.none");
  Table t({{tr(lang, "check.col_class")}, {tr(lang, "check.col_tenant")}, {tr(lang, "check.col_critical")},
           {tr(lang, "check.col_domestic")}, {tr(lang, "check.col_gap")}, {tr(lang, "check.col_can_run")},
           {tr(lang, "check.col_allowed")}});
  for (const ClassCoverage& cc : cov.classes) {
    std::vector<std::string> can, allowed;
    for (const ModelCoverage& m : cc.models) {
      if (!m.feasible) continue;
      can.push_back(fmt::format("{} ({}, {})", m.accelerator, m.devices,
                                m.runtime > 0 ? i18n::duration(lang, m.runtime) : "-"));
      if (m.verdict.allowed) allowed.push_back(m.accelerator);
    }
    t.add_row({cc.cls, cc.tenant, cc.critical ? yes : no, cc.domestic_covers ? yes : tr(lang, "check.no_caps"),
               cc.gap ? tr(lang, "check.gap") : "-", can.empty() ? none : fmt::format("{}", fmt::join(can, ", ")),
               allowed.empty() ? none : fmt::format("{}", fmt::join(allowed, ", "))});
  }
  out += t.render();
  out += fmt::format("\n{}", tr(lang, "check.why_title")) + "\n";
  for (const ClassCoverage& cc : cov.classes) {
    for (const ModelCoverage& m : cc.models) {
      if (!m.feasible) {
        out += fmt::format("  {}", tr(lang, "check.why_line", arg("cls", cc.cls), arg("model", m.accelerator),
                         arg("why", why_text(m, catalog, lang)))) +
               "\n";
      }
    }
  }
  std::string denied;
  for (const ClassCoverage& cc : cov.classes) {
    for (const ModelCoverage& m : cc.models) {
      if (!m.feasible || m.verdict.allowed) continue;
      const std::optional<Rule> rule = parse_rule(m.verdict.rule);
      const std::string reason = rule ? rule_reason(s.policy, *rule, lang) : render(m.verdict, s.policy, lang);
      denied += fmt::format("  {}", tr(lang, "check.denied_line", arg("cls", cc.cls), arg("model", m.accelerator),
                          arg("rule", m.verdict.rule),
                                      arg("title", rule ? rule_title(*rule, lang) : m.verdict.rule), arg("reason", reason))) +
                "\n";
    }
  }
  if (!denied.empty()) out += fmt::format("\n{}", tr(lang, "check.denied_title")) + "\n" + denied;
  if (!cov.warnings.empty()) {
    out += fmt::format("\n{}", tr(lang, "check.warnings")) + "\n";
    for (std::size_t i = 0; i < cov.warnings.size(); ++i) {
      const std::string text =
          i < cov.warning_list.size() ? warning_text(cov.warning_list[i], cov.warnings[i], lang) : cov.warnings[i];
      out += "  ! " + text + "\n";
    }
  }
  return out;
}

std::string coverage_json(const Scenario& s, const Coverage& cov, i18n::Lang lang) {
  using nlohmann::json;
  json classes = json::array();
  for (const ClassCoverage& cc : cov.classes) {
    json models = json::array();
    for (const ModelCoverage& m : cc.models) {
      json jm = {{"accelerator", m.accelerator},
                 {"origin", name(m.origin)},
                 {"feasible", m.feasible},
                 {"allowed", m.verdict.allowed},
                 {"rule", std::string(m.verdict.rule)},
                 {"reason", render(m.verdict, s.policy, lang)}};
      if (m.feasible) {
        jm["devices"] = m.devices;
        jm["tokens_per_s"] = m.tokens_per_s;
        if (!m.measured.empty()) jm["measured"] = m.measured;
        jm["runtime_s"] = m.runtime;
      } else {
        jm["why"] = m.why;
      }
      models.push_back(std::move(jm));
    }
    classes.push_back({{"class", cc.cls},
                       {"tenant", cc.tenant},
                       {"critical", cc.critical},
                       {"domestic_covers", cc.domestic_covers},
                       {"gap", cc.gap},
                       {"servable", cc.servable},
                       {"models", models}});
  }
  return json{{"scenario", s.name},
              {"policy", s.policy.name},
              {"fleet_models", cov.fleet_models},
              {"classes", classes},
              {"warnings", cov.warnings}}
             .dump(2) +
         "\n";
}

}  // namespace suanli::report

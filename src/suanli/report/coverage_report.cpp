#include "suanli/report/coverage_report.h"

#include <nlohmann/json.hpp>

namespace suanli::report {

std::string coverage_json(const Scenario& s, const Coverage& cov) {
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
                 {"reason", english(m.verdict, s.policy)}};
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

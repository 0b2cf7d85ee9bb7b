// Coverage analysis of a scenario: for each job class, which accelerator
// models of the fleet can serve it, whether domestic models cover it, whether
// it is a "gap" job (only imported chips can serve it today), and warnings.
//
// Pure; thread-safe (uses its own capability cache).
#pragma once

#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/scenario.h"
#include "suanli/policy/policy.h"

namespace suanli {

struct ModelCoverage {
  std::string accelerator;
  Origin origin = Origin::Domestic;
  bool feasible = false;     // physics: stack, fit, SLO, enough devices in the fleet
  std::string why;           // when not feasible
  int devices = 0;
  double tokens_per_s = 0;
  std::string measured;      // source of a measured throughput that replaced the model's, else empty
  Seconds runtime = 0;       // at the class's nominal size
  Verdict verdict;           // the policy's word (ignoring the load-dependent cap)
};

struct ClassCoverage {
  std::string cls;
  std::string tenant;
  bool critical = false;
  bool domestic_covers = false;
  bool gap = false;          // no domestic model can serve it
  bool servable = false;     // some model the policy allows can serve it
  std::vector<ModelCoverage> models;
};

struct Coverage {
  std::vector<std::string> fleet_models;  // accelerator ids, fleet and purchases, in order of appearance
  std::vector<ClassCoverage> classes;
  std::vector<std::string> warnings;
};

Coverage analyse_coverage(const Scenario& s, const Catalog& catalog);

}  // namespace suanli

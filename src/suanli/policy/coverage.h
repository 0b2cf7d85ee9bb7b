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
  // Why a model cannot run a class, as data, so that it can be said in any
  // language (`why` says it in English).
  enum class NotFeasible {
    None,           // feasible
    NotPorted,      // the job is not ported to the model's software stack
    FleetTooSmall,  // it needs more devices (`devices`) than the fleet has (`fleet_devices`)
    Other,          // the performance model's reason: `why` only
  };

  std::string accelerator;
  Origin origin = Origin::Domestic;
  bool feasible = false;     // physics: stack, fit, SLO, enough devices in the fleet
  std::string why;           // when not feasible
  NotFeasible not_feasible = NotFeasible::None;
  int fleet_devices = 0;     // devices of this model in the fleet (and purchases)
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

// A warning as data (the same as Coverage::warnings, which says it in English).
struct CoverageWarning {
  enum class Kind {
    CriticalGap,  // a critical-infrastructure class no domestic model can serve; detail: the models' reasons
    DeniedOnly,   // the class can run only where the policy denies it: its jobs will be rejected
    Unservable,   // the class cannot run on any accelerator in the fleet
    GapJob,       // only imported accelerators can serve the class today
  };
  Kind kind = Kind::GapJob;
  std::string cls;
  std::string tenant;
  std::string detail;  // CriticalGap: the domestic models' reasons, in English (the performance model's words)
};

struct Coverage {
  std::vector<std::string> fleet_models;  // accelerator ids, fleet and purchases, in order of appearance
  std::vector<ClassCoverage> classes;
  std::vector<std::string> warnings;
  std::vector<CoverageWarning> warning_list;  // the same warnings as data, in the same order
};

Coverage analyse_coverage(const Scenario& s, const Catalog& catalog);

}  // namespace suanli

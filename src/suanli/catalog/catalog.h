// Catalog: the accelerators, models and calibration data suanli knows about.
//
// Built by config/ from the embedded defaults plus any user files; read-only
// afterwards, so one Catalog can be shared by many threads. Lookups accept an
// id or an alias, case-insensitively; a failed lookup can suggest the closest
// names ("did you mean").
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "suanli/model/accelerator.h"
#include "suanli/model/measured.h"
#include "suanli/model/model_spec.h"
#include "suanli/model/perf_params.h"

namespace suanli {

// A dated export-control event on a set of chips (documented defaults; the
// simulator's scenarios carry their own timelines).
struct ExportEvent {
  std::string date;  // ISO yyyy-mm-dd
  std::vector<std::string> accelerators;
  std::string effect;  // licence-required | licence-granted | allowed | banned | case-by-case
  std::string summary;
  Grade grade = Grade::Unknown;
  std::vector<std::string> sources;

  bool operator==(const ExportEvent&) const = default;
};

class Catalog {
 public:
  std::vector<Accelerator> accelerators;
  std::vector<ModelSpec> models;
  std::map<std::string, std::string> sources;  // source key -> citation
  std::vector<ExportEvent> export_events;
  PerfParams perf;
  // Measured work tokens/s of (job class name or model id, accelerator id,
  // devices) that replace the performance model's (policy/capability.h).
  ThroughputTable measured{RateUnit::TokensPerS};

  // Lookup by id or alias, case-insensitive. nullptr if absent.
  const Accelerator* find_accelerator(std::string_view name) const;
  const ModelSpec* find_model(std::string_view name) const;

  // Lookups that throw InputError naming `what` (e.g. "--model") with up to
  // three closest names when absent.
  const Accelerator& accelerator(std::string_view name, std::string_view what = "accelerator") const;
  const ModelSpec& model(std::string_view name, std::string_view what = "model") const;

  // Replace an accelerator with the same id or append a new one.
  Accelerator& upsert(Accelerator a);
  ModelSpec& upsert(ModelSpec m);

  bool operator==(const Catalog&) const = default;
};

// Names from `candidates` closest to `name` by edit distance (case-insensitive),
// at most `limit`, only those plausibly meant (distance <= max(2, |name|/3)).
std::vector<std::string> closest_names(std::string_view name, const std::vector<std::string>& candidates,
                                       std::size_t limit = 3);

}  // namespace suanli

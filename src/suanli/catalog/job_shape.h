// Whether a job shape describes work the catalog can judge: the checks every
// door shares (a scenario file's classes and jobs, the API's job
// descriptions), so that a job is refused for the same reasons whichever way
// it came in. The caller locates the problem (file:line, JSON path).
//
// Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/job.h"

namespace suanli {

// Which optional fields the input gave (the rules differ for serve and work).
struct ShapeFields {
  bool work_tokens = false;
  bool duration = false;
};

struct ShapeProblem {
  std::string field;    // the field to point at ("devices", "slo", ...); "" = the job as a whole
  std::string message;  // "found ..., expected ..."
};

// The first problem with `shape`, or nullopt. `what` names the job in
// messages ("class 'x'", "job"). Requires nothing of the shape.
std::optional<ShapeProblem> check_job_shape(const Catalog& catalog, const JobClass& shape, const ShapeFields& given,
                                            const std::string& what);

// Device counts a job may request: 1, 2, 4 or a multiple of 8.
bool valid_device_count(int devices);

// The software stacks of the catalog's accelerators (sorted, unique).
std::vector<std::string> known_stacks(const Catalog& catalog);

}  // namespace suanli

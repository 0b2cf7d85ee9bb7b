// Calibration of the inference model on published measurements
// (model/inference_point.h): what the model says of each point, and the fit of
// the efficiency constants in PerfParams to a set of points.
//
// evaluate() turns a point into a Workload (its devices, layout, lengths,
// scenario, SLOs, drafts at the acceptance rate whose expected tokens per step
// equal the published accept length) and reads the figure the point
// publishes. The fit minimises the sum of squared log errors (a 10% over- and
// under-estimate weigh the same) by coordinate descent: each parameter in turn
// is golden-section searched over its range on a log scale, for `sweeps`
// rounds or until no parameter moves the objective. Deterministic.
//
// Pure; thread-safe. Cost: evaluate() is one estimate; fit() is about
// sweeps x parameters x 20 objective evaluations, each one estimate per point.
#pragma once

#include <string>
#include <vector>

#include "suanli/model/accelerator.h"
#include "suanli/model/inference_point.h"
#include "suanli/model/model_spec.h"
#include "suanli/model/perf_params.h"
#include "suanli/perf/estimate.h"

namespace suanli {

// A point with the catalog entries it names (not owned; they outlive it).
struct PointCase {
  const InferencePoint* point = nullptr;
  const ModelSpec* model = nullptr;
  const Accelerator* accelerator = nullptr;
};

struct PointResult {
  bool ok = false;
  std::string why;     // when not ok: the estimate's reason
  double modelled = 0;
  double error = 0;    // modelled / published - 1
};

// The per-draft acceptance rate a whose 1 + a + ... + a^drafts equals
// `accept_length` (bisection; 0 without drafts).
double acceptance_for(int drafts, double accept_length);

Workload workload_of(const InferencePoint& p);
PointResult evaluate(const PointCase& c, const PerfParams& params);

// One fitted constant: a field of a stack's InferenceEfficiency, searched
// within [lo, hi].
struct FitParameter {
  enum class Field { Gemm, Memory, Attention, Moe, Overlap, StepOverheadUs, CollectiveUs, A2aUs, ScaleoutCollectiveUs };
  std::string stack;
  Field field = Field::Gemm;
  double lo = 0;
  double hi = 1;
};

double& field_of(PerfParams& p, const FitParameter& f);

// The constants data/perf.yaml fits, per fitted stack (cuda, cann), with the
// physical ranges they are searched in: efficiencies between a floor no
// shipping stack is below and the peak; fixed costs from a microsecond to
// what a slow host loop takes.
std::vector<FitParameter> default_fit_parameters();
std::string_view name(FitParameter::Field f);

// Sum of squared log errors over `cases`; a point the model cannot estimate
// counts as a factor-of-ten error.
double objective(const std::vector<PointCase>& cases, const PerfParams& params);

// `start` with the parameters moved to minimise objective(cases).
// REQUIRES: every parameter's stack has an inference entry in `start`; lo > 0.
PerfParams fit(const std::vector<PointCase>& cases, PerfParams start, const std::vector<FitParameter>& params,
               int sweeps);

}  // namespace suanli

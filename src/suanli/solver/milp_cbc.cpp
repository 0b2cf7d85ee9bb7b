// The CBC adapter: the only file that sees COIN-OR headers. It uses CBC's C
// interface, which is stable across the 2.10 series Debian ships.
#include <chrono>
#include <cfloat>
#include <cmath>
#include <string>

#include <coin/Cbc_C_Interface.h>

#include "suanli/solver/milp.h"

namespace suanli::solver {

namespace {

// Owns a Cbc_Model for exception safety.
struct CbcHandle {
  Cbc_Model* model = Cbc_newModel();
  CbcHandle() = default;
  CbcHandle(const CbcHandle&) = delete;
  CbcHandle& operator=(const CbcHandle&) = delete;
  ~CbcHandle() { Cbc_deleteModel(model); }
};

double cbc_bound(double v) { return std::isinf(v) ? (v > 0 ? DBL_MAX : -DBL_MAX) : v; }

}  // namespace

Solution solve(const MilpModel& m, const SolveOptions& options) {
  const auto t0 = std::chrono::steady_clock::now();
  const int n = static_cast<int>(m.vars.size());
  const int rows = static_cast<int>(m.rows.size());

  // Column-major matrix, as Cbc_loadProblem wants it.
  std::vector<std::vector<std::pair<int, double>>> cols(static_cast<std::size_t>(n));
  for (int r = 0; r < rows; ++r) {
    for (const MilpTerm& t : m.rows[static_cast<std::size_t>(r)].terms) {
      if (t.coef != 0) cols[static_cast<std::size_t>(t.var)].emplace_back(r, t.coef);
    }
  }
  std::vector<CoinBigIndex> start{0};
  std::vector<int> index;
  std::vector<double> value;
  for (const auto& col : cols) {
    for (const auto& [r, c] : col) {
      index.push_back(r);
      value.push_back(c);
    }
    start.push_back(static_cast<CoinBigIndex>(index.size()));
  }
  std::vector<double> col_lb, col_ub, obj, row_lb, row_ub;
  for (const MilpVar& v : m.vars) {
    col_lb.push_back(cbc_bound(v.lower));
    col_ub.push_back(cbc_bound(v.upper));
    obj.push_back(v.cost);
  }
  for (const MilpRow& r : m.rows) {
    row_lb.push_back(r.sense == Sense::LessEqual ? -DBL_MAX : r.rhs);
    row_ub.push_back(r.sense == Sense::GreaterEqual ? DBL_MAX : r.rhs);
  }

  CbcHandle h;
  Cbc_loadProblem(h.model, n, rows, start.data(), index.empty() ? nullptr : index.data(),
                  value.empty() ? nullptr : value.data(), col_lb.data(), col_ub.data(), obj.data(),
                  row_lb.data(), row_ub.data());
  for (int j = 0; j < n; ++j) {
    if (m.vars[static_cast<std::size_t>(j)].integer) Cbc_setInteger(h.model, j);
  }
  Cbc_setLogLevel(h.model, 0);
  Cbc_setMaximumSeconds(h.model, options.time_limit_s);
  Cbc_setAllowableFractionGap(h.model, options.relative_gap);
  Cbc_setAllowableGap(h.model, 1e-9);
  if (options.threads > 1) Cbc_setParameter(h.model, "threads", std::to_string(options.threads).c_str());
  if (!options.cuts) Cbc_setParameter(h.model, "cuts", "off");
  Cbc_solve(h.model);

  Solution s;
  if (Cbc_isProvenInfeasible(h.model)) {
    s.status = Solution::Status::Infeasible;
  } else if (Cbc_isContinuousUnbounded(h.model)) {
    s.status = Solution::Status::Unbounded;
  } else if (Cbc_numberSavedSolutions(h.model) > 0 || Cbc_isProvenOptimal(h.model)) {
    s.status = Cbc_isProvenOptimal(h.model) ? Solution::Status::Optimal : Solution::Status::Feasible;
    const double* x = Cbc_getColSolution(h.model);
    s.values.assign(x, x + n);
    // Integers come back as 0.99999...; snap them so reports count nodes.
    for (int j = 0; j < n; ++j) {
      if (m.vars[static_cast<std::size_t>(j)].integer) s.values[static_cast<std::size_t>(j)] = std::round(s.values[static_cast<std::size_t>(j)]);
    }
    s.row_activity.assign(static_cast<std::size_t>(rows), 0.0);
    for (int r = 0; r < rows; ++r) {
      double a = 0;
      for (const MilpTerm& t : m.rows[static_cast<std::size_t>(r)].terms) a += t.coef * s.values[static_cast<std::size_t>(t.var)];
      s.row_activity[static_cast<std::size_t>(r)] = a;
    }
    s.objective = Cbc_getObjValue(h.model);
    s.best_bound = s.status == Solution::Status::Optimal ? s.objective : Cbc_getBestPossibleObjValue(h.model);
    const double denom = std::max(1e-9, std::abs(s.objective));
    s.gap = s.status == Solution::Status::Optimal ? 0.0 : std::max(0.0, (s.objective - s.best_bound) / denom);
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace suanli::solver

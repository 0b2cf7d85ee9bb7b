// A (mixed-integer) linear program as plain data, and the narrow adapter that
// solves it (DESIGN.md section 3: the model stays readable apart from the
// solver). Callers (the capacity planner, the max-min fairness policy of the
// round-based trace replay) build a MilpModel with named variables and named
// rows tagged with a constraint group; solve() hands it to COIN-OR. No solver
// header is visible outside milp_cbc.cpp.
//
// Thread-safety: MilpModel is a value type; solve() is reentrant (each call
// owns its own solver instance).
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace suanli::solver {

inline constexpr double kInfinity = std::numeric_limits<double>::infinity();

struct MilpVar {
  std::string name;
  double lower = 0;
  double upper = kInfinity;
  bool integer = false;
  double cost = 0;  // objective coefficient (the objective is minimised)
};

enum class Sense { LessEqual, GreaterEqual, Equal };

struct MilpTerm {
  int var = 0;  // index into MilpModel::vars
  double coef = 0;
};

struct MilpRow {
  std::string name;   // e.g. "capacity[ascend-910c]"
  std::string group;  // constraint group, e.g. "budget"; groups can be relaxed together
  std::vector<MilpTerm> terms;
  Sense sense = Sense::LessEqual;
  double rhs = 0;
};

struct MilpModel {
  std::vector<MilpVar> vars;
  std::vector<MilpRow> rows;

  int add_var(MilpVar v) {
    vars.push_back(std::move(v));
    return static_cast<int>(vars.size()) - 1;
  }
  void add_row(MilpRow r) { rows.push_back(std::move(r)); }
  // A copy without the rows of `group`.
  MilpModel without(const std::string& group) const;
};

struct SolveOptions {
  double time_limit_s = 60;       // stop with the best solution found (gap reported)
  double relative_gap = 0;        // 0 = prove optimality
  int threads = 1;
  // CBC's cut generators. Off by default: planning models have few integers
  // (one per candidate) and a large LP, and on the 25 x 50 benchmark
  // (bench/plan_bench.cpp) cuts made the proof 3-6x slower (about 1.5 s
  // without, 5-10 s with, on a 2-core machine). Optimality is still proven
  // by branch and bound.
  bool cuts = false;
};

struct Solution {
  enum class Status { Optimal, Feasible, Infeasible, Unbounded, NoSolution };
  Status status = Status::NoSolution;
  double objective = 0;
  double best_bound = 0;      // proven lower bound on the objective (minimisation)
  double gap = 0;             // relative gap between objective and bound; 0 when optimal
  std::vector<double> values; // per variable, when a solution was found
  std::vector<double> row_activity;
  double seconds = 0;

  bool has_solution() const { return status == Status::Optimal || status == Status::Feasible; }
};

// Solves `model` (minimisation). "No solution exists" is a Status, not an
// exception; an exception means the solver itself broke.
Solution solve(const MilpModel& model, const SolveOptions& options = {});

}  // namespace suanli::solver

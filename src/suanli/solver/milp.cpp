#include "suanli/solver/milp.h"

namespace suanli::solver {

MilpModel MilpModel::without(const std::string& group) const {
  MilpModel out;
  out.vars = vars;
  for (const MilpRow& r : rows) {
    if (r.group != group) out.rows.push_back(r);
  }
  return out;
}

}  // namespace suanli::solver

#include "suanli/report/svg.h"

#include <cmath>

#include <fmt/format.h>

#include "suanli/report/table.h"

namespace suanli::report::svg {

std::string px(double v) { return fmt::format("{:.1f}", v); }

std::string pct(double fraction) { return fmt_number(fraction * 100.0, 1) + "%"; }

double text_width(const std::string& s) { return static_cast<double>(display_width(s)) * kCharWidth; }

double nice_ceiling(double v) {
  if (!(v > 0)) return 1.0;
  const double p = std::pow(10.0, std::floor(std::log10(v)));
  for (double f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
    if (v <= f * p * (1 + 1e-9)) return f * p;
  }
  return 10.0 * p;
}

}  // namespace suanli::report::svg

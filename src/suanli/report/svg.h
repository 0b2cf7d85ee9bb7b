// Small drawing helpers shared by the HTML reports' inline SVG charts.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

namespace suanli::report::svg {

// Rough width of a 12px character of the reports' system font, for layout.
inline constexpr double kCharWidth = 6.8;

// A coordinate with one decimal, as SVG attributes want it.
std::string px(double v);
// A fraction as a percentage with one decimal: 0.123 -> "12.3%".
std::string pct(double fraction);
// Approximate rendered width of UTF-8 text (wide characters count twice).
double text_width(const std::string& s);
// A "nice" axis top at or above v: 1, 2, 2.5 or 5 times a power of ten.
double nice_ceiling(double v);

}  // namespace suanli::report::svg

// Small drawing helpers shared by the HTML reports' inline SVG charts.
//
// Pure functions; thread-safe.
#pragma once

#include <string>

namespace suanli::report::svg {

// Width of every chart in SVG user units; the pages scale charts to fit.
inline constexpr double kWidth = 900;

// Okabe-Ito colours: distinguishable under the common colour-vision deficiencies.
inline constexpr const char* kBlue = "#0072B2";
inline constexpr const char* kVermillion = "#D55E00";
inline constexpr const char* kGreen = "#009E73";
inline constexpr const char* kPurple = "#CC79A7";
inline constexpr const char* kOrange = "#E69F00";
inline constexpr const char* kSky = "#56B4E9";
// The order series take them in (then black and grey).
inline constexpr const char* kPalette[] = {kBlue, kVermillion, kGreen, kPurple, kOrange, kSky, "#000000", "#999999"};

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

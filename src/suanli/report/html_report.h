// A self-contained HTML report of one or more simulation runs of a scenario.
//
// The page needs no network to view: one inline <style>, system fonts, and
// inline SVG charts drawn here (no scripts, fonts or stylesheets fetched).
// All text from the inputs is HTML-escaped. Pure functions of their inputs;
// safe to call from several threads.
#pragma once

#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/i18n/lang.h"
#include "suanli/model/scenario.h"
#include "suanli/sim/metrics.h"

namespace suanli::report {

// The report: title and description from the scenario, a "what this means"
// summary, headline/tenant/class/shock tables, and charts over time (domestic
// share vs target, utilisation by origin, imported devices vs the cap, queue
// length, utilisation per accelerator model) with each shock marked, plus
// per-tenant domestic share against its target. With a catalog, accelerator
// models are named with their vendor and origin (in Chinese by their Chinese
// names where the catalog has them). Empty inputs render a page that says what
// is missing. The page's words are in `lang` (lang="zh-CN" and a CJK font
// stack for Chinese); the scenario's own texts (description, names, labels)
// are shown as written.
std::string simulation_html(const Scenario& scenario, const std::vector<SimResult>& runs,
                            const Catalog* catalog = nullptr, i18n::Lang lang = i18n::Lang::En);

// Plain-text sentences saying what the numbers mean: which scheduler met the
// targets, the violations the baselines caused, which shock hurt most.
std::vector<std::string> simulation_findings(const std::vector<SimResult>& runs, i18n::Lang lang = i18n::Lang::En);

// Escapes & < > " ' so that text is safe in HTML content and attribute values.
std::string html_escape(std::string_view text);

// Pieces shared by the house-style pages (this one, trace_html.h):
// "<!DOCTYPE html>" through the opening <body> and an <h1> of `title`, with the
// inline style sheet; <html lang> and the font stack follow `lang`.
std::string html_page_start(const std::string& title, i18n::Lang lang = i18n::Lang::En);
// A table of a Grid (sim_report.h), numeric columns right-aligned, pass/miss
// marks (pass_mark() in `lang`) coloured; `empty_text` in a paragraph when it
// has no rows.
struct Grid;
std::string html_table(const Grid& g, const std::string& empty_text, i18n::Lang lang = i18n::Lang::En);
// The i-th series colour (Okabe-Ito, cycling).
std::string chart_colour(std::size_t i);

// One time chart as inline SVG; every time chart in the report uses it.
struct ChartSeries {
  std::string name;
  std::string colour;                              // CSS colour
  std::string dash;                                // SVG stroke-dasharray, empty = solid
  std::vector<std::pair<Seconds, double>> points;  // NaN values break the line
};

struct ChartBand {  // a spread drawn as a translucent area in a series' colour, under the lines
  std::size_t series = 0;                                   // index into LineChart::series
  std::vector<std::tuple<Seconds, double, double>> points;  // (x, low, high)
};

struct ChartMarker {  // a vertical line at a moment, e.g. a shock, tagged S1, S2 ... with a key below
  Seconds at = 0;
  std::string label;
};

struct ChartReference {  // a horizontal line, e.g. a target
  double y = 0;
  std::string label;
};

// How the x values of a LineChart are labelled.
enum class XAxis {
  Dates,     // Seconds since the epoch: hours, days or calendar months (UTC)
  Days,      // Seconds from a start: "day N" counted from `from`
  Fraction,  // not time: parts per 10,000 of a whole, labelled as percentages
};

struct LineChart {
  std::string title;
  std::string note;  // a line under the title, e.g. how points were averaged
  std::string y_label;
  Seconds from = 0, to = 0;  // x range; widened to one day when empty
  bool percent = false;      // values are fractions, drawn on a 0-100% axis
  double y_max = 0;          // top of the y axis; 0 = from the data
  double y_min = 0;          // bottom of the y axis (above 0 for a zoom; values below it sit on the axis)
  std::vector<ChartSeries> series;
  std::vector<ChartMarker> markers;
  std::vector<ChartReference> references;
  std::vector<ChartBand> bands;
  XAxis x_axis = XAxis::Dates;
  std::string x_label;  // under the x axis; empty = none
  i18n::Lang lang = i18n::Lang::En;  // of the tick labels, the marker key and "no samples"
};

std::string svg_line_chart(const LineChart& chart);

}  // namespace suanli::report

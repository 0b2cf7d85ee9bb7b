#include "suanli/report/plan_html.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <iterator>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "suanli/i18n/catalogue.h"
#include "suanli/i18n/format.h"
#include "suanli/model/time.h"
#include "suanli/policy/rule_reason.h"
#include "suanli/report/html_report.h"
#include "suanli/report/svg.h"
#include "suanli/report/table.h"

namespace suanli::report {
namespace {

using i18n::arg;
using i18n::Lang;
using i18n::tr;
using svg::kBlue;
using svg::kCharWidth;
using svg::kOrange;
using svg::kSky;
using svg::kWidth;
using svg::nice_ceiling;
using svg::pct;
using svg::px;
using svg::text_width;

constexpr const char* kHatchId = "plan-hatch";

std::string usd(double v, Lang lang) { return i18n::usd(lang, v); }



// An <svg> element with its accessible name, visible title and optional note.
std::string svg_open(const std::string& title, const std::string& note, double height) {
  const std::string t = html_escape(title);
  std::string out =
      fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img")", kWidth,
                  px(height)) +
      fmt::format(R"( aria-label="{0}"><title>{0}</title><text class="chart-title" x="16" y="20">{0}</text>)", t);
  if (!note.empty()) out += fmt::format(R"(<text class="note" x="16" y="38">{}</text>)", html_escape(note));
  return out;
}

// A white diagonal hatch laid over a bar: marks imported models.
std::string hatch_defs() {
  return fmt::format(R"(<defs><pattern id="{}" width="6" height="6" patternUnits="userSpaceOnUse" )"
                     R"x(patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#fff" )x"
                     R"(stroke-width="2.5"/></pattern></defs>)",
                     kHatchId);
}

std::string rect(double x, double y, double w, double h, const std::string& fill, const std::string& tip,
                 bool hatched) {
  std::string out = fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>)",
                                px(x), px(y), px(std::max(0.0, w)), px(std::max(0.0, h)), html_escape(fill),
                                html_escape(tip));
  if (hatched && w > 0 && h > 0) {
    out += fmt::format(R"x(<rect x="{}" y="{}" width="{}" height="{}" fill="url(#{})" pointer-events="none"/>)x", px(x),
                       px(y), px(w), px(h), kHatchId);
  }
  return out;
}

struct LegendItem {
  std::string name, colour;
  bool hatched = false;
  bool cross = false;  // an x mark instead of a swatch
};

// Legend swatches in rows from y0; returns the SVG and the height used.
std::pair<std::string, double> legend(const std::vector<LegendItem>& items, double y0) {
  std::string out;
  double x = 16, y = y0;
  for (const LegendItem& it : items) {
    const double w = 22 + text_width(it.name) + 18;
    if (x + w > kWidth - 10 && x > 16) {
      x = 16;
      y += 18;
    }
    if (it.cross) {
      out += fmt::format(R"(<text x="{}" y="{}" class="bad">&#215;</text>)", px(x + 3), px(y));
    } else {
      out += rect(x, y - 10, 14, 10, it.colour, it.name, it.hatched);
    }
    out += fmt::format(R"(<text x="{}" y="{}">{}</text>)", px(x + 20), px(y), html_escape(it.name));
    x += w;
  }
  return {out, items.empty() ? 0.0 : y - y0 + 18};
}

// ---- bar charts ------------------------------------------------------------

struct BarSeries {
  std::string name, colour;
};

struct BarGroup {
  std::string label;
  bool hatched = false;        // drawn with the hatch (e.g. an imported model)
  std::vector<double> values;  // one per series
};

struct BarChart {
  std::string title, note;
  std::vector<BarSeries> series;
  std::vector<BarGroup> groups;
  std::function<std::string(double)> format = [](double v) { return fmt_number(v, 0); };
  std::string hatch_meaning;  // legend entry for hatched bars; empty = none
};

double max_value(const BarChart& c, bool stacked) {
  double m = 0;
  for (const BarGroup& g : c.groups) {
    double sum = 0;
    for (double v : g.values) {
      sum += std::max(0.0, v);
      m = std::max(m, v);
    }
    if (stacked) m = std::max(m, sum);
  }
  return nice_ceiling(m);
}

std::vector<LegendItem> legend_items(const BarChart& c) {
  std::vector<LegendItem> items;
  for (const BarSeries& s : c.series) items.push_back({s.name, s.colour});
  if (!c.hatch_meaning.empty()) items.push_back({c.hatch_meaning, "#999999", true});
  return items;
}

// Horizontal bars, one row per series inside each group, value at the end.
std::string svg_hbar_chart(const BarChart& c) {
  constexpr double kBar = 13, kGap = 2, kGroupGap = 14, kTop = 52;
  double label_w = 60;
  for (const BarGroup& g : c.groups) label_w = std::max(label_w, text_width(g.label));
  const double left = 16 + std::min(label_w, 300.0) + 10, right = kWidth - 90;
  const double n = static_cast<double>(c.series.size());
  const double group_h = n * kBar + std::max(0.0, n - 1) * kGap;
  const double bottom = kTop + static_cast<double>(c.groups.size()) * (group_h + kGroupGap);
  const double top_value = max_value(c, false);
  auto x = [&](double v) { return left + std::clamp(v / top_value, 0.0, 1.0) * (right - left); };

  std::string body;
  for (int i = 0; i <= 4; ++i) {
    const double v = top_value * i / 4;
    body += fmt::format(R"(<line class="grid" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", px(x(v)), px(kTop - 4),
                        px(bottom));
    body += fmt::format(R"(<text class="muted" x="{}" y="{}" text-anchor="middle">{}</text>)", px(x(v)),
                        px(bottom + 14), html_escape(c.format(v)));
  }
  double y = kTop;
  for (const BarGroup& g : c.groups) {
    body += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", px(left - 8), px(y + group_h / 2 + 4),
                        html_escape(g.label));
    for (std::size_t s = 0; s < c.series.size(); ++s) {
      const double v = s < g.values.size() ? g.values[s] : 0;
      const double by = y + static_cast<double>(s) * (kBar + kGap);
      body += rect(left, by, x(v) - left, kBar, c.series[s].colour,
                   fmt::format("{}: {} {}", g.label, c.series[s].name, c.format(v)), g.hatched);
      body += fmt::format(R"(<text class="muted" x="{}" y="{}">{}</text>)", px(x(v) + 4), px(by + kBar - 2),
                          html_escape(c.format(v)));
    }
    y += group_h + kGroupGap;
  }
  body += fmt::format(R"(<line class="axis" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", px(left), px(kTop - 4),
                      px(bottom));
  const auto [keys, keys_h] = legend(legend_items(c), bottom + 36);
  return svg_open(c.title, c.note, bottom + 36 + keys_h) + hatch_defs() + body + keys + "</svg>";
}

// Vertical stacked bars, one per group, the total above each.
std::string svg_stacked_bar_chart(const BarChart& c) {
  constexpr double kTop = 56, kPlot = 220, kLeft = 100;
  const double bottom = kTop + kPlot, right = kWidth - 24;
  const double top_value = max_value(c, true);
  auto y = [&](double v) { return bottom - std::clamp(v / top_value, 0.0, 1.0) * kPlot; };
  const double slot = (right - kLeft) / static_cast<double>(std::max<std::size_t>(1, c.groups.size()));
  const double bar_w = std::min(140.0, slot * 0.5);

  std::string body;
  for (int i = 0; i <= 4; ++i) {
    const double v = top_value * i / 4;
    body += fmt::format(R"(<line class="grid" x1="{0}" y1="{2}" x2="{1}" y2="{2}"/>)", px(kLeft), px(right), px(y(v)));
    body += fmt::format(R"(<text class="muted" x="{}" y="{}" text-anchor="end">{}</text>)", px(kLeft - 6),
                        px(y(v) + 4), html_escape(c.format(v)));
  }
  for (std::size_t i = 0; i < c.groups.size(); ++i) {
    const BarGroup& g = c.groups[i];
    const double cx = kLeft + slot * (static_cast<double>(i) + 0.5), bx = cx - bar_w / 2;
    double base = 0;
    for (std::size_t s = 0; s < c.series.size(); ++s) {
      const double v = std::max(0.0, s < g.values.size() ? g.values[s] : 0);
      body += rect(bx, y(base + v), bar_w, y(base) - y(base + v), c.series[s].colour,
                   fmt::format("{}: {} {}", g.label, c.series[s].name, c.format(v)), g.hatched);
      base += v;
    }
    body += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)", px(cx), px(y(base) - 6),
                        html_escape(c.format(base)));
    body += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)", px(cx), px(bottom + 16),
                        html_escape(g.label));
  }
  body += fmt::format(R"(<line class="axis" x1="{0}" y1="{2}" x2="{1}" y2="{2}"/>)", px(kLeft), px(right), px(bottom));
  const auto [keys, keys_h] = legend(legend_items(c), bottom + 42);
  return svg_open(c.title, c.note, bottom + 42 + keys_h) + hatch_defs() + body + keys + "</svg>";
}

// ---- x/y chart -------------------------------------------------------------

struct XyPoint {
  double x = 0, y = 0;
  bool ok = true;  // false: no value here (drawn as an x on the axis)
  std::string tip;
};

struct XyChart {
  std::string title, note, x_label, y_label, series_name, bad_name;
  std::string colour = kBlue;
  std::vector<XyPoint> points;
  std::function<std::string(double)> x_format = [](double v) { return fmt_number(v, 2); };
  std::function<std::string(double)> y_format = [](double v) { return fmt_number(v, 0); };
  double x_min = 0, x_max = 1;
  std::optional<double> reference_x;  // a vertical dashed line, e.g. the plan's own target
  std::string reference_label;
};

// Points joined by a line (broken at points without a value), x marks for
// points without a value.
std::string svg_xy_chart(const XyChart& c) {
  constexpr double kTop = 72, kPlot = 240, kLeft = 100;
  const double bottom = kTop + kPlot, right = kWidth - 24;
  double top_value = 0;
  for (const XyPoint& p : c.points) {
    if (p.ok) top_value = std::max(top_value, p.y);
  }
  top_value = nice_ceiling(top_value);
  const double span = c.x_max > c.x_min ? c.x_max - c.x_min : 1;
  auto X = [&](double v) { return kLeft + std::clamp((v - c.x_min) / span, 0.0, 1.0) * (right - kLeft); };
  auto Y = [&](double v) { return bottom - std::clamp(v / top_value, 0.0, 1.0) * kPlot; };

  std::string body;
  for (int i = 0; i <= 4; ++i) {
    const double v = top_value * i / 4;
    body += fmt::format(R"(<line class="grid" x1="{0}" y1="{2}" x2="{1}" y2="{2}"/>)", px(kLeft), px(right), px(Y(v)));
    body += fmt::format(R"(<text class="muted" x="{}" y="{}" text-anchor="end">{}</text>)", px(kLeft - 6),
                        px(Y(v) + 4), html_escape(c.y_format(v)));
  }
  for (int i = 0; i <= 5; ++i) {
    const double v = c.x_min + span * i / 5;
    body += fmt::format(R"(<text class="muted" x="{}" y="{}" text-anchor="middle">{}</text>)", px(X(v)),
                        px(bottom + 16), html_escape(c.x_format(v)));
  }
  body += fmt::format(R"(<text class="muted" x="{}" y="{}" text-anchor="middle">{}</text>)", px((kLeft + right) / 2),
                      px(bottom + 34), html_escape(c.x_label));
  body += fmt::format(R"(<text class="muted" x="16" y="{}">{}</text>)", px(kTop - 16), html_escape(c.y_label));
  if (c.reference_x) {
    body += fmt::format(R"(<line class="ref" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", px(X(*c.reference_x)),
                        px(kTop), px(bottom));
    body += fmt::format(R"(<text class="muted" x="{}" y="{}">{}</text>)", px(X(*c.reference_x) + 4), px(kTop + 12),
                        html_escape(c.reference_label));
  }
  std::string path;
  bool pen_down = false;
  for (const XyPoint& p : c.points) {
    if (!p.ok) {
      pen_down = false;
      continue;
    }
    path += fmt::format("{}{} {} ", pen_down ? "L" : "M", px(X(p.x)), px(Y(p.y)));
    pen_down = true;
  }
  if (!path.empty()) {
    body += fmt::format(R"(<path d="{}" fill="none" stroke="{}" stroke-width="2.5"/>)", path, html_escape(c.colour));
  }
  bool any_bad = false;
  for (const XyPoint& p : c.points) {
    if (p.ok) {
      body += fmt::format(R"(<circle cx="{}" cy="{}" r="4" fill="{}"><title>{}</title></circle>)", px(X(p.x)),
                          px(Y(p.y)), html_escape(c.colour), html_escape(p.tip));
    } else {
      any_bad = true;
      body += fmt::format(R"(<text class="bad" x="{}" y="{}" text-anchor="middle">&#215;<title>{}</title></text>)",
                          px(X(p.x)), px(bottom - 4), html_escape(p.tip));
    }
  }
  body += fmt::format(R"(<line class="axis" x1="{0}" y1="{2}" x2="{1}" y2="{2}"/>)", px(kLeft), px(right), px(bottom));
  std::vector<LegendItem> items = {{c.series_name, c.colour}};
  if (any_bad) items.push_back({c.bad_name, "", false, true});
  const auto [keys, keys_h] = legend(items, bottom + 56);
  return svg_open(c.title, c.note, bottom + 56 + keys_h) + body + keys + "</svg>";
}

// ---- tables and sections ---------------------------------------------------

struct Cell {
  std::string text;
  std::string cls;  // CSS class of the cell: num, pass, miss, est
};

std::string html_table(const std::vector<std::pair<std::string, bool>>& headers,
                       const std::vector<std::vector<Cell>>& rows) {
  std::string out = "<div class=\"scroll\"><table>\n<thead><tr>";
  for (const auto& [h, numeric] : headers) {
    out += fmt::format("<th{}>{}</th>", numeric ? " class=\"num\"" : "", html_escape(h));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const Cell& c : row) {
      out += fmt::format("<td{}>{}</td>", c.cls.empty() ? "" : " class=\"" + html_escape(c.cls) + "\"",
                         html_escape(c.text));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

// The planner's own sentences (notes, what binds, conflicts) exist in
// English only: in a Chinese page each is marked "[EN]".
std::string list(const std::vector<std::string>& items, Lang lang) {
  if (items.empty()) return "";
  std::string out = "<ul>\n";
  for (const std::string& i : items) {
    out += "<li>" + html_escape(lang == Lang::Zh ? std::string(kMarkEnglish) + i : i) + "</li>\n";
  }
  return out + "</ul>\n";
}

std::string origin(bool domestic, Lang lang) { return tr(lang, domestic ? "origin.domestic" : "origin.imported"); }

Cell met(double value, double target, Lang lang) {
  return value + 1e-6 >= target ? Cell{tr(lang, "plan.met"), "pass"} : Cell{tr(lang, "plan.missed"), "miss"};
}

std::string plan_label(const plan::PlanResult& r, Lang lang) {
  return tr(lang, r.sovereignty ? "plan.sovereign" : "plan.cost_only");
}

std::string status_name(plan::PlanStatus s, Lang lang) {
  switch (s) {
    case plan::PlanStatus::Optimal: return tr(lang, "plan.status_optimal");
    case plan::PlanStatus::Feasible: return tr(lang, "plan.status_feasible");
    case plan::PlanStatus::Infeasible: break;
  }
  return tr(lang, "plan.status_infeasible");
}

std::string mode_name(plan::PlanMode m, Lang lang) {
  return tr(lang, m == plan::PlanMode::MaxServed ? "plan.mode_max_served" : "plan.mode_min_cost");
}

std::string h2(const std::string& text) { return "<h2>" + html_escape(text) + "</h2>\n"; }
std::string h3(const std::string& text) { return "<h3>" + html_escape(text) + "</h3>\n"; }
std::string para(const std::string& cls, const std::string& text) {
  return "<p" + (cls.empty() ? std::string() : " class=\"" + cls + "\"") + ">" + html_escape(text) + "</p>\n";
}

std::string purchases(const plan::PlanResult& r, Lang lang) {
  if (r.purchases.empty()) return para("muted", tr(lang, "plan.nothing_to_buy"));
  std::vector<std::vector<Cell>> rows;
  for (const plan::PurchaseLine& l : r.purchases) {
    rows.push_back({{l.accelerator, ""},
                    {origin(l.domestic, lang), ""},
                    {std::to_string(l.nodes), "num"},
                    {std::to_string(l.devices), "num"},
                    {usd(l.capex_usd, lang), "num"},
                    {i18n::date(lang, l.delivery), ""},
                    l.price_estimate ? Cell{tr(lang, "plan.estimate"), "est"} : Cell{tr(lang, "plan.published"), ""},
                    {l.price_source, ""}});
  }
  std::string out = html_table({{tr(lang, "plan.col_accelerator"), false},
                                {tr(lang, "plan.col_origin"), false},
                                {tr(lang, "plan.col_nodes"), true},
                                {tr(lang, "plan.col_devices"), true},
                                {tr(lang, "plan.col_capex"), true},
                                {tr(lang, "plan.col_delivery"), false},
                                {tr(lang, "plan.col_price"), false},
                                {tr(lang, "plan.col_price_source"), false}},
                               rows);
  if (std::any_of(r.purchases.begin(), r.purchases.end(), [](const plan::PurchaseLine& l) { return l.price_estimate; })) {
    out += para("meta", tr(lang, "plan.estimate_note"));
  }
  return out;
}

std::string devices_chart(const plan::PlanResult& r, Lang lang) {
  if (r.models.empty()) return "";
  BarChart c;
  c.title = tr(lang, "plan.devices_title", arg("plan", plan_label(r, lang)));
  c.note = tr(lang, "plan.devices_note");
  c.series = {{tr(lang, "plan.existing"), kSky}, {tr(lang, "plan.bought"), kOrange}, {tr(lang, "plan.used"), kBlue}};
  c.hatch_meaning = tr(lang, "plan.imported_model");
  c.format = [](double v) { return fmt_number(v, v < 10 && v != std::floor(v) ? 1 : 0); };
  for (const plan::ModelUse& m : r.models) {
    c.groups.push_back({tr(lang, "plan.model_origin", arg("model", m.accelerator), arg("origin", origin(m.domestic, lang))),
                        !m.domestic,
                        {static_cast<double>(m.existing_devices), static_cast<double>(m.bought_devices),
                         m.used_devices}});
  }
  return "<figure>" + svg_hbar_chart(c) + "</figure>\n";
}

std::string cost_section(const plan::PlanResult& r, const plan::PlanResult* cost_only, Lang lang) {
  std::string out = h2(tr(lang, "plan.cost_title"));
  const bool both = cost_only && cost_only->status != plan::PlanStatus::Infeasible;
  std::vector<std::pair<std::string, bool>> headers = {{"", false}, {plan_label(r, lang), true}};
  if (both) {
    headers.push_back({plan_label(*cost_only, lang), true});
    headers.push_back({tr(lang, "plan.cost_of_sovereignty"), true});
  }
  std::vector<std::vector<Cell>> rows;
  auto row = [&](const std::string& what, double a, double b) {
    std::vector<Cell> cells = {{what, ""}, {usd(a, lang), "num"}};
    if (both) {
      cells.push_back({usd(b, lang), "num"});
      cells.push_back({usd(a - b, lang), "num"});
    }
    rows.push_back(cells);
  };
  row(tr(lang, "plan.capex"), r.capex_usd, both ? cost_only->capex_usd : 0);
  row(tr(lang, "plan.energy"), r.energy_usd, both ? cost_only->energy_usd : 0);
  row(tr(lang, "plan.total"), r.total_usd, both ? cost_only->total_usd : 0);
  out += html_table(headers, rows);
  if (cost_only && !both) out += para("muted", tr(lang, "plan.cost_only_infeasible"));

  BarChart c;
  c.title = tr(lang, both ? "plan.cost_chart_both" : "plan.cost_chart_one");
  c.note = tr(lang, "plan.cost_chart_note");
  c.series = {{tr(lang, "plan.capex"), kBlue}, {tr(lang, "plan.energy"), kOrange}};
  c.format = [lang](double v) { return i18n::usd_short(lang, v); };
  c.groups.push_back({plan_label(r, lang), false, {r.capex_usd, r.energy_usd}});
  if (both) {
    c.groups.push_back({plan_label(*cost_only, lang), false, {cost_only->capex_usd, cost_only->energy_usd}});
  }
  return out + "<figure>" + svg_stacked_bar_chart(c) + "</figure>\n";
}

std::string domestic_section(const plan::PlanResult& r, Lang lang) {
  std::string out = h2(tr(lang, "plan.domestic_title"));
  out += html_table({{tr(lang, "plan.col_measure"), false}, {tr(lang, "plan.col_share"), true},
                     {tr(lang, "plan.col_target"), true}, {"", false}},
                    {{{tr(lang, "plan.share_devh"), ""},
                      {pct(r.domestic_share_devices), "num"},
                      {pct(r.domestic_target), "num"},
                      met(r.domestic_share_devices, r.domestic_target, lang)},
                     {{tr(lang, "plan.share_compute"), ""}, {pct(r.domestic_share_compute), "num"}, {"", ""}, {"", ""}}});
  return out + para("meta", tr(lang, "plan.domestic_note"));
}

std::string allocation_section(const plan::PlanResult& r, Lang lang) {
  std::string out = h2(tr(lang, "plan.allocation_title")) + para("meta", tr(lang, "plan.allocation_note"));
  if (r.allocations.empty()) return out + para("muted", tr(lang, "plan.no_allocation"));
  std::vector<std::vector<Cell>> rows;
  for (const plan::AllocationLine& a : r.allocations) {
    rows.push_back({{a.cls, ""},
                    {a.tenant, ""},
                    {a.critical ? tr(lang, "plan.yes") : "", ""},
                    {a.accelerator, ""},
                    {origin(a.domestic, lang), ""},
                    {pct(a.share), "num"},
                    {fmt_number(a.devices, 1), "num"}});
  }
  out += html_table({{tr(lang, "plan.col_class"), false},
                     {tr(lang, "plan.col_tenant"), false},
                     {tr(lang, "plan.col_critical"), false},
                     {tr(lang, "plan.col_accelerator"), false},
                     {tr(lang, "plan.col_origin"), false},
                     {tr(lang, "plan.col_share"), true},
                     {tr(lang, "plan.col_devices"), true}},
                    rows);
  if (r.mode == plan::PlanMode::MaxServed) {
    out += "<p>" + html_escape(tr(lang, "plan.served", arg("share", pct(r.served_share)))) + "</p>\n";
  }
  return out;
}

std::string resilience_section(const plan::PlanProblem& p, const plan::PlanResult& r, Lang lang) {
  std::string out = h2(tr(lang, "plan.cut_title")) + para("", tr(lang, "plan.cut_intro"));
  std::set<std::string> critical;
  for (const plan::AllocationLine& a : r.allocations) {
    if (a.critical) critical.insert(a.cls);
  }
  std::vector<std::vector<Cell>> rows = {
      {{tr(lang, "plan.cut_all"), ""}, {pct(r.resilience_all), "num"}, {pct(r.resilience_target), "num"},
       met(r.resilience_all, r.resilience_target, lang)}};
  if (!critical.empty()) {
    std::string names;
    for (const std::string& c : critical) names += (names.empty() ? "" : tr(lang, "list.sep")) + c;
    const double target = p.resilience_critical ? 1.0 : 0.0;
    rows.push_back({{tr(lang, "plan.cut_critical", arg("classes", names)), ""},
                    {pct(r.resilience_critical), "num"},
                    {p.resilience_critical ? pct(target) : tr(lang, "plan.none"), "num"},
                    p.resilience_critical ? met(r.resilience_critical, target, lang) : Cell{"", ""}});
  }
  out += html_table({{tr(lang, "plan.col_demand"), false}, {tr(lang, "plan.col_served"), true},
                     {tr(lang, "plan.col_target"), true}, {"", false}},
                    rows);
  std::vector<std::vector<Cell>> used;
  for (const plan::ModelUse& m : r.models) {
    if (m.domestic && m.resilience_devices > 0) {
      used.push_back({{m.accelerator, ""},
                      {std::to_string(m.existing_devices + m.bought_devices), "num"},
                      {fmt_number(m.resilience_devices, 1), "num"}});
    }
  }
  if (!used.empty()) {
    out += h3(tr(lang, "plan.after_cut")) + html_table({{tr(lang, "plan.col_accelerator"), false},
                                                         {tr(lang, "plan.col_devices"), true},
                                                         {tr(lang, "plan.col_busy_after"), true}},
                                                        used);
  }
  if (critical.empty()) out += para("meta", tr(lang, "plan.no_critical"));
  return out;
}

std::string status_section(const plan::PlanResult& r, Lang lang) {
  std::string out = h2(tr(lang, "plan.status_title")) + "<div class=\"findings\">\n";
  out += "<p><strong>" + html_escape(status_name(r.status, lang)) + "</strong>" +
         html_escape(tr(lang, "plan.status_line", arg("mode", mode_name(r.mode, lang)),
                        arg("what", tr(lang, r.mode == plan::PlanMode::MaxServed ? "plan.status_max_served"
                                                                                 : "plan.status_all_met")))) +
         "</p>\n";
  out += para("", tr(lang, "plan.solver_line", arg("gap", pct(r.gap)), arg("bound", usd(r.best_bound, lang)),
                     arg("variables", r.variables), arg("integers", r.integer_variables), arg("rows", r.rows),
                     arg("seconds", fmt_number(r.solve_seconds, 2))));
  out += para("", tr(lang, "plan.cost_line", arg("total", usd(r.total_usd, lang)), arg("capex", usd(r.capex_usd, lang)),
                     arg("energy", usd(r.energy_usd, lang)), arg("share", pct(r.domestic_share_devices)),
                     arg("target", pct(r.domestic_target))));
  return out + "</div>\n";
}

std::string infeasible_section(const plan::PlanResult& r, Lang lang) {
  std::string out = h2(tr(lang, "plan.no_plan_title")) + "<div class=\"conflict\">\n";
  if (!r.unservable.empty()) out += para("", tr(lang, "plan.unservable")) + list(r.unservable, lang);
  if (!r.conflict.empty()) out += para("", tr(lang, "plan.conflict")) + list(r.conflict, lang);
  if (r.unservable.empty() && r.conflict.empty()) out += para("", tr(lang, "plan.no_plan_found"));
  return out + "</div>\n";
}

std::string compare_section(const plan::PlanResult& r, const plan::PlanResult& c, Lang lang) {
  std::string out = h2(tr(lang, "plan.compare_title")) + para("meta", tr(lang, "plan.compare_note"));
  if (c.status == plan::PlanStatus::Infeasible) return out + infeasible_section(c, lang);
  if (r.status == plan::PlanStatus::Infeasible) {
    out += para("", tr(lang, "plan.compare_exists", arg("total", usd(c.total_usd, lang)),
                       arg("capex", usd(c.capex_usd, lang)), arg("energy", usd(c.energy_usd, lang))));
    return out + h3(tr(lang, "plan.cost_only_purchases")) + purchases(c, lang) + devices_chart(c, lang);
  }
  out += html_table({{"", false}, {plan_label(r, lang), true}, {plan_label(c, lang), true}},
                    {{{tr(lang, "plan.col_status"), ""}, {status_name(r.status, lang), "num"}, {status_name(c.status, lang), "num"}},
                     {{tr(lang, "plan.total_cost"), ""}, {usd(r.total_usd, lang), "num"}, {usd(c.total_usd, lang), "num"}},
                     {{tr(lang, "plan.share_devh_row"), ""}, {pct(r.domestic_share_devices), "num"},
                      {pct(c.domestic_share_devices), "num"}},
                     {{tr(lang, "plan.cut_all_row"), ""}, {pct(r.resilience_all), "num"}, {pct(c.resilience_all), "num"}},
                     {{tr(lang, "plan.cut_critical_row"), ""}, {pct(r.resilience_critical), "num"},
                      {pct(c.resilience_critical), "num"}}});
  out += h3(tr(lang, "plan.cost_only_purchases")) + purchases(c, lang);
  return out + devices_chart(c, lang);
}

std::string sweep_section(const plan::PlanProblem& p, const PlanHtmlExtras& e, Lang lang) {
  std::string out = h2(tr(lang, "plan.sweep_title")) + para("meta", tr(lang, "plan.sweep_note"));
  std::vector<std::vector<Cell>> rows;
  XyChart c;
  c.title = tr(lang, "plan.sweep_chart");
  c.note = tr(lang, "plan.sweep_chart_note");
  c.x_label = tr(lang, "plan.sweep_x");
  c.y_label = tr(lang, "plan.total_cost");
  c.series_name = tr(lang, "plan.total_cost");
  c.bad_name = tr(lang, "plan.no_plan_infeasible");
  c.x_format = [](double v) { return fmt_number(v * 100, 0) + "%"; };
  c.y_format = [lang](double v) { return i18n::usd_short(lang, v); };
  c.x_min = 1;
  c.x_max = 0;
  const std::size_t n = std::min(e.sweep_targets.size(), e.sweep.size());
  for (std::size_t i = 0; i < n; ++i) {
    const double t = e.sweep_targets[i];
    const plan::PlanResult& r = e.sweep[i];
    const bool ok = r.status != plan::PlanStatus::Infeasible;
    c.x_min = std::min(c.x_min, t);
    c.x_max = std::max(c.x_max, t);
    c.points.push_back({t, r.total_usd, ok,
                        ok ? tr(lang, "plan.sweep_tip", arg("target", pct(t)), arg("cost", usd(r.total_usd, lang)),
                                arg("mode", mode_name(r.mode, lang)))
                           : tr(lang, "plan.sweep_tip_none", arg("target", pct(t)))});
    if (ok) {
      rows.push_back({{pct(t), "num"},
                      {status_name(r.status, lang), ""},
                      {mode_name(r.mode, lang), ""},
                      {usd(r.capex_usd, lang), "num"},
                      {usd(r.energy_usd, lang), "num"},
                      {usd(r.total_usd, lang), "num"},
                      {pct(r.domestic_share_devices), "num"}});
    } else {
      rows.push_back({{pct(t), "num"}, {tr(lang, "plan.no_plan"), "miss"}, {"", ""}, {"", ""}, {"", ""}, {"", ""}, {"", ""}});
    }
  }
  out += html_table({{tr(lang, "plan.col_target"), true},
                     {tr(lang, "plan.col_status"), false},
                     {tr(lang, "plan.col_mode"), false},
                     {tr(lang, "plan.capex"), true},
                     {tr(lang, "plan.energy"), true},
                     {tr(lang, "plan.total"), true},
                     {tr(lang, "plan.col_domestic_share"), true}},
                    rows);
  if (n == 0) return out;
  if (c.x_max <= c.x_min) {
    c.x_min = std::max(0.0, c.x_min - 0.1);
    c.x_max = std::min(1.0, c.x_max + 0.1);
  }
  if (p.domestic_share_target >= c.x_min && p.domestic_share_target <= c.x_max) {
    c.reference_x = p.domestic_share_target;
    c.reference_label = tr(lang, "plan.file_target");
  }
  return out + "<figure>" + svg_xy_chart(c) + "</figure>\n";
}

}  // namespace

std::string plan_html(const plan::PlanProblem& p, const plan::PlanResult& r, const PlanHtmlExtras& e, Lang lang) {
  const std::string title = tr(lang, "plan.title", arg("name", !p.name.empty() ? p.name : r.name));
  std::string out = html_page_start(title, lang);
  if (!p.description.empty()) out += fmt::format("<p>{}</p>\n", html_escape(p.description));
  std::string meta = tr(lang, "plan.meta", arg("plan", plan_label(r, lang)), arg("from", i18n::date(lang, p.purchase_date)),
                        arg("horizon", i18n::duration(lang, p.horizon)));
  if (!p.source.empty()) meta += tr(lang, "plan.meta_source", arg("source", p.source));
  out += para("meta", meta);
  if (!r.notes.empty()) out += h2(tr(lang, "plan.notes")) + list(r.notes, lang);

  if (r.status == plan::PlanStatus::Infeasible) {
    out += infeasible_section(r, lang);
  } else {
    out += status_section(r, lang);
    out += h2(tr(lang, "plan.purchases")) + purchases(r, lang) + devices_chart(r, lang);
    out += cost_section(r, e.cost_only, lang);
    out += domestic_section(r, lang);
    out += allocation_section(r, lang);
    out += resilience_section(p, r, lang);
    out += h2(tr(lang, "plan.binds"));
    out += r.binding.empty() ? para("muted", tr(lang, "plan.nothing_binds")) : list(r.binding, lang);
  }
  if (e.cost_only) out += compare_section(r, *e.cost_only, lang);
  if (!e.sweep.empty()) out += sweep_section(p, e, lang);
  return out + "</body>\n</html>\n";
}

}  // namespace suanli::report

#include "suanli/report/trace_html.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "suanli/i18n/catalogue.h"
#include "suanli/model/time.h"
#include "suanli/report/html_report.h"
#include "suanli/report/sim_report.h"
#include "suanli/report/svg.h"
#include "suanli/report/table.h"
#include "suanli/report/trace_report.h"

namespace suanli::report {
namespace {

using i18n::arg;
using i18n::Lang;
using i18n::tr;

// Arrived request as an x value of a Fraction axis (parts per 10,000).
Seconds arrived_x(double fraction) { return static_cast<Seconds>(std::llround(fraction * 10000)); }

std::string inputs_meta(const TraceHtmlInfo& info) {
  return "<p class=\"meta\">" +
         html_escape(tr(info.lang, "trace.inputs", arg("nodes", info.nodes), arg("gpus", info.gpus),
                        arg("nodes_path", info.nodes_path), arg("pods", info.pod_rows), arg("pods_path", info.pods_path),
                        arg("seeds", info.seeds))) +
         "</p>\n";
}

std::string h2(const std::string& text) { return "<h2>" + html_escape(text) + "</h2>\n"; }

std::string meta(const std::string& text) { return "<p class=\"meta\">" + html_escape(text) + "</p>\n"; }

std::string no_runs(Lang lang) {
  return "<p class=\"muted\">" + html_escape(tr(lang, "trace.no_runs")) + "</p>\n</body>\n</html>\n";
}

// One line per policy: the mean over its runs at each curve index, with the
// min-max over runs as a band. `value` reads a point; the final point's x is
// the mean arrived request.
LineChart pack_chart(const std::vector<trace::PackResult>& runs, const std::string& title, const std::string& note,
                     const std::string& y_label, double (*value)(const trace::PackPoint&), Lang lang) {
  LineChart c;
  c.lang = lang;
  c.x_axis = XAxis::Fraction;
  c.x_label = tr(lang, "trace.x_arrived");
  c.title = title;
  c.note = note;
  c.y_label = y_label;
  c.percent = true;
  std::vector<std::string> order;
  for (const trace::PackResult& r : runs) {
    if (std::find(order.begin(), order.end(), r.policy) == order.end()) order.push_back(r.policy);
  }
  for (std::size_t k = 0; k < order.size(); ++k) {
    std::vector<const trace::PackResult*> mine;
    std::size_t points = 0;
    for (const trace::PackResult& r : runs) {
      if (r.policy != order[k]) continue;
      points = mine.empty() ? r.curve.size() : std::min(points, r.curve.size());
      mine.push_back(&r);
    }
    ChartSeries s;
    s.name = order[k];
    s.colour = chart_colour(k);
    ChartBand band;
    band.series = k;
    for (std::size_t i = 0; i < points; ++i) {
      double sum = 0, arrived = 0, lo = 1e300, hi = -1e300;
      for (const trace::PackResult* r : mine) {
        const double v = value(r->curve[i]);
        sum += v;
        arrived += r->curve[i].arrived;
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
      const auto n = static_cast<double>(mine.size());
      const Seconds x = arrived_x(arrived / n);
      s.points.emplace_back(x, sum / n);
      if (mine.size() > 1) band.points.emplace_back(x, lo, hi);
    }
    c.to = std::max(c.to, s.points.empty() ? 0 : s.points.back().first);
    c.series.push_back(std::move(s));
    if (!band.points.empty()) c.bands.push_back(std::move(band));
  }
  return c;
}

// A percent chart whose values stay low reads better with the axis just above
// its highest value (band included) than on 0-100%.
void fit_y(LineChart& c) {
  double top = 0;
  for (const ChartSeries& a : c.series) {
    for (const auto& [t, v] : a.points) top = std::max(top, v);
  }
  for (const ChartBand& b : c.bands) {
    for (const auto& [t, lo, hi] : b.points) top = std::max(top, hi);
  }
  c.y_max = std::min(1.0, svg::nice_ceiling(std::max(top, 0.001)));
}

// The same chart from arrived request `from` on, with the y axis spanning the
// smallest of 5%, 10%, 25%, 50% or 100% below 100% that holds the lowest value
// left (ticks of 1%, 2%, 5%, 10% or 20%): where the policies part.
LineChart zoom(LineChart c, double from) {
  const Seconds x0 = arrived_x(from);
  double low = 1;
  for (ChartSeries& s : c.series) {
    std::erase_if(s.points, [x0](const auto& p) { return p.first < x0; });
    for (const auto& [t, v] : s.points) low = std::min(low, v);
  }
  for (ChartBand& b : c.bands) {
    std::erase_if(b.points, [x0](const auto& p) { return std::get<0>(p) < x0; });
    for (const auto& [t, lo, hi] : b.points) low = std::min(low, lo);
  }
  c.from = x0;
  double span = 1;
  for (const double candidate : {0.5, 0.25, 0.1, 0.05}) {
    if (1 - candidate <= low) span = candidate;
  }
  c.y_min = 1 - span;
  c.y_max = 1;
  return c;
}

std::string figure(const LineChart& c) { return "<figure>" + svg_line_chart(c) + "</figure>\n"; }

}  // namespace

std::string packing_html(const std::vector<trace::PackResult>& runs, const TraceHtmlInfo& info) {
  const Lang lang = info.lang;
  std::string out = html_page_start(tr(lang, "trace.pack_title"), lang);
  out += "<p>" + html_escape(tr(lang, "trace.pack_intro", arg("load", fmt::format("{:.0f}", info.load * 100)))) + "</p>\n";
  out += inputs_meta(info);
  if (runs.empty()) return out + no_runs(lang);
  const bool spread = runs.size() > summarise_packing(runs).size();
  const std::string note = tr(lang, spread ? "trace.note_spread" : "trace.note_one_seed");
  out += h2(tr(lang, "trace.alloc_ratio"));
  const LineChart alloc = pack_chart(runs, tr(lang, "trace.alloc_title"), note, tr(lang, "trace.alloc_y"),
                                     [](const trace::PackPoint& p) { return p.allocated; }, lang);
  out += figure(alloc);
  if (info.load > 0.9) {
    LineChart near = zoom(alloc, 0.8);
    near.title = tr(lang, "trace.zoom_title");
    out += figure(near);
  }
  out += h2(tr(lang, "trace.fragmentation"));
  LineChart frag = pack_chart(runs, tr(lang, "trace.frag_title"), note, tr(lang, "trace.frag_y"),
                              [](const trace::PackPoint& p) { return p.fragmented; }, lang);
  fit_y(frag);
  out += figure(frag);
  out += meta(tr(lang, "trace.frag_meaning"));
  out += h2(tr(lang, "trace.at_target")) + html_table(packing_summary_grid(runs, lang), tr(lang, "trace.no_runs"), lang);
  return out + meta(tr(lang, "trace.generated")) + "</body>\n</html>\n";
}

std::string time_replay_html(const std::vector<trace::TimeResult>& runs, const TraceHtmlInfo& info) {
  const Lang lang = info.lang;
  std::string out = html_page_start(tr(lang, "trace.time_title"), lang);
  out += "<p>" + html_escape(tr(lang, "trace.time_intro")) + "</p>\n";
  out += inputs_meta(info);
  if (runs.empty()) return out + no_runs(lang);
  // The first run of each policy.
  std::vector<const trace::TimeResult*> first;
  for (const trace::TimeResult& r : runs) {
    if (std::none_of(first.begin(), first.end(), [&](const trace::TimeResult* f) { return f->policy == r.policy; })) {
      first.push_back(&r);
    }
  }
  const bool seeds = runs.size() > first.size();
  LineChart alloc;
  alloc.lang = lang;
  alloc.x_axis = XAxis::Days;
  alloc.x_label = tr(lang, "trace.x_days");
  alloc.title = tr(lang, "trace.time_alloc_title");
  alloc.note = tr(lang, seeds ? "trace.note_first_seed_peak" : "trace.note_peak");
  alloc.y_label = tr(lang, "trace.alloc_y");
  alloc.from = runs.front().start_time;
  alloc.to = runs.front().end_time;
  alloc.percent = true;
  LineChart queue = alloc;
  queue.title = tr(lang, "trace.waiting_title");
  queue.note = tr(lang, seeds ? "trace.note_first_seed_end" : "trace.note_end");
  queue.y_label = tr(lang, "trace.waiting_y");
  queue.percent = false;
  for (std::size_t k = 0; k < first.size(); ++k) {
    ChartSeries a;
    a.name = first[k]->policy;
    a.colour = chart_colour(k);
    ChartSeries q = a;
    for (const trace::TimePoint& p : first[k]->curve) {
      a.points.emplace_back(p.time, p.peak);
      q.points.emplace_back(p.time, static_cast<double>(p.waiting));
    }
    alloc.series.push_back(std::move(a));
    queue.series.push_back(std::move(q));
  }
  fit_y(alloc);
  out += h2(tr(lang, "trace.allocation")) + figure(alloc);
  out += h2(tr(lang, "trace.waiting")) + figure(queue);
  out += h2(tr(lang, "trace.wait_table")) + html_table(time_summary_grid(runs, lang), tr(lang, "trace.no_runs"), lang);
  out += meta(tr(lang, "trace.wait_meaning"));
  return out + meta(tr(lang, "trace.generated")) + "</body>\n</html>\n";
}

}  // namespace suanli::report

#include "suanli/report/trace_html.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "suanli/model/time.h"
#include "suanli/report/html_report.h"
#include "suanli/report/sim_report.h"
#include "suanli/report/svg.h"
#include "suanli/report/table.h"
#include "suanli/report/trace_report.h"

namespace suanli::report {
namespace {

// Arrived request as an x value of a Fraction axis (parts per 10,000).
Seconds arrived_x(double fraction) { return static_cast<Seconds>(std::llround(fraction * 10000)); }

std::string inputs_meta(const TraceHtmlInfo& info) {
  return fmt::format("<p class=\"meta\">Cluster: {} nodes, {} GPUs ({}). Pods: {} rows ({}). Seeds: {}.</p>\n",
                     info.nodes, info.gpus, html_escape(info.nodes_path), info.pod_rows, html_escape(info.pods_path),
                     html_escape(info.seeds));
}

// One line per policy: the mean over its runs at each curve index, with the
// min-max over runs as a band. `value` reads a point; the final point's x is
// the mean arrived request.
LineChart pack_chart(const std::vector<trace::PackResult>& runs, const std::string& title, const std::string& note,
                     const std::string& y_label, double (*value)(const trace::PackPoint&)) {
  LineChart c;
  c.x_axis = XAxis::Fraction;
  c.x_label = "arrived GPU request, % of cluster GPU capacity";
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
  std::string out = html_page_start("suanli replay openb: packing");
  out += fmt::format(
      "<p>The FGD paper's packing experiment (Weng et al., ATC'23): pods resampled from the list until the GPU "
      "request reaches {:.0f}% of capacity, shuffled, placed one at a time and never removed.</p>\n",
      info.load * 100);
  out += inputs_meta(info);
  if (runs.empty()) return out + "<p class=\"muted\">No runs.</p>\n</body>\n</html>\n";
  const bool spread = runs.size() > summarise_packing(runs).size();
  const std::string note = spread ? "mean over seeds; the shaded band spans the lowest to the highest seed"
                                  : "one seed per policy";
  out += "<h2>Allocation ratio</h2>\n";
  const LineChart alloc = pack_chart(runs, "GPU allocation ratio as the request arrives", note,
                                     "allocated, % of GPU capacity", [](const trace::PackPoint& p) { return p.allocated; });
  out += figure(alloc);
  if (info.load > 0.9) {
    LineChart near = zoom(alloc, 0.8);
    near.title = "The same, from 80% arrived: where the policies part";
    out += figure(near);
  }
  out += "<h2>Fragmentation</h2>\n";
  LineChart frag = pack_chart(runs, "Fragmented GPU capacity as the request arrives", note,
                              "fragmented, % of GPU capacity", [](const trace::PackPoint& p) { return p.fragmented; });
  fit_y(frag);
  out += figure(frag);
  out += "<p class=\"meta\">Fragmentation is the paper's measure: idle GPU capacity that the target workload's pod "
         "shapes, weighted by their share of the pod list, cannot use.</p>\n";
  out += "<h2>At the target</h2>\n" + html_table(packing_summary_grid(runs), "No runs.");
  return out + "<p class=\"meta\">Generated by suanli.</p>\n</body>\n</html>\n";
}

std::string time_replay_html(const std::vector<trace::TimeResult>& runs, const TraceHtmlInfo& info) {
  std::string out = html_page_start("suanli replay openb: time replay");
  out += "<p>Pods arrive at their creation time and run for their trace lifetime (deletion minus creation) from the "
         "moment they start; a pod that fits nowhere waits in a FIFO queue and is retried when pods leave.</p>\n";
  out += inputs_meta(info);
  if (runs.empty()) return out + "<p class=\"muted\">No runs.</p>\n</body>\n</html>\n";
  // The first run of each policy.
  std::vector<const trace::TimeResult*> first;
  for (const trace::TimeResult& r : runs) {
    if (std::none_of(first.begin(), first.end(), [&](const trace::TimeResult* f) { return f->policy == r.policy; })) {
      first.push_back(&r);
    }
  }
  const std::string note = runs.size() > first.size() ? "first seed of each policy; highest value in each sampling bucket"
                                                      : "highest value in each sampling bucket";
  LineChart alloc;
  alloc.x_axis = XAxis::Days;
  alloc.x_label = "days from the trace start";
  alloc.title = "GPU allocation over time";
  alloc.note = note;
  alloc.y_label = "allocated, % of GPU capacity";
  alloc.from = runs.front().start_time;
  alloc.to = runs.front().end_time;
  alloc.percent = true;
  LineChart queue = alloc;
  queue.title = "Pods waiting over time";
  queue.note = runs.size() > first.size() ? "first seed of each policy; at the end of each sampling bucket"
                                          : "at the end of each sampling bucket";
  queue.y_label = "pods waiting";
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
  out += "<h2>Allocation</h2>\n" + figure(alloc);
  out += "<h2>Waiting</h2>\n" + figure(queue);
  out += "<h2>Waiting time and placement</h2>\n" + html_table(time_summary_grid(runs), "No runs.");
  out += "<p class=\"meta\">Waiting time (seconds) = start minus creation, over placed pods (means over seeds; max over all). "
         "Failed: the pod cannot fit even the empty cluster. Unplaced: still waiting when the trace ends. Mean "
         "allocation is time-weighted from the first arrival to the end.</p>\n";
  return out + "<p class=\"meta\">Generated by suanli.</p>\n</body>\n</html>\n";
}

}  // namespace suanli::report

#include "suanli/report/html_report.h"
#include "suanli/report/svg.h"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <set>
#include <tuple>

#include "suanli/i18n/catalogue.h"
#include "suanli/i18n/format.h"
#include "suanli/i18n/terms.h"
#include "suanli/policy/rule_reason.h"
#include "suanli/report/sim_report.h"
#include "suanli/report/table.h"

namespace suanli::report {
namespace {

using i18n::arg;
using i18n::Lang;
using i18n::origin_name;
using i18n::tr;
using i18n::vendor_name;
using svg::kCharWidth;
using svg::kPalette;
using svg::kWidth;
using svg::nice_ceiling;
using svg::pct;
using svg::px;
using svg::text_width;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPlotHeight = 220;

constexpr const char* kGrey = "#6b6b6b";
constexpr const char* kImportedDash = "7 4";

std::string colour(std::size_t i) { return kPalette[i % std::size(kPalette)]; }




// Cuts UTF-8 text after `max_chars` characters, marking the cut.
std::string shorten(const std::string& s, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (chars == max_chars) return s.substr(0, i) + "\u2026";
    ++chars;
  }
  return s;
}



// An <svg> element `height` units tall with its accessible name and visible title.
std::string svg_open(const std::string& title, double height) {
  const std::string t = html_escape(title);
  return fmt::format(R"(<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {} {}" role="img")", kWidth,
                     px(height)) +
         fmt::format(R"( aria-label="{0}"><title>{0}</title><text class="chart-title" x="64" y="20">{0}</text>)", t);
}

// ---- the line chart --------------------------------------------------------

struct Frame {
  double left = 64, right = kWidth - 24, top = 0, bottom = 0;
  Seconds from = 0, to = 1;
  double y_min = 0, y_max = 1;

  double x(Seconds t) const {
    const double f = static_cast<double>(t - from) / static_cast<double>(to - from);
    return left + std::clamp(f, 0.0, 1.0) * (right - left);
  }
  double y(double v) const { return bottom - std::clamp((v - y_min) / (y_max - y_min), 0.0, 1.0) * (bottom - top); }
};

struct LegendItem {
  std::string name, colour, dash;
};

// Legend swatches in rows from y0; returns the SVG and the height used.
std::pair<std::string, double> legend(const std::vector<LegendItem>& items, double y0, std::size_t max_chars = 60) {
  std::string out;
  double x = 64, y = y0;
  for (const LegendItem& it : items) {
    const std::string text = shorten(it.name, max_chars);
    const double w = 30 + text_width(text) + 18;
    if (x + w > kWidth - 10 && x > 64) {
      x = 64;
      y += 18;
    }
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2.5"{}/>)", px(x), px(y - 4),
                       px(x + 24), px(y - 4), html_escape(it.colour),
                       it.dash.empty() ? "" : fmt::format(R"( stroke-dasharray="{}")", html_escape(it.dash)));
    out += fmt::format(R"(<text x="{}" y="{}">{}</text>)", px(x + 30), px(y), html_escape(text));
    x += w;
  }
  return {out, items.empty() ? 0.0 : y - y0 + 18};
}

struct Tick {
  Seconds t = 0;
  std::string label;
};

// Calendar month starts from `from` to `to`, every `step` months, aligned so
// that a 3-month step gives January, April, July and October.
std::vector<Tick> month_ticks(Seconds from, Seconds to, int step, Lang lang) {
  const std::string first = format_date(from);
  int y = std::stoi(first.substr(0, 4));
  int m = std::stoi(first.substr(5, 2));
  std::vector<Tick> ticks;
  for (int guard = 0; guard < 1000; ++guard) {
    const auto t = parse_time(fmt::format("{:04d}-{:02d}-01", y, m));
    if (!t || *t > to) break;
    const bool aligned = step < 12 ? (m - 1) % step == 0 : m == 1 && y % (step / 12) == 0;
    if (*t >= from && aligned) ticks.push_back({*t, lang == Lang::Zh ? i18n::month(lang, *t) : format_date(*t)});
    if (++m > 12) {
      m = 1;
      ++y;
    }
  }
  return ticks;
}

// At most about 7 intervals: hours or days for short periods (days aligned to
// midnight UTC), calendar months for long ones.
std::vector<Tick> time_ticks(Seconds from, Seconds to, Lang lang) {
  static constexpr Seconds kSteps[] = {kHour, 2 * kHour, 3 * kHour, 6 * kHour, 12 * kHour,
                                       kDay,  2 * kDay,  7 * kDay,  14 * kDay};
  for (Seconds step : kSteps) {
    if ((to - from) / step > 7) continue;
    const Seconds unit = std::min(step, kDay);
    std::vector<Tick> ticks;
    for (Seconds t = (from + unit - 1) / unit * unit; t <= to; t += step) {
      ticks.push_back({t, step >= kDay ? i18n::date(lang, t) : format_time(t).substr(5)});
    }
    return ticks;
  }
  const Seconds month = 30 * kDay + 10 * kHour;
  for (int step : {1, 2, 3, 6}) {
    if ((to - from) / (month * step) <= 7) return month_ticks(from, to, step, lang);
  }
  return month_ticks(from, to, 12 * static_cast<int>(1 + (to - from) / (month * 12 * 7)), lang);
}

// At most about 8 intervals of `unit`, at 1, 2, 2.5 or 5 times a power of ten
// of it, counted from `from`; labels by `label(count of units)`.
std::vector<Tick> counted_ticks(Seconds from, Seconds to, Seconds unit, const std::function<std::string(double)>& label) {
  const double span = static_cast<double>(to - from) / static_cast<double>(unit);
  const double step = nice_ceiling(span / 8);
  std::vector<Tick> ticks;
  for (double k = 0; k <= span * (1 + 1e-9); k += step) {
    ticks.push_back({from + static_cast<Seconds>(std::llround(k * static_cast<double>(unit))), label(k)});
  }
  return ticks;
}

std::vector<Tick> x_ticks(Seconds from, Seconds to, XAxis kind, Lang lang) {
  switch (kind) {
    case XAxis::Days:
      return counted_ticks(from, to, kDay, [lang](double d) { return tr(lang, "chart.day_n", arg("n", d)); });
    case XAxis::Fraction:
      return counted_ticks(0, to, 100, [](double p) { return fmt::format("{:g}%", p); });
    case XAxis::Dates:
      break;
  }
  return time_ticks(from, to, lang);
}

std::string y_tick_label(double v, bool percent) {
  if (percent) return fmt::format("{:g}%", std::round(v * 1e4) / 100);  // 20%, 0.4%
  return std::abs(v) >= 10000 ? fmt_si(v) : fmt::format("{:g}", v);
}

std::string axes(const Frame& f, const LineChart& c) {
  std::string out;
  for (int i = 0; i <= 5; ++i) {
    const double v = f.y_min + (f.y_max - f.y_min) * i / 5.0;
    const double y = f.y(v);
    out +=
        fmt::format(R"(<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>)", px(f.left), px(y), px(f.right), px(y));
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", px(f.left - 6), px(y + 4),
                       y_tick_label(v, c.percent));
  }
  double label_end = -1e9;  // right edge of the last label drawn; labels that would overlap it are left out
  for (const Tick& tick : x_ticks(f.from, f.to, c.x_axis, c.lang)) {
    if (tick.t < f.from) continue;
    const double x = f.x(tick.t);
    const double w = text_width(tick.label);
    const double start = std::clamp(x - w / 2, 0.0, kWidth - w);
    out += fmt::format(R"(<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>)", px(x), px(f.bottom), px(x),
                       px(f.bottom + 5));
    if (start < label_end + 8) continue;
    label_end = start + w;
    out += fmt::format(R"(<text x="{}" y="{}">{}</text>)", px(start), px(f.bottom + 19), tick.label);
  }
  out +=
      fmt::format(R"(<line class="axis" x1="{0}" y1="{1}" x2="{2}" y2="{1}"/>)", px(f.left), px(f.bottom), px(f.right));
  out +=
      fmt::format(R"(<line class="axis" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", px(f.left), px(f.top), px(f.bottom));
  if (!c.x_label.empty()) {
    out += fmt::format(R"(<text class="note" x="{}" y="{}" text-anchor="middle">{}</text>)", px((f.left + f.right) / 2),
                       px(f.bottom + 34), html_escape(c.x_label));
  }
  const double mid = (f.top + f.bottom) / 2;
  out += fmt::format(R"~(<text x="16" y="{0}" text-anchor="middle" transform="rotate(-90 16 {0})">{1}</text>)~",
                     px(mid), html_escape(c.y_label));
  return out;
}

std::string references(const Frame& f, const std::vector<ChartReference>& refs) {
  std::string out;
  for (const ChartReference& r : refs) {
    const double y = f.y(r.y);
    out += fmt::format(R"(<line class="ref" x1="{}" y1="{}" x2="{}" y2="{}"/>)", px(f.left), px(y), px(f.right), px(y));
    out += fmt::format(R"(<text class="halo" x="{}" y="{}" text-anchor="end">{}</text>)", px(f.right - 4), px(y - 5),
                       html_escape(shorten(r.label, 50)));
  }
  return out;
}

constexpr const char* kMarkerColour = "#8c1d18";

std::string marker_tag(std::size_t i) { return fmt::format("S{}", i + 1); }

// Dotted vertical lines tagged S1, S2 ... above the plot (two staggered rows
// where tags would collide); the key under the chart names each.
std::string markers(const Frame& f, const std::vector<ChartMarker>& marks, Lang lang) {
  std::string out;
  double last_x = -1e9;
  bool raised = false;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const double x = f.x(marks[i].at);
    raised = x - last_x < 26 && !raised;
    last_x = x;
    const double tag_y = f.top - (raised ? 16 : 4);
    out += fmt::format(R"(<g class="marker"><title>{}: {} ({})</title>)", marker_tag(i), html_escape(marks[i].label),
                       i18n::date_time(lang, marks[i].at));
    out += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", px(x), px(tag_y + 2), px(f.bottom));
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text></g>)", px(x), px(tag_y), marker_tag(i));
  }
  return out;
}

std::vector<LegendItem> marker_key(const std::vector<ChartMarker>& marks, Lang lang) {
  std::vector<LegendItem> items;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    items.push_back({fmt::format("{} {}: {}", marker_tag(i), i18n::date(lang, marks[i].at), marks[i].label),
                     kMarkerColour, "3 3"});
  }
  return items;
}

std::string band_svg(const Frame& f, const ChartBand& b, const std::string& colour) {
  if (b.points.empty()) return "";
  std::string upper, lower;
  for (const auto& [t, lo, hi] : b.points) upper += px(f.x(t)) + "," + px(f.y(hi)) + " ";
  for (auto it = b.points.rbegin(); it != b.points.rend(); ++it) {
    lower += px(f.x(std::get<0>(*it))) + "," + px(f.y(std::get<1>(*it))) + " ";
  }
  return fmt::format(R"(<polygon points="{}" fill="{}" fill-opacity="0.18" stroke="none"/>)", upper + lower,
                     html_escape(colour));
}

std::string series_svg(const Frame& f, const ChartSeries& s) {
  const std::string stroke = html_escape(s.colour);
  std::string out = fmt::format(R"(<g class="series" data-series="{2}" fill="none" stroke="{0}" stroke-width="2"{1}>)"
                                R"(<title>{2}</title>)",
                                stroke,
                                s.dash.empty() ? "" : fmt::format(R"( stroke-dasharray="{}")", html_escape(s.dash)),
                                html_escape(s.name));
  std::vector<std::pair<double, double>> segment;
  auto flush = [&] {
    if (segment.size() == 1) {
      out += fmt::format(R"(<circle cx="{}" cy="{}" r="2.5" fill="{}"/>)", px(segment[0].first), px(segment[0].second),
                         stroke);
    } else if (segment.size() > 1) {
      out += R"(<polyline points=")";
      for (const auto& [x, y] : segment) out += px(x) + "," + px(y) + " ";
      out.back() = '"';
      out += "/>";
    }
    segment.clear();
  };
  for (const auto& [t, v] : s.points) {
    if (!std::isfinite(v)) {
      flush();
      continue;
    }
    segment.emplace_back(f.x(t), f.y(v));
  }
  flush();
  return out + "</g>";
}

double data_max(const LineChart& c) {
  double m = 0;
  for (const ChartSeries& s : c.series) {
    for (const auto& [t, v] : s.points) {
      if (std::isfinite(v)) m = std::max(m, v);
    }
  }
  for (const ChartReference& r : c.references) m = std::max(m, r.y);
  return m;
}

bool has_points(const LineChart& c) {
  return std::any_of(c.series.begin(), c.series.end(), [](const ChartSeries& s) {
    return std::any_of(s.points.begin(), s.points.end(), [](const auto& p) { return std::isfinite(p.second); });
  });
}

// ---- run data as chart series ----------------------------------------------

constexpr std::size_t kMaxPoints = 240;  // per series; longer runs are averaged into buckets

struct Context {
  const Scenario& scenario;
  const std::vector<SimResult>& runs;
  const Catalog* catalog;
  Lang lang;
  std::vector<std::string> labels;
  Seconds from = 0, to = 0;
  std::vector<ChartMarker> shocks;
  std::size_t bucket = 1;   // samples averaged into one chart point
  std::string bucket_note;  // says so on the charts
};

void set_bucket(Context& ctx) {
  const SimResult* longest = nullptr;
  for (const SimResult& r : ctx.runs) {
    if (longest == nullptr || r.samples.size() > longest->samples.size()) longest = &r;
  }
  if (longest == nullptr || longest->samples.size() <= kMaxPoints) return;
  ctx.bucket = (longest->samples.size() + kMaxPoints - 1) / kMaxPoints;
  const Seconds spacing = longest->samples[1].t - longest->samples[0].t;
  ctx.bucket_note = tr(ctx.lang, "chart.bucket_note", arg("n", ctx.bucket),
                       arg("span", i18n::duration(ctx.lang, spacing * static_cast<Seconds>(ctx.bucket))));
}

Context make_context(const Scenario& scenario, const std::vector<SimResult>& runs, const Catalog* catalog, Lang lang) {
  Context ctx{scenario, runs, catalog, lang, run_labels(runs), 0, 0, {}, 1, {}};
  ctx.from = std::numeric_limits<Seconds>::max();
  ctx.to = std::numeric_limits<Seconds>::min();
  std::set<std::pair<Seconds, std::string>> shocks;
  for (const SimResult& r : runs) {
    if (r.end > r.start) {
      ctx.from = std::min(ctx.from, r.start);
      ctx.to = std::max(ctx.to, r.end);
    }
    for (const Sample& s : r.samples) {
      ctx.from = std::min(ctx.from, s.t);
      ctx.to = std::max(ctx.to, s.t);
    }
    for (const ShockRecord& s : r.shocks) shocks.emplace(s.at, s.label);
  }
  if (ctx.from > ctx.to) {
    ctx.from = scenario.start;
    ctx.to = scenario.end;
  }
  for (const auto& [at, label] : shocks) ctx.shocks.push_back({at, label});
  set_bucket(ctx);
  return ctx;
}

using SampleValue = std::function<double(const Sample&)>;

// One point per bucket of ctx.bucket samples: the mean of its finite values
// (NaN if none) at the bucket's middle.
ChartSeries series_of(const Context& ctx, const SimResult& r, std::string name, std::string colour_, std::string dash,
                      const SampleValue& value) {
  ChartSeries s{std::move(name), std::move(colour_), std::move(dash), {}};
  for (std::size_t i = 0; i < r.samples.size(); i += ctx.bucket) {
    const std::size_t end = std::min(r.samples.size(), i + ctx.bucket);
    double sum = 0;
    int n = 0;
    for (std::size_t k = i; k < end; ++k) {
      const double v = value(r.samples[k]);
      if (std::isfinite(v)) {
        sum += v;
        ++n;
      }
    }
    const Seconds mid = r.samples[i].t + (r.samples[end - 1].t - r.samples[i].t) / 2;
    s.points.emplace_back(mid, n > 0 ? sum / n : kNaN);
  }
  return s;
}

double ratio(double used, double total) { return total > 0 ? used / total : kNaN; }

template <class V>
V model_count(const std::map<std::string, V>& by, const std::string& model) {
  const auto it = by.find(model);
  return it == by.end() ? V{} : it->second;
}

LineChart time_chart(const Context& ctx, std::string title, std::string y_label, bool percent) {
  LineChart c;
  c.title = std::move(title);
  c.note = ctx.bucket_note;
  c.y_label = std::move(y_label);
  c.from = ctx.from;
  c.to = ctx.to;
  c.percent = percent;
  c.markers = ctx.shocks;
  c.lang = ctx.lang;
  return c;
}

// One line per run of a per-sample value.
LineChart per_run_chart(const Context& ctx, std::string title, std::string y_label, bool percent,
                        const SampleValue& value) {
  LineChart c = time_chart(ctx, std::move(title), std::move(y_label), percent);
  for (std::size_t i = 0; i < ctx.runs.size(); ++i) {
    c.series.push_back(series_of(ctx, ctx.runs[i], ctx.labels[i], colour(i), "", value));
  }
  return c;
}

LineChart domestic_share_chart(const Context& ctx) {
  LineChart c = per_run_chart(ctx, tr(ctx.lang, "chart.share_title"), tr(ctx.lang, "chart.share_y"), true,
                              [](const Sample& s) { return s.domestic_share; });
  const double target = ctx.runs.empty() || ctx.runs[0].fleet.share.target <= 0 ? ctx.scenario.policy.domestic_target
                                                                                : ctx.runs[0].fleet.share.target;
  if (target > 0) c.references.push_back({target, tr(ctx.lang, "chart.fleet_target", arg("target", pct(target)))});
  return c;
}

std::vector<LineChart> origin_charts(const Context& ctx) {
  return {per_run_chart(ctx, tr(ctx.lang, "chart.util_domestic"), tr(ctx.lang, "chart.util_y"), true,
                        [](const Sample& s) { return ratio(s.used_domestic, s.total_domestic); }),
          per_run_chart(ctx, tr(ctx.lang, "chart.util_imported"), tr(ctx.lang, "chart.util_y"), true,
                        [](const Sample& s) { return ratio(s.used_imported, s.total_imported); })};
}

LineChart imported_chart(const Context& ctx) {
  LineChart c = per_run_chart(ctx, tr(ctx.lang, "chart.imported_title"), tr(ctx.lang, "chart.devices_y"), false,
                              [](const Sample& s) { return s.used_imported; });
  if (!ctx.runs.empty()) {
    const SimResult& r = ctx.runs[0];
    c.series.push_back(
        series_of(ctx, r, tr(ctx.lang, "chart.imported_alive"), kGrey, "", [](const Sample& s) { return s.total_imported; }));
    if (r.imported_cap < 1.0) {
      c.series.push_back(series_of(ctx, r, tr(ctx.lang, "chart.imported_cap", arg("cap", pct(r.imported_cap))), kGrey,
                                   "2 3", [](const Sample& s) { return s.imported_cap_devices; }));
    }
  }
  return c;
}

LineChart queue_chart(const Context& ctx) {
  return per_run_chart(ctx, tr(ctx.lang, "chart.queue_title"), tr(ctx.lang, "chart.queue_y"), false,
                       [](const Sample& s) { return s.pending; });
}

std::vector<std::string> sampled_models(const std::vector<SimResult>& runs) {
  std::set<std::string> models;
  for (const SimResult& r : runs) {
    for (const Sample& s : r.samples) {
      for (const auto& [m, n] : s.total_by_model) models.insert(m);
    }
  }
  return {models.begin(), models.end()};
}

std::string model_name(const Context& ctx, const std::string& model) {
  const Accelerator* a = ctx.catalog ? ctx.catalog->find_accelerator(model) : nullptr;
  if (a == nullptr) return model;
  if (ctx.lang == Lang::Zh && !a->name_zh.text.empty()) {
    return tr(ctx.lang, "chart.model_name", arg("model", a->name_zh.text), arg("vendor", vendor_name(a->vendor, ctx.lang)),
              arg("origin", origin_name(a->origin, ctx.lang)));
  }
  return tr(ctx.lang, "chart.model_name", arg("model", model), arg("vendor", vendor_name(a->vendor, ctx.lang)),
            arg("origin", origin_name(a->origin, ctx.lang)));
}

LineChart model_chart(const Context& ctx, std::size_t run, const std::vector<std::string>& models) {
  LineChart c = time_chart(ctx, tr(ctx.lang, "chart.by_model_title", arg("run", ctx.labels[run])),
                           tr(ctx.lang, "chart.util_y"), true);
  for (std::size_t m = 0; m < models.size(); ++m) {
    const std::string& id = models[m];
    const Accelerator* a = ctx.catalog ? ctx.catalog->find_accelerator(id) : nullptr;
    const bool imported = a != nullptr && a->origin == Origin::Imported;
    c.series.push_back(series_of(
        ctx, ctx.runs[run], model_name(ctx, id), colour(m), imported ? kImportedDash : "",
        [&id](const Sample& s) { return ratio(model_count(s.used_by_model, id), model_count(s.total_by_model, id)); }));
  }
  return c;
}

// ---- tenant shares as horizontal bars -------------------------------------

struct BarGeometry {
  double left = 190, right = kWidth - 100, bar = 13, gap = 12;
  double x(double f) const { return left + std::clamp(f, 0.0, 1.0) * (right - left); }
};

std::vector<std::string> tenant_names(const std::vector<SimResult>& runs) {
  std::vector<std::string> names;
  for (const SimResult& r : runs) {
    for (const GroupStats& g : r.tenants) {
      if (std::find(names.begin(), names.end(), g.name) == names.end()) names.push_back(g.name);
    }
  }
  return names;
}

// One tenant's bars (one per run) from y0, its value column and its target tick.
std::string tenant_bars(const Context& ctx, const BarGeometry& geo, const std::string& tenant, double y0) {
  std::string out;
  double target = 0;
  for (std::size_t i = 0; i < ctx.runs.size(); ++i) {
    const auto& groups = ctx.runs[i].tenants;
    const auto g = std::find_if(groups.begin(), groups.end(), [&](const GroupStats& s) { return s.name == tenant; });
    if (g == groups.end()) continue;
    target = std::max(target, g->share.target);
    const double y = y0 + geo.bar * static_cast<double>(i);
    const bool used = g->share.device_hours_domestic + g->share.device_hours_imported > 0;
    const double share = g->share.share_device_hours();
    std::string value = used ? pct(share) : tr(ctx.lang, "chart.no_use");
    if (used && g->share.target > 0) value += meets_target(g->share) ? " \u2713" : " \u2717";
    out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>)",
                       px(geo.left), px(y + 1), px(used ? geo.x(share) - geo.left : 0), px(geo.bar - 2), colour(i),
                       html_escape(ctx.labels[i]), html_escape(value));
    out += fmt::format(R"(<text x="{}" y="{}" class="small">{}</text>)", px(geo.right + 12), px(y + geo.bar - 3),
                       html_escape(value));
  }
  if (target > 0) {
    const double bottom = y0 + geo.bar * static_cast<double>(ctx.runs.size());
    out += fmt::format(R"(<line class="target" x1="{0}" y1="{1}" x2="{0}" y2="{2}"><title>{3}</title></line>)",
                       px(geo.x(target)), px(y0 - 3), px(bottom + 3),
                       html_escape(tr(ctx.lang, "chart.target_value", arg("target", pct(target)))));
  }
  return out;
}

// Horizontal bars: each tenant's domestic share per run, with its target.
std::string tenant_share_chart(const Context& ctx) {
  const std::vector<std::string> tenants = tenant_names(ctx.runs);
  if (tenants.empty()) return "<p class=\"muted\">" + html_escape(tr(ctx.lang, "sim.no_tenants")) + "</p>";
  std::vector<LegendItem> items;
  for (std::size_t i = 0; i < ctx.runs.size(); ++i) items.push_back({ctx.labels[i], colour(i), ""});
  items.push_back({tr(ctx.lang, "chart.target"), "#000000", ""});
  const auto [legend_svg, legend_h] = legend(items, 40);
  const BarGeometry geo;
  const double top = 40 + legend_h + 4;
  const double group_h = geo.bar * static_cast<double>(ctx.runs.size()) + geo.gap;
  const double bottom = top + group_h * static_cast<double>(tenants.size());
  std::string out = svg_open(tr(ctx.lang, "chart.tenant_title"), bottom + 30);
  out += legend_svg;
  for (int i = 0; i <= 4; ++i) {
    const double x = geo.x(i / 4.0);
    out += fmt::format(R"(<line class="grid" x1="{0}" y1="{1}" x2="{0}" y2="{2}"/>)", px(x), px(top), px(bottom));
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}%</text>)", px(x), px(bottom + 16), i * 25);
  }
  for (std::size_t t = 0; t < tenants.size(); ++t) {
    const double y0 = top + group_h * static_cast<double>(t) + geo.gap / 2;
    out += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)", px(geo.left - 8),
                       px(y0 + (group_h - geo.gap) / 2 + 4), html_escape(shorten(tenants[t], 24)));
    out += tenant_bars(ctx, geo, tenants[t], y0);
  }
  return out + "</svg>";
}

// ---- page pieces -----------------------------------------------------------


// The page's fonts: the system's UI font, then the common CJK fonts of macOS,
// Windows and Linux, so that Chinese never falls back to a font without its
// glyphs. A Chinese page names the CJK fonts first, so that its punctuation
// and digits match the characters around them.
constexpr const char* kFontsEn =
    R"(system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans","PingFang SC","Hiragino Sans GB","Microsoft YaHei",)"
    R"("Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","WenQuanYi Zen Hei",sans-serif)";
constexpr const char* kFontsZh =
    R"("PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC","Source Han Sans SC",)"
    R"("WenQuanYi Micro Hei","WenQuanYi Zen Hei",system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif)";

constexpr const char* kStyle = R"(
body{color:#1f2328;background:#fff;max-width:1000px;margin:0 auto;padding:1.5rem;line-height:1.45}
h1{font-size:1.6rem;margin:0 0 .3rem}
h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:1px solid #d0d7de;padding-bottom:.2rem}
h3{font-size:1rem;margin:1.2rem 0 .4rem}
.muted{color:#57606a}.meta{color:#57606a;font-size:.9rem}
.chip{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin:0 .3em 0 .8em;vertical-align:baseline}
.findings{background:#f6f8fa;border-left:4px solid #0072B2;padding:.6rem 1rem}.findings p{margin:.35rem 0}
.conflict{background:#fdf2f1;border-left:4px solid #D55E00;padding:.6rem 1rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0}
th,td{padding:.25rem .6rem;border-bottom:1px solid #e5e7eb;text-align:left;white-space:nowrap}
th{background:#f3f4f6}tbody tr:nth-child(even){background:#fafafa}
.num{text-align:right;font-variant-numeric:tabular-nums}
td.pass{color:#1a7f37;font-weight:600}td.miss{color:#b42318;font-weight:600}td.est{color:#8a4b00;font-weight:600}
figure{margin:1rem 0}svg.chart{width:100%;height:auto;font-size:12px;font-family:inherit}
svg text{fill:#1f2328}svg .chart-title{font-size:15px;font-weight:600}svg .small{font-size:11px}
svg .grid{stroke:#e5e7eb}svg .axis{stroke:#57606a}svg .ref{stroke:#1f2328;stroke-dasharray:6 4;stroke-width:1.5}
svg .marker line{stroke:#8c1d18;stroke-dasharray:3 3;stroke-width:1.2}
svg .marker text{fill:#8c1d18;font-size:11px;font-weight:600}
svg .note,svg .muted{fill:#57606a;font-size:12px}svg .bad{fill:#b42318;font-weight:600}
svg .halo{paint-order:stroke;stroke:#fff;stroke-width:3px}svg .target{stroke:#000;stroke-width:2.5}
)";

std::string page_header(const Context& ctx) {
  const Lang lang = ctx.lang;
  const std::string scenario_name = !ctx.scenario.name.empty()
                                        ? ctx.scenario.name
                                        : (ctx.runs.empty() ? tr(lang, "sim.simulation") : ctx.runs[0].scenario);
  const std::string title = tr(lang, "sim.title", arg("name", scenario_name));
  std::string out = html_page_start(title, lang);
  const std::string& description = lang == Lang::Zh && !ctx.scenario.description_zh.empty()
                                       ? ctx.scenario.description_zh
                                       : ctx.scenario.description;
  if (!description.empty()) out += fmt::format("<p>{}</p>\n", html_escape(description));
  std::string meta =
      tr(lang, "sim.period", arg("from", i18n::date(lang, ctx.from)), arg("to", i18n::date(lang, ctx.to)));
  if (!ctx.scenario.policy.name.empty()) meta += tr(lang, "sim.meta_policy", arg("policy", ctx.scenario.policy.name));
  if (!ctx.runs.empty()) meta += tr(lang, "sim.meta_seed", arg("seed", ctx.runs[0].seed));
  out += fmt::format("<p class=\"meta\">{}", html_escape(meta));
  if (!ctx.runs.empty()) out += "<br>" + html_escape(tr(lang, "sim.schedulers"));
  for (std::size_t i = 0; i < ctx.runs.size(); ++i) {
    out += fmt::format("<span class=\"chip\" style=\"background:{}\"></span>{}", colour(i), html_escape(ctx.labels[i]));
  }
  return out + "</p>\n";
}

std::string figure(const LineChart& c) { return "<figure>" + svg_line_chart(c) + "</figure>\n"; }

std::string scenario_notes(const Scenario& s, Lang lang) {
  if (s.notes.empty() && s.source.empty()) return "";
  std::string out = "<h2>" + html_escape(tr(lang, "sim.about")) + "</h2>\n";
  if (!s.source.empty()) {
    out += fmt::format("<p class=\"meta\">{}</p>\n", html_escape(tr(lang, "sim.source", arg("source", s.source))));
  }
  if (!s.notes.empty()) {
    out += "<ul>\n";
    for (const std::string& n : s.notes) out += fmt::format("<li>{}</li>\n", html_escape(n));
    out += "</ul>\n";
  }
  return out;
}

// ---- findings --------------------------------------------------------------

// "a, b and c" / "a、b 和 c".
std::string join_and(const std::vector<std::string>& items, Lang lang) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += i + 1 == items.size() ? tr(lang, "list.and") : tr(lang, "list.sep");
    out += items[i];
  }
  return out;
}

// The English plural ending of a count ("" or "s"), for messages that say {n} job{s}.
std::string s_of(long long n) { return n == 1 ? "" : "s"; }

// What a run fell short on: the fleet target, tenant targets, the policy, the cap.
std::vector<std::string> shortfalls(const SimResult& r, Lang lang) {
  std::vector<std::string> out;
  const ShareStat& fleet = r.fleet.share;
  if (!meets_target(fleet)) {
    out.push_back(tr(lang, "find.short_fleet", arg("share", pct(fleet.share_device_hours())),
                     arg("target", pct(fleet.target))));
  }
  for (const GroupStats& g : r.tenants) {
    if (!meets_target(g.share)) {
      out.push_back(tr(lang, "find.short_tenant", arg("tenant", g.name), arg("share", pct(g.share.share_device_hours())),
                       arg("target", pct(g.share.target))));
    }
  }
  if (r.violations > 0) out.push_back(tr(lang, "find.short_violations", arg("n", r.violations), arg("s", s_of(r.violations))));
  if (r.imported_peak_share > r.imported_cap + 1e-9) {
    out.push_back(tr(lang, "find.short_cap", arg("peak", pct(r.imported_peak_share)), arg("cap", pct(r.imported_cap))));
  }
  return out;
}

std::string run_finding(const SimResult& r, const std::string& label, Lang lang) {
  const ShareStat& s = r.fleet.share;
  std::string text = tr(lang, "find.run_share", arg("label", label), arg("share", pct(s.share_device_hours())));
  if (s.target > 0) {
    text += tr(lang, meets_target(s) ? "find.run_target_met" : "find.run_target_missed", arg("target", pct(s.target)));
  }
  const TargetCount tc = tenant_targets(r);
  if (tc.with_target > 0) text += tr(lang, "find.run_tenants", arg("met", tc.met), arg("of", tc.with_target));
  text += tr(lang, "find.run_violations", arg("n", r.violations), arg("s", s_of(r.violations)));
  if (r.imported_cap < 1.0) {
    text += tr(lang, "find.run_imported", arg("peak", pct(r.imported_peak_share)), arg("cap", pct(r.imported_cap)));
  }
  return text + tr(lang, "find.run_jobs", arg("completed", r.fleet.completed), arg("submitted", r.fleet.submitted),
                   arg("rejected", r.fleet.rejected));
}

std::string verdict(const std::vector<SimResult>& runs, const std::vector<std::string>& labels, Lang lang) {
  std::vector<std::string> ok;
  std::size_t closest = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::size_t n = shortfalls(runs[i], lang).size();
    if (n == 0) ok.push_back(labels[i]);
    if (n < shortfalls(runs[closest], lang).size()) closest = i;
  }
  if (runs.size() == 1) {
    return ok.empty() ? tr(lang, "find.one_missed", arg("what", join_and(shortfalls(runs[0], lang), lang)))
                      : tr(lang, "find.one_met");
  }
  if (ok.size() == runs.size()) return tr(lang, "find.all_met");
  if (!ok.empty()) return tr(lang, "find.only_met", arg("who", join_and(ok, lang)));
  return tr(lang, "find.none_met", arg("closest", labels[closest]),
            arg("what", join_and(shortfalls(runs[closest], lang), lang)));
}

std::string violations_finding(const std::vector<SimResult>& runs, const std::vector<std::string>& labels, Lang lang) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].violations == 0) continue;
    parts.push_back(parts.empty() ? tr(lang, "find.violations_first", arg("who", labels[i]), arg("n", runs[i].violations),
                                       arg("s", s_of(runs[i].violations)))
                                  : tr(lang, "find.violations_next", arg("who", labels[i]), arg("n", runs[i].violations)));
  }
  if (parts.empty()) return runs.size() > 1 ? tr(lang, "find.no_violations") : "";
  return tr(lang, "find.violations", arg("list", join_and(parts, lang)));
}

// Labels of the runs with the best value of `key` (ties included); empty if no run has one.
std::vector<std::string> best(const std::vector<SimResult>& runs, const std::vector<std::string>& labels,
                              const std::function<std::optional<double>(const SimResult&)>& key) {
  std::optional<double> top;
  for (const SimResult& r : runs) {
    const auto v = key(r);
    if (v && (!top || *v > *top)) top = v;
  }
  std::vector<std::string> out;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const auto v = key(runs[i]);
    if (v && top && std::abs(*v - *top) <= 1e-9 * std::max(1.0, std::abs(*top))) out.push_back(labels[i]);
  }
  return out;
}

std::string performance_finding(const std::vector<SimResult>& runs, const std::vector<std::string>& labels, Lang lang) {
  if (runs.size() < 2) return "";
  const auto most = best(runs, labels, [](const SimResult& r) { return std::optional<double>(r.fleet.completed); });
  const auto fastest = best(runs, labels, [](const SimResult& r) {
    return r.fleet.jct_h.count > 0 ? std::optional<double>(-r.fleet.jct_h.mean) : std::nullopt;
  });
  auto index_of = [&labels](const std::string& l) {
    return static_cast<std::size_t>(std::find(labels.begin(), labels.end(), l) - labels.begin());
  };
  const SimResult& m = runs[index_of(most.front())];
  std::string text = tr(lang, "find.most_completed", arg("who", join_and(most, lang)), arg("completed", m.fleet.completed),
                        arg("submitted", m.fleet.submitted));
  if (!fastest.empty()) {
    const std::size_t i = index_of(fastest.front());
    text += tr(lang, "find.fastest", arg("who", join_and(fastest, lang)),
               arg("hours", fmt_number(runs[i].fleet.jct_h.mean, 1)));
  }
  return text + tr(lang, "find.end");
}

std::string shock_impact(const ShockRecord& s, const std::string& label, Lang lang) {
  std::string text =
      tr(lang, "find.shock_displaced", arg("who", label), arg("n", s.displaced_jobs), arg("s", s_of(s.displaced_jobs)));
  const bool all_rejected = s.displaced_rejected >= s.displaced_jobs;
  if (s.displaced_rejected > 0) {
    text += all_rejected ? tr(lang, "find.shock_none_elsewhere")
                         : tr(lang, "find.shock_some_rejected", arg("n", s.displaced_rejected));
  }
  if (!all_rejected) {
    const bool rest = s.displaced_rejected > 0;
    if (s.recovered_after < 0)
      text += tr(lang, "find.shock_not_all_back");
    else if (s.recovered_after == 0)
      text += tr(lang, rest ? "find.shock_rest_at_once" : "find.shock_all_at_once");
    else
      text += tr(lang, rest ? "find.shock_rest_after" : "find.shock_all_after",
                 arg("after", i18n::duration(lang, s.recovered_after)));
  }
  if (s.unserved_device_hours > 0) {
    text += tr(lang, "find.shock_unserved", arg("devh", fmt_number(std::round(s.unserved_device_hours), 0)));
  }
  return text;
}

std::string shock_finding(const std::vector<SimResult>& runs, const std::vector<std::string>& labels, Lang lang) {
  // The shock that hurt most: unserved demand first, then displaced jobs, devices lost, purchases cancelled.
  using Score = std::tuple<double, int, int, int>;
  std::map<std::pair<Seconds, std::string>, Score> scores;
  for (const SimResult& r : runs) {
    for (const ShockRecord& s : r.shocks) {
      Score& sc = scores[{s.at, s.label}];
      sc = std::max(sc, Score{s.unserved_device_hours, s.displaced_jobs, s.devices_lost, s.purchases_cancelled});
    }
  }
  if (scores.empty()) return tr(lang, "find.no_shock");
  const auto worst =
      std::max_element(scores.begin(), scores.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  const auto& [key, score] = *worst;
  std::string text = tr(lang, "find.worst_shock", arg("label", key.second), arg("date", i18n::date(lang, key.first)),
                        arg("n", std::get<2>(score)), arg("s", s_of(std::get<2>(score))));
  if (std::get<3>(score) > 0) {
    text += tr(lang, "find.worst_cancelled", arg("n", std::get<3>(score)), arg("s", s_of(std::get<3>(score))));
  }
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const ShockRecord& s : runs[i].shocks) {
      if (s.at == key.first && s.label == key.second && s.displaced_jobs > 0) {
        text += tr(lang, "list.clause_sep") + shock_impact(s, labels[i], lang);
      }
    }
  }
  return text + tr(lang, "find.end");
}

std::string findings_html(const std::vector<SimResult>& runs, Lang lang) {
  std::string out = "<div class=\"findings\">\n";
  for (const std::string& f : simulation_findings(runs, lang)) out += "<p>" + html_escape(f) + "</p>\n";
  return out + "</div>\n";
}

std::string h2(const std::string& text) { return "<h2>" + html_escape(text) + "</h2>\n"; }

std::string muted(const std::string& text) { return "<p class=\"muted\">" + html_escape(text) + "</p>\n"; }

std::string charts_html(const Context& ctx) {
  std::string out = h2(tr(ctx.lang, "sim.over_time"));
  out += muted(tr(ctx.lang, ctx.shocks.empty() ? "sim.no_shocks_period" : "sim.shock_markers"));
  out += figure(domestic_share_chart(ctx));
  for (const LineChart& c : origin_charts(ctx)) out += figure(c);
  out += figure(imported_chart(ctx));
  out += figure(queue_chart(ctx));
  return out;
}

// The policy's rules: each one's name, id, setting and one-line reason, in
// the page's language (marked where the policy gives only the other one).
std::string policy_html(const PolicySpec& p, Lang lang) {
  std::string out = h2(tr(lang, "sim.policy_title", arg("policy", p.name)));
  out += "<div class=\"scroll\"><table>\n<thead><tr>";
  for (const char* h : {"sim.col_rule", "sim.col_rule_id", "sim.col_setting", "sim.col_reason"}) {
    out += "<th>" + html_escape(tr(lang, h)) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  const std::string off = tr(lang, "sim.rule_off");
  for (const Rule rule : kRules) {
    std::string setting;
    switch (rule) {
      case Rule::CiiDomesticOnly: {
        std::vector<std::string> sectors;
        for (const std::string& sc : p.critical_sectors) sectors.push_back(i18n::sector_name(sc, lang));
        setting = p.cii_domestic_only ? tr(lang, "sim.rule_sectors", arg("sectors", join_and(sectors, lang))) : off;
        break;
      }
      case Rule::GapOnly: setting = p.gap_only ? tr(lang, "sim.rule_on") : off; break;
      case Rule::ImportedCap:
        setting = p.imported_cap_fleet < 1.0 || p.imported_cap_tenant < 1.0
                      ? tr(lang, "sim.rule_cap", arg("fleet", pct(p.imported_cap_fleet)),
                           arg("tenant", pct(p.imported_cap_tenant)))
                      : off;
        break;
      case Rule::PortedStack: setting = tr(lang, "sim.rule_always"); break;
    }
    out += "<tr><td>" + html_escape(rule_title(rule, lang)) + "</td><td><code>" + html_escape(rule_id(rule)) +
           "</code></td><td>" + html_escape(setting) + "</td><td>" + html_escape(rule_reason(p, rule, lang)) +
           "</td></tr>\n";
  }
  out += "</tbody></table></div>\n";
  if (p.domestic_target > 0) out += muted(tr(lang, "sim.policy_target", arg("target", pct(p.domestic_target))));
  return out;
}

std::string models_html(const Context& ctx) {
  const std::vector<std::string> models = sampled_models(ctx.runs);
  if (models.empty()) return "";
  std::string out = h2(tr(ctx.lang, "sim.by_model"));
  if (ctx.catalog != nullptr) out += muted(tr(ctx.lang, "sim.dashed_imported"));
  for (std::size_t i = 0; i < ctx.runs.size(); ++i) out += figure(model_chart(ctx, i, models));
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string svg_line_chart(const LineChart& c) {
  Frame f;
  f.from = c.from;
  f.to = c.to > c.from ? c.to : c.from + kDay;
  std::vector<LegendItem> items;
  for (const ChartSeries& s : c.series) items.push_back({s.name, s.colour, s.dash});
  const double legend_y = c.note.empty() ? 42 : 58;
  const auto [legend_svg, legend_h] = legend(items, legend_y);
  f.top = legend_y + legend_h + (c.markers.empty() ? 4 : 26);
  f.bottom = f.top + kPlotHeight;
  f.y_max = c.y_max > 0 ? c.y_max : (c.percent ? std::max(1.0, nice_ceiling(data_max(c))) : nice_ceiling(data_max(c)));
  f.y_min = c.y_min < f.y_max ? c.y_min : 0;
  const double below = c.x_label.empty() ? 0 : 18;  // room for the x label
  const auto [key_svg, key_h] = legend(marker_key(c.markers, c.lang), f.bottom + 46 + below, 110);
  std::string out = svg_open(c.title, f.bottom + 32 + below + key_h);
  if (!c.note.empty()) {
    out += fmt::format(R"(<text class="note" x="{}" y="38">{}</text>)", px(f.left), html_escape(c.note));
  }
  out += legend_svg + axes(f, c) + references(f, c.references) + markers(f, c.markers, c.lang) + key_svg;
  for (const ChartBand& b : c.bands) {
    if (b.series < c.series.size()) out += band_svg(f, b, c.series[b.series].colour);
  }
  for (const ChartSeries& s : c.series) out += series_svg(f, s);
  if (!has_points(c)) {
    out += fmt::format(R"(<text class="muted" x="{}" y="{}" text-anchor="middle">{}</text>)",
                       px((f.left + f.right) / 2), px((f.top + f.bottom) / 2), html_escape(tr(c.lang, "chart.no_samples")));
  }
  return out + "</svg>";
}

std::vector<std::string> simulation_findings(const std::vector<SimResult>& runs, Lang lang) {
  if (runs.empty()) return {tr(lang, "find.no_runs")};
  const std::vector<std::string> labels = run_labels(runs);
  std::vector<std::string> out;
  for (std::size_t i = 0; i < runs.size(); ++i) out.push_back(run_finding(runs[i], labels[i], lang));
  for (std::string s : {verdict(runs, labels, lang), violations_finding(runs, labels, lang),
                        performance_finding(runs, labels, lang), shock_finding(runs, labels, lang)}) {
    if (!s.empty()) out.push_back(std::move(s));
  }
  return out;
}

std::string simulation_html(const Scenario& scenario, const std::vector<SimResult>& runs, const Catalog* catalog,
                            Lang lang) {
  const Context ctx = make_context(scenario, runs, catalog, lang);
  std::string out = page_header(ctx);
  out += h2(tr(lang, "sim.what_means")) + findings_html(runs, lang);
  if (runs.empty()) return out + "</body>\n</html>\n";
  out += h2(tr(lang, "sim.headline")) + html_table(headline_grid(runs, lang), tr(lang, "sim.no_results"), lang);
  out += charts_html(ctx);
  out += h2(tr(lang, "sim.tenants_title")) + "<figure>" + tenant_share_chart(ctx) + "</figure>\n";
  out += html_table(tenant_grid(runs, lang), tr(lang, "sim.no_tenants"), lang);
  out += h2(tr(lang, "sim.shocks")) + html_table(shock_grid(runs, lang), tr(lang, "sim.no_shocks"), lang);
  out += models_html(ctx);
  out += h2(tr(lang, "sim.classes")) + html_table(class_grid(runs, lang), tr(lang, "sim.no_classes"), lang);
  out += policy_html(scenario.policy, lang);
  out += scenario_notes(scenario, lang);
  out += "<p class=\"meta\">" + html_escape(tr(lang, "sim.footer")) + "</p>\n";
  return out + "</body>\n</html>\n";
}

std::string html_table(const Grid& g, const std::string& empty_text, Lang lang) {
  if (g.rows.empty()) return fmt::format("<p class=\"muted\">{}</p>\n", html_escape(empty_text));
  const std::string pass = pass_mark(true, lang), miss = pass_mark(false, lang);
  std::string out = "<div class=\"scroll\"><table>\n<thead><tr>";
  for (const Table::Column& c : g.columns) {
    out += fmt::format("<th{}>{}</th>", c.numeric ? " class=\"num\"" : "", html_escape(c.header));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : g.rows) {
    out += "<tr>";
    for (std::size_t i = 0; i < row.size(); ++i) {
      std::string cls = g.columns[i].numeric ? "num" : "";
      if (row[i] == pass) cls = "pass";
      if (row[i] == miss) cls = "miss";
      out += fmt::format("<td{}>{}</td>", cls.empty() ? "" : " class=\"" + cls + "\"", html_escape(row[i]));
    }
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string html_page_start(const std::string& title, Lang lang) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n"
      "<style>body{{font-family:{}}}{}</style>\n</head>\n<body>\n<h1>{}</h1>\n",
      i18n::html_lang(lang), html_escape(title), lang == Lang::Zh ? kFontsZh : kFontsEn, kStyle, html_escape(title));
}

std::string chart_colour(std::size_t i) { return colour(i); }

}  // namespace suanli::report

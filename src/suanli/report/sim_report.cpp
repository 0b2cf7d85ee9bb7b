#include "suanli/report/sim_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "suanli/i18n/catalogue.h"
#include "suanli/i18n/format.h"
#include "suanli/i18n/terms.h"
#include "suanli/model/error.h"

namespace suanli::report {
namespace {

using i18n::arg;
using i18n::Lang;
using i18n::tr;
using nlohmann::json;

// ---- terminal cells --------------------------------------------------------

std::string pct(double fraction) { return std::isfinite(fraction) ? fmt_number(fraction * 100.0, 1) + "%" : "-"; }

std::string hours(const Stats& s, double v) { return s.count > 0 ? fmt_number(v, v < 10 ? 2 : 1) : "-"; }

std::string slo_cell(double attainment) { return attainment < 0 ? "-" : pct(attainment); }

std::string count(int n) { return fmt_number(n, 0); }

bool used_devices(const ShareStat& s) { return s.device_hours_domestic + s.device_hours_imported > 0; }

std::string share_cell(const ShareStat& s, bool compute) {
  if (!used_devices(s)) return "-";
  return pct(compute ? s.share_compute() : s.share_device_hours());
}

std::string mark(const ShareStat& s, Lang lang) {
  if (s.target <= 0) return "-";
  return pass_mark(meets_target(s), lang);
}

std::string recovery(const ShockRecord& s, Lang lang) {
  if (s.displaced_jobs == 0) return "-";
  if (s.recovered_after >= 0) return i18n::duration(lang, s.recovered_after);
  return s.displaced_jobs > s.displaced_rejected ? tr(lang, "sim.not_in_period") : "-";
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : sep) + s;
  return out;
}

// ---- grouping across runs --------------------------------------------------

// Group names in first-seen order over all runs.
std::vector<std::string> group_names(const std::vector<SimResult>& runs, std::vector<GroupStats> SimResult::*member) {
  std::vector<std::string> names;
  for (const SimResult& r : runs) {
    for (const GroupStats& g : r.*member) {
      if (std::find(names.begin(), names.end(), g.name) == names.end()) names.push_back(g.name);
    }
  }
  return names;
}

const GroupStats* find_group(const std::vector<GroupStats>& groups, const std::string& name) {
  for (const GroupStats& g : groups) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

// Shocks keyed by (time, label), in time order, over all runs.
std::vector<std::pair<Seconds, std::string>> shock_keys(const std::vector<SimResult>& runs) {
  std::set<std::pair<Seconds, std::string>> keys;
  for (const SimResult& r : runs) {
    for (const ShockRecord& s : r.shocks) keys.emplace(s.at, s.label);
  }
  return {keys.begin(), keys.end()};
}

const ShockRecord* find_shock(const SimResult& r, const std::pair<Seconds, std::string>& key) {
  for (const ShockRecord& s : r.shocks) {
    if (s.at == key.first && s.label == key.second) return &s;
  }
  return nullptr;
}

Grid group_grid(const std::vector<SimResult>& runs, std::vector<GroupStats> SimResult::*member, std::string what,
                bool with_target, Lang lang) {
  Grid g;
  g.columns = {{std::move(what)},
               {tr(lang, "col.scheduler")},
               {tr(lang, "col.jobs"), true},
               {tr(lang, "col.done"), true},
               {tr(lang, "col.rejected"), true},
               {tr(lang, "col.unfinished"), true},
               {tr(lang, "col.domestic_devh"), true},
               {tr(lang, "col.domestic_compute"), true}};
  if (with_target) {
    g.columns.push_back({tr(lang, "col.target"), true});
    g.columns.push_back({tr(lang, "col.met")});
  }
  for (const char* c : {"col.jct_mean_h", "col.jct_p99_h", "col.wait_mean_h", "col.wait_p99_h", "col.slo",
                        "col.violations"}) {
    g.columns.push_back({tr(lang, c), true});
  }
  const std::vector<std::string> labels = run_labels(runs);
  for (const std::string& name : group_names(runs, member)) {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const GroupStats* s = find_group(runs[i].*member, name);
      if (s == nullptr) continue;
      std::vector<std::string> row = {name,
                                      labels[i],
                                      count(s->submitted),
                                      count(s->completed),
                                      count(s->rejected),
                                      count(s->unfinished),
                                      share_cell(s->share, false),
                                      share_cell(s->share, true)};
      if (with_target) {
        row.push_back(s->share.target > 0 ? pct(s->share.target) : "-");
        row.push_back(mark(s->share, lang));
      }
      for (std::string cell :
           {hours(s->jct_h, s->jct_h.mean), hours(s->jct_h, s->jct_h.p99), hours(s->wait_h, s->wait_h.mean),
            hours(s->wait_h, s->wait_h.p99), slo_cell(s->slo_attainment), count(s->violations)}) {
        row.push_back(std::move(cell));
      }
      g.rows.push_back(std::move(row));
    }
  }
  return g;
}

// ---- JSON ------------------------------------------------------------------

json stats_json(const Stats& s) {
  if (s.count == 0) return {{"count", 0}, {"mean", nullptr}, {"p50", nullptr}, {"p99", nullptr}, {"max", nullptr}};
  return {{"count", s.count}, {"mean", s.mean}, {"p50", s.p50}, {"p99", s.p99}, {"max", s.max}};
}

json share_json(const ShareStat& s) {
  return {{"device_hours_domestic", s.device_hours_domestic},
          {"device_hours_imported", s.device_hours_imported},
          {"compute_domestic", s.compute_domestic},
          {"compute_imported", s.compute_imported},
          {"share_device_hours", s.share_device_hours()},
          {"share_compute", s.share_compute()},
          {"target", s.target},
          {"meets_target", meets_target(s)}};
}

json group_json(const GroupStats& g) {
  return {{"name", g.name},
          {"submitted", g.submitted},
          {"completed", g.completed},
          {"rejected", g.rejected},
          {"unfinished", g.unfinished},
          {"jct_h", stats_json(g.jct_h)},
          {"wait_h", stats_json(g.wait_h)},
          {"share", share_json(g.share)},
          {"slo_attainment", g.slo_attainment < 0 ? json(nullptr) : json(g.slo_attainment)},
          {"violations", g.violations}};
}

json groups_json(const std::vector<GroupStats>& groups) {
  json list = json::array();
  for (const GroupStats& g : groups) list.push_back(group_json(g));
  return list;
}

json shock_json(const ShockRecord& s) {
  return {{"label", s.label},
          {"at", s.at},
          {"date", format_time(s.at)},
          {"effect", s.effect},
          {"accelerators", s.accelerators},
          {"devices_lost", s.devices_lost},
          {"purchases_cancelled", s.purchases_cancelled},
          {"displaced_jobs", s.displaced_jobs},
          {"displaced_rejected", s.displaced_rejected},
          {"recovered_after_s", s.recovered_after < 0 ? json(nullptr) : json(s.recovered_after)},
          {"unserved_device_hours", s.unserved_device_hours}};
}

json sample_json(const Sample& s) {
  return {{"t", s.t},
          {"time", format_time(s.t)},
          {"total_by_model", s.total_by_model},
          {"used_by_model", s.used_by_model},
          {"total_domestic", s.total_domestic},
          {"total_imported", s.total_imported},
          {"used_domestic", s.used_domestic},
          {"used_imported", s.used_imported},
          {"pending", s.pending},
          {"running", s.running},
          {"domestic_share", s.domestic_share},
          {"imported_cap_devices", s.imported_cap_devices}};
}

json job_json(const JobRecord& j) {
  auto time_or_null = [](Seconds t) { return t < 0 ? json(nullptr) : json(t); };
  return {{"id", j.id},
          {"tenant", j.tenant},
          {"class", j.cls},
          {"kind", name(j.kind)},
          {"arrival", j.arrival},
          {"first_start", time_or_null(j.first_start)},
          {"finish", time_or_null(j.finish)},
          {"accelerator", j.accelerator},
          {"devices", j.devices},
          {"placements", j.placements},
          {"preemptions", j.preemptions},
          {"rejected", j.rejected},
          {"reject_reason", j.reject_reason},
          {"violation", j.violation},
          {"imported", j.imported},
          {"device_s_domestic", j.device_s_domestic},
          {"device_s_imported", j.device_s_imported},
          {"compute_domestic", j.compute_domestic},
          {"compute_imported", j.compute_imported},
          {"running_s", j.running_s},
          {"requested_device_s", j.requested_device_s}};
}

json run_json(const SimResult& r, const std::string& label) {
  json j = {{"label", label},
            {"scenario", r.scenario},
            {"scheduler", r.scheduler},
            {"seed", r.seed},
            {"start", r.start},
            {"end", r.end},
            {"start_date", format_time(r.start)},
            {"end_date", format_time(r.end)},
            {"events", r.events},
            {"decisions", r.decisions},
            {"fleet", group_json(r.fleet)},
            {"tenants", groups_json(r.tenants)},
            {"classes", groups_json(r.classes)},
            {"tenants_with_target", tenant_targets(r).with_target},
            {"tenants_meeting_target", tenant_targets(r).met},
            {"utilisation",
             {{"domestic", r.utilisation_domestic},
              {"imported", r.utilisation_imported},
              {"by_model", r.utilisation_by_model}}},
            {"imported",
             {{"cap", r.imported_cap},
              {"peak_share", r.imported_peak_share},
              {"device_hours_share", r.imported_device_hours_share},
              {"window_share", r.imported_window_share},
              {"window_days", r.imported_window_days}}},
            {"violations", r.violations}};
  j["shocks"] = json::array();
  for (const ShockRecord& s : r.shocks) j["shocks"].push_back(shock_json(s));
  j["samples"] = json::array();
  for (const Sample& s : r.samples) j["samples"].push_back(sample_json(s));
  j["job_count"] = r.jobs.size();
  j["jobs_included"] = r.jobs.size() <= kJsonMaxRows;
  if (r.jobs.size() <= kJsonMaxRows) {
    j["jobs"] = json::array();
    for (const JobRecord& job : r.jobs) j["jobs"].push_back(job_json(job));
  }
  const auto lines = std::max<std::int64_t>(r.log_lines, static_cast<std::int64_t>(r.log.size()));
  j["log_lines"] = lines;
  j["log_included"] = lines <= static_cast<std::int64_t>(kJsonMaxRows) && r.log.size() == static_cast<std::size_t>(lines);
  if (j["log_included"].get<bool>()) j["log"] = r.log;
  return j;
}

// ---- CSV -------------------------------------------------------------------

std::string num(double v) { return std::isfinite(v) ? fmt::format("{}", v) : ""; }
std::string num_or_empty(double v, bool present) { return present ? num(v) : ""; }
std::string when(Seconds t) { return t < 0 ? "" : format_time(t); }
std::string yes_no(bool b) { return b ? "yes" : "no"; }

std::vector<std::string> stats_cells(const Stats& s) {
  const bool any = s.count > 0;
  return {num_or_empty(s.mean, any), num_or_empty(s.p50, any), num_or_empty(s.p99, any), num_or_empty(s.max, any)};
}

void append(std::vector<std::string>& row, std::vector<std::string> more) {
  for (std::string& c : more) row.push_back(std::move(c));
}

// Column names matching stats_cells(): "<what>_mean_h", "_p50_h", "_p99_h", "_max_h".
std::vector<std::string> stats_columns(const std::string& what) {
  return {what + "_mean_h", what + "_p50_h", what + "_p99_h", what + "_max_h"};
}

Table csv_table(const std::vector<std::string>& headers) {
  std::vector<Table::Column> cols;
  for (const std::string& h : headers) cols.push_back({h});
  return Table(std::move(cols));
}

Table summary_csv(const std::vector<SimResult>& runs, const std::vector<std::string>& labels) {
  Table t = [&] {
    std::vector<std::string> h = {"label", "scenario",  "scheduler", "seed",     "start",
                                  "end",   "submitted", "completed", "rejected", "unfinished"};
    append(h, stats_columns("jct"));
    append(h, stats_columns("wait"));
    append(h,
           {"utilisation_domestic", "utilisation_imported", "domestic_share_device_hours", "domestic_share_compute",
            "domestic_target", "meets_target", "tenants_with_target", "tenants_meeting_target", "imported_peak_share",
            "imported_cap", "imported_device_hours_share", "violations", "slo_attainment", "events", "decisions"});
    return csv_table(h);
  }();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const SimResult& r = runs[i];
    const GroupStats& f = r.fleet;
    std::vector<std::string> row = {labels[i],
                                    r.scenario,
                                    r.scheduler,
                                    fmt::format("{}", r.seed),
                                    when(r.start),
                                    when(r.end),
                                    fmt::format("{}", f.submitted),
                                    fmt::format("{}", f.completed),
                                    fmt::format("{}", f.rejected),
                                    fmt::format("{}", f.unfinished)};
    append(row, stats_cells(f.jct_h));
    append(row, stats_cells(f.wait_h));
    append(row, {num(r.utilisation_domestic), num(r.utilisation_imported), num(f.share.share_device_hours()),
                 num(f.share.share_compute()), num(f.share.target), yes_no(meets_target(f.share)),
                 fmt::format("{}", tenant_targets(r).with_target), fmt::format("{}", tenant_targets(r).met),
                 num(r.imported_peak_share), num(r.imported_cap), num(r.imported_device_hours_share),
                 fmt::format("{}", r.violations), num_or_empty(f.slo_attainment, f.slo_attainment >= 0),
                 fmt::format("{}", r.events), fmt::format("{}", r.decisions)});
    t.add_row(std::move(row));
  }
  return t;
}

Table groups_csv(const std::vector<SimResult>& runs, const std::vector<std::string>& labels,
                 std::vector<GroupStats> SimResult::*member, const char* what) {
  Table t = [&] {
    std::vector<std::string> h = {"scheduler",
                                  what,
                                  "submitted",
                                  "completed",
                                  "rejected",
                                  "unfinished",
                                  "device_hours_domestic",
                                  "device_hours_imported",
                                  "compute_domestic",
                                  "compute_imported",
                                  "share_device_hours",
                                  "share_compute",
                                  "target",
                                  "meets_target"};
    append(h, stats_columns("jct"));
    append(h, stats_columns("wait"));
    append(h, {"slo_attainment", "violations"});
    return csv_table(h);
  }();
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const GroupStats& g : runs[i].*member) {
      const ShareStat& s = g.share;
      std::vector<std::string> row = {labels[i],
                                      g.name,
                                      fmt::format("{}", g.submitted),
                                      fmt::format("{}", g.completed),
                                      fmt::format("{}", g.rejected),
                                      fmt::format("{}", g.unfinished),
                                      num(s.device_hours_domestic),
                                      num(s.device_hours_imported),
                                      num(s.compute_domestic),
                                      num(s.compute_imported),
                                      num(s.share_device_hours()),
                                      num(s.share_compute()),
                                      num(s.target),
                                      yes_no(meets_target(s))};
      append(row, stats_cells(g.jct_h));
      append(row, stats_cells(g.wait_h));
      append(row, {num_or_empty(g.slo_attainment, g.slo_attainment >= 0), fmt::format("{}", g.violations)});
      t.add_row(std::move(row));
    }
  }
  return t;
}

Table shocks_csv(const std::vector<SimResult>& runs, const std::vector<std::string>& labels) {
  Table t = csv_table({"scheduler", "label", "at", "effect", "accelerators", "devices_lost", "purchases_cancelled",
                       "displaced_jobs", "displaced_rejected", "recovered_after_h", "unserved_device_hours"});
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const ShockRecord& s : runs[i].shocks) {
      t.add_row({labels[i], s.label, when(s.at), s.effect, join(s.accelerators, ";"), fmt::format("{}", s.devices_lost),
                 fmt::format("{}", s.purchases_cancelled), fmt::format("{}", s.displaced_jobs),
                 fmt::format("{}", s.displaced_rejected),
                 num_or_empty(static_cast<double>(s.recovered_after) / kHour, s.recovered_after >= 0),
                 num(s.unserved_device_hours)});
    }
  }
  return t;
}

Table samples_csv(const SimResult& r) {
  std::set<std::string> models;
  for (const Sample& s : r.samples) {
    for (const auto& [m, n] : s.total_by_model) models.insert(m);
    for (const auto& [m, n] : s.used_by_model) models.insert(m);
  }
  std::vector<Table::Column> cols;
  for (const char* h : {"t", "time", "total_domestic", "total_imported", "used_domestic", "used_imported", "pending",
                        "running", "domestic_share", "imported_cap_devices"}) {
    cols.push_back({h});
  }
  for (const std::string& m : models) {
    cols.push_back({"total_" + m});
    cols.push_back({"used_" + m});
  }
  Table t(std::move(cols));
  auto at = [](const auto& by, const std::string& m) {
    const auto it = by.find(m);
    return it == by.end() ? std::string("0") : fmt::format("{}", it->second);
  };
  for (const Sample& s : r.samples) {
    std::vector<std::string> row = {fmt::format("{}", s.t),
                                    format_time(s.t),
                                    fmt::format("{}", s.total_domestic),
                                    fmt::format("{}", s.total_imported),
                                    fmt::format("{}", s.used_domestic),
                                    fmt::format("{}", s.used_imported),
                                    fmt::format("{}", s.pending),
                                    fmt::format("{}", s.running),
                                    num(s.domestic_share),
                                    num(s.imported_cap_devices)};
    for (const std::string& m : models) {
      row.push_back(at(s.total_by_model, m));
      row.push_back(at(s.used_by_model, m));
    }
    t.add_row(std::move(row));
  }
  return t;
}

// Streams the run's jobs, one row each, to `path` (a million jobs are not held as text).
void write_jobs_csv(const SimResult& r, const std::string& path) {
  CsvFile t(path, {"id",
                   "tenant",
                   "class",
                   "kind",
                   "arrival",
                   "first_start",
                   "finish",
                   "wait_h",
                   "jct_h",
                   "accelerator",
                   "devices",
                   "placements",
                   "preemptions",
                   "rejected",
                   "reject_reason",
                   "violation",
                   "imported",
                   "device_h_domestic",
                   "device_h_imported",
                   "compute_domestic",
                   "compute_imported",
                   "running_h",
                   "requested_device_h"});
  for (const JobRecord& j : r.jobs) {
    const double wait = static_cast<double>(j.first_start - j.arrival) / kHour;
    const double jct = static_cast<double>(j.finish - j.arrival) / kHour;
    t.row({fmt::format("{}", j.id),
           j.tenant,
           j.cls,
           std::string(name(j.kind)),
           when(j.arrival),
           when(j.first_start),
           when(j.finish),
           num_or_empty(wait, j.first_start >= 0),
           num_or_empty(jct, j.finish >= 0),
           j.accelerator,
           fmt::format("{}", j.devices),
           fmt::format("{}", j.placements),
           fmt::format("{}", j.preemptions),
           yes_no(j.rejected),
           j.reject_reason,
           yes_no(j.violation),
           yes_no(j.imported),
           num(j.device_s_domestic / kHour),
           num(j.device_s_imported / kHour),
           num(j.compute_domestic / kHour / 1000.0),
           num(j.compute_imported / kHour / 1000.0),
           num(j.running_s / kHour),
           num(j.requested_device_s / kHour)});
  }
  t.close();
}

void write_file(const std::filesystem::path& path, const std::string& text) { write_text_file(path.string(), text); }

std::string file_safe(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "run" : out;
}

}  // namespace

Table Grid::table() const {
  Table t(columns);
  for (const auto& row : rows) t.add_row(row);
  return t;
}

std::vector<std::string> run_labels(const std::vector<SimResult>& runs) {
  std::vector<std::string> labels;
  for (const SimResult& r : runs) labels.push_back(file_safe(r.scheduler));
  auto duplicated = [&](std::size_t i) { return std::count(labels.begin(), labels.end(), labels[i]) > 1; };
  std::vector<std::string> with_seed = labels;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (duplicated(i)) with_seed[i] = fmt::format("{}-seed{}", labels[i], runs[i].seed);
  }
  labels = with_seed;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (duplicated(i)) with_seed[i] = fmt::format("{}-{}", labels[i], i + 1);
  }
  return with_seed;
}

std::string pass_mark(bool met, Lang lang) { return tr(lang, met ? "mark.pass" : "mark.miss"); }

std::string effect_name(const std::string& effect, Lang lang) { return i18n::effect_name(effect, lang); }

bool meets_target(const ShareStat& share) {
  return share.target <= 0 || share.share_device_hours() + 1e-9 >= share.target;
}

TargetCount tenant_targets(const SimResult& run) {
  TargetCount tc;
  for (const GroupStats& g : run.tenants) {
    if (g.share.target <= 0) continue;
    tc.with_target += 1;
    if (meets_target(g.share)) tc.met += 1;
  }
  return tc;
}

Grid headline_grid(const std::vector<SimResult>& runs, Lang lang) {
  Grid g;
  g.columns.push_back({tr(lang, "col.metric")});
  for (const std::string& l : run_labels(runs)) g.columns.push_back({l, true});
  auto row = [&](const std::string& metric, const std::function<std::string(const SimResult&)>& cell) {
    std::vector<std::string> cells = {metric};
    for (const SimResult& r : runs) cells.push_back(cell(r));
    g.rows.push_back(std::move(cells));
  };
  row(tr(lang, "head.submitted"), [](const SimResult& r) { return count(r.fleet.submitted); });
  row(tr(lang, "head.completed"), [](const SimResult& r) { return count(r.fleet.completed); });
  row(tr(lang, "head.rejected"), [](const SimResult& r) { return count(r.fleet.rejected); });
  row(tr(lang, "head.unfinished"), [](const SimResult& r) { return count(r.fleet.unfinished); });
  row(tr(lang, "head.jct_mean"), [](const SimResult& r) { return hours(r.fleet.jct_h, r.fleet.jct_h.mean); });
  row(tr(lang, "head.jct_p50"), [](const SimResult& r) { return hours(r.fleet.jct_h, r.fleet.jct_h.p50); });
  row(tr(lang, "head.jct_p99"), [](const SimResult& r) { return hours(r.fleet.jct_h, r.fleet.jct_h.p99); });
  row(tr(lang, "head.wait_mean"), [](const SimResult& r) { return hours(r.fleet.wait_h, r.fleet.wait_h.mean); });
  row(tr(lang, "head.wait_p50"), [](const SimResult& r) { return hours(r.fleet.wait_h, r.fleet.wait_h.p50); });
  row(tr(lang, "head.wait_p99"), [](const SimResult& r) { return hours(r.fleet.wait_h, r.fleet.wait_h.p99); });
  row(tr(lang, "head.util_domestic"), [](const SimResult& r) { return pct(r.utilisation_domestic); });
  row(tr(lang, "head.util_imported"), [](const SimResult& r) { return pct(r.utilisation_imported); });
  std::set<std::string> models;
  for (const SimResult& r : runs) {
    for (const auto& [m, u] : r.utilisation_by_model) models.insert(m);
  }
  for (const std::string& m : models) {
    row(fmt::format("  {}", tr(lang, "head.util_model", arg("model", m))), [&m](const SimResult& r) {
      const auto it = r.utilisation_by_model.find(m);
      return it == r.utilisation_by_model.end() ? std::string("-") : pct(it->second);
    });
  }
  row(tr(lang, "head.share_devh"), [](const SimResult& r) { return pct(r.fleet.share.share_device_hours()); });
  row(tr(lang, "head.share_compute"), [](const SimResult& r) { return pct(r.fleet.share.share_compute()); });
  row(tr(lang, "head.target"), [](const SimResult& r) { return r.fleet.share.target > 0 ? pct(r.fleet.share.target) : "-"; });
  row(tr(lang, "head.fleet_met"), [lang](const SimResult& r) { return mark(r.fleet.share, lang); });
  row(tr(lang, "head.tenants_met"),
      [](const SimResult& r) { return fmt::format("{}/{}", tenant_targets(r).met, tenant_targets(r).with_target); });
  row(tr(lang, "head.imported_peak"), [](const SimResult& r) { return pct(r.imported_peak_share); });
  row(tr(lang, "head.imported_cap"),
      [lang](const SimResult& r) { return r.imported_cap < 1.0 ? pct(r.imported_cap) : tr(lang, "sim.none"); });
  row(tr(lang, "head.imported_devh"), [](const SimResult& r) { return pct(r.imported_device_hours_share); });
  row(tr(lang, "head.imported_window"), [lang](const SimResult& r) {
    return tr(lang, "head.window_value", arg("share", pct(r.imported_window_share)), arg("days", r.imported_window_days));
  });
  row(tr(lang, "head.violations"), [](const SimResult& r) { return count(r.violations); });
  row(tr(lang, "head.slo"), [](const SimResult& r) { return slo_cell(r.fleet.slo_attainment); });
  row(tr(lang, "head.events"), [](const SimResult& r) { return fmt_number(static_cast<double>(r.events), 0); });
  row(tr(lang, "head.decisions"), [](const SimResult& r) { return fmt_number(static_cast<double>(r.decisions), 0); });
  return g;
}

Grid tenant_grid(const std::vector<SimResult>& runs, Lang lang) {
  return group_grid(runs, &SimResult::tenants, tr(lang, "col.tenant"), true, lang);
}

Grid class_grid(const std::vector<SimResult>& runs, Lang lang) {
  return group_grid(runs, &SimResult::classes, tr(lang, "col.class"), false, lang);
}

Grid shock_grid(const std::vector<SimResult>& runs, Lang lang) {
  Grid g;
  g.columns = {{"#"},
               {tr(lang, "col.shock")},
               {tr(lang, "col.date")},
               {tr(lang, "col.effect")},
               {tr(lang, "col.accelerators")},
               {tr(lang, "col.scheduler")},
               {tr(lang, "col.devices_lost"), true},
               {tr(lang, "col.nodes_cancelled"), true},
               {tr(lang, "col.displaced"), true},
               {tr(lang, "col.rejected"), true},
               {tr(lang, "col.recovered_after"), true},
               {tr(lang, "col.unserved_devh"), true}};
  const std::vector<std::string> labels = run_labels(runs);
  const auto keys = shock_keys(runs);
  for (std::size_t k = 0; k < keys.size(); ++k) {
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const ShockRecord* s = find_shock(runs[i], keys[k]);
      if (s == nullptr) continue;
      g.rows.push_back({fmt::format("S{}", k + 1), s->label, i18n::date(lang, s->at), effect_name(s->effect, lang),
                        join(s->accelerators, ", "), labels[i], count(s->devices_lost), count(s->purchases_cancelled),
                        count(s->displaced_jobs), count(s->displaced_rejected), recovery(*s, lang),
                        fmt_number(s->unserved_device_hours, s->unserved_device_hours < 100 ? 1 : 0)});
    }
  }
  return g;
}

std::string simulation_summary(const std::vector<SimResult>& runs, Lang lang) {
  if (runs.empty()) return tr(lang, "sim.no_runs") + "\n";
  const SimResult& first = runs.front();
  std::string out = tr(lang, "sim.summary_head", arg("scenario", first.scenario), arg("from", i18n::date(lang, first.start)),
                       arg("to", i18n::date(lang, first.end)), arg("seed", first.seed)) +
                    "\n\n";
  out += headline_grid(runs, lang).table().render();
  auto section = [&out](const std::string& title, const Grid& g, const std::string& none) {
    out += fmt::format("\n{}\n", title);
    out += g.rows.empty() ? none + "\n" : g.table().render();
  };
  section(tr(lang, "sim.tenants"), tenant_grid(runs, lang), tr(lang, "sim.no_tenants_paren"));
  section(tr(lang, "sim.classes"), class_grid(runs, lang), tr(lang, "sim.no_classes_paren"));
  out += fmt::format("\n{}", tr(lang, "sim.shocks")) + "\n";
  Grid shocks = shock_grid(runs, lang);
  if (shocks.rows.empty()) return out + tr(lang, "sim.no_shocks_paren") + "\n";
  // Long labels listed once, then the numbers by shock and scheduler.
  std::string last;
  for (const auto& row : shocks.rows) {
    if (row[0] == last) continue;
    last = row[0];
    out += fmt::format("{}  {}  {}{}{}: {}\n", row[0], row[2], row[3], row[4].empty() ? "" : " ", row[4], row[1]);
  }
  shocks.columns.erase(shocks.columns.begin() + 1, shocks.columns.begin() + 5);
  for (auto& row : shocks.rows) row.erase(row.begin() + 1, row.begin() + 5);
  out += '\n';
  out += shocks.table().render();
  return out;
}

std::string simulation_json(const std::vector<SimResult>& runs) {
  const std::vector<std::string> labels = run_labels(runs);
  json list = json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) list.push_back(run_json(runs[i], labels[i]));
  json root = {{"scenario", runs.empty() ? json(nullptr) : json(runs.front().scenario)}, {"runs", list}};
  return root.dump(2) + "\n";
}

void write_simulation_csv(const std::vector<SimResult>& runs, const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path root(dir);
  create_output_directory(dir);
  const std::vector<std::string> labels = run_labels(runs);
  write_file(root / "summary.csv", summary_csv(runs, labels).csv());
  write_file(root / "tenants.csv", groups_csv(runs, labels, &SimResult::tenants, "tenant").csv());
  write_file(root / "classes.csv", groups_csv(runs, labels, &SimResult::classes, "class").csv());
  write_file(root / "shocks.csv", shocks_csv(runs, labels).csv());
  for (std::size_t i = 0; i < runs.size(); ++i) {
    write_file(root / ("samples_" + labels[i] + ".csv"), samples_csv(runs[i]).csv());
    write_jobs_csv(runs[i], (root / ("jobs_" + labels[i] + ".csv")).string());
  }
}

}  // namespace suanli::report

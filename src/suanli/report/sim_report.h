// Rendering simulation results: terminal tables, JSON and CSV files.
//
// All functions take one or more runs of the same scenario (typically one per
// scheduler) and compare them side by side. They never modify the runs and
// hold no state; safe to call from several threads on distinct outputs.
// Empty inputs (no runs, no samples, no shocks) render as empty tables.
#pragma once

#include <string>
#include <vector>

#include "suanli/i18n/lang.h"
#include "suanli/report/table.h"
#include "suanli/sim/metrics.h"

namespace suanli::report {

// A table as data, so that one definition renders to a terminal (Table), to
// CSV and to HTML (html_report.h). Every row has one cell per column.
struct Grid {
  std::vector<Table::Column> columns;
  std::vector<std::vector<std::string>> rows;

  Table table() const;
};

// One distinct, file-name-safe label per run: the scheduler name, with the
// seed (then the index) appended where two runs share a scheduler.
std::vector<std::string> run_labels(const std::vector<SimResult>& runs);

// Whether a group met its domestic-share target by device-hours (true when it
// has no target; a group that used no devices used no imported ones either).
bool meets_target(const ShareStat& share);

// How many of a run's tenants have a domestic-share target, and how many met it.
struct TargetCount {
  int met = 0;
  int with_target = 0;
};
TargetCount tenant_targets(const SimResult& run);

// "PASS" / "MISS" (达标 / 未达标): whether a target was met, as the tables write it.
std::string pass_mark(bool met, i18n::Lang lang);
// An export-policy effect or shock kind ("no-new-supply", "failure", ...) in words.
std::string effect_name(const std::string& effect, i18n::Lang lang);

// The tables of the summary, for reuse by other renderers. Headers and words
// in `lang`; numbers as in every language.
Grid headline_grid(const std::vector<SimResult>& runs, i18n::Lang lang = i18n::Lang::En);  // metric rows, one column per run
Grid tenant_grid(const std::vector<SimResult>& runs, i18n::Lang lang = i18n::Lang::En);    // one row per (tenant, run)
Grid class_grid(const std::vector<SimResult>& runs, i18n::Lang lang = i18n::Lang::En);     // one row per (class, run)
Grid shock_grid(const std::vector<SimResult>& runs, i18n::Lang lang = i18n::Lang::En);     // one row per (shock, run)

// Side-by-side summary for a terminal: headline, tenants, classes, shocks.
std::string simulation_summary(const std::vector<SimResult>& runs, i18n::Lang lang = i18n::Lang::En);

// Everything measured, as pretty-printed JSON: {"scenario", "runs": [...]}.
// A run's job list and event log are included only when they hold at most
// kJsonMaxRows entries each ("jobs_included"/"log_included" say which).
constexpr std::size_t kJsonMaxRows = 5000;
std::string simulation_json(const std::vector<SimResult>& runs);

// Writes into `dir` (created if missing): summary.csv (one row per run),
// tenants.csv, classes.csv, shocks.csv, and per run samples_<label>.csv and
// jobs_<label>.csv (label from run_labels). Numbers are plain (no thousands
// separators), times ISO "yyyy-mm-dd hh:mm" UTC, absent values empty.
// Throws InputError(dir or file, ...) when the directory or a file cannot be
// created or written.
void write_simulation_csv(const std::vector<SimResult>& runs, const std::string& dir);

}  // namespace suanli::report

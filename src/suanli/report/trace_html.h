// Self-contained HTML reports of openb replays (`suanli replay openb --html`).
//
// House style of html_report.h: one inline <style>, system fonts, inline SVG
// charts (svg_line_chart), no scripts, nothing fetched; text from the inputs
// is HTML-escaped.
// - Pack mode: allocation ratio and fragmentation (the FGD paper's measure,
//   % of cluster GPUs) as the arrived GPU request grows from 0 to the target,
//   one line per policy (the mean over seeds, the min-max spread over seeds as
//   a band), and the summary table at the target.
// - Time mode: GPU allocation over time per policy (first seed of each
//   policy; the peak inside each sampling bucket), the wait queue over time,
//   and the waiting-time / placement table.
// Each policy is one <g class="series" data-series="NAME"> in each chart.
// Pure functions of their inputs; thread-safe. Cost O(total curve points).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "suanli/i18n/lang.h"
#include "suanli/trace/packing.h"
#include "suanli/trace/time_replay.h"

namespace suanli::report {

// What the page says about the inputs.
struct TraceHtmlInfo {
  std::string nodes_path, pods_path, seeds;
  int nodes = 0, gpus = 0;
  std::size_t pod_rows = 0;
  double load = 0;  // pack mode: target arrived request / capacity
  i18n::Lang lang = i18n::Lang::En;  // of the page's words
};

std::string packing_html(const std::vector<trace::PackResult>& runs, const TraceHtmlInfo& info);
std::string time_replay_html(const std::vector<trace::TimeResult>& runs, const TraceHtmlInfo& info);

}  // namespace suanli::report

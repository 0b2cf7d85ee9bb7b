#include "suanli/report/trace_report.h"

#include "suanli/i18n/catalogue.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "suanli/model/error.h"
#include "suanli/report/table.h"

namespace suanli::report {
namespace {

std::string pct(double fraction, int decimals = 2) { return fmt::format("{:.{}f}", fraction * 100, decimals); }

double frag_ratio(const trace::PackPoint& p) { return p.idle > 0 ? p.fragmented / p.idle : 0; }

double mean(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? 0 : sum / static_cast<double>(v.size());
}

double sample_sd(const std::vector<double>& v, double m) {
  if (v.size() < 2) return 0.0;
  double sum = 0;
  for (double x : v) sum += (x - m) * (x - m);
  return std::sqrt(sum / static_cast<double>(v.size() - 1));
}

// Runs grouped by policy, groups in order of first appearance, runs in order.
template <class Run, class KeyFn>
std::vector<std::vector<const Run*>> by_policy(const std::vector<Run>& runs, KeyFn key) {
  std::vector<std::vector<const Run*>> groups;
  for (const Run& r : runs) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return key(*g.front()) == key(r); });
    if (it == groups.end()) {
      groups.emplace_back();
      it = groups.end() - 1;
    }
    it->push_back(&r);
  }
  return groups;
}

void write_csv_pair(const std::string& dir, const std::string& summary, const std::string& curves) {
  create_output_directory(dir);
  const std::filesystem::path root(dir);
  write_text_file((root / "summary.csv").string(), summary);
  write_text_file((root / "curves.csv").string(), curves);
}

}  // namespace

std::vector<PackSummary> summarise_packing(const std::vector<trace::PackResult>& runs) {
  std::vector<PackSummary> out;
  for (const auto& group : by_policy(runs, [](const trace::PackResult& r) { return r.policy; })) {
    PackSummary s{.policy = group.front()->policy, .runs = static_cast<int>(group.size())};
    std::vector<double> alloc, frag;
    for (const trace::PackResult* r : group) {
      alloc.push_back(r->allocation() * 100);
      frag.push_back(r->final_point().fragmented * 100);
      s.arrived_mean += r->final_point().arrived * 100;
      s.gpu_failed_mean += r->gpu_pods_failed;
    }
    const auto n = static_cast<double>(alloc.size());
    s.alloc_mean = mean(alloc);
    s.alloc_sd = sample_sd(alloc, s.alloc_mean);
    s.alloc_min = *std::min_element(alloc.begin(), alloc.end());
    s.alloc_max = *std::max_element(alloc.begin(), alloc.end());
    s.frag_mean = mean(frag);
    s.frag_sd = sample_sd(frag, s.frag_mean);
    s.arrived_mean /= n;
    s.gpu_failed_mean /= n;
    out.push_back(s);
  }
  return out;
}

Grid packing_summary_grid(const std::vector<trace::PackResult>& runs, i18n::Lang lang) {
  using i18n::tr;
  Grid g{.columns = {{tr(lang, "trace.col_policy")}, {tr(lang, "trace.col_seeds"), true},
                     {tr(lang, "trace.col_arrived"), true}, {tr(lang, "trace.col_allocated"), true},
                     {tr(lang, "trace.col_sd"), true}, {tr(lang, "trace.col_min"), true},
                     {tr(lang, "trace.col_max"), true}, {tr(lang, "trace.col_fragmented"), true},
                     {tr(lang, "trace.col_gpu_failed"), true}},
         .rows = {}};
  for (const PackSummary& s : summarise_packing(runs)) {
    g.rows.push_back({s.policy, std::to_string(s.runs),
                      fmt::format("{:.1f}", s.arrived_mean), fmt::format("{:.2f}", s.alloc_mean),
                      fmt::format("{:.2f}", s.alloc_sd), fmt::format("{:.2f}", s.alloc_min),
                      fmt::format("{:.2f}", s.alloc_max), fmt::format("{:.2f}", s.frag_mean),
                      fmt::format("{:.0f}", s.gpu_failed_mean)});
  }
  return g;
}

std::string packing_summary_text(const std::vector<trace::PackResult>& runs) {
  return packing_summary_grid(runs).table().render();
}

std::string packing_summary_csv(const std::vector<trace::PackResult>& runs) {
  Table t({{"policy"}, {"runs"}, {"arrived_mean_pct"}, {"alloc_mean_pct"}, {"alloc_sd_pct"}, {"alloc_min_pct"},
           {"alloc_max_pct"}, {"frag_mean_pct"}, {"frag_sd_pct"}, {"gpu_pods_failed_mean"}});
  for (const PackSummary& s : summarise_packing(runs)) {
    t.add_row({s.policy, std::to_string(s.runs), fmt::format("{:.3f}", s.arrived_mean),
               fmt::format("{:.3f}", s.alloc_mean), fmt::format("{:.3f}", s.alloc_sd),
               fmt::format("{:.3f}", s.alloc_min), fmt::format("{:.3f}", s.alloc_max),
               fmt::format("{:.3f}", s.frag_mean), fmt::format("{:.3f}", s.frag_sd),
               fmt::format("{:.1f}", s.gpu_failed_mean)});
  }
  return t.csv();
}

std::string packing_curves_csv(const std::vector<trace::PackResult>& runs) {
  std::string out = "policy,seed,arrived_pct,allocated_pct,fragmented_pct,frag_ratio_pct\n";
  for (const trace::PackResult& r : runs) {
    for (const trace::PackPoint& p : r.curve) {
      out += fmt::format("{},{},{},{},{},{}\n", r.policy, r.seed, pct(p.arrived, 3),
                         pct(p.allocated, 3), pct(p.fragmented, 3), pct(frag_ratio(p), 3));
    }
  }
  return out;
}

std::string packing_json(const std::vector<trace::PackResult>& runs) {
  nlohmann::ordered_json j;
  j["summary"] = nlohmann::json::array();
  for (const PackSummary& s : summarise_packing(runs)) {
    j["summary"].push_back({{"policy", s.policy},
                            {"runs", s.runs},
                            {"arrived_mean_pct", s.arrived_mean},
                            {"alloc_mean_pct", s.alloc_mean},
                            {"alloc_sd_pct", s.alloc_sd},
                            {"alloc_min_pct", s.alloc_min},
                            {"alloc_max_pct", s.alloc_max},
                            {"frag_mean_pct", s.frag_mean},
                            {"frag_sd_pct", s.frag_sd},
                            {"gpu_pods_failed_mean", s.gpu_failed_mean}});
  }
  j["runs"] = nlohmann::json::array();
  for (const trace::PackResult& r : runs) {
    nlohmann::ordered_json run{{"policy", r.policy},
                               {"seed", r.seed},
                               {"pods", r.pods},
                               {"placed", r.placed},
                               {"failed", r.failed},
                               {"gpu_pods_failed", r.gpu_pods_failed},
                               {"capacity_milli", r.capacity_milli},
                               {"arrived_milli", r.arrived_milli},
                               {"allocated_milli", r.allocated_milli},
                               {"allocation_pct", r.allocation() * 100},
                               {"fragmentation_pct", r.final_point().fragmented * 100}};
    nlohmann::ordered_json curve = nlohmann::json::array();
    for (const trace::PackPoint& p : r.curve) {
      curve.push_back({{"arrived_pct", p.arrived * 100},
                       {"allocated_pct", p.allocated * 100},
                       {"fragmented_pct", p.fragmented * 100},
                       {"frag_ratio_pct", frag_ratio(p) * 100}});
    }
    run["curve"] = std::move(curve);
    j["runs"].push_back(std::move(run));
  }
  return j.dump(2) + "\n";
}

void write_packing_csv(const std::vector<trace::PackResult>& runs, const std::string& dir) {
  write_csv_pair(dir, packing_summary_csv(runs), packing_curves_csv(runs));
}

// ---- time mode -------------------------------------------------------------

std::vector<TimeSummary> summarise_time(const std::vector<trace::TimeResult>& runs) {
  std::vector<TimeSummary> out;
  for (const auto& group : by_policy(runs, [](const trace::TimeResult& r) { return r.policy; })) {
    TimeSummary s{.policy = group.front()->policy, .runs = static_cast<int>(group.size())};
    std::vector<double> placed, failed, unplaced, waited, wmean, p50, p95, peak, avg;
    for (const trace::TimeResult* r : group) {
      placed.push_back(r->placed);
      failed.push_back(r->failed);
      unplaced.push_back(r->unplaced);
      waited.push_back(r->waited);
      wmean.push_back(r->wait_mean);
      p50.push_back(r->wait_p50);
      p95.push_back(r->wait_p95);
      peak.push_back(r->peak_allocation() * 100);
      avg.push_back(r->mean_allocation * 100);
      s.wait_max = std::max(s.wait_max, r->wait_max);
    }
    s.placed = mean(placed);
    s.failed = mean(failed);
    s.unplaced = mean(unplaced);
    s.waited = mean(waited);
    s.wait_mean = mean(wmean);
    s.wait_p50 = mean(p50);
    s.wait_p95 = mean(p95);
    s.peak_alloc = mean(peak);
    s.peak_alloc_min = *std::min_element(peak.begin(), peak.end());
    s.peak_alloc_max = *std::max_element(peak.begin(), peak.end());
    s.mean_alloc = mean(avg);
    out.push_back(s);
  }
  return out;
}

Grid time_summary_grid(const std::vector<trace::TimeResult>& runs, i18n::Lang lang) {
  using i18n::tr;
  Grid g{.columns = {{tr(lang, "trace.col_policy")}, {tr(lang, "trace.col_seeds"), true},
                     {tr(lang, "trace.col_placed"), true}, {tr(lang, "trace.col_failed"), true},
                     {tr(lang, "trace.col_unplaced"), true}, {tr(lang, "trace.col_waited"), true},
                     {tr(lang, "trace.col_wait_mean"), true}, {tr(lang, "trace.col_wait_p50"), true},
                     {tr(lang, "trace.col_wait_p95"), true}, {tr(lang, "trace.col_wait_max"), true},
                     {tr(lang, "trace.col_peak_alloc"), true}, {tr(lang, "trace.col_mean_alloc"), true}},
         .rows = {}};
  for (const TimeSummary& s : summarise_time(runs)) {
    g.rows.push_back({s.policy, std::to_string(s.runs), fmt::format("{:.0f}", s.placed), fmt::format("{:.0f}", s.failed),
                      fmt::format("{:.0f}", s.unplaced), fmt::format("{:.0f}", s.waited),
                      fmt::format("{:.0f}", s.wait_mean), fmt::format("{:.0f}", s.wait_p50),
                      fmt::format("{:.0f}", s.wait_p95), fmt::format("{:.0f}", s.wait_max),
                      fmt::format("{:.2f}", s.peak_alloc), fmt::format("{:.2f}", s.mean_alloc)});
  }
  return g;
}

std::string time_summary_text(const std::vector<trace::TimeResult>& runs) {
  return time_summary_grid(runs).table().render();
}

std::string time_summary_csv(const std::vector<trace::TimeResult>& runs) {
  Table t({{"policy"}, {"runs"}, {"placed_mean"}, {"failed_mean"}, {"unplaced_mean"}, {"waited_mean"},
           {"wait_mean_s"}, {"wait_p50_s"}, {"wait_p95_s"}, {"wait_max_s"}, {"peak_alloc_pct"}, {"mean_alloc_pct"}});
  for (const TimeSummary& s : summarise_time(runs)) {
    t.add_row({s.policy, std::to_string(s.runs), fmt::format("{:.1f}", s.placed), fmt::format("{:.1f}", s.failed),
               fmt::format("{:.1f}", s.unplaced), fmt::format("{:.1f}", s.waited), fmt::format("{:.1f}", s.wait_mean),
               fmt::format("{:.1f}", s.wait_p50), fmt::format("{:.1f}", s.wait_p95), fmt::format("{:.0f}", s.wait_max),
               fmt::format("{:.3f}", s.peak_alloc), fmt::format("{:.3f}", s.mean_alloc)});
  }
  return t.csv();
}

std::string time_curves_csv(const std::vector<trace::TimeResult>& runs) {
  std::string out = "policy,seed,time_s,allocated_pct,peak_pct,fragmented_pct,running,waiting\n";
  for (const trace::TimeResult& r : runs) {
    for (const trace::TimePoint& p : r.curve) {
      out += fmt::format("{},{},{},{},{},{},{},{}\n", r.policy, r.seed, p.time, pct(p.allocated, 3), pct(p.peak, 3),
                         pct(p.fragmented, 3), p.running, p.waiting);
    }
  }
  return out;
}

std::string time_json(const std::vector<trace::TimeResult>& runs) {
  nlohmann::ordered_json j;
  j["mode"] = "time";
  j["summary"] = nlohmann::json::array();
  for (const TimeSummary& s : summarise_time(runs)) {
    j["summary"].push_back({{"policy", s.policy},
                            {"runs", s.runs},
                            {"placed_mean", s.placed},
                            {"failed_mean", s.failed},
                            {"unplaced_mean", s.unplaced},
                            {"waited_mean", s.waited},
                            {"wait_mean_s", s.wait_mean},
                            {"wait_p50_s", s.wait_p50},
                            {"wait_p95_s", s.wait_p95},
                            {"wait_max_s", s.wait_max},
                            {"peak_alloc_pct", s.peak_alloc},
                            {"mean_alloc_pct", s.mean_alloc}});
  }
  j["runs"] = nlohmann::json::array();
  for (const trace::TimeResult& r : runs) {
    nlohmann::ordered_json run{{"policy", r.policy},
                               {"seed", r.seed},
                               {"pods", r.pods},
                               {"placed", r.placed},
                               {"failed", r.failed},
                               {"unplaced", r.unplaced},
                               {"waited", r.waited},
                               {"no_lifetime", r.no_lifetime},
                               {"start_time_s", r.start_time},
                               {"end_time_s", r.end_time},
                               {"wait_mean_s", r.wait_mean},
                               {"wait_p50_s", r.wait_p50},
                               {"wait_p95_s", r.wait_p95},
                               {"wait_max_s", r.wait_max},
                               {"capacity_milli", r.capacity_milli},
                               {"peak_allocated_milli", r.peak_allocated_milli},
                               {"peak_allocation_pct", r.peak_allocation() * 100},
                               {"peak_time_s", r.peak_time},
                               {"mean_allocation_pct", r.mean_allocation * 100}};
    nlohmann::ordered_json curve = nlohmann::json::array();
    for (const trace::TimePoint& p : r.curve) {
      curve.push_back({{"time_s", p.time},
                       {"allocated_pct", p.allocated * 100},
                       {"peak_pct", p.peak * 100},
                       {"fragmented_pct", p.fragmented * 100},
                       {"running", p.running},
                       {"waiting", p.waiting}});
    }
    run["curve"] = std::move(curve);
    j["runs"].push_back(std::move(run));
  }
  return j.dump(2) + "\n";
}

void write_time_csv(const std::vector<trace::TimeResult>& runs, const std::string& dir) {
  write_csv_pair(dir, time_summary_csv(runs), time_curves_csv(runs));
}

}  // namespace suanli::report

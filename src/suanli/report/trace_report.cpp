#include "suanli/report/trace_report.h"

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

}  // namespace

std::vector<PackSummary> summarise_packing(const std::vector<trace::PackResult>& runs) {
  std::vector<PackSummary> out;
  for (const trace::PackResult& r : runs) {
    auto it = std::find_if(out.begin(), out.end(), [&](const PackSummary& s) { return s.policy == r.policy; });
    if (it == out.end()) {
      out.push_back({.policy = r.policy});
      it = out.end() - 1;
    }
    ++it->runs;
  }
  for (PackSummary& s : out) {
    std::vector<double> alloc, frag;
    for (const trace::PackResult& r : runs) {
      if (r.policy != s.policy) continue;
      alloc.push_back(r.allocation() * 100);
      frag.push_back(r.final_point().fragmented * 100);
      s.arrived_mean += r.final_point().arrived * 100;
      s.gpu_failed_mean += r.gpu_pods_failed;
    }
    const auto n = static_cast<double>(alloc.size());
    auto mean = [&](const std::vector<double>& v) {
      double sum = 0;
      for (double x : v) sum += x;
      return sum / n;
    };
    auto sd = [&](const std::vector<double>& v, double m) {
      if (v.size() < 2) return 0.0;
      double sum = 0;
      for (double x : v) sum += (x - m) * (x - m);
      return std::sqrt(sum / (n - 1));
    };
    s.alloc_mean = mean(alloc);
    s.alloc_sd = sd(alloc, s.alloc_mean);
    s.alloc_min = *std::min_element(alloc.begin(), alloc.end());
    s.alloc_max = *std::max_element(alloc.begin(), alloc.end());
    s.frag_mean = mean(frag);
    s.frag_sd = sd(frag, s.frag_mean);
    s.arrived_mean /= n;
    s.gpu_failed_mean /= n;
  }
  return out;
}

std::string packing_summary_text(const std::vector<trace::PackResult>& runs) {
  Table t({{"policy"}, {"seeds", true}, {"arrived %", true}, {"allocated %", true}, {"sd", true}, {"min", true},
           {"max", true}, {"fragmented %", true}, {"GPU pods failed", true}});
  for (const PackSummary& s : summarise_packing(runs)) {
    t.add_row({std::string(trace::policy_name(s.policy)), std::to_string(s.runs), fmt::format("{:.1f}", s.arrived_mean),
               fmt::format("{:.2f}", s.alloc_mean), fmt::format("{:.2f}", s.alloc_sd), fmt::format("{:.2f}", s.alloc_min),
               fmt::format("{:.2f}", s.alloc_max), fmt::format("{:.2f}", s.frag_mean),
               fmt::format("{:.0f}", s.gpu_failed_mean)});
  }
  return t.render();
}

std::string packing_summary_csv(const std::vector<trace::PackResult>& runs) {
  Table t({{"policy"}, {"runs"}, {"arrived_mean_pct"}, {"alloc_mean_pct"}, {"alloc_sd_pct"}, {"alloc_min_pct"},
           {"alloc_max_pct"}, {"frag_mean_pct"}, {"frag_sd_pct"}, {"gpu_pods_failed_mean"}});
  for (const PackSummary& s : summarise_packing(runs)) {
    t.add_row({std::string(trace::policy_name(s.policy)), std::to_string(s.runs), fmt::format("{:.3f}", s.arrived_mean),
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
      out += fmt::format("{},{},{},{},{},{}\n", trace::policy_name(r.policy), r.seed, pct(p.arrived, 3),
                         pct(p.allocated, 3), pct(p.fragmented, 3), pct(frag_ratio(p), 3));
    }
  }
  return out;
}

std::string packing_json(const std::vector<trace::PackResult>& runs) {
  nlohmann::ordered_json j;
  j["summary"] = nlohmann::json::array();
  for (const PackSummary& s : summarise_packing(runs)) {
    j["summary"].push_back({{"policy", trace::policy_name(s.policy)},
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
    nlohmann::ordered_json run{{"policy", trace::policy_name(r.policy)},
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
  create_output_directory(dir);
  const std::filesystem::path root(dir);
  write_text_file((root / "summary.csv").string(), packing_summary_csv(runs));
  write_text_file((root / "curves.csv").string(), packing_curves_csv(runs));
}

}  // namespace suanli::report

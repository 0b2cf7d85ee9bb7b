#include "suanli/report/gavel_report.h"

#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "suanli/report/table.h"

namespace suanli::report {
namespace {

std::string origin_name(const trace::WorkerPool& p) { return p.origin ? std::string(name(*p.origin)) : "unknown"; }
std::string hours(double s, int decimals = 2) { return fmt::format("{:.{}f}", s / 3600, decimals); }
std::string policy(const trace::RoundResult& r) { return std::string(trace::round_policy_name(r.policy)); }

bool show_tenants(const std::vector<trace::RoundResult>& runs) {
  if (runs.empty()) return false;
  const auto& t = runs.front().tenants;
  return t.size() > 1 || (t.size() == 1 && t.front().critical);
}

Table summary_table(const std::vector<trace::RoundResult>& runs, bool csv) {
  Table t({{"policy"}, {csv ? "avg_jct_s" : "avg JCT h", true}, {csv ? "makespan_s" : "makespan h", true},
           {"rounds", true}, {csv ? "lp_solves" : "LP solves", true}, {csv ? "lp_mean_s" : "LP mean ms", true},
           {csv ? "lp_max_s" : "LP max ms", true}, {csv ? "imported_device_s" : "imported dev-h", true},
           {csv ? "domestic_device_s" : "domestic dev-h", true}, {csv ? "unknown_origin_device_s" : "unknown dev-h", true}});
  for (const trace::RoundResult& r : runs) {
    if (csv) {
      t.add_row({policy(r), fmt::format("{:.3f}", r.avg_jct_s), fmt::format("{:.3f}", r.makespan_s),
                 std::to_string(r.rounds), std::to_string(r.lp_solves), fmt::format("{:.6f}", r.lp_mean_s),
                 fmt::format("{:.6f}", r.lp_max_s), fmt::format("{:.3f}", r.imported_device_s),
                 fmt::format("{:.3f}", r.domestic_device_s), fmt::format("{:.3f}", r.unknown_origin_device_s)});
    } else {
      const bool lp = r.lp_solves > 0;
      t.add_row({policy(r), hours(r.avg_jct_s), hours(r.makespan_s), std::to_string(r.rounds),
                 std::to_string(r.lp_solves), lp ? fmt::format("{:.1f}", r.lp_mean_s * 1000) : "-",
                 lp ? fmt::format("{:.1f}", r.lp_max_s * 1000) : "-", hours(r.imported_device_s, 1),
                 hours(r.domestic_device_s, 1), hours(r.unknown_origin_device_s, 1)});
    }
  }
  return t;
}

Table tenant_table(const std::vector<trace::RoundResult>& runs, bool csv) {
  Table t({{"policy"}, {"tenant"}, {"critical"}, {"jobs", true}, {csv ? "avg_jct_s" : "avg JCT h", true},
           {csv ? "device_s" : "device-h", true}, {csv ? "imported_device_s" : "imported dev-h", true}});
  for (const trace::RoundResult& r : runs) {
    for (const trace::GavelTenantResult& x : r.tenants) {
      t.add_row({policy(r), x.tenant, x.critical ? "yes" : "no", std::to_string(x.jobs),
                 csv ? fmt::format("{:.3f}", x.avg_jct_s) : hours(x.avg_jct_s),
                 csv ? fmt::format("{:.3f}", x.device_s) : hours(x.device_s, 1),
                 csv ? fmt::format("{:.3f}", x.imported_device_s) : hours(x.imported_device_s, 1)});
    }
  }
  return t;
}

}  // namespace

std::string gavel_summary_text(const trace::RoundEngine& engine, const std::vector<trace::RoundResult>& runs) {
  std::string out = summary_table(runs, false).render();
  if (show_tenants(runs)) {
    out += '\n';
    out += tenant_table(runs, false).render();
  }
  out += "\ncluster:";
  for (std::size_t k = 0; k < engine.cluster().size(); ++k) {
    const trace::WorkerPool& p = engine.cluster()[k];
    out += fmt::format("{} {}={} ({})", k ? "," : "", p.type, p.count, origin_name(p));
  }
  out += '\n';
  return out;
}

std::string gavel_json(const trace::RoundEngine& engine, const std::vector<trace::RoundResult>& runs) {
  nlohmann::ordered_json j;
  j["cluster"] = nlohmann::json::array();
  for (const trace::WorkerPool& p : engine.cluster()) {
    j["cluster"].push_back({{"type", p.type}, {"count", p.count}, {"origin", origin_name(p)}});
  }
  j["round_s"] = engine.options().round_s;
  j["seed"] = engine.options().seed;
  j["jobs"] = engine.jobs().size();
  j["runs"] = nlohmann::json::array();
  for (const trace::RoundResult& r : runs) {
    nlohmann::ordered_json run{{"policy", policy(r)},
                               {"avg_jct_s", r.avg_jct_s},
                               {"makespan_s", r.makespan_s},
                               {"rounds", r.rounds},
                               {"lp_solves", r.lp_solves},
                               {"lp_mean_s", r.lp_mean_s},
                               {"lp_max_s", r.lp_max_s}};
    nlohmann::ordered_json dev = nlohmann::json::object();
    for (std::size_t k = 0; k < engine.cluster().size(); ++k) dev[engine.cluster()[k].type] = r.device_s[k];
    run["device_s"] = std::move(dev);
    run["imported_device_s"] = r.imported_device_s;
    run["domestic_device_s"] = r.domestic_device_s;
    run["unknown_origin_device_s"] = r.unknown_origin_device_s;
    run["tenants"] = nlohmann::json::array();
    for (const trace::GavelTenantResult& t : r.tenants) {
      run["tenants"].push_back({{"tenant", t.tenant},
                                {"critical", t.critical},
                                {"jobs", t.jobs},
                                {"avg_jct_s", t.avg_jct_s},
                                {"device_s", t.device_s},
                                {"imported_device_s", t.imported_device_s}});
    }
    run["jobs"] = nlohmann::json::array();
    for (std::size_t m = 0; m < r.jobs.size(); ++m) {
      const trace::GavelJob& g = engine.jobs()[m];
      const trace::GavelJobResult& x = r.jobs[m];
      run["jobs"].push_back({{"job", m + 1},
                             {"job_type", g.job_type},
                             {"tenant", g.tenant},
                             {"scale_factor", g.scale_factor},
                             {"arrival_s", x.arrival_s},
                             {"completion_s", x.completion_s},
                             {"jct_s", x.jct_s},
                             {"rounds_run", x.rounds_run}});
    }
    j["runs"].push_back(std::move(run));
  }
  return j.dump(2) + "\n";
}

void write_gavel_csv(const trace::RoundEngine& engine, const std::vector<trace::RoundResult>& runs,
                     const std::string& dir) {
  create_output_directory(dir);
  const std::filesystem::path root(dir);
  write_text_file((root / "summary.csv").string(), summary_table(runs, true).csv());
  write_text_file((root / "tenants.csv").string(), tenant_table(runs, true).csv());
  Table jobs({{"policy"}, {"job"}, {"job_type"}, {"tenant"}, {"scale_factor"}, {"arrival_s"}, {"completion_s"},
              {"jct_s"}, {"rounds_run"}});
  for (const trace::RoundResult& r : runs) {
    for (std::size_t m = 0; m < r.jobs.size(); ++m) {
      const trace::GavelJob& g = engine.jobs()[m];
      const trace::GavelJobResult& x = r.jobs[m];
      jobs.add_row({policy(r), std::to_string(m + 1), g.job_type, g.tenant, std::to_string(g.scale_factor),
                    fmt::format("{:.3f}", x.arrival_s), fmt::format("{:.3f}", x.completion_s),
                    fmt::format("{:.3f}", x.jct_s), std::to_string(x.rounds_run)});
    }
  }
  write_text_file((root / "jobs.csv").string(), jobs.csv());
}

}  // namespace suanli::report

// `suanli check`, `suanli simulate`, `suanli demo`: the scenario commands.
#include <unistd.h>

#include <cstdio>
#include <future>
#include <mutex>

#include <fmt/format.h>

#include "suanli/cli/command.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/model/error.h"
#include "suanli/policy/coverage.h"
#include "suanli/report/coverage_report.h"
#include "suanli/report/html_report.h"
#include "suanli/report/sim_report.h"
#include "suanli/report/table.h"
#include "suanli/sim/simulator.h"

namespace suanli::cli {
namespace {

std::vector<Algorithm> parse_schedulers(const std::vector<std::string>& names) {
  std::vector<Algorithm> out;
  for (const std::string& n : names) {
    auto a = parse_algorithm(n);
    if (!a) {
      throw InputError("--scheduler",
                       fmt::format("found '{}', expected suanli, fifo-firstfit or fastest-first", n));
    }
    if (std::find(out.begin(), out.end(), *a) == out.end()) out.push_back(*a);
  }
  return out;
}

// Runs the scenario once per scheduler, in parallel, with one progress bar on
// a terminal.
std::vector<SimResult> run_all(const Scenario& s, const Catalog& c, const std::vector<Algorithm>& algorithms,
                               std::uint64_t seed, bool keep_log) {
  const bool tty = isatty(fileno(stderr)) != 0;
  std::mutex mu;
  std::vector<double> progress(algorithms.size(), 0.0);
  auto draw = [&] {
    double sum = 0;
    for (double p : progress) sum += p;
    const double f = sum / static_cast<double>(progress.size());
    const int width = 40;
    const int filled = static_cast<int>(f * width);
    std::fprintf(stderr, "\rsimulating %s [%s%s] %3.0f%%", s.name.c_str(), std::string(filled, '#').c_str(),
                 std::string(width - filled, ' ').c_str(), f * 100);
    std::fflush(stderr);
  };
  std::vector<std::future<SimResult>> futures;
  for (std::size_t i = 0; i < algorithms.size(); ++i) {
    futures.push_back(std::async(std::launch::async, [&, i] {
      SimOptions o;
      o.algorithm = algorithms[i];
      o.seed = seed;
      o.keep_log = keep_log;
      if (tty) {
        o.progress = [&, i](double f) {
          std::lock_guard<std::mutex> lock(mu);
          progress[i] = f;
          draw();
        };
      }
      return simulate(s, c, o);
    }));
  }
  std::vector<SimResult> results;
  for (auto& f : futures) results.push_back(f.get());
  if (tty) std::fprintf(stderr, "\r%*s\r", 70, "");
  return results;
}

}  // namespace

void add_sim_commands(CLI::App& app, Context& ctx) {
  // --- check ---------------------------------------------------------------
  auto* check = app.add_subcommand("check", "Validate a scenario and show which accelerators can serve each job class");
  check->footer(
      "Examples:\n"
      "  suanli check h200-window            an embedded scenario\n"
      "  suanli check my-centre.yaml --json  a file of yours, as data\n"
      "  suanli check h200-window --lang zh  in Chinese\n"
      "Embedded scenarios: h200-window, import-cut, all-domestic.");
  struct CheckOpts {
    std::string scenario, lang;
    bool json = false;
  };
  auto check_opts = std::make_shared<CheckOpts>();
  check->add_option("scenario", check_opts->scenario, "Scenario name or YAML file")->required();
  check->add_flag("--json", check_opts->json, "Print JSON");
  add_lang_option(check, check_opts->lang, "the text (JSON stays English)");
  check->callback([&ctx, check_opts] {
    const i18n::Lang lang = output_lang(check_opts->lang);
    const Catalog& c = ctx.catalog();
    const Scenario s = config::load_scenario(c, check_opts->scenario);
    const Coverage cov = analyse_coverage(s, c);
    if (check_opts->json) {
      write_output(report::coverage_json(s, cov), "");
    } else {
      write_output(report::coverage_text(s, cov, c, lang), "");
    }
  });

  // --- simulate ------------------------------------------------------------
  auto* sim = app.add_subcommand("simulate", "Run a scenario through the scheduler(s) and report");
  sim->footer(
      "Examples:\n"
      "  suanli simulate h200-window\n"
      "  suanli simulate import-cut --scheduler suanli,fifo-firstfit,fastest-first --html report.html\n"
      "  suanli simulate my-centre.yaml --seed 7 --json out.json --csv out/ --log events.log\n"
      "Schedulers: suanli (sovereignty- and heterogeneity-aware), fifo-firstfit, fastest-first.");
  struct SimOpts {
    std::string scenario;
    std::vector<std::string> schedulers{"suanli"};
    std::uint64_t seed = 0;
    std::string json, csv, html, log, policy, lang;
  };
  auto so = std::make_shared<SimOpts>();
  sim->add_option("scenario", so->scenario, "Scenario name or YAML file")->required();
  sim->add_option("--scheduler,-s", so->schedulers, "One or more schedulers, comma-separated")->delimiter(',');
  sim->add_option("--seed", so->seed, "RNG seed (default: the scenario's)");
  sim->add_option("--policy", so->policy, "Replace the scenario's policy: a built-in name or a policy file");
  sim->add_option("--json", so->json, "Write results as JSON to FILE ('-' for stdout)");
  sim->add_option("--csv", so->csv, "Write CSV files into DIR");
  sim->add_option("--html", so->html, "Write a self-contained HTML report to FILE");
  sim->add_option("--log", so->log, "Write the event log to FILE");
  add_lang_option(sim, so->lang);
  sim->callback([&ctx, so] {
    const i18n::Lang lang = output_lang(so->lang);
    const Catalog& c = ctx.catalog();
    Scenario s = config::load_scenario(c, so->scenario);
    if (!so->policy.empty()) s.policy = config::load_policy(so->policy);
    const auto algorithms = parse_schedulers(so->schedulers);
    const auto runs = run_all(s, c, algorithms, so->seed, !so->log.empty());
    if (so->json != "-") write_output(report::simulation_summary(runs, lang), "");
    if (!so->json.empty()) write_output(report::simulation_json(runs), so->json);
    if (!so->csv.empty()) report::write_simulation_csv(runs, so->csv);
    if (!so->html.empty()) write_output(report::simulation_html(s, runs, &c, lang), so->html);
    if (!so->log.empty()) {
      std::string text;
      for (const SimResult& r : runs) {
        for (const std::string& line : r.log) text += r.scheduler + " " + line + "\n";
      }
      write_output(text, so->log);
    }
    for (const auto& [path, what] : {std::pair{so->html, "HTML report"}, std::pair{so->csv, "CSV files"},
                                     std::pair{so->log, "event log"}}) {
      if (!path.empty() && path != "-") std::fprintf(stderr, "wrote %s: %s\n", what, path.c_str());
    }
  });

  // --- demo ----------------------------------------------------------------
  auto* demo = app.add_subcommand("demo", "Simulate the h200-window scenario with all three schedulers");
  demo->footer(
      "Example:\n"
      "  suanli demo                       writes suanli-report.html in the current directory\n"
      "  suanli demo --html /tmp/r.html\n"
      "  suanli demo --lang zh             the report in Chinese (default: from LANG / LC_ALL)");
  struct DemoOpts {
    std::string html = "suanli-report.html";
    std::string lang;
  };
  auto demo_opts = std::make_shared<DemoOpts>();
  demo->add_option("--html", demo_opts->html, "Where to write the HTML report")->capture_default_str();
  add_lang_option(demo, demo_opts->lang);
  demo->callback([&ctx, demo_opts] {
    const i18n::Lang lang = output_lang(demo_opts->lang);
    const Catalog& c = ctx.catalog();
    const Scenario s = config::load_scenario(c, "h200-window");
    const auto runs = run_all(s, c, {Algorithm::Sovereign, Algorithm::FifoFirstFit, Algorithm::FastestFirst}, 0, false);
    write_output(report::simulation_summary(runs, lang), "");
    write_output(report::simulation_html(s, runs, &c, lang), demo_opts->html);
    std::fprintf(stderr, "wrote HTML report: %s\n", demo_opts->html.c_str());
  });
}

}  // namespace suanli::cli

// `suanli check`, `suanli simulate`, `suanli demo`: the scenario commands.
#include <unistd.h>

#include <cstdio>
#include <atomic>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "suanli/cli/command.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/model/error.h"
#include "suanli/policy/coverage.h"
#include "suanli/report/coverage_report.h"
#include "suanli/report/html_report.h"
#include "suanli/report/sim_report.h"
#include "suanli/report/table.h"
#include "suanli/sim/scale.h"
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

// A streamed log small enough for the JSON report goes back into the result
// (without the scheduler prefix), as if it had been kept.
void keep_small_log(std::FILE* file, SimResult& r) {
  if (r.log_lines > static_cast<std::int64_t>(report::kJsonMaxRows)) return;
  std::rewind(file);
  const std::size_t prefix = r.scheduler.size() + 1;
  std::string line;
  for (int ch; (ch = std::fgetc(file)) != EOF;) {
    if (ch != '\n') {
      line.push_back(static_cast<char>(ch));
      continue;
    }
    r.log.push_back(line.substr(std::min(prefix, line.size())));
    line.clear();
  }
}

// Copies the runs' streamed logs, in order, to `path` ("-": stdout).
void copy_logs(const std::vector<std::FILE*>& logs, const std::string& path) {
  std::FILE* out = path == "-" ? stdout : std::fopen(path.c_str(), "wb");
  if (!out) throw InputError(path, "cannot open for writing");
  std::vector<char> buffer(1 << 16);
  for (std::FILE* f : logs) {
    std::rewind(f);
    for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0;) std::fwrite(buffer.data(), 1, n, out);
  }
  const bool ok = std::ferror(out) == 0;
  if (out != stdout) std::fclose(out);
  if (!ok) throw InputError(path, "write failed");
}

// Runs the scenario once per scheduler, in parallel, with one progress bar on
// a terminal.
// One simulation of a sweep.
struct RunSpec {
  Algorithm algorithm = Algorithm::Sovereign;
  std::uint64_t seed = 0;  // 0: the scenario's
};

// Runs every spec, in parallel on up to one thread per core (simulations are
// independent: perf and policy are pure), with one progress bar on a
// terminal; results in spec order, the same as one after the other. With
// `logs` (one open file per spec), each run streams its event log there,
// each line prefixed with the scheduler's name, rather than keeping it.
std::vector<SimResult> run_all(const Scenario& s, const Catalog& c, const std::vector<RunSpec>& specs,
                               const std::vector<std::FILE*>& logs) {
  const bool tty = isatty(fileno(stderr)) != 0;
  std::mutex mu;
  std::vector<double> progress(specs.size(), 0.0);
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
  auto one = [&](std::size_t i) {
    SimOptions o;
    o.algorithm = specs[i].algorithm;
    o.seed = specs[i].seed;
    o.keep_log = false;
    if (!logs.empty()) {
      o.log_sink = [file = logs[i], prefix = std::string(name(specs[i].algorithm)) + " "](const std::string& line) {
        std::fputs(prefix.c_str(), file);
        std::fputs(line.c_str(), file);
        std::fputc('\n', file);
      };
    }
    if (tty) {
      o.progress = [&, i](double f) {
        std::lock_guard<std::mutex> lock(mu);
        progress[i] = f;
        draw();
      };
    }
    return simulate(s, c, o);
  };
  std::vector<std::optional<SimResult>> results(specs.size());
  std::atomic<std::size_t> next{0};
  auto worker = [&] {
    for (std::size_t i; (i = next++) < specs.size();) results[i] = one(i);
  };
  const std::size_t threads = std::min<std::size_t>(specs.size(), std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::future<void>> pool;
  for (std::size_t t = 0; t < threads; ++t) pool.push_back(std::async(std::launch::async, worker));
  for (auto& f : pool) f.get();  // rethrows a run's exception
  if (tty) std::fprintf(stderr, "\r%*s\r", 70, "");
  std::vector<SimResult> out;
  for (auto& r : results) out.push_back(std::move(*r));
  return out;
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
      "  suanli simulate h200-window --scale 450          # national scale: 41,400 nodes, ~1M jobs\n"
      "  suanli simulate h200-window --seed 1,2,3,4 -s suanli,fifo-firstfit   # 8 runs, in parallel\n"
      "Schedulers: suanli (sovereignty- and heterogeneity-aware), fifo-firstfit, fastest-first.");
  struct SimOpts {
    std::string scenario;
    std::vector<std::string> schedulers{"suanli"};
    std::vector<std::uint64_t> seeds;
    int scale = 1, fleet_scale = 0;
    std::string json, csv, html, log, policy, lang;
  };
  auto so = std::make_shared<SimOpts>();
  sim->add_option("scenario", so->scenario, "Scenario name or YAML file")->required();
  sim->add_option("--scheduler,-s", so->schedulers, "One or more schedulers, comma-separated")->delimiter(',');
  sim->add_option("--seed", so->seeds,
                  "RNG seed (default: the scenario's); several, comma-separated, run every scheduler on each, in parallel")
      ->delimiter(',');
  sim->add_option("--scale", so->scale,
                  "Run the scenario K times larger: nodes, purchases, quotas, arrival rates and explicit jobs x K")
      ->check(CLI::Range(1, 100000));
  sim->add_option("--fleet-scale", so->fleet_scale, "With --scale: scale the fleet (nodes, purchases, quotas) by F instead")
      ->check(CLI::Range(1, 100000));
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
    if (so->scale > 1 || so->fleet_scale > 0) s = scale(s, so->scale, so->fleet_scale > 0 ? so->fleet_scale : so->scale);
    const auto algorithms = parse_schedulers(so->schedulers);
    std::vector<RunSpec> specs;
    for (std::uint64_t seed : so->seeds.empty() ? std::vector<std::uint64_t>{0} : so->seeds) {
      for (Algorithm a : algorithms) specs.push_back({a, seed});
    }
    // The event log streams to one temporary file per run (a national-scale
    // run logs millions of lines), copied out in run order at the end.
    std::vector<std::unique_ptr<std::FILE, int (*)(std::FILE*)>> files;
    std::vector<std::FILE*> logs;
    for (std::size_t i = 0; i < specs.size() && !so->log.empty(); ++i) {
      files.emplace_back(std::tmpfile(), &std::fclose);
      if (!files.back()) throw InputError(so->log, "cannot create a temporary file for the event log");
      logs.push_back(files.back().get());
    }
    auto runs = run_all(s, c, specs, logs);
    for (std::size_t i = 0; i < logs.size(); ++i) keep_small_log(logs[i], runs[i]);
    if (so->json != "-") write_output(report::simulation_summary(runs, lang), "");
    if (!so->json.empty()) write_output(report::simulation_json(runs), so->json);
    if (!so->csv.empty()) report::write_simulation_csv(runs, so->csv);
    if (!so->html.empty()) write_output(report::simulation_html(s, runs, &c, lang), so->html);
    if (!so->log.empty()) copy_logs(logs, so->log);
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
    const auto runs = run_all(s, c, {{Algorithm::Sovereign}, {Algorithm::FifoFirstFit}, {Algorithm::FastestFirst}}, {});
    write_output(report::simulation_summary(runs, lang), "");
    write_output(report::simulation_html(s, runs, &c, lang), demo_opts->html);
    std::fprintf(stderr, "wrote HTML report: %s\n", demo_opts->html.c_str());
  });
}

}  // namespace suanli::cli

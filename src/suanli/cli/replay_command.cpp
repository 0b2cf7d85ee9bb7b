// `suanli replay openb`: the FGD paper's packing experiment on the Alibaba
// openb trace (trace/packing.h), or a time replay of it (trace/time_replay.h),
// one or more policies and seeds; the same policies in both modes, built once
// as ReplayPolicy factories (trace/placement.h, trace_sched/suanli_policy.h).
// `suanli replay gavel`: Gavel's round-based replay (trace/rounds.h) of a
// Gavel trace on a heterogeneous cluster, with sovereignty rules.
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "suanli/cli/command.h"
#include "suanli/model/error.h"
#include "suanli/report/gavel_report.h"
#include "suanli/report/trace_html.h"
#include "suanli/report/trace_report.h"
#include "suanli/config/gavel_reader.h"
#include "suanli/config/openb_reader.h"
#include "suanli/trace/packing.h"
#include "suanli/trace/placement.h"
#include "suanli/trace/rounds.h"
#include "suanli/trace/time_replay.h"
#include "suanli/trace_sched/suanli_policy.h"

namespace suanli::cli {
namespace {

// $SUANLI_SHARED_DATA, else ../shared/data from the working directory (the
// layout of a checkout beside the shared data).
std::string shared_data_dir() {
  const char* env = std::getenv("SUANLI_SHARED_DATA");
  return env != nullptr && *env != '\0' ? env : "../shared/data";
}
std::string default_trace_dir() { return shared_data_dir() + "/traces"; }

// A file, or a pod-list family name ("cpu050" -> openb_pod_list_cpu050.csv in
// the default trace folder).
std::string resolve(const std::string& given, const std::string& flag, const std::string& default_name,
                    const std::string& family_prefix) {
  namespace fs = std::filesystem;
  if (given.empty()) {
    const std::string path = default_trace_dir() + "/" + default_name;
    if (!fs::exists(path)) {
      throw InputError(flag, fmt::format("not given, and the default {} is missing; pass {} FILE or set "
                                         "SUANLI_SHARED_DATA to the shared data folder",
                                         path, flag));
    }
    return path;
  }
  if (fs::exists(given) || given.find('/') != std::string::npos || given.ends_with(".csv")) return given;
  const std::string path = default_trace_dir() + "/" + family_prefix + given + ".csv";
  if (fs::exists(path)) return path;
  throw InputError(flag, fmt::format("found '{}', expected a CSV file or a list name such as 'default' or "
                                     "'cpu050' (no {} either)",
                                     given, path));
}

std::vector<std::uint64_t> parse_seeds(const std::string& text) {
  auto number = [&](std::string_view s) {
    std::uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
      throw InputError("--seeds", fmt::format("found '{}', expected a seed, a range A..B or a list A,B,C", text));
    }
    return v;
  };
  std::vector<std::uint64_t> out;
  const std::size_t dots = text.find("..");
  if (dots != std::string::npos) {
    const std::uint64_t a = number(std::string_view(text).substr(0, dots));
    const std::uint64_t b = number(std::string_view(text).substr(dots + 2));
    if (b < a || b - a >= 10000) {
      throw InputError("--seeds", fmt::format("found '{}', expected A..B with A <= B and at most 10,000 seeds", text));
    }
    for (std::uint64_t s = a; s <= b; ++s) out.push_back(s);
    return out;
  }
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(number(std::string_view(text).substr(start, comma - start)));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// The openb policies named by --policy, canonical and in the given order
// ("all": the six of packing.h and suanli, suanli's own scheduler).
std::vector<std::string> parse_policies(const std::vector<std::string>& names) {
  std::vector<std::string> out;
  auto add = [&](std::string_view n) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.emplace_back(n);
  };
  for (const std::string& n : names) {
    if (n == "all") {
      for (trace::PackPolicy k : trace::all_pack_policies()) add(trace::policy_name(k));
      add(trace::kSuanliPolicyName);
      continue;
    }
    if (n == trace::kSuanliPolicyName) {
      add(n);
      continue;
    }
    const auto p = trace::parse_pack_policy(n);
    if (!p) {
      std::vector<std::string> known;
      for (trace::PackPolicy k : trace::all_pack_policies()) known.emplace_back(trace::policy_name(k));
      known.emplace_back(trace::kSuanliPolicyName);
      throw InputError("--policy", fmt::format("found '{}', expected one of {} or all", n, fmt::join(known, ", ")));
    }
    add(trace::policy_name(*p));
  }
  return out;
}

// One factory per policy of parse_policies(), for either mode. The suanli
// policy's fleet is built into `fleet` on first need; it must outlive the runs.
std::vector<trace::ReplayPolicyFactory> policy_factories(const std::vector<std::string>& policies,
                                                         const trace::PackingEngine& engine, const Catalog& catalog,
                                                         std::optional<trace::SuanliFleet>& fleet) {
  std::vector<trace::ReplayPolicyFactory> factories;
  for (const std::string& name : policies) {
    if (name == trace::kSuanliPolicyName) {
      if (!fleet) fleet.emplace(engine, catalog, config::openb_gpu_models());
      factories.push_back(trace::suanli_policy_factory(*fleet));
    } else {
      factories.push_back(trace::builtin_factory(*trace::parse_pack_policy(name)));
    }
  }
  return factories;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    out.push_back(text.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return out;
    start = comma + 1;
  }
}

// "v100=36,p100=36,k80=36"
std::vector<trace::WorkerPool> parse_cluster(const std::string& text) {
  std::vector<trace::WorkerPool> out;
  for (const std::string& item : split_list(text)) {
    const std::size_t eq = item.find('=');
    int count = 0;
    const char* first = item.data() + (eq == std::string::npos ? 0 : eq + 1);
    const char* last = item.data() + item.size();
    const auto [ptr, ec] = std::from_chars(first, last, count);
    if (eq == std::string::npos || eq == 0 || first == last || ec != std::errc() || ptr != last || count <= 0) {
      throw InputError("--cluster", fmt::format("found '{}', expected TYPE=COUNT[,TYPE=COUNT...] with a count > 0, "
                                                "e.g. v100=36,p100=36,k80=36",
                                                item));
    }
    out.push_back({item.substr(0, eq), count, std::nullopt});
  }
  return out;
}

std::vector<trace::RoundPolicy> parse_round_policies(const std::vector<std::string>& names) {
  std::vector<trace::RoundPolicy> out;
  for (const std::string& n : names) {
    if (n == "all") return trace::all_round_policies();
    const auto p = trace::parse_round_policy(n);
    if (!p) {
      std::vector<std::string> known;
      for (trace::RoundPolicy k : trace::all_round_policies()) known.emplace_back(trace::round_policy_name(k));
      throw InputError("--policy", fmt::format("found '{}', expected one of {} or all", n, fmt::join(known, ", ")));
    }
    if (std::find(out.begin(), out.end(), *p) == out.end()) out.push_back(*p);
  }
  return out;
}

// The catalog id a worker type stands for: Gavel's names map through
// gavel_worker_types(); any other name is taken as a catalog id itself.
std::string catalog_id_of(const std::string& type) {
  for (const trace::GavelWorkerType& w : config::gavel_worker_types()) {
    if (type == w.name) return w.accelerator;
  }
  return type;
}

void add_gavel_command(CLI::App& replay, Context& ctx) {
  auto* gavel = replay.add_subcommand(
      "gavel", "Gavel trace (OSDI'20): round-based replay on a heterogeneous cluster, FIFO vs heterogeneity-aware "
               "policies, with sovereignty rules");
  gavel->footer(
      "Examples:\n"
      "  suanli replay gavel --trace ../shared/data/peers/gavel/traces/physical_cluster/small_test.trace\n"
      "  suanli replay gavel --trace T --cluster v100=36,p100=36,k80=36 --policy fifo,max-min --json\n"
      "  suanli replay gavel --trace T --tenants bank,lab --critical bank --imported v100 --csv out/\n"
      "Policies: fifo (Gavel's FIFO: random type, non-preemptive), fifo-hetero (fastest free type),\n"
      "max-min (Gavel's heterogeneity-aware max-min fairness LP). Default: all.\n"
      "Throughputs: Gavel's simulation_throughputs.json (default, from the shared data folder) or a CSV\n"
      "job_type,accelerator,devices,steps_per_s,source of your own measurements.\n"
      "Tenants: --tenants a,b,c gives job i the tenant i mod 3 (trace order); --critical names the tenants\n"
      "whose jobs may use only domestic types. Origins: --imported lists the imported types (the others are\n"
      "domestic); without it each type's origin comes from the catalog, else it is unknown (never domestic).");
  struct Opts {
    std::string trace, throughputs, cluster = "v100=36,p100=36,k80=36", csv;
    std::vector<std::string> policies{"all"}, imported, critical, tenants;
    double round_s = 360;
    std::uint64_t seed = 0;
    bool json = false;
  };
  auto o = std::make_shared<Opts>();
  gavel->add_option("--trace", o->trace, "Gavel trace file (10 tab-separated fields per job)")->required();
  gavel->add_option("--throughputs", o->throughputs,
                    "Throughput table: Gavel JSON or measurement CSV (default: peers/gavel/simulation_throughputs.json)");
  gavel->add_option("--cluster", o->cluster, "Worker pools TYPE=COUNT,...")->capture_default_str();
  gavel->add_option("--policy,-p", o->policies, "Policies, comma-separated, or all")->delimiter(',');
  gavel->add_option("--round", o->round_s, "Round length in seconds")->capture_default_str();
  gavel->add_option("--seed", o->seed, "Seed of fifo's random type choice")->capture_default_str();
  auto* imported = gavel->add_option("--imported", o->imported, "Imported worker types (others domestic)")->delimiter(',');
  gavel->add_option("--critical", o->critical, "Critical tenants: domestic types only")->delimiter(',');
  gavel->add_option("--tenants", o->tenants, "Tenants assigned round-robin to jobs in trace order")->delimiter(',');
  gavel->add_option("--csv", o->csv, "Write summary.csv, tenants.csv and jobs.csv into DIR");
  gavel->add_flag("--json", o->json, "Print JSON (summary per policy, tenants, every job) instead of the table");
  gavel->callback([o, imported, &ctx] {
    const auto policies = parse_round_policies(o->policies);
    auto cluster = parse_cluster(o->cluster);
    std::string tput_path = o->throughputs;
    if (tput_path.empty()) {
      tput_path = shared_data_dir() + "/peers/gavel/simulation_throughputs.json";
      if (!std::filesystem::exists(tput_path)) {
        throw InputError("--throughputs", fmt::format("not given, and the default {} is missing; pass --throughputs "
                                                      "FILE or set SUANLI_SHARED_DATA to the shared data folder",
                                                      tput_path));
      }
    }
    const trace::ThroughputTable table = config::read_throughputs(tput_path);
    if (table.unit != RateUnit::StepsPerS) {
      throw InputError(tput_path, fmt::format("the table is in {}; the round-based replay advances jobs by training "
                                              "steps, expected the header column steps_per_s", name(table.unit)));
    }
    auto jobs = config::read_gavel_trace(o->trace);
    if (jobs.empty()) throw InputError(o->trace, "no jobs in the trace");

    const auto known_workers = table.workers();
    for (const trace::WorkerPool& p : cluster) {
      if (std::find(known_workers.begin(), known_workers.end(), p.type) == known_workers.end()) {
        throw InputError("--cluster", fmt::format("worker type '{}' has no throughput in {}; known: {}", p.type,
                                                  tput_path, fmt::join(known_workers, ", ")));
      }
    }
    for (const std::string& t : o->imported) {
      if (std::none_of(cluster.begin(), cluster.end(), [&](const trace::WorkerPool& p) { return p.type == t; })) {
        throw InputError("--imported", fmt::format("found '{}', expected a worker type of --cluster", t));
      }
    }
    for (trace::WorkerPool& p : cluster) {
      if (imported->count() > 0) {
        p.origin = std::find(o->imported.begin(), o->imported.end(), p.type) != o->imported.end()
                       ? Origin::Imported
                       : Origin::Domestic;
      } else if (const Accelerator* a = ctx.catalog().find_accelerator(catalog_id_of(p.type))) {
        p.origin = a->origin;
      }
    }
    if (!o->critical.empty()) {
      std::vector<std::string> unknown;
      for (const trace::WorkerPool& p : cluster) {
        if (!p.origin) unknown.push_back(p.type);
      }
      if (!unknown.empty()) {
        throw InputError("--critical", fmt::format("the origin of {} is unknown (no catalog entry), so critical tenants "
                                                   "could not use them; say which types are imported with --imported",
                                                   fmt::join(unknown, ", ")));
      }
    }
    for (const std::string& t : o->tenants) {
      if (t.empty()) throw InputError("--tenants", "an empty tenant name");
    }
    for (std::size_t i = 0; i < jobs.size() && !o->tenants.empty(); ++i) jobs[i].tenant = o->tenants[i % o->tenants.size()];
    for (const std::string& c : o->critical) {
      if (std::none_of(jobs.begin(), jobs.end(), [&](const trace::GavelJob& j) { return j.tenant == c; })) {
        throw InputError("--critical", fmt::format("found '{}', expected a tenant of the trace (see --tenants)", c));
      }
    }
    const trace::RoundEngine engine(std::move(jobs), table, std::move(cluster),
                                    {.round_s = o->round_s, .seed = o->seed, .critical_tenants = o->critical});
    std::vector<trace::RoundResult> runs;
    for (trace::RoundPolicy p : policies) runs.push_back(engine.run(p));
    if (o->json) {
      write_output(report::gavel_json(engine, runs), "");
    } else {
      write_output(fmt::format("gavel round-based replay: {} jobs ({}), throughputs {}, rounds of {:g} s\n\n",
                               engine.jobs().size(), o->trace, tput_path, o->round_s),
                   "");
      write_output(report::gavel_summary_text(engine, runs), "");
    }
    if (!o->csv.empty()) {
      report::write_gavel_csv(engine, runs, o->csv);
      std::fprintf(stderr, "wrote CSV files: %s\n", o->csv.c_str());
    }
  });
}

}  // namespace

void add_replay_command(CLI::App& app, Context& ctx) {
  auto* replay = app.add_subcommand("replay", "Replay a real cluster trace");
  replay->require_subcommand(1);
  auto* openb = replay->add_subcommand(
      "openb", "Alibaba openb trace (FGD paper, ATC'23): pack an inflated workload, or replay it in time, under the "
               "paper's six placement policies and suanli's own");
  openb->footer(
      "Examples:\n"
      "  suanli replay openb                                    default lists from ../shared/data/traces\n"
      "  suanli replay openb --pods cpu050 --seeds 42..51       the paper's published point, 10 seeds\n"
      "  suanli replay openb --policy fgd,random --load 1.3 --csv out/ --json\n"
      "  suanli replay openb --mode time --html replay.html    pods arrive and leave at their trace times\n"
      "Policies: random, dotprod, clustering, packing, bestfit, fgd, and suanli, suanli's own scheduler\n"
      "(sched/ClusterState best fit, CPU and memory checked); default: all, in both modes.\n"
      "Packing mode (the paper's): pods are resampled until the GPU request reaches --load x capacity,\n"
      "shuffled, placed one at a time and never removed; time columns are ignored.\n"
      "Time mode: every pod arrives at creation_time and runs for deletion_time - creation_time from its\n"
      "start; a pod that fits nowhere waits (FIFO, retried when pods leave, --lookahead failed tries per\n"
      "retry); one that cannot fit the empty cluster fails; pods waiting at the trace end are unplaced.\n"
      "Pods without a valid deletion_time run to the end. Needs the full pod-list layout (with times).");
  struct Opts {
    std::string nodes, pods, mode = "pack", seeds = "42", csv, html, lang;
    std::vector<std::string> policies{"all"};
    double load = 1.3;
    double target_share = 1.0;
    int fgd_levels = 100;
    int lookahead = trace::TimeOptions{}.lookahead;
    bool json = false;
    unsigned threads = 0;
  };
  auto o = std::make_shared<Opts>();
  openb->add_option("--nodes", o->nodes, "Node list CSV (default: openb_node_list_gpu_node.csv)");
  openb->add_option("--pods", o->pods, "Pod list CSV, or a list name such as cpu050 (default: openb_pod_list_default.csv)");
  openb->add_option("--mode", o->mode, "pack (the paper's packing experiment) or time (trace times)")
      ->capture_default_str();
  openb->add_option("--policy,-p", o->policies, "Policies, comma-separated, or all")->delimiter(',');
  openb->add_option("--load", o->load, "Pack mode: target arrived GPU request / cluster GPU capacity")
      ->capture_default_str();
  openb->add_option("--seeds", o->seeds, "Seed, range A..B or list A,B,C")->capture_default_str();
  openb->add_option("--target-share", o->target_share,
                    "FGD target workload: most popular pod shapes covering this share of pods")
      ->capture_default_str();
  openb->add_option("--fgd-levels", o->fgd_levels,
                    "FGD score levels as in the authors' simulator (0 = exact argmin of the fragmentation increase)")
      ->capture_default_str();
  openb->add_option("--lookahead", o->lookahead,
                    "Time mode: failed tries per retry pass of the wait queue before it stops")
      ->capture_default_str();
  openb->add_option("--threads", o->threads, "Worker threads (default: all cores)");
  openb->add_option("--csv", o->csv, "Write summary.csv and curves.csv into DIR");
  openb->add_option("--html", o->html, "Write a self-contained HTML report with charts to FILE");
  openb->add_flag("--json", o->json, "Print JSON (summary, every run and its curve) instead of the table");
  add_lang_option(openb, o->lang, "the HTML report (the terminal text is English)");
  openb->callback([o, &ctx] {
    const i18n::Lang lang = output_lang(o->lang);
    if (o->mode != "pack" && o->mode != "time") {
      throw InputError("--mode", fmt::format("found '{}', expected pack or time", o->mode));
    }
    if (!(o->target_share > 0 && o->target_share <= 1)) {
      throw InputError("--target-share", fmt::format("found {}, expected a share in (0, 1]", o->target_share));
    }
    const auto policies = parse_policies(o->policies);
    const auto seeds = parse_seeds(o->seeds);
    const std::string nodes_path = resolve(o->nodes, "--nodes", "openb_node_list_gpu_node.csv", "openb_node_list_");
    const std::string pods_path = resolve(o->pods, "--pods", "openb_pod_list_default.csv", "openb_pod_list_");
    auto pods = config::read_openb_pods(pods_path);
    const std::size_t pod_rows = pods.size();
    const trace::PackingEngine engine(config::read_openb_nodes(nodes_path), std::move(pods),
                                      {.load = o->load, .typical_share = o->target_share, .fgd_levels = o->fgd_levels});
    const report::TraceHtmlInfo info{.nodes_path = nodes_path,
                                     .pods_path = pods_path,
                                     .seeds = o->seeds,
                                     .nodes = engine.node_count(),
                                     .gpus = engine.gpu_count(),
                                     .pod_rows = pod_rows,
                                     .load = o->load,
                                     .lang = lang};
    std::optional<trace::SuanliFleet> fleet;
    const auto factories = policy_factories(policies, engine, ctx.catalog(), fleet);
    if (o->mode == "time") {
      const trace::TimeReplay time_replay(engine, {.lookahead = o->lookahead});
      const auto runs = trace::run_all_time(time_replay, factories, seeds, o->threads);
      if (o->json) {
        write_output(report::time_json(runs), "");
      } else {
        write_output(fmt::format("openb time replay: {} nodes, {} GPUs ({}); {} pods ({}); {} to {} s ({:.1f} days); "
                                 "{} seed(s) {}\n\n",
                                 engine.node_count(), engine.gpu_count(), nodes_path, pod_rows, pods_path,
                                 time_replay.start_time(), time_replay.end_time(),
                                 static_cast<double>(time_replay.end_time() - time_replay.start_time()) / 86400.0,
                                 seeds.size(),
                                 o->seeds),
                     "");
        write_output(report::time_summary_text(runs), "");
      }
      if (!o->csv.empty()) {
        report::write_time_csv(runs, o->csv);
        std::fprintf(stderr, "wrote CSV files: %s\n", o->csv.c_str());
      }
      if (!o->html.empty()) {
        write_output(report::time_replay_html(runs, info), o->html);
        if (o->html != "-") std::fprintf(stderr, "wrote HTML report: %s\n", o->html.c_str());
      }
      return;
    }
    const auto runs = trace::run_all(engine, factories, seeds, o->threads);
    if (o->json) {
      write_output(report::packing_json(runs), "");
    } else {
      write_output(fmt::format("openb packing: {} nodes, {} GPUs ({}); {} pods ({}); load {:.0f}%; {} seed(s) {}\n\n",
                               engine.node_count(), engine.gpu_count(), nodes_path, pod_rows, pods_path,
                               o->load * 100, seeds.size(), o->seeds),
                   "");
      write_output(report::packing_summary_text(runs), "");
    }
    if (!o->csv.empty()) {
      report::write_packing_csv(runs, o->csv);
      std::fprintf(stderr, "wrote CSV files: %s\n", o->csv.c_str());
    }
    if (!o->html.empty()) {
      write_output(report::packing_html(runs, info), o->html);
      if (o->html != "-") std::fprintf(stderr, "wrote HTML report: %s\n", o->html.c_str());
    }
  });
  add_gavel_command(*replay, ctx);
}

}  // namespace suanli::cli

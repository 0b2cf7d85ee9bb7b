// `suanli slurm config` and `suanli slurm share`: the Slurm bridge's offline
// commands (the bridge itself runs inside `suanli serve --slurm`).
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>

#include <fmt/format.h>

#include "suanli/bridge/slurm/share.h"
#include "suanli/bridge/slurm/slurm_cli.h"
#include "suanli/bridge/slurm/slurm_config.h"
#include "suanli/cli/command.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/model/error.h"

namespace suanli::cli {
namespace {

namespace bs = suanli::bridge::slurm;

struct ConfigOptions {
  std::string scenario = "h200-window";
  std::string out;
  bs::SlurmConfigOptions config;
};

struct ShareOptions {
  std::string scenario = "h200-window";
  std::string since;
  std::string until;
  std::string slurm_conf;
  bool json = false;
  bool csv = false;
};

void run_config(Context& ctx, const ConfigOptions& o) {
  const Scenario scenario = config::load_scenario(ctx.catalog(), o.scenario);
  const bs::SlurmConfigFiles f = bs::compile_config(scenario, ctx.catalog(), o.config);
  const std::pair<const char*, const std::string*> files[] = {{"suanli.conf", &f.suanli_conf},
                                                              {"gres.conf", &f.gres_conf},
                                                              {"accounts.sh", &f.accounts_sh},
                                                              {"job_submit.lua", &f.job_submit_lua}};
  if (o.out.empty()) {
    for (const auto& [name, text] : files) std::printf("==> %s <==\n%s\n", name, text->c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.out, ec);
  if (ec) throw InputError("--out", fmt::format("cannot create '{}': {}", o.out, ec.message()));
  for (const auto& [name, text] : files) {
    const std::filesystem::path p = std::filesystem::path(o.out) / name;
    // Idempotent: a file that already says this is left alone (its time too,
    // so that Slurm does not reload what did not change).
    if (std::filesystem::exists(p) && config::read_file(p.string()) == *text) {
      std::printf("%s: unchanged\n", p.c_str());
      continue;
    }
    const std::filesystem::path tmp = p.string() + ".tmp";
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw InputError("--out", fmt::format("cannot write '{}'", tmp.string()));
      out << *text;
    }
    std::filesystem::permissions(tmp,
                                 std::string(name) == "accounts.sh" ? std::filesystem::perms(0755)
                                                                    : std::filesystem::perms(0644),
                                 ec);
    std::filesystem::rename(tmp, p, ec);
    if (ec) throw InputError("--out", fmt::format("cannot write '{}': {}", p.string(), ec.message()));
    std::printf("%s: written\n", p.c_str());
  }
}

Seconds parse_when(const std::string& text, const char* flag, Seconds now) {
  if (text == "now") return now;
  if (auto t = parse_time(text)) return *t;
  try {
    std::size_t used = 0;
    const long long n = std::stoll(text, &used);
    if (used == text.size()) return n;
  } catch (const std::exception&) {
  }
  throw InputError(flag, fmt::format("found '{}', expected 'now', seconds since 1970 or a UTC time yyyy-mm-dd[Thh:mm[:ss]]", text));
}

void run_share(Context& ctx, const ShareOptions& o) {
  const Scenario scenario = config::load_scenario(ctx.catalog(), o.scenario);
  const Seconds now = static_cast<Seconds>(std::time(nullptr));
  const Seconds until = o.until.empty() ? now : parse_when(o.until, "--until", now);
  const Seconds since = o.since.empty() ? until - scenario.policy.cap_window : parse_when(o.since, "--since", now);
  if (since >= until) throw InputError("--since", "found a window that ends before it starts, expected --since < --until");
  bs::SlurmCliOptions co;
  co.conf = o.slurm_conf;
  const bs::SlurmCli cli(co);
  const bs::CommandResult res = cli.sacct(since, until);
  if (!res.ok()) {
    throw InputError("sacct", fmt::format("failed ({}): {}", res.status, res.err.empty() ? res.out : res.err));
  }
  int skipped = 0;
  const auto runs = bs::parse_sacct(res.out, &skipped);
  const bs::ShareReport r = bs::share_report(runs, scenario, ctx.catalog(), since, until, now);
  if (o.json) {
    std::fputs(bs::share_json(r).c_str(), stdout);
  } else if (o.csv) {
    std::fputs(bs::share_csv(r).c_str(), stdout);
  } else {
    std::fputs(bs::share_table(r).c_str(), stdout);
  }
  if (skipped > 0) std::fprintf(stderr, "suanli: %d lines of sacct's output could not be read\n", skipped);
}

}  // namespace

void add_slurm_command(CLI::App& app, Context& ctx) {
  auto* slurm = app.add_subcommand("slurm", "The Slurm bridge: configuration from a scenario, the sacct-based share");
  slurm->require_subcommand(1);
  slurm->footer(
      "The bridge itself runs inside `suanli serve --slurm` (admission for job_submit.lua, following the cluster).\n"
      "A lab cluster on this machine: scripts/slurm/lab.sh up (README: \"Governing a Slurm cluster\").\n");

  auto co = std::make_shared<ConfigOptions>();
  auto* config = slurm->add_subcommand("config", "A scenario's fleet and tenants as Slurm configuration (reviewable text)");
  config->footer(
      "Examples:\n"
      "  suanli slurm config --scenario h200-window                 # prints suanli.conf, gres.conf, accounts.sh, job_submit.lua\n"
      "  suanli slurm config --scenario scripts/slurm/lab-scenario.yaml --out /etc/slurm --cluster lab \\\n"
      "      --admission-url http://127.0.0.1:8080 --token-file /etc/slurm/suanli-token\n"
      "Running it twice changes nothing (files that would not change are left alone).\n");
  config->add_option("--scenario", co->scenario, "Scenario name or YAML file")->capture_default_str();
  config->add_option("--out", co->out, "Write the files into this folder (default: print them)");
  config->add_option("--cluster", co->config.cluster, "Slurm cluster name (accounting)")->capture_default_str();
  config->add_option("--gres-files", co->config.gres_files,
                     "Device files per node for gres.conf: {node} = node name, {last} = last device index "
                     "(default: by vendor, e.g. /dev/nvidia[0-{last}])");
  config->add_option("--cpus", co->config.cpus, "CPUs= per node (default: omitted, Slurm reads the hardware)");
  config->add_option("--memory-mb", co->config.real_memory_mb, "RealMemory= per node (default: omitted)");
  config->add_option("--one-host-port", co->config.one_host_port,
                     "Every node on this host (a lab): NodeAddr=127.0.0.1 and ports from this one");
  config->add_option("--hostname", co->config.hostname, "NodeHostname for --one-host-port")->capture_default_str();
  config->add_flag("!--without-accounting", co->config.accounting,
                   "The cluster has no slurmdbd: leave out AccountingStorageTRES (sacct and the share need it)");
  config->add_option("--users", co->config.users, "Users given every tenant's account (e.g. a lab's root)")->delimiter(',');
  config->add_option("--admission-url", co->config.admission_url, "Where the plugin finds suanli serve")
      ->capture_default_str();
  config->add_option("--token-file", co->config.token_file, "The plugin's operator token (a file only SlurmUser reads)")
      ->capture_default_str();
  config->add_option("--timeout", co->config.timeout_s, "The plugin's time limit per call, seconds (fail closed after it)")
      ->capture_default_str()
      ->check(CLI::Range(0.05, 60.0));
  config->add_option("--admin-uid", co->config.admin_uids,
                     "Uids that may change a steered job (root, SlurmUser, the bridge's); default 0");
  config->callback([&ctx, co] { run_config(ctx, *co); });

  auto so = std::make_shared<ShareOptions>();
  auto* share = slurm->add_subcommand("share", "Device-hours and the domestic share from Slurm's accounting (sacct)");
  share->footer(
      "Examples:\n"
      "  suanli slurm share --scenario scripts/slurm/lab-scenario.yaml --since 2026-12-01 --until now\n"
      "  suanli slurm share --scenario h200-window --since 2026-11-01 --until 2026-12-01 --json\n"
      "Counts every run of requeued jobs (sacct -D), clipped to the window, by the typed GPU TRES.\n");
  share->add_option("--scenario", so->scenario, "Scenario (tenants' targets, the fleet, the imported cap)")
      ->capture_default_str();
  share->add_option("--since", so->since, "Window start: UTC yyyy-mm-dd[Thh:mm[:ss]], seconds since 1970 (default: "
                                          "--until minus the policy's cap window)");
  share->add_option("--until", so->until, "Window end (default now)");
  share->add_option("--slurm-conf", so->slurm_conf, "SLURM_CONF for sacct (default: Slurm's own)");
  share->add_flag("--json", so->json, "JSON");
  share->add_flag("--csv", so->csv, "CSV (device-hours per tenant and model)");
  share->callback([&ctx, so] { run_share(ctx, *so); });
}

}  // namespace suanli::cli

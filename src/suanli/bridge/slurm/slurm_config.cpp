#include "suanli/bridge/slurm/slurm_config.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "suanli/bridge/slurm/hostlist.h"
#include "suanli/bridge/slurm/lua_plugin.h"
#include "suanli/model/error.h"

namespace suanli::bridge::slurm {
namespace {

// Slurm node, GRES type, account and QOS names: letters, digits, '-', '_', '.'.
void check_name(const std::string& name, const std::string& what) {
  const bool ok = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!ok) {
    throw InputError(what, fmt::format("found '{}', expected letters, digits, '-', '_' or '.' (a name Slurm accepts)", name));
  }
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string device_files(const SlurmConfigOptions& o, const Accelerator& a, const std::string& node, int devices) {
  std::string pattern = o.gres_files;
  if (pattern.empty()) {
    const std::string v = lower(a.vendor);
    pattern = v == "nvidia"      ? "/dev/nvidia[0-{last}]"
              : v == "huawei"    ? "/dev/davinci[0-{last}]"
              : v == "cambricon" ? "/dev/cambricon_dev[0-{last}]"
                                 : "/dev/" + replace_all(v, " ", "_") + "[0-{last}]";
  }
  pattern = replace_all(pattern, "{node}", node);
  return replace_all(pattern, "{last}", std::to_string(devices - 1));
}

// A value for sacctmgr: quoted when it has anything but a plain word.
std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

}  // namespace

std::vector<SlurmNodeName> fleet_nodes(const Scenario& scenario) {
  std::vector<SlurmNodeName> out;
  for (const NodeGroup& g : scenario.fleet) {
    for (int i = 1; i <= g.count; ++i) out.push_back({fmt::format("{}-{}", g.id, i), &g});
  }
  return out;
}

SlurmConfigFiles compile_config(const Scenario& scenario, const Catalog& catalog, const SlurmConfigOptions& o) {
  check_name(o.cluster, "--cluster");
  const std::vector<SlurmNodeName> nodes = fleet_nodes(scenario);
  if (nodes.empty()) throw InputError("--scenario", fmt::format("found no nodes in the fleet of '{}'", scenario.name));
  SlurmConfigFiles f;

  // --- suanli.conf -------------------------------------------------------------------------
  std::vector<std::string> types, domestic, imported, all;
  std::string node_lines;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const auto& [node, g] = nodes[i];
    check_name(node, "fleet");
    const Accelerator& a = catalog.accelerator(g->accelerator, "fleet");
    check_name(a.id, "accelerator");
    if (std::find(types.begin(), types.end(), a.id) == types.end()) types.push_back(a.id);
    (a.origin == Origin::Domestic ? domestic : imported).push_back(node);
    all.push_back(node);
    std::string line = fmt::format("NodeName={}", node);
    if (o.one_host_port > 0) {
      line += fmt::format(" NodeHostname={} NodeAddr=127.0.0.1 Port={}", o.hostname, o.one_host_port + static_cast<int>(i));
    }
    if (o.cpus > 0) line += fmt::format(" CPUs={}", o.cpus);
    if (o.real_memory_mb > 0) line += fmt::format(" RealMemory={}", o.real_memory_mb);
    line += fmt::format(" Gres=gpu:{}:{} Features={},{} State=UNKNOWN", a.id, g->devices_per_node, a.id, suanli::name(a.origin));
    node_lines += line + "\n";
  }
  std::string tres = "gres/gpu";
  for (const std::string& t : types) tres += ",gres/gpu:" + t;
  f.suanli_conf = fmt::format(
      "# suanli.conf: the fleet of scenario '{}' as Slurm nodes and partitions.\n"
      "# Written by `suanli slurm config`; include it from slurm.conf:  Include <dir>/suanli.conf\n"
      "# One GRES type per catalog accelerator id; Features carry the model and its origin.\n"
      "# Node names are suanli's (<group>-<n>), so a placement names the nodes Slurm runs.\n"
      "GresTypes=gpu\n"
      "{}"
      "{}"
      "PartitionName=all Nodes={} Default=YES MaxTime=INFINITE State=UP\n",
      scenario.name,
      o.accounting ? fmt::format("AccountingStorageTRES={}\n", tres)
                   : "# (no AccountingStorageTRES: without slurmdbd Slurm refuses GPU TRES)\n",
      node_lines, join_hostlist(all));
  if (!domestic.empty()) {
    f.suanli_conf += fmt::format("PartitionName=domestic Nodes={} MaxTime=INFINITE State=UP\n", join_hostlist(domestic));
  }
  if (!imported.empty()) {
    f.suanli_conf += fmt::format("PartitionName=imported Nodes={} MaxTime=INFINITE State=UP\n", join_hostlist(imported));
  }

  // --- gres.conf ------------------------------------------------------------------------------
  f.gres_conf = fmt::format("# gres.conf for scenario '{}' (written by `suanli slurm config`).\nAutoDetect=off\n", scenario.name);
  for (const auto& [node, g] : nodes) {
    const Accelerator& a = catalog.accelerator(g->accelerator);
    f.gres_conf += fmt::format("NodeName={} Name=gpu Type={} File={}\n", node, a.id,
                               device_files(o, a, node, g->devices_per_node));
  }

  // --- accounts.sh ----------------------------------------------------------------------------
  std::string acc = fmt::format(
      "#!/bin/sh\n"
      "# Slurm accounts for the tenants of scenario '{}' (written by `suanli slurm config`).\n"
      "# Per tenant: a QOS suanli-<tenant> (its priority; its device quota as GrpTRES, a second\n"
      "# line of defence behind suanli's own) and an account whose Organization is its sector.\n"
      "# Adds what is missing and sets what differs: running it twice changes nothing.\n"
      "set -eu\n"
      "ensure() {{  # runs a sacctmgr add; \"already exists\" is fine\n"
      "  out=$(\"$@\" 2>&1) && return 0\n"
      "  case \"$out\" in *\"already exists\"*|*\"Nothing new added\"*) return 0 ;; esac\n"
      "  echo \"$out\" >&2; return 1\n"
      "}}\n"
      "set_() {{  # runs a sacctmgr modify; \"nothing modified\" is fine\n"
      "  out=$(\"$@\" 2>&1) && return 0\n"
      "  case \"$out\" in *\"Nothing modified\"*|*\"Nothing to modify\"*) return 0 ;; esac\n"
      "  echo \"$out\" >&2; return 1\n"
      "}}\n"
      "ensure sacctmgr -i add cluster {}\n",
      scenario.name, o.cluster);
  for (const Tenant& t : scenario.tenants) {
    check_name(t.name, "tenants");
    const std::string qos = "suanli-" + t.name;
    const std::string limit = t.quota_devices > 0 ? fmt::format("gres/gpu={}", t.quota_devices) : "gres/gpu=-1";
    acc += fmt::format("# {} ({}): priority {}, quota {} devices, domestic target {:g}\n", t.name, t.sector, t.priority,
                       t.quota_devices, t.domestic_target);
    acc += fmt::format("ensure sacctmgr -i add qos {}\n", qos);
    acc += fmt::format("set_ sacctmgr -i modify qos where name={} set Priority={} GrpTRES={}\n", qos,
                       std::max(0, t.priority), limit);
    acc += fmt::format("ensure sacctmgr -i add account {} Cluster={} Organization={} Description={}\n", t.name, o.cluster,
                       quoted(t.sector), quoted(t.note.empty() ? t.sector : t.note.substr(0, 120)));
    acc += fmt::format("set_ sacctmgr -i modify account where name={} cluster={} set QOS={} DefaultQOS={}\n", t.name,
                       o.cluster, qos, qos);
  }
  for (const std::string& u : o.users) {
    check_name(u, "--users");
    for (const Tenant& t : scenario.tenants) {
      acc += fmt::format("ensure sacctmgr -i add user {} Account={} Cluster={}\n", u, t.name, o.cluster);
    }
    if (!scenario.tenants.empty()) {
      acc += fmt::format("set_ sacctmgr -i modify user where name={} cluster={} set DefaultAccount={}\n", u, o.cluster,
                         scenario.tenants.front().name);
    }
  }
  f.accounts_sh = acc;

  // --- job_submit.lua -------------------------------------------------------------------------
  std::string lua(job_submit_lua_template());
  std::string uids;
  for (int uid : o.admin_uids) uids += (uids.empty() ? "" : ", ") + std::to_string(uid);
  lua = replace_all(lua, "@URL@", o.admission_url);
  lua = replace_all(lua, "@TOKEN_FILE@", o.token_file);
  lua = replace_all(lua, "@TIMEOUT@", fmt::format("{:g}", o.timeout_s));
  lua = replace_all(lua, "@ADMIN_UIDS@", uids);
  f.job_submit_lua = lua;
  return f;
}

}  // namespace suanli::bridge::slurm

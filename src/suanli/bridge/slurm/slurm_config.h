// `suanli slurm config`: a scenario's fleet and tenants as Slurm
// configuration, reviewable text (issue 10, item 1).
//
//   suanli.conf      included from slurm.conf: GresTypes, the typed GPU TRES
//                    that accounting keeps, one NodeName line per node of the
//                    fleet (named as suanli names it, "<group>-<n>"), with
//                    Gres=gpu:<catalog id>:<devices> and Features=<catalog
//                    id>,<origin>; partitions "all" (default), "domestic" and
//                    "imported" (the plugin puts each job in its model's)
//   gres.conf        one line per node: Name=gpu Type=<catalog id> File=...
//   accounts.sh      sacctmgr commands: per tenant a QOS "suanli-<tenant>"
//                    (its priority, its quota as GrpTRES=gres/gpu=N) and an
//                    account (Organization = its sector); the users named get
//                    every tenant's account. Adds what is missing and sets
//                    what differs, so running it twice changes nothing.
//   job_submit.lua   the admission plugin with its settings
//
// The text depends only on the inputs (no clock, no host lookups), so
// compiling twice gives the same bytes. Pure; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "suanli/catalog/catalog.h"
#include "suanli/model/scenario.h"

namespace suanli::bridge::slurm {

struct SlurmConfigOptions {
  std::string cluster = "suanli";  // ClusterName / the accounting cluster
  // Device files per node for gres.conf: {node} is the node's name, {last}
  // its last device index (e.g. "/dev/nvidia[0-{last}]"). Empty: by vendor
  // (NVIDIA /dev/nvidia*, Huawei /dev/davinci*, Cambricon /dev/cambricon_dev*,
  // others /dev/<vendor>*, to be checked).
  std::string gres_files;
  int cpus = 0;                    // CPUs= per node; 0 = omitted (Slurm reads the hardware)
  int real_memory_mb = 0;          // RealMemory= per node; 0 = omitted
  // > 0: every node runs on this one host (a lab): NodeHostname=`hostname`,
  // NodeAddr=127.0.0.1 and Port=one_host_port + i for the i-th node.
  int one_host_port = 0;
  std::string hostname = "localhost";
  std::vector<std::string> users;  // given every tenant's account (e.g. a lab's "root")
  bool accounting = true;          // slurmdbd runs: AccountingStorageTRES lists the typed GPUs (Slurm refuses it without)
  // The plugin's settings.
  std::string admission_url = "http://127.0.0.1:8080";
  std::string token_file = "/etc/slurm/suanli-token";
  double timeout_s = 2.0;
  std::vector<int> admin_uids = {0};  // may change a steered job (root; add SlurmUser's and the bridge's)
};

struct SlurmConfigFiles {
  std::string suanli_conf;
  std::string gres_conf;
  std::string accounts_sh;
  std::string job_submit_lua;
};

// Throws InputError for a scenario Slurm cannot take (a node or type name
// with characters Slurm does not accept, a fleet without nodes).
SlurmConfigFiles compile_config(const Scenario& scenario, const Catalog& catalog, const SlurmConfigOptions& options);

// The Slurm node names of the scenario's fleet, with their group.
struct SlurmNodeName {
  std::string name;
  const NodeGroup* group = nullptr;
};
std::vector<SlurmNodeName> fleet_nodes(const Scenario& scenario);

}  // namespace suanli::bridge::slurm

// SlurmCli: the bridge's hands on Slurm, through Slurm's own commands
// (squeue --json and sinfo --json to read; scontrol to act; sacct for
// accounting). The commands speak for whoever runs suanli serve: it must be
// root, SlurmUser or a Slurm operator to hold, release, requeue and drain.
//
// Why the commands and not slurmrestd: Slurm 22.05's REST API (v0.0.38)
// reads jobs and nodes but cannot hold, release, requeue or drain, so a
// bridge on REST alone could not act; the commands do both with the same
// credentials and need no token. (The lab starts slurmrestd with JWT all the
// same, for people and tools.)
//
// Each call runs one process with a time limit (killed when it passes); a
// command that fails is reported, never thrown past the caller. Thread-safe
// (no shared state).
#pragma once

#include <string>
#include <vector>

#include "suanli/bridge/slurm/reconcile.h"
#include "suanli/model/time.h"

namespace suanli::bridge::slurm {

struct SlurmCliOptions {
  std::string conf;          // SLURM_CONF for the commands; "" = Slurm's default (/etc/slurm/slurm.conf)
  std::string bin_dir;       // where squeue, sinfo, scontrol, sacct are; "" = PATH
  double timeout_s = 10.0;   // per command
};

struct CommandResult {
  int status = -1;           // exit code; -1 when it could not run or was killed
  std::string out;
  std::string err;
  bool ok() const { return status == 0; }
};

class SlurmCli {
 public:
  explicit SlurmCli(SlurmCliOptions options) : options_(std::move(options)) {}

  // Runs `tool` (e.g. "scontrol") with `args`; `extra_env` as "K=V".
  CommandResult run(const std::string& tool, const std::vector<std::string>& args,
                    const std::vector<std::string>& extra_env = {}) const;

  // squeue --json and sinfo --json. Throws std::runtime_error (with the
  // command's error) when Slurm cannot be read.
  SlurmSnapshot snapshot() const;

  // Carries out one action; false with `error` set when Slurm refused.
  bool apply(const SlurmAction& a, std::string& error) const;

  // sacct's allocations (-X, all runs of requeued jobs) overlapping [since, until):
  // JobIDRaw|Account|State|Start|End|AllocTRES|NodeList|AdminComment, times in seconds.
  CommandResult sacct(Seconds since, Seconds until) const;

  const SlurmCliOptions& options() const { return options_; }

 private:
  SlurmCliOptions options_;
};

// Parsers of the commands' JSON (exposed for tests).
std::vector<SlurmJob> parse_squeue_json(const std::string& text);
std::vector<SlurmNode> parse_sinfo_json(const std::string& text);

}  // namespace suanli::bridge::slurm

#include "suanli/bridge/slurm/slurm_cli.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <map>
#include <stdexcept>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "suanli/bridge/slurm/hostlist.h"
#include "suanli/bridge/slurm/submission.h"

extern char** environ;

namespace suanli::bridge::slurm {
namespace {

using Json = nlohmann::json;

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::int64_t number_of(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end()) return 0;
  if (it->is_number_integer() || it->is_number_unsigned()) return it->get<std::int64_t>();
  if (it->is_number()) return static_cast<std::int64_t>(it->get<double>());
  return 0;
}

std::vector<std::string> nodes_of(const std::string& expr) {
  try {
    return expand_hostlist(expr);
  } catch (const std::exception&) {
    return {};
  }
}

// Local time as sacct's -S/-E want it.
std::string local_time(Seconds t) {
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace

CommandResult SlurmCli::run(const std::string& tool, const std::vector<std::string>& args,
                            const std::vector<std::string>& extra_env) const {
  CommandResult r;
  const std::string path = options_.bin_dir.empty() ? tool : options_.bin_dir + "/" + tool;
  std::vector<std::string> argv_s = {path};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  // The environment: ours, with SLURM_CONF set (when given), SLURM_JWT
  // dropped (the commands would use a token instead of munge) and
  // `extra_env` added.
  std::vector<std::string> env_s;
  for (char** e = environ; *e; ++e) {
    const std::string kv = *e;
    if ((!options_.conf.empty() && kv.rfind("SLURM_CONF=", 0) == 0) || kv.rfind("SLURM_JWT=", 0) == 0) continue;
    bool overridden = false;
    for (const std::string& x : extra_env) overridden = overridden || kv.rfind(x.substr(0, x.find('=') + 1), 0) == 0;
    if (!overridden) env_s.push_back(kv);
  }
  if (!options_.conf.empty()) env_s.push_back("SLURM_CONF=" + options_.conf);
  env_s.insert(env_s.end(), extra_env.begin(), extra_env.end());
  std::vector<char*> envp;
  for (std::string& e : env_s) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out_pipe[2], err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0) {
    r.err = std::strerror(errno);
    return r;
  }
  if (pipe2(err_pipe, O_CLOEXEC) != 0) {
    r.err = std::strerror(errno);
    close(out_pipe[0]);
    close(out_pipe[1]);
    return r;
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err_pipe[1], STDERR_FILENO);
  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, path.c_str(), &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    r.err = fmt::format("cannot run {}: {}", path, std::strerror(rc));
    return r;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(options_.timeout_s);
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  bool killed = false;
  char buf[65536];
  while (open_fds > 0) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    if (poll(fds, 2, static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int k = 0; k < 2; ++k) {
      if (fds[k].fd < 0 || !(fds[k].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = read(fds[k].fd, buf, sizeof buf);
      if (n > 0) {
        (k == 0 ? r.out : r.err).append(buf, static_cast<std::size_t>(n));
      } else {
        close(fds[k].fd);
        fds[k].fd = -1;
        --open_fds;
      }
    }
  }
  for (pollfd& p : fds) {
    if (p.fd >= 0) close(p.fd);
  }
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (killed) {
    r.err += fmt::format("{}: killed after {:g} s", tool, options_.timeout_s);
    r.status = -1;
  } else {
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }
  return r;
}

std::vector<SlurmJob> parse_squeue_json(const std::string& text) {
  const Json doc = Json::parse(text);
  std::vector<SlurmJob> out;
  for (const Json& j : doc.value("jobs", Json::array())) {
    SlurmJob s;
    s.id = number_of(j, "job_id");
    s.state = text_of(j, "job_state");
    s.reason = text_of(j, "state_reason");
    s.held = j.contains("priority") && number_of(j, "priority") == 0 && slurm_pending(s.state);
    s.nodes = nodes_of(text_of(j, "nodes"));
    s.required = nodes_of(text_of(j, "required_nodes"));
    s.tres_per_node = text_of(j, "tres_per_node");
    s.account = text_of(j, "account");
    s.partition = text_of(j, "partition");
    s.name = text_of(j, "name");
    s.suanli_job = linked_job(text_of(j, "admin_comment"));
    s.restarts = static_cast<int>(number_of(j, "restart_cnt"));
    s.start = number_of(j, "start_time");
    s.end = number_of(j, "end_time");
    s.exit_code = static_cast<int>(number_of(j, "exit_code"));
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<SlurmNode> parse_sinfo_json(const std::string& text) {
  const Json doc = Json::parse(text);
  std::vector<SlurmNode> out;
  std::map<std::string, bool> seen;
  for (const Json& n : doc.value("nodes", Json::array())) {
    SlurmNode s;
    s.name = text_of(n, "name");
    if (s.name.empty() || seen[s.name]) continue;
    seen[s.name] = true;
    s.state = text_of(n, "state");
    bool drain_flag = false;
    for (const Json& f : n.value("state_flags", Json::array())) {
      if (f.is_string() && (f.get<std::string>() == "DRAIN" || f.get<std::string>() == "DRAINING")) drain_flag = true;
    }
    s.drain = drain_flag || s.state == "drained" || s.state == "draining";
    s.down = s.state == "down";
    s.reason = text_of(n, "reason");
    s.gres = text_of(n, "gres");
    s.gres_used = text_of(n, "gres_used");
    out.push_back(std::move(s));
  }
  return out;
}

SlurmSnapshot SlurmCli::snapshot() const {
  SlurmSnapshot s;
  const CommandResult q = run("squeue", {"--json", "--states=all"});
  if (!q.ok()) throw std::runtime_error(fmt::format("squeue --json failed: {}{}", q.err, q.out.substr(0, 200)));
  const CommandResult n = run("sinfo", {"--json"});
  if (!n.ok()) throw std::runtime_error(fmt::format("sinfo --json failed: {}{}", n.err, n.out.substr(0, 200)));
  try {
    s.jobs = parse_squeue_json(q.out);
    s.nodes = parse_sinfo_json(n.out);
  } catch (const Json::exception& e) {
    throw std::runtime_error(fmt::format("cannot read Slurm's JSON: {}", e.what()));
  }
  return s;
}

bool SlurmCli::apply(const SlurmAction& a, std::string& error) const {
  const std::string job = std::to_string(a.job);
  auto check = [&](const CommandResult& r) {
    if (r.ok()) return true;
    error = fmt::format("{} {}: {}", name(a.kind), a.job > 0 ? job : a.node, r.err.empty() ? r.out : r.err);
    while (!error.empty() && (error.back() == '\n' || error.back() == ' ')) error.pop_back();
    return false;
  };
  switch (a.kind) {
    case SlurmAction::Kind::Place: {
      const Placement& p = a.placement;
      if (p.per_node <= 0) {
        error = fmt::format("place {}: devices differ across nodes ({}); Slurm's per-node GRES cannot say it", a.job,
                            fmt::join(p.nodes, ","));
        return false;
      }
      // StartTime=now: a requeued job would otherwise wait out Slurm's
      // credential lifetime (120 s) before it may start again.
      std::vector<std::string> args = {"update", "jobid=" + job, fmt::format("NumNodes={}", p.nodes.size()),
                                       "NodeList=" + join_hostlist(p.nodes), "StartTime=now"};
      if (a.current_gres != "gres:" + p.gres()) args.push_back("Gres=" + p.gres());
      if (!p.partition.empty()) args.push_back("Partition=" + p.partition);
      if (!check(run("scontrol", args))) return false;
      return check(run("scontrol", {"release", job}));
    }
    case SlurmAction::Kind::Hold: return check(run("scontrol", {"hold", job}));
    case SlurmAction::Kind::RequeueHold: return check(run("scontrol", {"requeuehold", job}));
    case SlurmAction::Kind::Cancel: return check(run("scancel", {job}));
    case SlurmAction::Kind::Drain:
      return check(run("scontrol", {"update", "NodeName=" + a.node, "State=DRAIN", "Reason=" + a.reason}));
    case SlurmAction::Kind::Resume: return check(run("scontrol", {"update", "NodeName=" + a.node, "State=RESUME"}));
  }
  return false;
}

CommandResult SlurmCli::sacct(Seconds since, Seconds until) const {
  return run("sacct", {"--allocations", "--allusers", "--duplicates", "--parsable2", "--noheader",
                       "--starttime=" + local_time(since), "--endtime=" + local_time(until),
                       "--format=JobIDRaw,Account,State,Start,End,AllocTRES,NodeList,AdminComment"},
             {"SLURM_TIME_FORMAT=%s"});
}

}  // namespace suanli::bridge::slurm

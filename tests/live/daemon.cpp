#include "daemon.h"

#include "run_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace suanli::live_test {
using cli_test::slurp;

Daemon::Daemon(std::vector<std::string> argv, const std::filesystem::path& dir, std::string name,
               const std::filesystem::path& cwd)
    : out_(dir / (name + ".out")), err_(dir / (name + ".err")), name_(std::move(name)) {
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(name_ + ": cannot start " + argv[0] + ": " + std::strerror(rc));
}

Daemon::~Daemon() {
  if (pid_ > 0) kill9();
}

bool Daemon::alive() {
  if (pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

std::string Daemon::wait_for(const std::string& marker, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = out();
    if (const auto at = text.find(marker); at != std::string::npos) {
      const auto start = text.rfind('\n', at);
      const auto end = text.find('\n', at);
      return text.substr(start == std::string::npos ? 0 : start + 1,
                         end == std::string::npos ? std::string::npos : end - (start == std::string::npos ? 0 : start + 1));
    }
    if (!alive()) {
      throw std::runtime_error(name_ + " exited before it was ready.\nstdout:\n" + out() + "\nstderr:\n" + err());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error(name_ + " was not ready in time.\nstdout:\n" + out() + "\nstderr:\n" + err());
}

std::string Daemon::reap(bool block) {
  int status = 0;
  const pid_t r = waitpid(pid_, &status, block ? 0 : WNOHANG);
  if (r != pid_) return "";
  pid_ = -1;
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "ended";
}

std::string Daemon::stop(std::chrono::seconds grace, int signal) {
  if (pid_ <= 0) return "not running";
  ::kill(pid_, signal);
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (std::string s = reap(false); !s.empty()) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill9();
  return "killed after the grace period";
}

void Daemon::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(true);
}

std::string Daemon::out() const { return slurp(out_); }
std::string Daemon::err() const { return slurp(err_); }

int run(std::vector<std::string> argv, std::string& output, const std::filesystem::path& cwd) {
  const cli_test::ScratchDir scratch;
  const cli_test::ProcessResult r =
      cli_test::run_process(argv[0], {argv.begin() + 1, argv.end()}, scratch.path(), std::chrono::seconds(120), cwd);
  output = r.spawn_error.empty() ? r.out + r.err : r.spawn_error;
  return r.exited ? r.exit_code : -1;
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (fd >= 0) close(fd);
    throw std::runtime_error(std::string("free_port: ") + std::strerror(errno));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace suanli::live_test

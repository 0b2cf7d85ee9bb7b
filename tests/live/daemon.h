// Servers started by the live-service tests: a child process of the test
// with its output in files, stopped (SIGTERM) or killed (SIGKILL) by PID:
// the tests stop only what they started, and a Daemon's destructor never
// leaves its child running.
//
// Thread-compatible.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace suanli::live_test {

class Daemon {
 public:
  // Spawns argv[0] with argv (no shell), stdout/stderr to <dir>/<name>.out/.err,
  // in the working directory `cwd` (default: the test's).
  Daemon(std::vector<std::string> argv, const std::filesystem::path& dir, std::string name,
         const std::filesystem::path& cwd = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  pid_t pid() const { return pid_; }
  bool alive();
  // Waits until stdout holds a line containing `marker`; returns that line.
  // Throws std::runtime_error (with the child's output) if it exits first or
  // the limit passes.
  std::string wait_for(const std::string& marker, std::chrono::seconds limit = std::chrono::seconds(30));
  // `signal` (SIGTERM by default), then wait (SIGKILL after `grace`); returns the exit status text.
  std::string stop(std::chrono::seconds grace = std::chrono::seconds(20), int signal = 15);
  // SIGKILL and reap.
  void kill9();
  std::string out() const;
  std::string err() const;

 private:
  std::string reap(bool block);
  std::filesystem::path out_, err_;
  pid_t pid_ = -1;
  std::string name_;
};

// Runs argv to completion (no shell) in `cwd`; returns its exit code, with
// stdout+stderr in `output`. -1 if it could not start or was killed (after
// 120 s: a guard against a wedged child).
int run(std::vector<std::string> argv, std::string& output, const std::filesystem::path& cwd = {});

// A free TCP port on 127.0.0.1 (bind to port 0, read, close; racy but retried by callers).
int free_port();

}  // namespace suanli::live_test

// Runs a program without a shell and captures what it wrote, for the CLI tests.
//
// run_process() spawns `binary` with `args` (argv[0] is the binary), stdin from
// /dev/null, stdout and stderr into files under `scratch` (a directory the
// caller owns), waits for it, and returns both streams and how it ended. A
// child still running after `limit` is killed and reported as hung: a guard
// against a wedged test, not a timing assertion.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace suanli::cli_test {

struct ProcessResult {
  int exit_code = -1;       // valid when exited is true
  bool exited = false;      // ended through exit()
  int signal = 0;           // the signal that ended it, or 0
  bool hung = false;        // killed after the time limit
  std::string spawn_error;  // non-empty if it could not be started
  std::string out;
  std::string err;

  // "exit 2", "signal 11 (Segmentation fault)", "hung", "spawn failed: ...".
  std::string describe() const;
};

// `cwd`, when given, is the child's working directory.
ProcessResult run_process(const std::string& binary, const std::vector<std::string>& args,
                          const std::filesystem::path& scratch, std::chrono::seconds limit = std::chrono::seconds(120),
                          const std::filesystem::path& cwd = {});

// The whole contents of a file ("" if it cannot be read).
std::string slurp(const std::filesystem::path& path);

// A fresh private directory under the system temp dir; removed by the destructor.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Quotes an argument vector for messages: suanli estimate --model '' ...
std::string show_command(const std::vector<std::string>& args);

}  // namespace suanli::cli_test

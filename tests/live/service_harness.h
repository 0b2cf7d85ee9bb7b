// The live service under test: the real `suanli serve` binary as a child
// process on a free loopback port over a store of the test's, and an HTTP
// client for it (cpp-httplib), with tokens made by `suanli serve token create`.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon.h"

namespace httplib {
class Client;
}

namespace suanli::live_test {

using Json = nlohmann::json;

struct Reply {
  int status = 0;     // 0: no answer (connection failed)
  Json body;          // parsed JSON (null if the body was not JSON)
  std::string text;
};

class Client {
 public:
  Client(int port, std::string token = "");
  ~Client();
  Reply get(const std::string& path);
  Reply post(const std::string& path, const Json& body);
  Reply post_raw(const std::string& path, const std::string& body, const std::string& type = "application/json");
  Reply put(const std::string& path, const Json& body);
  Reply del(const std::string& path);
  void set_token(std::string token) { token_ = std::move(token); }
  // Sent as Accept-Language with every request ("" = none).
  void set_accept_language(std::string value) { accept_language_ = std::move(value); }

 private:
  Reply wrap(bool ok, int status, const std::string& body);
  std::unique_ptr<httplib::Client> http_;
  std::string token_;
  std::string accept_language_;
};

// A temporary directory for one test; removed by the destructor.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class SuanliServer {
 public:
  // Starts `suanli serve --listen 127.0.0.1:0 --db <db> <extra...>` in `dir`
  // and waits until it listens (throws with its output if it cannot).
  SuanliServer(const std::filesystem::path& dir, std::string db, std::vector<std::string> extra = {});
  ~SuanliServer();

  int port() const { return port_; }
  const std::string& db() const { return db_; }
  pid_t pid() const { return daemon_ ? daemon_->pid() : -1; }
  // A new token (role tenant needs `tenant`), through the CLI.
  std::string token(const std::string& role, const std::string& tenant = "") const;
  std::string stop();      // SIGTERM, wait
  void kill9();            // SIGKILL, reap
  void start();            // (again) on the same store
  std::string output() const { return daemon_ ? daemon_->out() + daemon_->err() : ""; }

 private:
  std::filesystem::path dir_;
  std::string db_;
  std::vector<std::string> extra_;
  std::unique_ptr<Daemon> daemon_;
  int port_ = 0;
  int starts_ = 0;
};

// Runs `suanli ARGS...` to completion; returns the exit code, output in `out`.
int suanli(const std::vector<std::string>& args, std::string& out, const std::filesystem::path& cwd = {});

}  // namespace suanli::live_test

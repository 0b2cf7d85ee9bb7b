// A private PostgreSQL server for one test binary, as the tests need it and
// no system service provides it: Debian's postgresql-15 binaries, a data
// directory under /tmp made for this run, loopback only (127.0.0.1 and a
// socket directory of its own), run as the `postgres` user (PostgreSQL
// refuses root). The constructor throws std::runtime_error with the
// server's output when it cannot start, so the test fails rather than
// skips; the destructor stops that server (SIGINT, a fast shutdown) by its
// PID and removes its directory.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "daemon.h"

namespace suanli::live_test {

class PostgresServer {
 public:
  PostgresServer();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates a database and returns its URL (postgresql://postgres@127.0.0.1:PORT/NAME).
  std::string create_database(const std::string& name);
  int port() const { return port_; }
  pid_t pid() const { return server_ ? server_->pid() : -1; }

 private:
  std::filesystem::path bin_;   // /usr/lib/postgresql/<v>/bin
  std::filesystem::path base_;  // /tmp/sl-pg-XXXXXX
  int port_ = 0;
  std::unique_ptr<Daemon> server_;
};

}  // namespace suanli::live_test

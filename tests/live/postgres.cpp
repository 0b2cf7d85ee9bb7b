#include "postgres.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

namespace suanli::live_test {
namespace {

namespace fs = std::filesystem;

fs::path find_bin() {
  std::vector<fs::path> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    if (fs::exists(e.path() / "bin" / "postgres")) found.push_back(e.path() / "bin");
  }
  if (found.empty()) {
    throw std::runtime_error("PostgreSQL server binaries not found under /usr/lib/postgresql (install postgresql-15: "
                             "scripts/install-deps.sh)");
  }
  std::sort(found.begin(), found.end());
  return found.back();
}

}  // namespace

PostgresServer::PostgresServer() : bin_(find_bin()) {
  if (geteuid() != 0) throw std::runtime_error("the PostgreSQL tests start a server as user postgres: run them as root");
  const passwd* pg = getpwnam("postgres");
  if (!pg) throw std::runtime_error("no 'postgres' user (it comes with Debian's postgresql package)");
  char pattern[] = "/tmp/sl-pg-XXXXXX";
  if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
  base_ = pattern;
  fs::create_directory(base_ / "sock");
  fs::permissions(base_ / "sock", fs::perms::owner_all);
  for (const fs::path& p : {base_, base_ / "sock"}) {
    if (chown(p.c_str(), pg->pw_uid, pg->pw_gid) != 0) throw std::runtime_error("chown " + p.string() + " failed");
  }
  std::string out;
  const int rc = run({"/usr/sbin/runuser", "-u", "postgres", "--", (bin_ / "initdb").string(), "-D",
                      (base_ / "data").string(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale",
                      "--no-sync"},
                     out, base_);
  if (rc != 0) throw std::runtime_error("initdb failed (" + std::to_string(rc) + "):\n" + out);
  // A port can be taken between choosing and binding: try a few.
  for (int attempt = 0; attempt < 5 && !server_; ++attempt) {
    port_ = free_port();
    auto d = std::make_unique<Daemon>(
        std::vector<std::string>{"/usr/bin/setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups",
                                 (bin_ / "postgres").string(), "-D", (base_ / "data").string(), "-c",
                                 "listen_addresses=127.0.0.1", "-p", std::to_string(port_), "-k",
                                 (base_ / "sock").string()},
        base_, "postgres", base_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool ready = false;
    while (std::chrono::steady_clock::now() < deadline && d->alive()) {
      if (run({(bin_ / "pg_isready").string(), "-q", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "postgres"},
              out) == 0) {
        ready = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (ready) {
      server_ = std::move(d);
    } else if (attempt == 4) {
      throw std::runtime_error("PostgreSQL did not start:\n" + d->err());
    }
  }
}

PostgresServer::~PostgresServer() {
  if (server_) server_->stop(std::chrono::seconds(20), SIGINT);
  std::error_code ec;
  fs::remove_all(base_, ec);
}

std::string PostgresServer::create_database(const std::string& name) {
  std::string out;
  const int rc = run({(bin_ / "psql").string(), "-q", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U", "postgres",
                      "-c", "CREATE DATABASE \"" + name + "\""},
                     out, base_);
  if (rc != 0) throw std::runtime_error("CREATE DATABASE " + name + " failed:\n" + out);
  return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + name;
}

}  // namespace suanli::live_test

#include "service_harness.h"

#include <httplib.h>
#include <stdlib.h>

#include <stdexcept>

namespace suanli::live_test {

Client::Client(int port, std::string token) : http_(std::make_unique<httplib::Client>("127.0.0.1", port)), token_(std::move(token)) {
  http_->set_keep_alive(true);
  http_->set_tcp_nodelay(true);
  http_->set_connection_timeout(5, 0);
  http_->set_read_timeout(30, 0);
}

Client::~Client() = default;

Reply Client::wrap(bool ok, int status, const std::string& body) {
  Reply r;
  if (!ok) return r;
  r.status = status;
  r.text = body;
  r.body = Json::parse(body, nullptr, false);
  if (r.body.is_discarded()) r.body = nullptr;
  return r;
}

namespace {
httplib::Headers headers(const std::string& token, const std::string& accept_language) {
  httplib::Headers h;
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  if (!accept_language.empty()) h.emplace("Accept-Language", accept_language);
  return h;
}
}  // namespace

Reply Client::get(const std::string& path) {
  auto r = http_->Get(path.c_str(), headers(token_, accept_language_));
  return wrap(static_cast<bool>(r), r ? r->status : 0, r ? r->body : "");
}

Reply Client::post(const std::string& path, const Json& body) { return post_raw(path, body.dump()); }

Reply Client::post_raw(const std::string& path, const std::string& body, const std::string& type) {
  auto r = http_->Post(path.c_str(), headers(token_, accept_language_), body, type.c_str());
  return wrap(static_cast<bool>(r), r ? r->status : 0, r ? r->body : "");
}

Reply Client::put(const std::string& path, const Json& body) {
  auto r = http_->Put(path.c_str(), headers(token_, accept_language_), body.dump(), "application/json");
  return wrap(static_cast<bool>(r), r ? r->status : 0, r ? r->body : "");
}

Reply Client::del(const std::string& path) {
  auto r = http_->Delete(path.c_str(), headers(token_, accept_language_));
  return wrap(static_cast<bool>(r), r ? r->status : 0, r ? r->body : "");
}

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "suanli-live-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

int suanli(const std::vector<std::string>& args, std::string& out, const std::filesystem::path& cwd) {
  std::vector<std::string> argv = {SUANLI_BINARY};
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, out, cwd);
}

SuanliServer::SuanliServer(const std::filesystem::path& dir, std::string db, std::vector<std::string> extra)
    : dir_(dir), db_(std::move(db)), extra_(std::move(extra)) {
  start();
}

SuanliServer::~SuanliServer() {
  if (daemon_) daemon_->kill9();
}

void SuanliServer::start() {
  std::vector<std::string> argv = {SUANLI_BINARY, "serve", "--listen", "127.0.0.1:0", "--db", db_};
  argv.insert(argv.end(), extra_.begin(), extra_.end());
  daemon_ = std::make_unique<Daemon>(argv, dir_, "suanli-" + std::to_string(++starts_), dir_);
  const std::string line = daemon_->wait_for("listening on http://127.0.0.1:");
  port_ = std::stoi(line.substr(line.rfind(':') + 1));
}

std::string SuanliServer::stop() { return daemon_ ? daemon_->stop() : "not running"; }

void SuanliServer::kill9() {
  if (daemon_) daemon_->kill9();
}

std::string SuanliServer::token(const std::string& role, const std::string& tenant) const {
  std::vector<std::string> args = {"serve", "token", "create", "--db", db_, "--role", role};
  if (!tenant.empty()) {
    args.push_back("--tenant");
    args.push_back(tenant);
  }
  std::string out;
  if (suanli(args, out, dir_) != 0) throw std::runtime_error("token create failed: " + out);
  const auto at = out.find("sl_");
  if (at == std::string::npos) throw std::runtime_error("no token in: " + out);
  return out.substr(at, 3 + 12 + 1 + 64);
}

}  // namespace suanli::live_test

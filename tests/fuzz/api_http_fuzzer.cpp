// The whole HTTP surface of `suanli serve`: routing, query strings, every
// route's body, the Kubernetes extender's bodies, with a real service (over
// a scratch SQLite log) and an operator's token, over loopback.
//
// Input: a first byte picks the method (GET, POST, PUT, DELETE), then a
// request target up to the first newline ("/v1/jobs?status=pending&limit=5",
// "/v1/k8s/filter"), then the body. The property: the service answers, never
// with a 5xx (503 only for the dashboard's files, absent from this build), and
// every 4xx is a JSON error naming what was wrong. A violation is reported
// as an exception other than InputError, which fuzz_target.h treats as a defect.
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <thread>

#include "api_fuzz.h"
#include "fuzz_target.h"
#include "suanli/bridge/k8s/binder.h"
#include "suanli/bridge/k8s/routes.h"
#include "suanli/bridge/slurm/bridge.h"
#include "suanli/server/access.h"
#include "suanli/server/http_api.h"
#include "suanli/server/service.h"
#include "suanli/store/store.h"

namespace {

using namespace suanli;

// One service for the process, removed with its folder at exit.
struct Live {
  Live() : dir(std::filesystem::temp_directory_path() / ("suanli-fuzz-http-" + std::to_string(::getpid()))) {
    std::filesystem::create_directories(dir);
    service = std::make_unique<server::Service>(fuzz::default_catalog(), fuzz::default_scenario(),
                                                store::open_store("sqlite:" + (dir / "log.db").string()), clock);
    access = std::make_unique<server::Access>(service->store());
    extender = std::make_unique<bridge::k8s::Extender>(*service, bridge::k8s::Mapping{},
                                                       bridge::k8s::ExtenderOptions{true, 1000},
                                                       bridge::k8s::record_only_binder());
    server::HttpOptions o;
    o.port = 0;
    o.threads = 4;
    http = std::make_unique<server::HttpServer>(*service, *access, o);
    bridge::k8s::add_routes(*http, *access, extender.get());
    bridge::slurm::add_routes(*http, nullptr);  // as suanli serve without --slurm: 404s
    http->bind();
    serving = std::thread([this] { http->serve(); });
    const server::NewToken t = server::make_token(server::Role::Operator, "", "fuzz", clock.now());
    service->store().add_token(t.row);
    client = std::make_unique<httplib::Client>("127.0.0.1", http->port());
    client->set_keep_alive(true);
    client->set_tcp_nodelay(true);
    client->set_read_timeout(10, 0);
    headers = {{"Authorization", "Bearer " + t.token}};
  }
  ~Live() {
    client.reset();
    http->stop();
    serving.join();
    service->stop();
    http.reset();
    extender.reset();
    access.reset();
    service.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::filesystem::path dir;
  server::WallClock clock;
  std::unique_ptr<server::Service> service;
  std::unique_ptr<server::Access> access;
  std::unique_ptr<bridge::k8s::Extender> extender;
  std::unique_ptr<server::HttpServer> http;
  std::thread serving;
  std::unique_ptr<httplib::Client> client;
  httplib::Headers headers;
};

Live& service_under_test() {
  static Live l;
  return l;
}

}  // namespace

SUANLI_FUZZ_TARGET(api_http, "request") {
  if (input.size() < 2) return;
  static const char* const methods[] = {"GET", "POST", "PUT", "DELETE"};
  const std::string method = methods[static_cast<unsigned char>(input[0]) % 4];
  input.remove_prefix(1);
  const std::size_t nl = input.find('\n');
  std::string target(input.substr(0, nl));
  const std::string body = nl == std::string_view::npos ? "" : std::string(input.substr(nl + 1));
  // A request target of printable ASCII that starts with '/': anything else
  // cannot be sent as an HTTP request line.
  if (target.empty() || target.front() != '/' || target.size() > 2000) return;
  for (char c : target) {
    if (c <= ' ' || c > '~') return;
  }
  Live& l = service_under_test();
  httplib::Request req;
  req.method = method;
  req.path = target;
  req.headers = l.headers;
  req.body = body;
  if (!body.empty()) req.set_header("Content-Type", "application/json");
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  bool answered = l.client->send(req, res, error);
  if (!answered && (error == httplib::Error::Read || error == httplib::Error::Write)) {
    // The server closes a keep-alive connection left idle past its timeout
    // (e.g. while libFuzzer pauses); the request never reached it: send it
    // again on a new connection, as any HTTP client does.
    l.client->stop();
    res = httplib::Response{};
    answered = l.client->send(req, res, error);
  }
  if (!answered) {
    throw std::runtime_error(method + " " + target + ": no answer (" + httplib::to_string(error) + ")");
  }
  const bool api = target.rfind("/v1/", 0) == 0 || target.rfind("/metrics", 0) == 0;
  if (res.status >= 500 && !(res.status == 503 && !api)) {
    throw std::runtime_error(method + " " + target + ": " + std::to_string(res.status) + " " + res.body.substr(0, 300));
  }
  if (res.status >= 400) {
    const auto j = nlohmann::json::parse(res.body, nullptr, false);
    if (j.is_discarded() || !j.contains("error") || !j["error"].contains("message")) {
      throw std::runtime_error(method + " " + target + ": " + std::to_string(res.status) + " without a JSON error: " +
                               res.body.substr(0, 300));
    }
  }
}

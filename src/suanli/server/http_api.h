// The REST API under /v1, /metrics, /healthz, /readyz and the dashboard's
// files, on cpp-httplib (README "The live service" documents every route;
// /v1/openapi.json is the machine-readable form).
//
// Every /v1 route and /metrics require "Authorization: Bearer <token>": 401
// for a missing or bad token, 403 for an action the role may not take. A
// tenant token sees only its own tenant: lists are filtered, another
// tenant's job answers 404 (its existence is not disclosed), and metrics
// carry only its own tenant label. Errors are JSON:
//   {"error": {"status": 400, "code": "invalid", "message": "...", "path": "$.devices"}}
// (400 invalid input, 401, 403, 404, 409 conflict, 413 body too large, 503).
//
// Thread-safe: handlers run on httplib's pool and use the Service.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "suanli/i18n/lang.h"
#include "suanli/server/access.h"
#include "suanli/server/service.h"
#include "suanli/wire/json_reader.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}

namespace suanli::server {

struct HttpOptions {
  std::string host = "127.0.0.1";
  int port = 8080;               // 0: any free port (see HttpServer::port())
  int threads = 64;              // request threads (one per open connection at a time)
  std::size_t max_body = 1 << 20;  // bytes; larger bodies get 413
};

// An error a handler throws: answered as {"error": {...}} with `status`.
struct HttpError {
  int status;
  std::string message;
};
[[noreturn]] void fail(int status, std::string message);
// Answers `body` as JSON with `status`.
void reply(httplib::Response& res, int status, const wire::Json& body);
// The language a request asks its answer's reasons in: ?lang= (en, zh, or a
// tag such as zh-CN; anything else is InputError at "?lang"), else the
// Accept-Language header, else English.
i18n::Lang request_lang(const httplib::Request& req);

// Who may call a route: anyone, any token, operators, or roles that read everything.
enum class Need { None, Any, Operator, ReadAll };
using Handler = std::function<void(const httplib::Request&, httplib::Response&, const Principal&)>;

class HttpServer {
 public:
  HttpServer(Service& service, Access& access, HttpOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Registers a route behind the access check, with JSON errors (HttpError,
  // InputError -> 400 with its path) and the latency metric; `label` names it
  // in metrics and the OpenAPI check ("POST /v1/jobs/{id}/cancel"). Bridges
  // add theirs before bind().
  void add_route(const char* method, const std::string& pattern, const std::string& label, Need need, Handler h);
  // Binds (after registering the dashboard's files last); throws
  // std::runtime_error naming the address when it cannot.
  void bind();
  int port() const { return port_; }
  // Serves until stop() (blocks).
  void serve();
  void stop();
  httplib::Server& raw() { return *server_; }  // for bridges to add their routes
  // "METHOD /path/{param}" of every route registered (the OpenAPI test reads it).
  const std::vector<std::string>& route_labels() const { return labels_; }

 private:
  void routes();
  void static_files();

  Service* service_;
  Access* access_;
  HttpOptions options_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  int listen_fd_ = -1;
  std::vector<std::string> labels_;
};

}  // namespace suanli::server

// The live service in a benchmark's own process: a Service over the store at
// `url`, its access tokens, and the HTTP server on a free loopback port,
// serving on a thread until destroyed. The same code as `suanli serve`, so
// the benchmark's clients take the path real clients take. `add_routes`
// registers a bridge's routes (before bind), if any.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "suanli/model/scenario.h"
#include "suanli/server/access.h"
#include "suanli/server/http_api.h"
#include "suanli/server/service.h"
#include "suanli/store/store.h"

namespace suanli::bench {

struct LiveService {
  LiveService(const Catalog& catalog, const Scenario& scenario, const std::string& url, server::HttpOptions options,
              const std::function<void(server::HttpServer&, server::Access&, server::Service&)>& add_routes = {}) {
    options.port = 0;
    service = std::make_unique<server::Service>(catalog, scenario, store::open_store(url), clock);
    access = std::make_unique<server::Access>(service->store());
    http = std::make_unique<server::HttpServer>(*service, *access, options);
    if (add_routes) add_routes(*http, *access, *service);
    http->bind();
    serving = std::thread([this] { http->serve(); });
    const server::NewToken t = server::make_token(server::Role::Operator, "", "bench", clock.now());
    service->store().add_token(t.row);
    token = t.token;
  }
  ~LiveService() {
    http->stop();
    serving.join();
    service->stop();
  }
  LiveService(const LiveService&) = delete;
  LiveService& operator=(const LiveService&) = delete;

  server::WallClock clock;
  std::unique_ptr<server::Service> service;
  std::unique_ptr<server::Access> access;
  std::unique_ptr<server::HttpServer> http;
  std::thread serving;
  std::string token;  // an operator's
};

}  // namespace suanli::bench

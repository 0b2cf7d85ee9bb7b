// The OpenAPI document lists exactly the routes the server registers (the
// Kubernetes extender's and the Slurm bridge's included, which suanli serve always
// registers): every
// registered route is documented (and service_api_test checks that every
// documented route answers).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include <unistd.h>

#include <nlohmann/json.hpp>

#include "suanli/bridge/k8s/routes.h"
#include "suanli/bridge/slurm/bridge.h"
#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/server/access.h"
#include "suanli/server/http_api.h"
#include "suanli/server/openapi.h"
#include "suanli/server/service.h"
#include "suanli/store/store.h"

namespace suanli::server {
namespace {

TEST(OpenApi, EveryRegisteredRouteIsDocumented) {
  const Catalog catalog = config::load_default_catalog();
  const auto dir = std::filesystem::temp_directory_path() / ("suanli-openapi-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    WallClock clock;
    Service service(catalog, config::load_scenario(catalog, "h200-window"),
                    store::open_store("sqlite:" + (dir / "x.db").string()), clock);
    Access access(service.store());
    HttpServer http(service, access, HttpOptions{});
    bridge::k8s::add_routes(http, access, nullptr);  // as suanli serve does, with or without --k8s
    bridge::slurm::add_routes(http, nullptr);        // likewise, with or without --slurm
    const nlohmann::json doc = nlohmann::json::parse(openapi_json());
    std::set<std::string> documented;
    for (const auto& [path, methods] : doc["paths"].items()) {
      for (const auto& [method, spec] : methods.items()) {
        std::string m = method;
        for (char& c : m) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        documented.insert(m + " " + path);
      }
    }
    std::set<std::string> registered(http.route_labels().begin(), http.route_labels().end());
    for (const std::string& r : registered) EXPECT_TRUE(documented.count(r)) << r << " is served but not documented";
    for (const std::string& d : documented) EXPECT_TRUE(registered.count(d)) << d << " is documented but not served";
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace suanli::server

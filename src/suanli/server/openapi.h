// The OpenAPI 3.1 document of the REST API (openapi.json beside this file,
// compiled in; served at /v1/openapi.json). A test checks that it lists
// exactly the routes the server registers.
#pragma once

#include <string_view>

namespace suanli::server {

std::string_view openapi_json();

}  // namespace suanli::server

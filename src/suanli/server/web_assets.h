// The dashboard's built files (web/dist, made by scripts/build-web.sh with
// Vite), compiled into the binary so that `suanli serve` needs no files at
// run time. The table is generated at configure time from whatever web/dist
// holds; when it was not built, it is empty and `/` says how to build it.
#pragma once

#include <cstddef>
#include <string_view>

namespace suanli::server {

struct WebAsset {
  std::string_view path;  // relative to web/dist, e.g. "index.html", "assets/index-1a2b.js"
  std::string_view mime;
  std::string_view bytes;
};

const WebAsset* find_web_asset(std::string_view path);
std::size_t web_assets_count();

}  // namespace suanli::server

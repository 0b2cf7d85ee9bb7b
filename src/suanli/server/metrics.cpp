#include "suanli/server/metrics.h"

#include <fmt/format.h>

namespace suanli::server {

void Histogram::observe(double seconds) {
  std::size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Histogram::render(std::string& out, const std::string& name, const std::string& labels) const {
  const std::string sep = labels.empty() ? "" : ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{{}{}le=\"{}\"}} {}\n", name, labels, sep, kBounds[i], cumulative);
  }
  cumulative += buckets_[kBounds.size()].load(std::memory_order_relaxed);
  out += fmt::format("{}_bucket{{{}{}le=\"+Inf\"}} {}\n", name, labels, sep, cumulative);
  const std::string braces = labels.empty() ? "" : "{" + labels + "}";
  out += fmt::format("{}_sum{} {}\n", name, braces, static_cast<double>(sum_ns_.load(std::memory_order_relaxed)) / 1e9);
  out += fmt::format("{}_count{} {}\n", name, braces, cumulative);
}

Histogram& Metrics::request(const std::string& route) {
  std::lock_guard lock(mu_);
  auto& slot = requests_[route];
  if (!slot) slot = std::make_unique<Histogram>();
  return *slot;
}

void Metrics::render_requests(std::string& out) const {
  out += "# HELP suanli_http_request_seconds Time to answer an HTTP request, by route.\n";
  out += "# TYPE suanli_http_request_seconds histogram\n";
  std::lock_guard lock(mu_);
  for (const auto& [route, h] : requests_) {
    h->render(out, "suanli_http_request_seconds", fmt::format("route=\"{}\"", label_value(route)));
  }
}

std::string label_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace suanli::server

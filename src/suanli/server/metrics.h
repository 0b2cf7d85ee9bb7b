// Metrics the service keeps beyond its state: latency histograms (requests by
// route, decisions from queueing to durable acknowledgement) and batch
// counters, rendered in the Prometheus text exposition format (version
// 0.0.4) by the /metrics route together with gauges read from the state.
//
// Thread-safe: observations are lock-free (atomics); the route map takes a
// mutex only the first time a route is seen.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace suanli::server {

class Histogram {
 public:
  // Upper bounds in seconds (Prometheus "le"), then +Inf.
  static constexpr std::array<double, 14> kBounds = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                                                     0.025,  0.05,    0.1,    0.25,  0.5,    1.0,   2.5};
  void observe(double seconds);
  // Appends "<name>_bucket{<labels>,le=...} n" lines, _sum and _count.
  void render(std::string& out, const std::string& name, const std::string& labels) const;
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::array<std::atomic<std::uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_ns_{0};
};

class Metrics {
 public:
  Histogram decision_latency;  // a write's time from queueing to durable acknowledgement
  Histogram commit_latency;    // one store transaction
  std::atomic<std::uint64_t> batches{0};
  std::atomic<std::uint64_t> batched_commands{0};

  // The histogram of requests to `route` (a pattern such as "POST /v1/jobs").
  Histogram& request(const std::string& route);
  void render_requests(std::string& out) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Histogram>> requests_;
};

// Escapes a Prometheus label value (backslash, quote, newline).
std::string label_value(const std::string& v);

}  // namespace suanli::server

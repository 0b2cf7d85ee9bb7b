// Time replay: an event loop over arrivals (a sorted list) and departures (a
// min-heap), with the wait queue as a linked list so a retry pass can take
// pods from its middle in O(1).
#include "suanli/trace/time_replay.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <list>
#include <memory>
#include <queue>
#include <tuple>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::trace {
namespace {

bool has_lifetime(const OpenbPod& p) {
  return p.creation_time && p.deletion_time && *p.deletion_time >= *p.creation_time;
}

// Nearest-rank percentile of a sorted sample.
double percentile(const std::vector<std::int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1]);
}

}  // namespace

TimeReplay::TimeReplay(const PackingEngine& engine, TimeOptions options) : engine_(engine), options_(options) {
  if (options_.lookahead < 1) {
    throw InputError("--lookahead", fmt::format("found {}, expected at least 1", options_.lookahead));
  }
  if (options_.max_points < 2) {
    throw InputError("max_points", fmt::format("found {}, expected at least 2", options_.max_points));
  }
  const std::vector<OpenbPod>& pods = engine_.pods();
  bool first = true;
  for (std::size_t i = 0; i < pods.size(); ++i) {
    const OpenbPod& p = pods[i];
    if (!p.creation_time) {
      throw InputError(p.name, "has no creation_time: time replay needs the full pod-list layout with "
                               "creation_time and deletion_time (the multigpu* lists have no times; use --mode pack)");
    }
    const std::int64_t last = has_lifetime(p) ? *p.deletion_time : *p.creation_time;
    start_ = first ? *p.creation_time : std::min(start_, *p.creation_time);
    end_ = first ? last : std::max(end_, last);
    first = false;
    arrivals_.push_back(static_cast<int>(i));
  }
  std::stable_sort(arrivals_.begin(), arrivals_.end(),
                   [&](int a, int b) { return *pods[static_cast<std::size_t>(a)].creation_time <
                                              *pods[static_cast<std::size_t>(b)].creation_time; });
}

TimeResult TimeReplay::run(PackPolicy policy, std::uint64_t seed) const {
  const std::unique_ptr<ReplayPolicy> p = make_replay_policy(policy);
  return run(*p, seed);
}

TimeResult TimeReplay::run(ReplayPolicy& policy, std::uint64_t seed) const {
  const std::vector<OpenbPod>& pods = engine_.pods();
  const std::size_t n_pods = pods.size();
  Placement cluster(engine_, seed);
  TimeResult r;
  r.policy = policy.name();
  r.seed = seed;
  r.pods = static_cast<int>(n_pods);
  r.capacity_milli = engine_.capacity_milli();
  r.start_time = start_;
  r.end_time = end_;
  r.node_of.assign(n_pods, -1);
  r.start_of.assign(n_pods, -1);
  std::vector<Placement::Bound> bound(n_pods);
  std::vector<std::int64_t> waits;
  waits.reserve(n_pods);

  using Departure = std::pair<std::int64_t, int>;  // (time, pod)
  std::priority_queue<Departure, std::vector<Departure>, std::greater<>> departures;
  std::list<int> waiting;
  int running = 0;
  const double cap = static_cast<double>(r.capacity_milli);

  auto start = [&](int pod, Placement::Choice c, std::int64_t now) {
    const auto i = static_cast<std::size_t>(pod);
    bound[i] = place_chosen(cluster, policy, pod, c, now);
    r.node_of[i] = c.node;
    r.start_of[i] = now;
    const OpenbPod& p = pods[i];
    const std::int64_t wait = now - *p.creation_time;
    waits.push_back(wait);
    if (wait > 0) ++r.waited;
    if (has_lifetime(p)) departures.emplace(now + (*p.deletion_time - *p.creation_time), pod);
    ++running;
    ++r.placed;
  };
  // Tries the policy once; true if the pod started.
  auto try_start = [&](int pod, std::int64_t now) {
    const Placement::Choice c = policy.choose(cluster, pod, now);
    if (c.node < 0) return false;
    start(pod, c, now);
    return true;
  };

  // Sampling: bucket b covers an equal share of [start_, end_]; a point in the
  // same bucket as the last kept one replaces it (its peak carries over).
  const std::int64_t span = std::max<std::int64_t>(1, end_ - start_);
  auto bucket = [&](std::int64_t t) {
    return static_cast<std::int64_t>(static_cast<double>(t - start_) / static_cast<double>(span) *
                                     (options_.max_points - 1));
  };
  std::int64_t last_bucket = -1;
  auto sample = [&](std::int64_t now) {
    if (cluster.allocated_milli() > r.peak_allocated_milli) {
      r.peak_allocated_milli = cluster.allocated_milli();
      r.peak_time = now;
    }
    const double alloc = static_cast<double>(cluster.allocated_milli()) / cap;
    TimePoint p{.time = now, .allocated = alloc, .peak = alloc, .fragmented = cluster.fragmented(),
                .running = running, .waiting = static_cast<int>(waiting.size())};
    const std::int64_t b = bucket(now);
    if (b == last_bucket) {
      p.peak = std::max(r.curve.back().peak, alloc);
      r.curve.back() = p;
    } else {
      r.curve.push_back(p);
      last_bucket = b;
    }
  };

  double alloc_integral = 0;  // milli x seconds
  std::int64_t last_time = start_;
  std::vector<std::uint32_t> failed_in_pass(n_pods, 0);  // per pod shape (there are at most n_pods)
  std::uint32_t pass = 0;
  std::size_t next_arrival = 0;
  while (true) {
    std::int64_t now = end_ + 1;
    if (next_arrival < arrivals_.size()) {
      now = *pods[static_cast<std::size_t>(arrivals_[next_arrival])].creation_time;
    }
    if (!departures.empty()) now = std::min(now, departures.top().first);
    if (now > end_) break;
    alloc_integral += static_cast<double>(cluster.allocated_milli()) * static_cast<double>(now - last_time);
    last_time = now;

    bool released = false;
    while (!departures.empty() && departures.top().first == now) {
      const int pod = departures.top().second;
      departures.pop();
      cluster.release(pod, r.node_of[static_cast<std::size_t>(pod)], bound[static_cast<std::size_t>(pod)]);
      policy.released(pod, r.node_of[static_cast<std::size_t>(pod)], now);
      --running;
      released = true;
    }
    if (released && !waiting.empty()) {
      ++pass;
      int failures = 0;
      for (auto it = waiting.begin(); it != waiting.end() && failures < options_.lookahead;) {
        const int pod = *it;
        std::uint32_t& stamp = failed_in_pass[static_cast<std::size_t>(cluster.shape_of(pod))];
        if (stamp != pass && try_start(pod, now)) {
          it = waiting.erase(it);
        } else {
          stamp = pass;
          ++failures;
          ++it;
        }
      }
    }
    while (next_arrival < arrivals_.size() &&
           *pods[static_cast<std::size_t>(arrivals_[next_arrival])].creation_time == now) {
      const int pod = arrivals_[next_arrival++];
      if (!has_lifetime(pods[static_cast<std::size_t>(pod)])) ++r.no_lifetime;
      if (!cluster.fits_empty(pod)) {
        ++r.failed;
      } else if (!try_start(pod, now)) {
        waiting.push_back(pod);
      }
    }
    sample(now);
  }
  alloc_integral += static_cast<double>(cluster.allocated_milli()) * static_cast<double>(end_ - last_time);
  if (r.curve.empty() || r.curve.back().time != end_) sample(end_);
  r.mean_allocation = alloc_integral / static_cast<double>(span) / cap;
  r.unplaced = static_cast<int>(waiting.size());
  SUANLI_ASSERT(r.placed + r.failed + r.unplaced == r.pods);

  std::sort(waits.begin(), waits.end());
  if (!waits.empty()) {
    double sum = 0;
    for (std::int64_t w : waits) sum += static_cast<double>(w);
    r.wait_mean = sum / static_cast<double>(waits.size());
    r.wait_p50 = percentile(waits, 0.50);
    r.wait_p95 = percentile(waits, 0.95);
    r.wait_max = static_cast<double>(waits.back());
  }
  return r;
}

std::vector<TimeResult> run_all_time(const TimeReplay& replay, const std::vector<PackPolicy>& policies,
                                     const std::vector<std::uint64_t>& seeds, unsigned threads) {
  return run_all_time(replay, builtin_factories(policies), seeds, threads);
}

std::vector<TimeResult> run_all_time(const TimeReplay& replay, const std::vector<ReplayPolicyFactory>& policies,
                                     const std::vector<std::uint64_t>& seeds, unsigned threads) {
  std::vector<TimeResult> out(policies.size() * seeds.size());
  for_each_run(policies, seeds, threads,
               [&](std::size_t i, ReplayPolicy& policy, std::uint64_t seed) { out[i] = replay.run(policy, seed); });
  return out;
}

}  // namespace suanli::trace

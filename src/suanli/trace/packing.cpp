// Packing engine: compiles nodes and pods into integer shapes once; each run
// places pods through placement.h (where the speed tricks are explained), the
// six built-in policies as ReplayPolicy adapters, so there is one loop.
#include "suanli/trace/packing.h"
#include "suanli/trace/placement.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::trace {
namespace {

constexpr std::uint64_t kAnyModel = ~std::uint64_t{0};

struct PolicyName {
  PackPolicy policy;
  std::string_view name;
  std::string_view alias;
};
constexpr std::array<PolicyName, 6> kPolicies = {{
    {PackPolicy::Random, "random", "random"},
    {PackPolicy::DotProd, "dotprod", "dot-product"},
    {PackPolicy::GpuClustering, "clustering", "gpuclustering"},
    {PackPolicy::GpuPacking, "packing", "gpupacking"},
    {PackPolicy::BestFit, "bestfit", "best-fit"},
    {PackPolicy::Fgd, "fgd", "fragmentation"},
}};

}  // namespace

std::string_view policy_name(PackPolicy p) {
  for (const auto& e : kPolicies) {
    if (e.policy == p) return e.name;
  }
  return "?";
}

std::optional<PackPolicy> parse_pack_policy(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& e : kPolicies) {
    if (lower == e.name || lower == e.alias) return e.policy;
  }
  return std::nullopt;
}

const std::vector<PackPolicy>& all_pack_policies() {
  static const std::vector<PackPolicy> all = {PackPolicy::Random,     PackPolicy::DotProd, PackPolicy::GpuClustering,
                                              PackPolicy::GpuPacking, PackPolicy::BestFit, PackPolicy::Fgd};
  return all;
}

PackingEngine::PackingEngine(std::vector<OpenbNode> nodes, std::vector<OpenbPod> pods, PackOptions options)
    : pods_(std::move(pods)), options_(options) {
  if (!(options_.load > 0 && options_.load <= 100)) {
    throw InputError("--load", fmt::format("found {}, expected a load factor in (0, 100], e.g. 1.3", options_.load));
  }
  if (!(options_.sample_step > 0 && options_.sample_step <= 1)) {
    throw InputError("sample_step", fmt::format("found {}, expected a share in (0, 1]", options_.sample_step));
  }
  auto model_index = [&](const std::string& m) {
    const auto it = std::find(models_.begin(), models_.end(), m);
    return it == models_.end() ? -1 : static_cast<int>(it - models_.begin());
  };
  for (const OpenbNode& n : nodes) {
    if (n.gpus > kMaxGpusPerNode) {
      throw InputError(n.name, fmt::format("found {} GPUs, expected at most {}", n.gpus, kMaxGpusPerNode));
    }
    NodeSpec s{.cpu = n.cpu_milli, .mem = n.memory_mib, .gpus = n.gpus, .model = -1, .first_gpu = total_gpus_};
    if (n.gpus > 0) {
      s.model = model_index(n.model);
      if (s.model < 0) {
        if (models_.size() == 64) throw InputError(n.name, "more than 64 GPU models in one cluster");
        models_.push_back(n.model);
        s.model = static_cast<int>(models_.size()) - 1;
      }
    }
    total_gpus_ += n.gpus;
    nodes_.push_back(s);
  }
  capacity_milli_ = total_gpus_ * kMilliPerGpu;
  if (capacity_milli_ == 0) throw InputError("nodes", "the cluster has no GPU; packing mode needs GPU nodes");

  auto mask_of = [&](const OpenbPod& p) {
    if (p.gpu_spec.empty()) return kAnyModel;
    std::uint64_t m = 0;
    for (const std::string& name : p.gpu_spec) {
      const int i = model_index(name);
      if (i >= 0) m |= std::uint64_t{1} << i;  // a model absent from the cluster allows nothing
    }
    return m;
  };

  std::map<std::tuple<std::int64_t, std::int64_t, int, std::int64_t, std::uint64_t>, int> shape_ids;
  std::map<std::pair<int, std::int64_t>, int> gpu_shape_ids;
  std::map<std::tuple<std::int64_t, int, std::int64_t, std::uint64_t>, std::int64_t> target_counts;
  bool any_gpu = false;
  for (const OpenbPod& p : pods_) {
    const std::uint64_t mask = mask_of(p);
    const auto key = std::make_tuple(p.cpu_milli, p.memory_mib, p.num_gpu, p.gpu_milli, mask);
    auto [it, inserted] = shape_ids.try_emplace(key, static_cast<int>(shapes_.size()));
    if (inserted) {
      const auto [g, g_new] = gpu_shape_ids.try_emplace({p.num_gpu, p.gpu_milli}, static_cast<int>(gpu_shape_ids.size()));
      shapes_.push_back({.cpu = p.cpu_milli, .mem = p.memory_mib, .milli = p.gpu_milli, .gpus = p.num_gpu,
                         .models = mask, .gpu_shape = g->second});
    }
    pod_shape_.push_back(it->second);
    ++target_counts[std::make_tuple(p.cpu_milli, p.num_gpu, p.gpu_milli, mask)];
    any_gpu = any_gpu || p.num_gpu > 0;
  }
  if (!any_gpu) throw InputError("pods", "no pod asks for a GPU; packing mode inflates the GPU request");
  gpu_shapes_ = static_cast<int>(gpu_shape_ids.size());

  // Target workload: most popular shapes first (ties by shape, for determinism)
  // until `typical_share` of the pods is covered.
  std::vector<Target> all;
  for (const auto& [k, count] : target_counts) {
    all.push_back({.cpu = std::get<0>(k), .milli = std::get<2>(k), .weight = count, .gpus = std::get<1>(k),
                   .models = std::get<3>(k)});
  }
  std::stable_sort(all.begin(), all.end(), [](const Target& a, const Target& b) { return a.weight > b.weight; });
  const auto total = static_cast<double>(pods_.size());
  std::int64_t covered = 0;
  for (const Target& t : all) {
    targets_.push_back(t);
    covered += t.weight;
    weight_sum_ += t.weight;
    if (static_cast<double>(covered) >= options_.typical_share * total) break;
  }

  // Score thresholds: score >= k  <=>  sigmoid(-dF / 1000) >= k / levels
  // <=>  delta <= -1000 W logit(k / levels), with dF = delta / W in milli-GPU.
  if (options_.fgd_levels < 0 || options_.fgd_levels > 1000) {
    throw InputError("fgd_levels", fmt::format("found {}, expected 0..1000", options_.fgd_levels));
  }
  for (int k = options_.fgd_levels - 1; k >= 1; --k) {
    const double q = static_cast<double>(k) / options_.fgd_levels;
    fgd_thresholds_.push_back(static_cast<std::int64_t>(
        std::floor(-1000.0 * static_cast<double>(weight_sum_) * std::log(q / (1 - q)))));
  }  // ascending: k = levels-1 first
}

std::int64_t PackingEngine::fgd_key(std::int64_t delta) const {
  if (options_.fgd_levels == 0) return delta;
  // Score = how many thresholds are >= delta; smaller key = higher score.
  const auto score = fgd_thresholds_.end() - std::lower_bound(fgd_thresholds_.begin(), fgd_thresholds_.end(), delta);
  return -static_cast<std::int64_t>(score);
}

std::int64_t PackingEngine::node_frag(const NodeSpec& n, std::int64_t cpu_left, const std::int32_t* gpu_free) const {
  if (n.gpus == 0) return 0;
  std::array<std::int32_t, kMaxGpusPerNode> sorted{};
  std::int64_t idle = 0;
  for (int g = 0; g < n.gpus; ++g) {
    sorted[g] = gpu_free[g];
    idle += gpu_free[g];
  }
  if (idle == 0) return 0;
  std::sort(sorted.begin(), sorted.begin() + n.gpus, std::greater<>());
  const std::uint64_t bit = std::uint64_t{1} << n.model;
  std::int64_t total = 0;
  for (const Target& t : targets_) {
    std::int64_t unusable = idle;
    if (t.gpus > 0 && (t.models & bit) != 0 && cpu_left >= t.cpu) {
      int count = 0;
      std::int64_t usable = 0;
      for (int g = 0; g < n.gpus && sorted[g] >= t.milli; ++g) {
        ++count;
        usable += sorted[g];
      }
      if (count >= t.gpus) unusable = idle - usable;
    }
    total += t.weight * unusable;
  }
  return total;
}

std::vector<int> PackingEngine::workload(std::uint64_t seed) const {
  // Its own RNG, so the workload is the same for every policy at one seed.
  std::mt19937_64 workload_rng(seed);
  std::vector<int> order;
  const auto target = static_cast<std::int64_t>(options_.load * static_cast<double>(capacity_milli_));
  std::uniform_int_distribution<std::size_t> pick(0, pods_.size() - 1);
  std::int64_t sum = 0;
  while (sum < target) {
    const std::size_t i = pick(workload_rng);
    order.push_back(static_cast<int>(i));
    sum += pods_[i].gpu_request_milli();
  }
  std::shuffle(order.begin(), order.end(), workload_rng);
  return order;
}

PackResult PackingEngine::run(PackPolicy policy, std::uint64_t seed) const {
  return run_order(policy, seed, workload(seed));
}

PackResult PackingEngine::run(ReplayPolicy& policy, std::uint64_t seed) const {
  return run_order(policy, seed, workload(seed));
}

PackResult PackingEngine::run_order(PackPolicy policy, std::uint64_t seed, const std::vector<int>& order) const {
  const std::unique_ptr<ReplayPolicy> p = make_replay_policy(policy);
  return run_order(*p, seed, order);
}

PackResult PackingEngine::run_order(ReplayPolicy& policy, std::uint64_t seed, const std::vector<int>& order) const {
  Placement cluster(*this, seed);
  PackResult r;
  r.policy = policy.name();
  r.seed = seed;
  r.capacity_milli = capacity_milli_;
  r.curve.reserve(static_cast<std::size_t>(options_.load / options_.sample_step) + 2);
  const double cap = static_cast<double>(capacity_milli_);
  auto point = [&](double arrived) {
    return PackPoint{.arrived = arrived,
                     .allocated = static_cast<double>(r.allocated_milli) / cap,
                     .fragmented = cluster.fragmented(),
                     .idle = static_cast<double>(capacity_milli_ - r.allocated_milli) / cap};
  };
  r.node_of.reserve(order.size());
  r.gpu_of.reserve(order.size());
  r.curve.push_back(point(0));
  int next_sample = 1;

  for (std::size_t k = 0; k < order.size(); ++k) {
    const int pod = order[k];
    SUANLI_ASSERT(pod >= 0 && pod < static_cast<int>(pods_.size()));
    const auto now = static_cast<std::int64_t>(k);  // the pod's position in the order
    const Placement::Choice c = policy.choose(cluster, pod, now);
    const std::int64_t request = pods_[static_cast<std::size_t>(pod)].gpu_request_milli();
    r.arrived_milli += request;
    ++r.pods;
    r.node_of.push_back(c.node);
    if (c.node < 0) {
      r.gpu_of.push_back(-1);
      ++r.failed;
      if (pods_[static_cast<std::size_t>(pod)].num_gpu > 0) ++r.gpu_pods_failed;
    } else {
      r.gpu_of.push_back(place_chosen(cluster, policy, pod, c, now).first_gpu);
      r.allocated_milli += request;
      ++r.placed;
    }
    while (next_sample * options_.sample_step * cap <= static_cast<double>(r.arrived_milli) &&
           next_sample * options_.sample_step < options_.load) {
      r.curve.push_back(point(next_sample * options_.sample_step));
      ++next_sample;
    }
  }
  r.curve.push_back(point(static_cast<double>(r.arrived_milli) / cap));
  return r;
}

void parallel_for(std::size_t n, unsigned threads, const std::function<void(std::size_t)>& fn) {
  if (n == 0) return;
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, n));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
}

void for_each_run(const std::vector<ReplayPolicyFactory>& policies, const std::vector<std::uint64_t>& seeds,
                  unsigned threads, const std::function<void(std::size_t, ReplayPolicy&, std::uint64_t)>& run) {
  const std::size_t jobs = policies.size() * seeds.size();
  parallel_for(jobs, threads, [&](std::size_t i) {
    const std::unique_ptr<ReplayPolicy> policy = policies[i / seeds.size()]();
    run(i, *policy, seeds[i % seeds.size()]);
  });
}

std::vector<PackResult> run_all(const PackingEngine& engine, const std::vector<PackPolicy>& policies,
                                const std::vector<std::uint64_t>& seeds, unsigned threads) {
  return run_all(engine, builtin_factories(policies), seeds, threads);
}

std::vector<PackResult> run_all(const PackingEngine& engine, const std::vector<ReplayPolicyFactory>& policies,
                                const std::vector<std::uint64_t>& seeds, unsigned threads) {
  std::vector<PackResult> out(policies.size() * seeds.size());
  for_each_run(policies, seeds, threads,
               [&](std::size_t i, ReplayPolicy& policy, std::uint64_t seed) { out[i] = engine.run(policy, seed); });
  return out;
}

}  // namespace suanli::trace

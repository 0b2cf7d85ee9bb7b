// Packing engine. Why it is fast: F_n(M) of every node is kept up to date
// incrementally (only the node a pod lands on changes), and FGD's per-node
// answer for a pod shape is cached until that node changes, so most pods cost
// one cache probe per node. Candidate GPUs with equal free capacity give the
// same F, so only distinct free values are tried.
#include "suanli/trace/packing.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::trace {
namespace {

constexpr int kMaxGpusPerNode = 64;
constexpr std::uint64_t kAnyModel = ~std::uint64_t{0};
constexpr std::int64_t kInfeasible = std::numeric_limits<std::int64_t>::max();

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

// Uniform choice among equal-best candidates, one pass (reservoir of one).
// Modulo bias over a 64-bit draw is negligible for a few thousand ties.
struct TieBreak {
  std::mt19937_64& rng;
  int count = 0;
  bool take() {
    ++count;
    return count == 1 || rng() % static_cast<std::uint64_t>(count) == 0;
  }
};

// Per-run mutable state, sized once.
struct State {
  std::vector<std::int64_t> cpu_left, mem_left, frag;
  std::vector<std::int32_t> gpu_free;
  std::vector<std::uint32_t> version;
  std::vector<std::uint8_t> hosts;  // node x GPU shape: hosts a pod of that shape
  struct Cached {
    std::uint32_t version = std::numeric_limits<std::uint32_t>::max();
    std::int32_t gpu = -1;
    std::int64_t key = kInfeasible;  // fgd_key() of the best candidate; smaller is better
  };
  std::vector<Cached> cache;  // node x pod shape, FGD only
};

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

PackResult PackingEngine::run(PackPolicy policy, std::uint64_t seed) const {

  // The workload: resample, then shuffle. Its own RNG, so it is the same for
  // every policy at one seed.
  std::mt19937_64 workload_rng(seed);
  std::vector<int> order;
  {
    const auto target = static_cast<std::int64_t>(options_.load * static_cast<double>(capacity_milli_));
    std::uniform_int_distribution<std::size_t> pick(0, pods_.size() - 1);
    std::int64_t sum = 0;
    while (sum < target) {
      const std::size_t i = pick(workload_rng);
      order.push_back(static_cast<int>(i));
      sum += pods_[i].gpu_request_milli();
    }
    std::shuffle(order.begin(), order.end(), workload_rng);
  }
  return run_order(policy, seed, order);
}

PackResult PackingEngine::run_order(PackPolicy policy, std::uint64_t seed, const std::vector<int>& order) const {
  const int n_nodes = static_cast<int>(nodes_.size());
  const int n_shapes = static_cast<int>(shapes_.size());
  std::mt19937_64 rng(seed ^ 0x9e3779b97f4a7c15ULL);  // tie-breaks and Random

  State st;
  st.cpu_left.resize(n_nodes);
  st.mem_left.resize(n_nodes);
  st.frag.resize(n_nodes);
  st.version.assign(n_nodes, 0);
  st.gpu_free.assign(total_gpus_, static_cast<std::int32_t>(kMilliPerGpu));
  st.hosts.assign(static_cast<std::size_t>(n_nodes) * gpu_shapes_, 0);
  if (policy == PackPolicy::Fgd) st.cache.resize(static_cast<std::size_t>(n_nodes) * n_shapes);
  std::int64_t frag_total = 0;
  for (int i = 0; i < n_nodes; ++i) {
    st.cpu_left[i] = nodes_[i].cpu;
    st.mem_left[i] = nodes_[i].mem;
    st.frag[i] = node_frag(nodes_[i], nodes_[i].cpu, &st.gpu_free[nodes_[i].first_gpu]);
    frag_total += st.frag[i];
  }

  PackResult r;
  r.policy = policy;
  r.seed = seed;
  r.capacity_milli = capacity_milli_;
  r.curve.reserve(static_cast<std::size_t>(options_.load / options_.sample_step) + 2);
  const double cap = static_cast<double>(capacity_milli_);
  auto point = [&](double arrived) {
    return PackPoint{.arrived = arrived,
                     .allocated = static_cast<double>(r.allocated_milli) / cap,
                     .fragmented = static_cast<double>(frag_total) / static_cast<double>(weight_sum_) / cap,
                     .idle = static_cast<double>(capacity_milli_ - r.allocated_milli) / cap};
  };
  r.node_of.reserve(order.size());
  r.gpu_of.reserve(order.size());
  r.curve.push_back(point(0));
  int next_sample = 1;

  auto fits = [&](int i, const Shape& s) {
    const NodeSpec& n = nodes_[i];
    if (st.cpu_left[i] < s.cpu || st.mem_left[i] < s.mem) return false;
    if (s.gpus == 0) return true;
    if (n.gpus < s.gpus || ((s.models >> n.model) & 1U) == 0) return false;
    const std::int32_t* free = &st.gpu_free[n.first_gpu];
    int count = 0;
    for (int g = 0; g < n.gpus; ++g) count += free[g] >= s.milli ? 1 : 0;
    return count >= s.gpus;
  };
  // The fitting GPU with the least free capacity (first on ties).
  auto tightest_gpu = [&](int i, const Shape& s) {
    const NodeSpec& n = nodes_[i];
    const std::int32_t* free = &st.gpu_free[n.first_gpu];
    int best = -1;
    for (int g = 0; g < n.gpus; ++g) {
      if (free[g] >= s.milli && (best < 0 || free[g] < free[best])) best = g;
    }
    return best;
  };
  // FGD's answer for (node, shape): the best key and its GPU (fractions) or -1.
  auto fgd_eval = [&](int i, const Shape& s) -> State::Cached {
    State::Cached c{.version = st.version[i], .gpu = -1, .key = kInfeasible};
    if (!fits(i, s)) return c;
    const NodeSpec& n = nodes_[i];
    const std::int32_t* free = &st.gpu_free[n.first_gpu];
    std::array<std::int32_t, kMaxGpusPerNode> tmp{};
    std::copy(free, free + n.gpus, tmp.begin());
    const std::int64_t cpu_after = st.cpu_left[i] - s.cpu;
    const auto milli = static_cast<std::int32_t>(s.milli);
    if (s.gpus == 1 && s.milli < kMilliPerGpu) {
      for (int g = 0; g < n.gpus; ++g) {
        if (free[g] < milli || std::find(free, free + g, free[g]) != free + g) continue;
        tmp[g] -= milli;
        const std::int64_t k = fgd_key(node_frag(n, cpu_after, tmp.data()) - st.frag[i]);
        tmp[g] += milli;
        if (k < c.key) {
          c.key = k;
          c.gpu = g;
        }
      }
    } else {
      for (int g = 0, left = s.gpus; g < n.gpus && left > 0; ++g) {
        if (tmp[g] >= milli) {
          tmp[g] -= milli;
          --left;
        }
      }
      c.key = fgd_key(node_frag(n, cpu_after, tmp.data()) - st.frag[i]);
    }
    return c;
  };

  for (const int pod : order) {
    SUANLI_ASSERT(pod >= 0 && pod < static_cast<int>(pods_.size()));
    const Shape& s = shapes_[pod_shape_[pod]];
    const int shape_id = pod_shape_[pod];
    int chosen = -1, gpu = -1;
    TieBreak tie{rng};
    switch (policy) {
      case PackPolicy::Fgd: {
        std::int64_t best = kInfeasible;
        for (int i = 0; i < n_nodes; ++i) {
          State::Cached& c = st.cache[static_cast<std::size_t>(i) * n_shapes + shape_id];
          if (c.version != st.version[i]) c = fgd_eval(i, s);
          if (c.key == kInfeasible || c.key > best) continue;
          if (c.key < best) {
            best = c.key;
            tie.count = 0;
          }
          if (tie.take()) {
            chosen = i;
            gpu = c.gpu;
          }
        }
        break;
      }
      case PackPolicy::Random: {
        for (int i = 0; i < n_nodes; ++i) {
          if (fits(i, s) && tie.take()) chosen = i;
        }
        if (chosen >= 0 && s.gpus == 1 && s.milli < kMilliPerGpu) {
          const std::int32_t* free = &st.gpu_free[nodes_[chosen].first_gpu];
          TieBreak g_tie{rng};
          for (int g = 0; g < nodes_[chosen].gpus; ++g) {
            if (free[g] >= s.milli && g_tie.take()) gpu = g;
          }
        }
        break;
      }
      default: {
        double best = -std::numeric_limits<double>::infinity();
        for (int i = 0; i < n_nodes; ++i) {
          if (!fits(i, s)) continue;
          const NodeSpec& n = nodes_[i];
          const std::int32_t* free = &st.gpu_free[n.first_gpu];
          std::int64_t idle = 0;
          bool partial = false;
          for (int g = 0; g < n.gpus; ++g) {
            idle += free[g];
            partial = partial || free[g] < kMilliPerGpu;
          }
          const double gpu_cap = static_cast<double>(n.gpus * kMilliPerGpu);
          const double cpu_cap = static_cast<double>(std::max<std::int64_t>(n.cpu, 1));
          const double mem_cap = static_cast<double>(std::max<std::int64_t>(n.mem, 1));
          const auto req_gpu = static_cast<double>(s.gpus * s.milli);
          double score = 0;
          if (policy == PackPolicy::DotProd) {
            score = (static_cast<double>(st.cpu_left[i]) / cpu_cap) * (static_cast<double>(s.cpu) / cpu_cap) +
                    (static_cast<double>(st.mem_left[i]) / mem_cap) * (static_cast<double>(s.mem) / mem_cap);
            if (n.gpus > 0) score += (static_cast<double>(idle) / gpu_cap) * (req_gpu / gpu_cap);
          } else if (policy == PackPolicy::BestFit) {
            score = -(static_cast<double>(st.cpu_left[i] - s.cpu) / cpu_cap +
                      static_cast<double>(st.mem_left[i] - s.mem) / mem_cap);
            if (n.gpus > 0) score -= (static_cast<double>(idle) - req_gpu) / gpu_cap;
          } else if (policy == PackPolicy::GpuPacking) {
            score = partial ? 2 : 1;
            if (s.gpus == 1 && s.milli < kMilliPerGpu && partial) {
              const int g = tightest_gpu(i, s);
              if (free[g] < kMilliPerGpu) score = 3;  // a partially used GPU takes it
            }
          } else {  // GpuClustering
            score = st.hosts[static_cast<std::size_t>(i) * gpu_shapes_ + s.gpu_shape] ? 2 : (partial ? 0 : 1);
          }
          if (score < best) continue;
          if (score > best) {
            best = score;
            tie.count = 0;
          }
          if (tie.take()) chosen = i;
        }
        break;
      }
    }

    // Bind.
    r.arrived_milli += s.gpus * s.milli;
    ++r.pods;
    r.node_of.push_back(chosen);
    if (chosen < 0) {
      r.gpu_of.push_back(-1);
      ++r.failed;
      if (s.gpus > 0) ++r.gpu_pods_failed;
    } else {
      const NodeSpec& n = nodes_[chosen];
      std::int32_t* free = &st.gpu_free[n.first_gpu];
      const auto milli = static_cast<std::int32_t>(s.milli);
      if (s.gpus == 1 && s.milli < kMilliPerGpu) {
        if (gpu < 0) gpu = tightest_gpu(chosen, s);
        SUANLI_ASSERT(gpu >= 0 && free[gpu] >= milli);
        free[gpu] -= milli;
      } else {
        for (int g = 0, left = s.gpus; g < n.gpus && left > 0; ++g) {
          if (free[g] >= milli) {
            if (gpu < 0) gpu = g;
            free[g] -= milli;
            --left;
          }
        }
      }
      r.gpu_of.push_back(gpu);
      st.cpu_left[chosen] -= s.cpu;
      st.mem_left[chosen] -= s.mem;
      SUANLI_ASSERT(st.cpu_left[chosen] >= 0 && st.mem_left[chosen] >= 0);
      st.hosts[static_cast<std::size_t>(chosen) * gpu_shapes_ + s.gpu_shape] = 1;
      ++st.version[chosen];
      frag_total -= st.frag[chosen];
      st.frag[chosen] = node_frag(n, st.cpu_left[chosen], free);
      frag_total += st.frag[chosen];
      r.allocated_milli += s.gpus * s.milli;
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

std::vector<PackResult> run_all(const PackingEngine& engine, const std::vector<PackPolicy>& policies,
                                const std::vector<std::uint64_t>& seeds, unsigned threads) {
  std::vector<std::pair<PackPolicy, std::uint64_t>> jobs;
  for (PackPolicy p : policies) {
    for (std::uint64_t s : seeds) jobs.emplace_back(p, s);
  }
  std::vector<PackResult> out(jobs.size());
  if (threads == 0) threads = std::max(1U, std::thread::hardware_concurrency());
  threads = std::min<unsigned>(threads, static_cast<unsigned>(jobs.size()));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < jobs.size(); i = next++) out[i] = engine.run(jobs[i].first, jobs[i].second);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (std::thread& t : pool) t.join();
  return out;
}

}  // namespace suanli::trace

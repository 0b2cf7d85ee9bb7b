// Why it is fast: F_n(M) of every node is kept up to date incrementally (only
// the node a pod lands on or leaves changes), and FGD's per-node answer for a
// pod shape is cached until that node changes, so most pods cost one cache
// probe per node. Candidate GPUs with equal free capacity give the same F, so
// only distinct free values are tried.
#include "suanli/trace/placement.h"

#include <algorithm>
#include <array>
#include <stdexcept>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::trace {
namespace {

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

bool is_fraction(const PackingEngine::Shape& s) { return s.gpus == 1 && s.milli < kMilliPerGpu; }

class BuiltinPolicy final : public ReplayPolicy {
 public:
  explicit BuiltinPolicy(PackPolicy p) : policy_(p) {}
  std::string name() const override { return std::string(policy_name(policy_)); }
  Placement::Choice choose(Placement& cluster, int pod, std::int64_t /*now*/) override {
    return cluster.choose(policy_, pod);
  }

 private:
  PackPolicy policy_;
};

}  // namespace

std::unique_ptr<ReplayPolicy> make_replay_policy(PackPolicy policy) { return std::make_unique<BuiltinPolicy>(policy); }

ReplayPolicyFactory builtin_factory(PackPolicy policy) {
  return [policy] { return make_replay_policy(policy); };
}

std::vector<ReplayPolicyFactory> builtin_factories(const std::vector<PackPolicy>& policies) {
  std::vector<ReplayPolicyFactory> out;
  for (PackPolicy p : policies) out.push_back(builtin_factory(p));
  return out;
}

Placement::Bound place_chosen(Placement& cluster, ReplayPolicy& policy, int pod, Placement::Choice c,
                              std::int64_t now) {
  if (c.node < 0 || c.node >= cluster.node_count() || !cluster.fits(c.node, pod)) {
    throw std::logic_error(fmt::format("policy {} chose node {} for pod {}, which does not fit there", policy.name(),
                                       c.node, pod));
  }
  const Placement::Bound b = cluster.bind(pod, c);
  policy.placed(pod, c.node, b, now);
  return b;
}

Placement::Placement(const PackingEngine& engine, std::uint64_t seed)
    : e_(engine), rng_(seed ^ 0x9e3779b97f4a7c15ULL) {
  const std::size_t n = e_.nodes_.size();
  cpu_left_.resize(n);
  mem_left_.resize(n);
  frag_.resize(n);
  version_.assign(n, 0);
  gpu_free_.assign(static_cast<std::size_t>(e_.total_gpus_), static_cast<std::int32_t>(kMilliPerGpu));
  hosts_.assign(n * static_cast<std::size_t>(e_.gpu_shapes_), 0);
  for (std::size_t i = 0; i < n; ++i) {
    const NodeSpec& s = e_.nodes_[i];
    cpu_left_[i] = s.cpu;
    mem_left_[i] = s.mem;
    frag_[i] = e_.node_frag(s, s.cpu, &gpu_free_[static_cast<std::size_t>(s.first_gpu)]);
    frag_total_ += frag_[i];
  }
}

const std::int32_t* Placement::gpu_free(int node) const {
  return &gpu_free_[static_cast<std::size_t>(e_.nodes_[static_cast<std::size_t>(node)].first_gpu)];
}

double Placement::fragmented() const {
  return static_cast<double>(frag_total_) / static_cast<double>(e_.weight_sum_) /
         static_cast<double>(e_.capacity_milli_);
}

bool Placement::fits_shape(int i, const Shape& s) const {
  const NodeSpec& n = e_.nodes_[static_cast<std::size_t>(i)];
  if (cpu_left(i) < s.cpu || mem_left(i) < s.mem) return false;
  if (s.gpus == 0) return true;
  if (n.gpus < s.gpus || ((s.models >> n.model) & 1U) == 0) return false;
  const std::int32_t* free = gpu_free(i);
  int count = 0;
  for (int g = 0; g < n.gpus; ++g) count += free[g] >= s.milli ? 1 : 0;
  return count >= s.gpus;
}

bool Placement::fits(int node, int pod) const {
  return fits_shape(node, e_.shapes_[static_cast<std::size_t>(shape_of(pod))]);
}

bool Placement::fits_empty(int pod) const {
  const Shape& s = e_.shapes_[static_cast<std::size_t>(shape_of(pod))];
  return std::any_of(e_.nodes_.begin(), e_.nodes_.end(), [&](const NodeSpec& n) {
    return n.cpu >= s.cpu && n.mem >= s.mem &&
           (s.gpus == 0 || (n.gpus >= s.gpus && ((s.models >> n.model) & 1U) != 0));
  });
}

// The fitting GPU with the least free capacity (first on ties).
int Placement::tightest_gpu(int i, const Shape& s) const {
  const int gpus = e_.nodes_[static_cast<std::size_t>(i)].gpus;
  const std::int32_t* free = gpu_free(i);
  int best = -1;
  for (int g = 0; g < gpus; ++g) {
    if (free[g] >= s.milli && (best < 0 || free[g] < free[best])) best = g;
  }
  return best;
}

// FGD's answer for (node, shape): the best key and its GPU (fractions) or -1.
Placement::Cached Placement::fgd_eval(int i, const Shape& s) const {
  Cached c{.version = version_[static_cast<std::size_t>(i)], .gpu = -1, .key = kInfeasible};
  if (!fits_shape(i, s)) return c;
  const NodeSpec& n = e_.nodes_[static_cast<std::size_t>(i)];
  const std::int32_t* free = gpu_free(i);
  std::array<std::int32_t, PackingEngine::kMaxGpusPerNode> tmp{};
  std::copy(free, free + n.gpus, tmp.begin());
  const std::int64_t cpu_after = cpu_left(i) - s.cpu;
  const std::int64_t before = frag_[static_cast<std::size_t>(i)];
  const auto milli = static_cast<std::int32_t>(s.milli);
  if (is_fraction(s)) {
    for (int g = 0; g < n.gpus; ++g) {
      if (free[g] < milli || std::find(free, free + g, free[g]) != free + g) continue;
      tmp[static_cast<std::size_t>(g)] -= milli;
      const std::int64_t k = e_.fgd_key(e_.node_frag(n, cpu_after, tmp.data()) - before);
      tmp[static_cast<std::size_t>(g)] += milli;
      if (k < c.key) {
        c.key = k;
        c.gpu = g;
      }
    }
  } else {
    for (int g = 0, left = s.gpus; g < n.gpus && left > 0; ++g) {
      if (tmp[static_cast<std::size_t>(g)] >= milli) {
        tmp[static_cast<std::size_t>(g)] -= milli;
        --left;
      }
    }
    c.key = e_.fgd_key(e_.node_frag(n, cpu_after, tmp.data()) - before);
  }
  return c;
}

Placement::Choice Placement::choose(PackPolicy policy, int pod) {
  SUANLI_ASSERT(pod >= 0 && pod < static_cast<int>(e_.pod_shape_.size()));
  const int shape_id = shape_of(pod);
  const Shape& s = e_.shapes_[static_cast<std::size_t>(shape_id)];
  const int n_nodes = node_count();
  const std::size_t n_shapes = e_.shapes_.size();
  Choice out;
  TieBreak tie{rng_};
  switch (policy) {
    case PackPolicy::Fgd: {
      if (cache_.empty()) cache_.resize(static_cast<std::size_t>(n_nodes) * n_shapes);
      std::int64_t best = kInfeasible;
      for (int i = 0; i < n_nodes; ++i) {
        Cached& c = cache_[static_cast<std::size_t>(i) * n_shapes + static_cast<std::size_t>(shape_id)];
        if (c.version != version_[static_cast<std::size_t>(i)]) c = fgd_eval(i, s);
        if (c.key == kInfeasible || c.key > best) continue;
        if (c.key < best) {
          best = c.key;
          tie.count = 0;
        }
        if (tie.take()) out = {i, c.gpu};
      }
      break;
    }
    case PackPolicy::Random: {
      for (int i = 0; i < n_nodes; ++i) {
        if (fits_shape(i, s) && tie.take()) out.node = i;
      }
      if (out.node >= 0 && is_fraction(s)) {
        const std::int32_t* free = gpu_free(out.node);
        TieBreak g_tie{rng_};
        for (int g = 0; g < e_.nodes_[static_cast<std::size_t>(out.node)].gpus; ++g) {
          if (free[g] >= s.milli && g_tie.take()) out.gpu = g;
        }
      }
      break;
    }
    default: {
      double best = -std::numeric_limits<double>::infinity();
      for (int i = 0; i < n_nodes; ++i) {
        if (!fits_shape(i, s)) continue;
        const NodeSpec& n = e_.nodes_[static_cast<std::size_t>(i)];
        const std::int32_t* free = gpu_free(i);
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
          score = (static_cast<double>(cpu_left(i)) / cpu_cap) * (static_cast<double>(s.cpu) / cpu_cap) +
                  (static_cast<double>(mem_left(i)) / mem_cap) * (static_cast<double>(s.mem) / mem_cap);
          if (n.gpus > 0) score += (static_cast<double>(idle) / gpu_cap) * (req_gpu / gpu_cap);
        } else if (policy == PackPolicy::BestFit) {
          score = -(static_cast<double>(cpu_left(i) - s.cpu) / cpu_cap +
                    static_cast<double>(mem_left(i) - s.mem) / mem_cap);
          if (n.gpus > 0) score -= (static_cast<double>(idle) - req_gpu) / gpu_cap;
        } else if (policy == PackPolicy::GpuPacking) {
          score = partial ? 2 : 1;
          if (is_fraction(s) && partial) {
            const int g = tightest_gpu(i, s);
            if (free[g] < kMilliPerGpu) score = 3;  // a partially used GPU takes it
          }
        } else {  // GpuClustering
          const std::size_t h = static_cast<std::size_t>(i) * static_cast<std::size_t>(e_.gpu_shapes_) +
                                static_cast<std::size_t>(s.gpu_shape);
          score = hosts_[h] != 0 ? 2 : (partial ? 0 : 1);
        }
        if (score < best) continue;
        if (score > best) {
          best = score;
          tie.count = 0;
        }
        if (tie.take()) out.node = i;
      }
      break;
    }
  }
  return out;
}

void Placement::refresh(int node) {
  const auto i = static_cast<std::size_t>(node);
  ++version_[i];
  frag_total_ -= frag_[i];
  frag_[i] = e_.node_frag(e_.nodes_[i], cpu_left_[i], gpu_free(node));
  frag_total_ += frag_[i];
}

Placement::Bound Placement::bind(int pod, Choice c) {
  const Shape& s = e_.shapes_[static_cast<std::size_t>(shape_of(pod))];
  SUANLI_ASSERT(c.node >= 0 && c.node < node_count() && fits_shape(c.node, s));
  const auto i = static_cast<std::size_t>(c.node);
  const NodeSpec& n = e_.nodes_[i];
  std::int32_t* free = &gpu_free_[static_cast<std::size_t>(n.first_gpu)];
  const auto milli = static_cast<std::int32_t>(s.milli);
  Bound b;
  if (is_fraction(s)) {
    int gpu = c.gpu >= 0 ? c.gpu : tightest_gpu(c.node, s);
    SUANLI_ASSERT(gpu >= 0 && gpu < n.gpus && free[gpu] >= milli);
    free[gpu] -= milli;
    b = {std::uint64_t{1} << gpu, gpu};
  } else {
    for (int g = 0, left = s.gpus; g < n.gpus && left > 0; ++g) {
      if (free[g] >= milli) {
        if (b.first_gpu < 0) b.first_gpu = g;
        b.gpus |= std::uint64_t{1} << g;
        free[g] -= milli;
        --left;
      }
    }
  }
  cpu_left_[i] -= s.cpu;
  mem_left_[i] -= s.mem;
  SUANLI_ASSERT(cpu_left_[i] >= 0 && mem_left_[i] >= 0);
  ++hosts_[i * static_cast<std::size_t>(e_.gpu_shapes_) + static_cast<std::size_t>(s.gpu_shape)];
  allocated_milli_ += s.gpus * s.milli;
  refresh(c.node);
  return b;
}

void Placement::release(int pod, int node, const Bound& b) {
  const Shape& s = e_.shapes_[static_cast<std::size_t>(shape_of(pod))];
  SUANLI_ASSERT(node >= 0 && node < node_count());
  const auto i = static_cast<std::size_t>(node);
  const NodeSpec& n = e_.nodes_[i];
  std::int32_t* free = &gpu_free_[static_cast<std::size_t>(n.first_gpu)];
  const auto milli = static_cast<std::int32_t>(s.milli);
  for (int g = 0; g < n.gpus; ++g) {
    if ((b.gpus >> g) & 1U) {
      free[g] += milli;
      SUANLI_ASSERT(free[g] <= kMilliPerGpu);
    }
  }
  cpu_left_[i] += s.cpu;
  mem_left_[i] += s.mem;
  std::int32_t& h = hosts_[i * static_cast<std::size_t>(e_.gpu_shapes_) + static_cast<std::size_t>(s.gpu_shape)];
  SUANLI_ASSERT(h > 0 && cpu_left_[i] <= n.cpu && mem_left_[i] <= n.mem);
  --h;
  allocated_milli_ -= s.gpus * s.milli;
  refresh(node);
}

}  // namespace suanli::trace

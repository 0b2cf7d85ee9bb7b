// The suanli policy: ClusterState answers, Placement checks CPU and memory.
// Why a per-pool walk with a test instead of find() and a retry: find() has
// no notion of CPU, so a node it picks may lack it; walking the same best-fit
// order and skipping such nodes gives the scheduler's best fit among the nodes
// that can host the pod, and equals find()'s answer whenever CPU suffices.
#include "suanli/trace_sched/suanli_policy.h"

#include <cctype>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "suanli/model/error.h"

namespace suanli::trace {
namespace {

Accelerator opaque_accelerator(const std::string& code) {
  std::string lower;
  for (char c : code) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  Accelerator a;
  a.id = "openb-" + lower;
  a.name = "undisclosed (openb " + code + ")";
  a.vendor = "undisclosed";
  return a;  // every figure Unknown; origin: see the header
}

}  // namespace

SuanliFleet::SuanliFleet(const PackingEngine& engine, const Catalog& catalog, const std::vector<TraceGpuModel>& codes)
    : engine_(engine) {
  for (const OpenbPod& p : engine_.pods()) {
    // ClusterState shares one device or whole devices (config/openb_reader.h
    // rejects such rows too; an engine built by hand may not).
    if (p.num_gpu > 1 && p.gpu_milli < kMilliPerGpu) {
      throw InputError(p.name, fmt::format("asks for {} milli on each of {} GPUs; the suanli policy places a "
                                           "fraction of one GPU or whole GPUs",
                                           p.gpu_milli, p.num_gpu));
    }
  }
  for (const std::string& code : engine_.gpu_models()) {
    const TraceGpuModel* known = nullptr;
    for (const TraceGpuModel& m : codes) {
      if (m.code == code) known = &m;
    }
    if (known != nullptr && !known->accelerator.empty()) {
      accelerators_.push_back(catalog.accelerator(known->accelerator, "openb GPU model " + code));
    } else {
      accelerators_.push_back(opaque_accelerator(code));
    }
  }
}

SuanliPolicy::SuanliPolicy(const SuanliFleet& fleet) : fleet_(fleet) {
  const PackingEngine& e = fleet_.engine();
  const auto& specs = e.node_specs();
  state_node_.assign(specs.size(), -1);
  device_of_gpu_.assign(static_cast<std::size_t>(e.gpu_count()), -1);
  share_of_.assign(e.pods().size(), NodeShare{});
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const PackingEngine::NodeSpec& s = specs[i];
    if (s.gpus == 0) continue;
    const Accelerator& a = fleet_.accelerators()[static_cast<std::size_t>(s.model)];
    NodeGroup g;
    g.id = fmt::format("openb-{}", i);
    g.accelerator = a.id;
    g.count = 1;
    g.devices_per_node = s.gpus;
    const int n = state_.add_nodes(g, a, static_cast<int>(i)).front();
    state_node_[i] = n;
    engine_node_.push_back(static_cast<int>(i));
    const auto pool = static_cast<std::size_t>(state_.nodes()[static_cast<std::size_t>(n)].pool);
    if (pool_model_.size() <= pool) pool_model_.resize(pool + 1, -1);
    pool_model_[pool] = s.model;
  }
  gpu_of_device_.assign(static_cast<std::size_t>(state_.total_devices()), -1);
}

int SuanliPolicy::device_slot(int state_node, int device) const {
  return state_.nodes()[static_cast<std::size_t>(state_node)].first_device + device;
}

Placement::Choice SuanliPolicy::choose(Placement& cluster, int pod, std::int64_t /*now*/) {
  const PackingEngine& e = fleet_.engine();
  const PackingEngine::Shape& s = e.shape(cluster.shape_of(pod));
  pending_ = Pending{};
  pending_.pod = pod;
  if (s.gpus == 0) {
    const Placement::Choice c = cluster.choose(PackPolicy::BestFit, pod);
    pending_.node = c.node;
    return c;
  }
  const auto accept = [&](int n) { return cluster.fits(engine_node_[static_cast<std::size_t>(n)], pod); };
  const bool fraction = s.gpus == 1 && s.milli < kMilliPerGpu;  // gpus > 1 are whole (constructor)
  // Smaller is tighter: (opens a device, free milli or free devices), then pool.
  std::tuple<int, int> best_key{2, 0};
  const auto& pools = state_.pools();
  for (std::size_t p = 0; p < pools.size(); ++p) {
    if (((s.models >> pool_model_[p]) & 1U) == 0 || pools[p].devices_per_node < s.gpus) continue;
    const int pool = static_cast<int>(p);
    if (fraction) {
      const auto fit = state_.find_fraction_if(pool, static_cast<int>(s.milli), 0, accept);
      if (!fit) continue;
      const NodeShare& sh = fit->share;
      const std::tuple<int, int> key{fit->opens ? 1 : 0,
                                     fit->opens ? state_.nodes()[static_cast<std::size_t>(sh.node)].free
                                                : state_.shared_device(sh.node, sh.device)->free_milli};
      if (key < best_key) {
        best_key = key;
        pending_.share = sh;
        pending_.opens = fit->opens;
        pending_.has_share = true;
      }
    } else {
      const int n = state_.find_node_if(pool, s.gpus, accept);
      if (n < 0) continue;
      const std::tuple<int, int> key{0, state_.nodes()[static_cast<std::size_t>(n)].free};
      if (key < best_key) {
        best_key = key;
        pending_.share = NodeShare{n, s.gpus, -1, 0, 0};
        pending_.has_share = true;
      }
    }
  }
  if (!pending_.has_share) return {};
  const int node = engine_node_[static_cast<std::size_t>(pending_.share.node)];
  pending_.node = node;
  if (!fraction) return {node, -1};
  if (pending_.opens) {
    // The lowest fully free GPU: ClusterState's whole-free devices are the
    // Placement's fully free GPUs, so there is one.
    const std::int32_t* free = cluster.gpu_free(node);
    const int gpus = e.node_specs()[static_cast<std::size_t>(node)].gpus;
    int g = 0;
    while (g < gpus && free[g] != kMilliPerGpu) ++g;
    SUANLI_ASSERT(g < gpus);
    pending_.gpu = g;
  } else {
    pending_.gpu = gpu_of_device_[static_cast<std::size_t>(device_slot(pending_.share.node, pending_.share.device))];
    SUANLI_ASSERT(pending_.gpu >= 0);
  }
  return {node, pending_.gpu};
}

void SuanliPolicy::placed(int pod, int node, const Placement::Bound& where, std::int64_t /*now*/) {
  if (pending_.pod != pod || pending_.node != node) {
    throw std::logic_error(fmt::format("suanli policy: pod {} placed on node {}, but it chose node {} for pod {}", pod,
                                       node, pending_.node, pending_.pod));
  }
  pending_.pod = -1;
  if (!pending_.has_share) return;  // a GPU-less pod holds no device
  const NodeShare& sh = pending_.share;
  if (sh.fractional()) {
    SUANLI_ASSERT(where.first_gpu == pending_.gpu);
    if (pending_.opens) {
      gpu_of_device_[static_cast<std::size_t>(device_slot(sh.node, sh.device))] = pending_.gpu;
      const int first_gpu = fleet_.engine().node_specs()[static_cast<std::size_t>(node)].first_gpu;
      device_of_gpu_[static_cast<std::size_t>(first_gpu + pending_.gpu)] = sh.device;
    }
  }
  state_.bind({sh});
  share_of_[static_cast<std::size_t>(pod)] = sh;
}

void SuanliPolicy::released(int pod, int /*node*/, std::int64_t /*now*/) {
  NodeShare& sh = share_of_[static_cast<std::size_t>(pod)];
  if (sh.devices == 0 && !sh.fractional()) return;
  state_.release({sh});
  if (sh.fractional() && state_.shared_device(sh.node, sh.device) == nullptr) {
    // Its last fraction left: the device is whole-free again, and so is the GPU.
    int& gpu = gpu_of_device_[static_cast<std::size_t>(device_slot(sh.node, sh.device))];
    const int node = engine_node_[static_cast<std::size_t>(sh.node)];
    const int first_gpu = fleet_.engine().node_specs()[static_cast<std::size_t>(node)].first_gpu;
    device_of_gpu_[static_cast<std::size_t>(first_gpu + gpu)] = -1;
    gpu = -1;
  }
  sh = NodeShare{};
}

std::string SuanliPolicy::mirror_mismatch(const Placement& cluster) const {
  const auto& specs = fleet_.engine().node_specs();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    const int n = state_node_[i];
    if (n < 0) continue;
    const std::int32_t* free = cluster.gpu_free(static_cast<int>(i));
    int whole_free = 0;
    for (int g = 0; g < specs[i].gpus; ++g) {
      const int d = device_of_gpu_[static_cast<std::size_t>(specs[i].first_gpu + g)];
      if (d >= 0) {
        const SharedDevice* sd = state_.shared_device(n, d);
        if (sd == nullptr || sd->free_milli != free[g] ||
            gpu_of_device_[static_cast<std::size_t>(device_slot(n, d))] != g) {
          return fmt::format("node {} GPU {}: {} milli free, shared device {} disagrees", i, g, free[g], d);
        }
      } else if (free[g] == kMilliPerGpu) {
        ++whole_free;
      } else if (free[g] != 0) {
        return fmt::format("node {} GPU {}: {} milli free but no shared device stands for it", i, g, free[g]);
      }
    }
    const Node& sn = state_.nodes()[static_cast<std::size_t>(n)];
    if (sn.free != whole_free) {
      return fmt::format("node {}: {} fully free GPUs, the cluster state counts {}", i, whole_free, sn.free);
    }
  }
  return "";
}

ReplayPolicyFactory suanli_policy_factory(const SuanliFleet& fleet) {
  return [&fleet] { return std::make_unique<SuanliPolicy>(fleet); };
}

}  // namespace suanli::trace

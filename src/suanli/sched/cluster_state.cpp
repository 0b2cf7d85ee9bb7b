#include "suanli/sched/cluster_state.h"

#include <algorithm>
#include <bit>

#include "suanli/model/error.h"

namespace suanli {
namespace {

constexpr int kWhole = ClusterState::kWholeMilli;
constexpr auto kAny = [](int) { return true; };

}  // namespace

int ClusterState::pool_of(const Accelerator* a, int devices_per_node) const {
  for (std::size_t i = 0; i < pools_.size(); ++i) {
    if (pools_[i].accelerator == a && pools_[i].devices_per_node == devices_per_node) return static_cast<int>(i);
  }
  return -1;
}

int ClusterState::domain_index(Pool& pool, const std::string& domain) {
  for (std::size_t i = 0; i < pool.domain_names.size(); ++i) {
    if (pool.domain_names[i] == domain) return static_cast<int>(i);
  }
  pool.domain_names.push_back(domain);
  pool.buckets.emplace_back(static_cast<std::size_t>(pool.devices_per_node + 1));
  return static_cast<int>(pool.domain_names.size() - 1);
}

std::vector<int> ClusterState::add_nodes(const NodeGroup& group, const Accelerator& accelerator, int group_index) {
  int p = pool_of(&accelerator, group.devices_per_node);
  if (p < 0) {
    Pool pool;
    pool.accelerator = &accelerator;
    pool.devices_per_node = group.devices_per_node;
    pool.device_mem_mib = accelerator.mem_mib();
    pool.shared.resize(kWhole);
    pools_.push_back(std::move(pool));
    p = static_cast<int>(pools_.size() - 1);
  }
  const int domain = domain_index(pools_[p], group.domain);
  std::vector<int> added;
  for (int i = 0; i < group.count; ++i) {
    Node n;
    n.name = group.id + "-" + std::to_string(i + 1);
    n.pool = p;
    n.domain = domain;
    n.group = group_index;
    n.devices = n.free = group.devices_per_node;
    n.first_device = static_cast<int>(shared_of_.size());
    shared_of_.insert(shared_of_.end(), static_cast<std::size_t>(n.devices), -1);
    const int index = static_cast<int>(nodes_.size());
    node_by_name_[n.name] = index;  // a later group of the same id names the newer node
    nodes_.push_back(std::move(n));
    bucket_insert(index);
    pools_[p].total_devices += group.devices_per_node;
    pools_[p].free_devices += group.devices_per_node;
    pools_[p].alive_nodes += 1;
    total_devices_ += group.devices_per_node;
    free_devices_ += group.devices_per_node;
    added.push_back(index);
  }
  return added;
}

void ClusterState::remove_node(int index) {
  Node& n = nodes_[index];
  if (!n.alive) return;
  // Its shared devices leave with it (their fractions' jobs are the caller's).
  for (int d = 0; d < n.devices; ++d) {
    const int id = shared_of_[static_cast<std::size_t>(n.first_device + d)];
    if (id >= 0) close_shared(id);
  }
  bucket_erase(index);
  Pool& pool = pools_[n.pool];
  pool.total_devices -= n.devices;
  pool.free_devices -= n.free;
  pool.alive_nodes -= 1;
  total_devices_ -= n.devices;
  free_devices_ -= n.free;
  n.alive = false;
  n.free = 0;
}

void ClusterState::revive_node(int index, int held) {
  Node& n = nodes_[index];
  if (n.alive) return;
  SUANLI_ASSERT(held >= 0 && held <= n.devices);
  n.alive = true;
  n.free = n.devices - held;
  bucket_insert(index);
  Pool& pool = pools_[n.pool];
  pool.total_devices += n.devices;
  pool.free_devices += n.free;
  pool.alive_nodes += 1;
  total_devices_ += n.devices;
  free_devices_ += n.free;
}

int ClusterState::node_named(std::string_view name) const {
  const auto it = node_by_name_.find(std::string(name));
  return it == node_by_name_.end() ? -1 : it->second;
}

void ClusterState::bucket_insert(int index) {
  Node& n = nodes_[index];
  auto& bucket = pools_[n.pool].buckets[n.domain][n.free];
  n.slot = static_cast<int>(bucket.size());
  bucket.push_back(index);
}

void ClusterState::bucket_erase(int index) {
  Node& n = nodes_[index];
  auto& bucket = pools_[n.pool].buckets[n.domain][n.free];
  const int last = bucket.back();
  bucket[n.slot] = last;
  nodes_[last].slot = n.slot;
  bucket.pop_back();
}

NodeShares ClusterState::find(int p, int devices) const {
  const Pool& pool = pools_[p];
  NodeShares out;
  if (devices <= 0 || devices > pool.free_devices) return out;
  const int per_node = pool.devices_per_node;
  if (devices <= per_node) {
    const int node = find_node_if(p, devices, kAny);
    if (node >= 0) out.push_back({node, devices});
    return out;
  }
  // Whole free nodes, fewest possible, preferring one domain.
  const int need = (devices + per_node - 1) / per_node;
  int chosen = -1;
  std::size_t chosen_free = 0;
  for (std::size_t d = 0; d < pool.buckets.size(); ++d) {
    const std::size_t free_nodes = pool.buckets[d][per_node].size();
    if (free_nodes >= static_cast<std::size_t>(need) && (chosen < 0 || free_nodes < chosen_free)) {
      chosen = static_cast<int>(d);
      chosen_free = free_nodes;
    }
  }
  std::vector<int> picked;
  if (chosen >= 0) {
    const auto& bucket = pool.buckets[chosen][per_node];
    picked.assign(bucket.begin(), bucket.begin() + need);
  } else {
    // Span domains, largest first.
    std::vector<std::size_t> order(pool.buckets.size());
    for (std::size_t d = 0; d < order.size(); ++d) order[d] = d;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return pool.buckets[a][per_node].size() > pool.buckets[b][per_node].size();
    });
    for (std::size_t d : order) {
      for (int node : pool.buckets[d][per_node]) {
        if (static_cast<int>(picked.size()) == need) break;
        picked.push_back(node);
      }
    }
    if (static_cast<int>(picked.size()) < need) return out;
  }
  int left = devices;
  for (int node : picked) {
    const int take = std::min(left, per_node);
    out.push_back({node, take});
    left -= take;
  }
  return out;
}

void ClusterState::move_free(int index, int delta) {
  Node& n = nodes_[index];
  bucket_erase(index);
  n.free += delta;
  bucket_insert(index);
  pools_[n.pool].free_devices += delta;
  free_devices_ += delta;
}

void ClusterState::bind(const NodeShares& shares) {
  for (const NodeShare& s : shares) {
    if (s.fractional()) {
      bind_fraction(s);
      continue;
    }
    SUANLI_ASSERT(nodes_[s.node].alive && s.devices <= nodes_[s.node].free);
    move_free(s.node, -s.devices);
  }
}

void ClusterState::release(const NodeShares& shares) {
  for (const NodeShare& s : shares) {
    const Node& n = nodes_[s.node];
    if (!n.alive) continue;  // the node left; its devices left with it
    if (s.fractional()) {
      release_fraction(s);
      continue;
    }
    SUANLI_ASSERT(n.free + s.devices <= n.devices);
    move_free(s.node, s.devices);
  }
}

// --- shared devices -------------------------------------------------------------

const SharedDevice* ClusterState::shared_device(int node, int device) const {
  const Node& n = nodes_[node];
  if (device < 0 || device >= n.devices) return nullptr;
  const int id = shared_of_[static_cast<std::size_t>(n.first_device + device)];
  return id >= 0 ? &shared_[static_cast<std::size_t>(id)] : nullptr;
}

std::optional<FractionFit> ClusterState::find_fraction(int p, int milli, int mem_mib) const {
  return find_fraction_if(p, milli, mem_mib, kAny);
}

void ClusterState::bind_fraction(const NodeShare& s) {
  Node& n = nodes_[s.node];
  SUANLI_ASSERT(n.alive && s.milli > 0 && s.milli < kWhole && s.mem_mib >= 0 && s.device >= 0 &&
                s.device < n.devices);
  int& slot = shared_of_[static_cast<std::size_t>(n.first_device + s.device)];
  if (slot < 0) {
    // Open a whole-free device: it leaves the node's free count.
    SUANLI_ASSERT(n.free > 0);
    move_free(s.node, -1);
    if (unused_shared_.empty()) {
      slot = static_cast<int>(shared_.size());
      shared_.emplace_back();
    } else {
      slot = unused_shared_.back();
      unused_shared_.pop_back();
    }
    Pool& pool = pools_[n.pool];
    shared_[static_cast<std::size_t>(slot)] = SharedDevice{s.node, s.device, kWhole, pool.device_mem_mib, 0, -1};
    pool.shared_devices += 1;
  } else {
    shared_erase(slot);
  }
  const int id = slot;
  SharedDevice& d = shared_[static_cast<std::size_t>(id)];
  SUANLI_ASSERT(d.free_milli >= s.milli && d.free_mem_mib >= s.mem_mib);
  d.free_milli -= s.milli;
  d.free_mem_mib -= s.mem_mib;
  d.fractions += 1;
  shared_insert(id);
}

void ClusterState::release_fraction(const NodeShare& s) {
  const Node& n = nodes_[s.node];
  const int id = shared_of_[static_cast<std::size_t>(n.first_device + s.device)];
  SUANLI_ASSERT(id >= 0);
  SharedDevice& d = shared_[static_cast<std::size_t>(id)];
  SUANLI_ASSERT(d.fractions > 0 && d.free_milli + s.milli <= kWhole &&
                d.free_mem_mib + s.mem_mib <= pools_[n.pool].device_mem_mib);
  shared_erase(id);
  d.free_milli += s.milli;
  d.free_mem_mib += s.mem_mib;
  d.fractions -= 1;
  if (d.fractions > 0) {
    shared_insert(id);
    return;
  }
  // The last fraction left: the device is whole-free again.
  close_shared(id);
  move_free(s.node, 1);
}

void ClusterState::shared_insert(int id) {
  SharedDevice& d = shared_[static_cast<std::size_t>(id)];
  if (d.free_milli <= 0 || d.free_milli >= kWhole) return;  // full devices are not indexed
  Pool& pool = pools_[nodes_[d.node].pool];
  auto& bucket = pool.shared[static_cast<std::size_t>(d.free_milli)];
  d.slot = static_cast<int>(bucket.size());
  bucket.push_back(id);
  pool.shared_mask[static_cast<std::size_t>(d.free_milli >> 6)] |= std::uint64_t{1} << (d.free_milli & 63);
  pool.shared_free_milli += d.free_milli;
  shared_with_room_ += 1;
}

void ClusterState::shared_erase(int id) {
  SharedDevice& d = shared_[static_cast<std::size_t>(id)];
  if (d.slot < 0) return;
  Pool& pool = pools_[nodes_[d.node].pool];
  auto& bucket = pool.shared[static_cast<std::size_t>(d.free_milli)];
  const int last = bucket.back();
  bucket[static_cast<std::size_t>(d.slot)] = last;
  shared_[static_cast<std::size_t>(last)].slot = d.slot;
  bucket.pop_back();
  if (bucket.empty()) {
    pool.shared_mask[static_cast<std::size_t>(d.free_milli >> 6)] &= ~(std::uint64_t{1} << (d.free_milli & 63));
  }
  pool.shared_free_milli -= d.free_milli;
  d.slot = -1;
  shared_with_room_ -= 1;
}

void ClusterState::close_shared(int id) {
  shared_erase(id);
  SharedDevice& d = shared_[static_cast<std::size_t>(id)];
  const Node& n = nodes_[d.node];
  shared_of_[static_cast<std::size_t>(n.first_device + d.device)] = -1;
  pools_[n.pool].shared_devices -= 1;
  d = SharedDevice{};
  unused_shared_.push_back(id);
}

void ClusterState::check_invariants() const {
  int total = 0, free = 0;
  std::vector<int> shared_per_pool(pools_.size(), 0);
  std::vector<std::int64_t> free_milli_per_pool(pools_.size(), 0);
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    int shared = 0;
    for (int d = 0; d < n.devices; ++d) {
      const int id = shared_of_[static_cast<std::size_t>(n.first_device + d)];
      if (id < 0) continue;
      SUANLI_ASSERT(n.alive);
      const SharedDevice& s = shared_[static_cast<std::size_t>(id)];
      SUANLI_ASSERT(s.node == static_cast<int>(i) && s.device == d);
      ++shared;
    }
    if (!n.alive) continue;
    SUANLI_ASSERT(n.free >= 0 && n.free + shared <= n.devices);
    const auto& bucket = pools_[n.pool].buckets[n.domain][n.free];
    SUANLI_ASSERT(n.slot < static_cast<int>(bucket.size()) && bucket[n.slot] == static_cast<int>(i));
    total += n.devices;
    free += n.free;
    shared_per_pool[static_cast<std::size_t>(n.pool)] += shared;
  }
  SUANLI_ASSERT(total == total_devices_ && free == free_devices_);
  int with_room = 0, live = 0;
  for (std::size_t id = 0; id < shared_.size(); ++id) {
    const SharedDevice& s = shared_[id];
    if (s.node < 0) continue;
    ++live;
    const Node& n = nodes_[s.node];
    const Pool& pool = pools_[n.pool];
    SUANLI_ASSERT(n.alive && shared_of_[static_cast<std::size_t>(n.first_device + s.device)] == static_cast<int>(id));
    SUANLI_ASSERT(s.fractions > 0 && s.free_milli >= 0 && s.free_milli < kWhole && s.free_mem_mib >= 0 &&
                  s.free_mem_mib <= pool.device_mem_mib);
    free_milli_per_pool[static_cast<std::size_t>(n.pool)] += s.free_milli;
    if (s.free_milli > 0) {
      const auto& bucket = pool.shared[static_cast<std::size_t>(s.free_milli)];
      SUANLI_ASSERT(s.slot >= 0 && s.slot < static_cast<int>(bucket.size()) &&
                    bucket[static_cast<std::size_t>(s.slot)] == static_cast<int>(id));
      ++with_room;
    } else {
      SUANLI_ASSERT(s.slot < 0);
    }
  }
  SUANLI_ASSERT(with_room == shared_with_room_ && live + static_cast<int>(unused_shared_.size()) ==
                                                      static_cast<int>(shared_.size()));
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    const Pool& pool = pools_[p];
    SUANLI_ASSERT(pool.shared_devices == shared_per_pool[p] && pool.shared_free_milli == free_milli_per_pool[p]);
    for (int m = 0; m < kWhole; ++m) {
      const bool bit = (pool.shared_mask[static_cast<std::size_t>(m >> 6)] >> (m & 63)) & 1u;
      SUANLI_ASSERT(bit == !pool.shared[static_cast<std::size_t>(m)].empty() && (m > 0 || !bit));
    }
  }
}

}  // namespace suanli

#include "suanli/sched/cluster_state.h"

#include <algorithm>

#include "suanli/model/error.h"

namespace suanli {

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
    nodes_.push_back(std::move(n));
    const int index = static_cast<int>(nodes_.size() - 1);
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

std::vector<NodeShare> ClusterState::find(int p, int devices) const {
  const Pool& pool = pools_[p];
  std::vector<NodeShare> out;
  if (devices <= 0 || devices > pool.free_devices) return out;
  const int per_node = pool.devices_per_node;
  if (devices <= per_node) {
    // Best fit: the fullest node that still has room; ties to the lower domain.
    for (int k = devices; k <= per_node; ++k) {
      for (const auto& domain : pool.buckets) {
        if (!domain[k].empty()) {
          out.push_back({domain[k].front(), devices});
          return out;
        }
      }
    }
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

void ClusterState::bind(const std::vector<NodeShare>& shares) {
  for (const NodeShare& s : shares) {
    Node& n = nodes_[s.node];
    SUANLI_ASSERT(n.alive && s.devices <= n.free);
    bucket_erase(s.node);
    n.free -= s.devices;
    bucket_insert(s.node);
    pools_[n.pool].free_devices -= s.devices;
    free_devices_ -= s.devices;
  }
}

void ClusterState::release(const std::vector<NodeShare>& shares) {
  for (const NodeShare& s : shares) {
    Node& n = nodes_[s.node];
    if (!n.alive) continue;  // the node left; its devices left with it
    SUANLI_ASSERT(n.free + s.devices <= n.devices);
    bucket_erase(s.node);
    n.free += s.devices;
    bucket_insert(s.node);
    pools_[n.pool].free_devices += s.devices;
    free_devices_ += s.devices;
  }
}

void ClusterState::check_invariants() const {
  int total = 0, free = 0;
  for (std::size_t i = 0; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (!n.alive) continue;
    SUANLI_ASSERT(n.free >= 0 && n.free <= n.devices);
    const auto& bucket = pools_[n.pool].buckets[n.domain][n.free];
    SUANLI_ASSERT(n.slot < static_cast<int>(bucket.size()) && bucket[n.slot] == static_cast<int>(i));
    total += n.devices;
    free += n.free;
  }
  SUANLI_ASSERT(total == total_devices_ && free == free_devices_);
}

}  // namespace suanli

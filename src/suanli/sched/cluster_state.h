// ClusterState: the nodes of a fleet and their free devices, indexed so that
// placement never scans every node.
//
// Nodes are grouped into pools of one accelerator model and node size. Inside
// a pool, each interconnect domain keeps buckets of nodes by free-device count
// (bucket k holds the nodes with exactly k free devices), with O(1) moves
// between buckets. Finding a node for a single-node request is a best-fit
// walk over at most (domains x devices-per-node) buckets; a multi-node request
// takes whole free nodes, preferring the smallest single domain that holds
// them all.
//
// Thread-compatible. Invariant (checked by check_invariants()): every alive
// node is in exactly the bucket of its free count, and free <= devices.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "suanli/model/accelerator.h"
#include "suanli/model/decision.h"
#include "suanli/model/fleet.h"

namespace suanli {

struct Node {
  std::string name;
  int pool = 0;
  int domain = 0;     // index within the pool's domains
  int group = 0;      // index of the NodeGroup it came from
  int devices = 0;
  int free = 0;
  bool alive = true;
  int slot = 0;       // position inside its bucket
};

struct Pool {
  const Accelerator* accelerator = nullptr;
  int devices_per_node = 0;
  std::vector<std::string> domain_names;
  // buckets[domain][k] = indices of alive nodes with exactly k free devices.
  std::vector<std::vector<std::vector<int>>> buckets;
  int total_devices = 0;  // alive nodes only
  int free_devices = 0;
  int alive_nodes = 0;
};

class ClusterState {
 public:
  // Adds `group.count` nodes of `accelerator`; returns their indices.
  std::vector<int> add_nodes(const NodeGroup& group, const Accelerator& accelerator, int group_index);
  // Marks a node dead and removes it from its bucket. The caller must have
  // released (or displaced) its devices' jobs first or accept that they are lost.
  void remove_node(int node);

  // A placement for `devices` devices on pool `pool`, or empty if none fits
  // now. Does not bind.
  std::vector<NodeShare> find(int pool, int devices) const;
  void bind(const std::vector<NodeShare>& shares);
  void release(const std::vector<NodeShare>& shares);

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Pool>& pools() const { return pools_; }
  int pool_of(const Accelerator* a, int devices_per_node) const;  // -1 if none
  int total_devices() const { return total_devices_; }
  int free_devices() const { return free_devices_; }

  // Aborts with a message if an invariant is broken (tests, debug builds).
  void check_invariants() const;

 private:
  void bucket_insert(int node);
  void bucket_erase(int node);
  int domain_index(Pool& pool, const std::string& domain);

  std::vector<Node> nodes_;
  std::vector<Pool> pools_;
  int total_devices_ = 0;
  int free_devices_ = 0;
};

}  // namespace suanli

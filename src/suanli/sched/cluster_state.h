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
// Shared (fractional) devices. A device is whole-free (counted in its node's
// `free`), whole-bound, or shared: hosting fractions of 1..999 milli-units
// (1000 = the whole device) and of its memory (MiB). A shared device is not
// free for whole requests, so whole-device placement walks the same buckets
// as before and never sees fractions. Each pool keeps its shared devices with
// room in buckets by exact free milli (1..999) and a 1000-bit occupancy mask.
// find_fraction is best fit: the shared device with the least free milli that
// fits (and whose free memory fits), else a whole-free device opened on the
// node the whole-device best fit would pick for one device. When its last
// fraction leaves, a shared device is whole-free again.
//
// The same walks are open to callers with an extra test per candidate node
// (find_node_if, find_fraction_if): they visit candidates in exactly the order
// find / find_fraction prefer and return the first the test accepts, so a
// caller that also needs something the state does not track (CPU, memory)
// gets the scheduler's best fit among the nodes that have it. find and
// find_fraction are these walks with a test that accepts everything.
//
// Complexity: find (whole) O(domains x devices-per-node) for one node,
// O(domains) plus the nodes taken for several; bind/release O(1) per share.
// find_fraction O(1000/64 + k + domains x devices-per-node), k = shared
// devices in fitting buckets skipped because their free memory is too small;
// binding and releasing a fraction is O(1) (opening picks the device index in
// O(devices-per-node)). find_node_if / find_fraction_if: the same plus one
// test per node (or shared device) rejected, so O(pool's nodes + its shared
// devices) in the worst case, where every candidate is rejected.
//
// Thread-compatible. Invariants (checked by check_invariants()): every alive
// node is in exactly the bucket of its free count; free + its shared devices
// <= devices; every shared device belongs to an alive node, hosts >= 1
// fraction, has 0 <= free milli < 1000 and 0 <= free memory <= the device's,
// and is in its pool's bucket of its free milli exactly when that is > 0.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
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
  int first_device = 0;  // cluster-wide id of its device 0 (shared-device lookup)
};

// A device hosting fractions.
struct SharedDevice {
  int node = -1;          // -1: the record is unused
  int device = 0;         // index on the node
  int free_milli = 0;     // 0..999
  int free_mem_mib = 0;
  int fractions = 0;      // fractions bound
  int slot = -1;          // position in its pool's bucket of free_milli (when > 0)
};

struct Pool {
  const Accelerator* accelerator = nullptr;
  int devices_per_node = 0;
  std::vector<std::string> domain_names;
  // buckets[domain][k] = indices of alive nodes with exactly k free devices.
  std::vector<std::vector<std::vector<int>>> buckets;
  int total_devices = 0;  // alive nodes only
  int free_devices = 0;   // whole-free devices
  int alive_nodes = 0;
  int device_mem_mib = 0;  // memory of one device (Accelerator::mem_mib)
  int shared_devices = 0;  // devices hosting fractions
  std::int64_t shared_free_milli = 0;  // free milli-units on those devices, summed
  // shared[m] = shared devices with exactly m free milli (1..999; index 0
  // unused); bit m of shared_mask is set iff shared[m] is not empty.
  std::vector<std::vector<int>> shared;
  std::array<std::uint64_t, 16> shared_mask{};

  // Devices in use, a shared device counting as the milli-units its fractions
  // hold (for utilisation): total - whole-free - free milli on shared / 1000.
  double used_devices() const {
    return total_devices - free_devices - static_cast<double>(shared_free_milli) / 1000.0;
  }
};

// Where a fraction would go: `share` (node, device, milli, memory) and whether
// binding it opens a whole-free device (it then leaves the node's free count).
struct FractionFit {
  NodeShare share;
  bool opens = false;
};

class ClusterState {
 public:
  static constexpr int kWholeMilli = 1000;  // milli-units in one device

  // Adds `group.count` nodes of `accelerator`; returns their indices.
  std::vector<int> add_nodes(const NodeGroup& group, const Accelerator& accelerator, int group_index);
  // Marks a node dead and removes it from its bucket. The caller must have
  // released (or displaced) its devices' jobs first or accept that they are lost.
  void remove_node(int node);
  // Brings a dead node back with `held` of its devices still bound to whole-device
  // jobs that kept running while it was out (a drained node); they are
  // released as usual when those jobs end. REQUIRES: 0 <= held <= devices.
  void revive_node(int node, int held);
  // The index of the node named `name`, or -1.
  int node_named(std::string_view name) const;

  // A placement for `devices` whole devices on pool `pool`, or empty if none
  // fits now. Does not bind.
  NodeShares find(int pool, int devices) const;
  // A place for a fraction of `milli` (1..999) milli-units and `mem_mib` MiB
  // (0 <= mem_mib <= the device's memory) of one device of pool `pool`, best
  // fit (see above), or nullopt if none fits now. Does not bind.
  std::optional<FractionFit> find_fraction(int pool, int milli, int mem_mib) const;
  // The first alive node of pool `pool` with at least `devices` (1 ..
  // devices-per-node) whole-free devices, in best-fit order (fewest free
  // first, then domain, then bucket position: find's order, so with an
  // accept-all test it is the node find picks), for which accept(node) is
  // true; -1 if none. Does not bind. `accept` must not change this state.
  template <class Accept>
  int find_node_if(int pool, int devices, Accept&& accept) const;
  // find_fraction restricted to nodes for which accept(node) is true: the
  // tightest shared device (by free milli) on an accepted node, else a
  // whole-free device opened on the first accepted node of find_node_if(pool,
  // 1, accept). Same preconditions as find_fraction. Does not bind.
  template <class Accept>
  std::optional<FractionFit> find_fraction_if(int pool, int milli, int mem_mib, Accept&& accept) const;
  // Bind/release shares from find or find_fraction (whole shares and
  // fractions may mix). Releasing on a node that has left is a no-op.
  void bind(const NodeShares& shares);
  void release(const NodeShares& shares);

  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<Pool>& pools() const { return pools_; }
  int pool_of(const Accelerator* a, int devices_per_node) const;  // -1 if none
  int total_devices() const { return total_devices_; }
  int free_devices() const { return free_devices_; }  // whole-free devices
  // Shared devices with free milli left (room for some fraction), fleet-wide.
  int shared_with_room() const { return shared_with_room_; }
  // The shared device record of (node, device), or nullptr if it is not shared.
  const SharedDevice* shared_device(int node, int device) const;

  // Aborts with a message if an invariant is broken (tests, debug builds).
  void check_invariants() const;

 private:
  void bucket_insert(int node);
  void bucket_erase(int node);
  void move_free(int node, int delta);  // free += delta, with bucket and counters
  int domain_index(Pool& pool, const std::string& domain);
  // The lowest m >= from with shared[m] not empty in `pool`, or kWholeMilli.
  static int next_shared(const Pool& pool, int from);
  void bind_fraction(const NodeShare& s);
  void release_fraction(const NodeShare& s);
  void shared_insert(int id);  // into its pool's bucket, if it has room
  void shared_erase(int id);
  void close_shared(int id);   // forget the record (the device is no longer shared)

  std::vector<Node> nodes_;
  std::unordered_map<std::string, int> node_by_name_;
  std::vector<Pool> pools_;
  std::vector<SharedDevice> shared_;
  std::vector<int> unused_shared_;   // free records of shared_
  std::vector<int> shared_of_;       // cluster-wide device id -> shared_ index or -1
  int total_devices_ = 0;
  int free_devices_ = 0;
  int shared_with_room_ = 0;
};

inline int ClusterState::next_shared(const Pool& pool, int from) {
  for (int w = from >> 6; w < 16; ++w) {
    std::uint64_t word = pool.shared_mask[static_cast<std::size_t>(w)];
    if (w == from >> 6) word &= ~std::uint64_t{0} << (from & 63);
    if (word != 0) return std::min(kWholeMilli, w * 64 + std::countr_zero(word));
  }
  return kWholeMilli;
}

template <class Accept>
int ClusterState::find_node_if(int p, int devices, Accept&& accept) const {
  const Pool& pool = pools_[static_cast<std::size_t>(p)];
  // The fullest node that still has room; ties to the lower domain.
  for (int k = std::max(devices, 1); k <= pool.devices_per_node; ++k) {
    for (const auto& domain : pool.buckets) {
      for (int node : domain[static_cast<std::size_t>(k)]) {
        if (accept(node)) return node;
      }
    }
  }
  return -1;
}

template <class Accept>
std::optional<FractionFit> ClusterState::find_fraction_if(int p, int milli, int mem_mib, Accept&& accept) const {
  const Pool& pool = pools_[static_cast<std::size_t>(p)];
  if (milli <= 0 || milli >= kWholeMilli || mem_mib < 0 || mem_mib > pool.device_mem_mib) return std::nullopt;
  // Tightest shared device by free milli whose free memory also fits.
  for (int m = next_shared(pool, milli); m < kWholeMilli; m = next_shared(pool, m + 1)) {
    for (int id : pool.shared[static_cast<std::size_t>(m)]) {
      const SharedDevice& d = shared_[static_cast<std::size_t>(id)];
      if (d.free_mem_mib >= mem_mib && accept(d.node)) {
        return FractionFit{NodeShare{d.node, 0, d.device, milli, mem_mib}, false};
      }
    }
  }
  // Else open a whole-free device where a one-device request would go.
  if (pool.free_devices == 0) return std::nullopt;
  const int node = find_node_if(p, 1, accept);
  if (node < 0) return std::nullopt;
  const Node& n = nodes_[static_cast<std::size_t>(node)];
  int device = 0;
  while (shared_of_[static_cast<std::size_t>(n.first_device + device)] >= 0) ++device;  // n.free > 0: one is not shared
  return FractionFit{NodeShare{node, 0, device, milli, mem_mib}, true};
}

}  // namespace suanli

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
// Complexity: find (whole) O(domains x devices-per-node) for one node,
// O(domains) plus the nodes taken for several; bind/release O(1) per share.
// find_fraction O(1000/64 + k + domains x devices-per-node), k = shared
// devices in fitting buckets skipped because their free memory is too small;
// binding and releasing a fraction is O(1) (opening picks the device index in
// O(devices-per-node)).
//
// Thread-compatible. Invariants (checked by check_invariants()): every alive
// node is in exactly the bucket of its free count; free + its shared devices
// <= devices; every shared device belongs to an alive node, hosts >= 1
// fraction, has 0 <= free milli < 1000 and 0 <= free memory <= the device's,
// and is in its pool's bucket of its free milli exactly when that is > 0.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
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
  // shared[m] = shared devices with exactly m free milli (1..999; index 0
  // unused); bit m of shared_mask is set iff shared[m] is not empty.
  std::vector<std::vector<int>> shared;
  std::array<std::uint64_t, 16> shared_mask{};
};

// Where a fraction would go: `share` (node, device, milli, memory) and whether
// binding it opens a whole-free device (it then leaves the node's free count).
struct FractionFit {
  NodeShare share;
  bool opens = false;
};

class ClusterState {
 public:
  // Adds `group.count` nodes of `accelerator`; returns their indices.
  std::vector<int> add_nodes(const NodeGroup& group, const Accelerator& accelerator, int group_index);
  // Marks a node dead and removes it from its bucket. The caller must have
  // released (or displaced) its devices' jobs first or accept that they are lost.
  void remove_node(int node);

  // A placement for `devices` whole devices on pool `pool`, or empty if none
  // fits now. Does not bind.
  std::vector<NodeShare> find(int pool, int devices) const;
  // A place for a fraction of `milli` (1..999) milli-units and `mem_mib` MiB
  // (0 <= mem_mib <= the device's memory) of one device of pool `pool`, best
  // fit (see above), or nullopt if none fits now. Does not bind.
  std::optional<FractionFit> find_fraction(int pool, int milli, int mem_mib) const;
  // Bind/release shares from find or find_fraction (whole shares and
  // fractions may mix). Releasing on a node that has left is a no-op.
  void bind(const std::vector<NodeShare>& shares);
  void release(const std::vector<NodeShare>& shares);

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
  // Best-fit node for `devices` <= devices-per-node whole devices, or -1.
  int best_fit_node(const Pool& pool, int devices) const;
  void bind_fraction(const NodeShare& s);
  void release_fraction(const NodeShare& s);
  void shared_insert(int id);  // into its pool's bucket, if it has room
  void shared_erase(int id);
  void close_shared(int id);   // forget the record (the device is no longer shared)

  std::vector<Node> nodes_;
  std::vector<Pool> pools_;
  std::vector<SharedDevice> shared_;
  std::vector<int> unused_shared_;   // free records of shared_
  std::vector<int> shared_of_;       // cluster-wide device id -> shared_ index or -1
  int total_devices_ = 0;
  int free_devices_ = 0;
  int shared_with_room_ = 0;
};

}  // namespace suanli

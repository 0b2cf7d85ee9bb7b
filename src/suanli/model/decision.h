// What the policy says and what the scheduler decides, as data.
//
// A Decision carries its reason and the Verdicts that led to it as data
// (model/reason.h), so any placement, wait or rejection can be explained
// later, in words rendered when asked ("no domestic capacity free; imported
// denied by cii-domestic-only"). Plain value types; thread-compatible.
#pragma once

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "suanli/model/reason.h"
#include "suanli/model/time.h"

namespace suanli {

// Devices taken on one node: `devices` whole devices, or (milli > 0) a
// fraction of the one shared device `device` of that node. Whole devices are
// counted, not named; device indices name shared devices only.
struct NodeShare {
  int node = 0;      // node index in the cluster state
  int devices = 0;   // whole devices taken on that node (0 for a fraction)
  int device = -1;   // fraction: index of the shared device on the node
  int milli = 0;     // fraction: milli-units of its compute (1..999)
  int mem_mib = 0;   // fraction: MiB of its memory
  bool operator==(const NodeShare&) const = default;

  bool fractional() const { return milli > 0; }
  // Devices held, a fraction counted as milli/1000 (device-hours, imported cap).
  double device_units() const { return milli > 0 ? milli / 1000.0 : devices; }
};

// The devices a job holds, in order: a list that keeps its first share
// inline, since most jobs fit on one node, so that placing, copying and
// releasing such a job touch no heap (the scheduler's hot path). With two or
// more shares they are all on the heap. Reads like a std::vector<NodeShare>.
// (A small-vector with one inline element; no library on the build has one.)
class NodeShares {
 public:
  NodeShares() = default;
  NodeShares(std::initializer_list<NodeShare> shares) {
    for (const NodeShare& s : shares) push_back(s);
  }

  const NodeShare* begin() const { return size_ <= 1 ? &one_ : more_.data(); }
  const NodeShare* end() const { return begin() + size_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const NodeShare& front() const { return *begin(); }
  const NodeShare& operator[](std::size_t i) const { return begin()[i]; }
  void push_back(const NodeShare& s) {
    if (size_ == 0) {
      one_ = s;
    } else {
      if (size_ == 1) more_.assign(1, one_);
      more_.push_back(s);
    }
    ++size_;
  }
  void clear() {  // keeps the heap's capacity
    more_.clear();
    size_ = 0;
  }
  bool operator==(const NodeShares& o) const { return std::equal(begin(), end(), o.begin(), o.end()); }

 private:
  NodeShare one_{};                 // the share, while there is at most one
  std::vector<NodeShare> more_{};   // all of them, once there are two or more
  std::uint32_t size_ = 0;
};

struct Decision {
  enum class Kind { Place, Preempt, Reject, Defer };
  Kind kind = Kind::Defer;
  std::int64_t job = 0;
  Seconds at = 0;
  std::string accelerator;          // Place: the model chosen; Preempt: where it ran
  NodeShares nodes;                 // Place: the devices bound
  double tokens_per_s = 0;          // Place: modelled throughput of the job there
  Seconds expected_runtime = 0;     // Place: until completion at that throughput
  int epoch = 0;                    // Place: increments each time a job is (re)placed
  bool violation = false;           // Place by a baseline that the policy would deny
  Seconds kept = 0;                 // Preempt: time run whose progress is kept (up to the last checkpoint)
  Seconds elapsed = 0;              // Preempt: time run since the placement
  Reason reason;                    // why, as data: render() (policy/reason_text.h) says it in words
  VerdictList verdicts;             // per accelerator model considered (shared, immutable)

  bool operator==(const Decision& o) const {
    return kind == o.kind && job == o.job && at == o.at && accelerator == o.accelerator && nodes == o.nodes &&
           epoch == o.epoch && violation == o.violation && kept == o.kept && elapsed == o.elapsed &&
           reason == o.reason;
  }
};

std::string_view name(Decision::Kind k);

}  // namespace suanli

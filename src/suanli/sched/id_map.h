// IdMap: job id -> slot index, an open-addressing hash table (linear probing,
// backward-shift deletion) for the scheduler's job table.
//
// Why not std::unordered_map: it allocates a node per insert and chases a
// pointer per lookup; the scheduler inserts and erases one entry per job
// (a million in a national-scale run) on its hot path. Here the table is one
// array, reallocated only when it grows past half full.
//
// Complexity: find, insert, erase O(1) expected. Thread-compatible.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace suanli {

class IdMap {
 public:
  // The slot of `id`, or -1.
  int find(std::int64_t id) const {
    if (entries_.empty()) return -1;
    for (std::size_t i = home(id);; i = next(i)) {
      const Entry& e = entries_[i];
      if (e.slot < 0) return -1;
      if (e.id == id) return e.slot;
    }
  }
  // REQUIRES: `id` is not in the map; slot >= 0.
  void insert(std::int64_t id, int slot) {
    if ((size_ + 1) * 2 > entries_.size()) grow();
    std::size_t i = home(id);
    while (entries_[i].slot >= 0) i = next(i);
    entries_[i] = Entry{id, slot};
    ++size_;
  }
  // Removes `id` if present.
  void erase(std::int64_t id) {
    if (entries_.empty()) return;
    std::size_t i = home(id);
    while (entries_[i].slot >= 0 && entries_[i].id != id) i = next(i);
    if (entries_[i].slot < 0) return;
    // Backward shift: pull later entries of the probe run into the hole.
    for (std::size_t j = next(i);; j = next(j)) {
      if (entries_[j].slot < 0) break;
      const std::size_t want = home(entries_[j].id);
      // Entry j may move to i if i lies cyclically in [want, j).
      if ((j > i && (want <= i || want > j)) || (j < i && want <= i && want > j)) {
        entries_[i] = entries_[j];
        i = j;
      }
    }
    entries_[i].slot = -1;
    --size_;
  }
  std::size_t size() const { return size_; }

 private:
  struct Entry {
    std::int64_t id = 0;
    int slot = -1;  // -1: empty
  };
  // Ids mostly come in increasing order (arrivals): runs of kRun consecutive
  // ids share a home block of kRun adjacent entries (two cache lines), and
  // the blocks are spread by Fibonacci hashing of id / kRun.
  static constexpr int kRunBits = 3;
  static constexpr std::uint64_t kRun = 1u << kRunBits;
  std::size_t home(std::int64_t id) const {
    const std::uint64_t u = static_cast<std::uint64_t>(id);
    const std::uint64_t block = (u >> kRunBits) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>((block >> (64 - bits_ + kRunBits)) << kRunBits | (u & (kRun - 1)));
  }
  std::size_t next(std::size_t i) const { return (i + 1) & (entries_.size() - 1); }
  void grow() {
    std::vector<Entry> old = std::move(entries_);
    const std::size_t capacity = old.empty() ? 64 : old.size() * 2;
    entries_.assign(capacity, Entry{});
    bits_ = static_cast<int>(__builtin_ctzll(capacity));
    size_ = 0;
    for (const Entry& e : old) {
      if (e.slot >= 0) insert(e.id, e.slot);
    }
  }

  std::vector<Entry> entries_;
  std::size_t size_ = 0;
  int bits_ = 0;
};

}  // namespace suanli

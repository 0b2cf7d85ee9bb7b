// IdMap against std::unordered_map: the same answers after any mix of
// inserts and erases, for sequential ids, ids a power of two apart (which
// share low bits) and random ids, through growth and backward-shift deletion.
#include "suanli/sched/id_map.h"

#include <random>
#include <unordered_map>

#include <gtest/gtest.h>

namespace suanli {
namespace {

void agrees_with_reference(const std::vector<std::int64_t>& ids, std::uint32_t seed) {
  IdMap map;
  std::unordered_map<std::int64_t, int> ref;
  std::mt19937 rng(seed);
  for (std::size_t k = 0; k < ids.size(); ++k) {
    const std::int64_t id = ids[k];
    if (ref.count(id) == 0) {
      map.insert(id, static_cast<int>(k));
      ref[id] = static_cast<int>(k);
    }
    if (rng() % 3 == 0) {  // erase an id seen earlier, present or not
      const std::int64_t gone = ids[rng() % (k + 1)];
      map.erase(gone);
      ref.erase(gone);
    }
  }
  ASSERT_EQ(map.size(), ref.size());
  for (std::int64_t id : ids) {
    auto it = ref.find(id);
    ASSERT_EQ(map.find(id), it == ref.end() ? -1 : it->second) << "id " << id;
  }
  EXPECT_EQ(map.find(-12345), -1);
}

TEST(IdMap, SequentialIds) {
  std::vector<std::int64_t> ids;
  for (std::int64_t i = 1; i <= 20000; ++i) ids.push_back(i);
  agrees_with_reference(ids, 1);
}

TEST(IdMap, IdsAPowerOfTwoApart) {
  std::vector<std::int64_t> ids;
  for (std::int64_t i = 0; i < 5000; ++i) ids.push_back(i << 20);
  agrees_with_reference(ids, 2);
}

TEST(IdMap, RandomIdsWithRepeats) {
  std::mt19937_64 rng(3);
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 20000; ++i) ids.push_back(static_cast<std::int64_t>(rng() % 30000) - 1000);
  agrees_with_reference(ids, 3);
}

}  // namespace
}  // namespace suanli

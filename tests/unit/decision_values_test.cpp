// The value types a Decision carries on the scheduler's hot path: NodeShares
// (the first share inline, the rest on the heap) and VerdictList (an immutable
// list shared by copies) behave as the vectors they stand for.
#include <vector>

#include <gtest/gtest.h>

#include "suanli/model/decision.h"

namespace suanli {
namespace {

std::vector<NodeShare> as_vector(const NodeShares& s) { return {s.begin(), s.end()}; }

TEST(NodeShares, HoldsSharesInOrderThroughTheMoveToTheHeap) {
  NodeShares s;
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.begin(), s.end());
  s.push_back({.node = 4, .devices = 8});
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.front(), (NodeShare{.node = 4, .devices = 8}));
  s.push_back({.node = 7, .devices = 8});
  s.push_back({.node = 2, .devices = 3});
  EXPECT_EQ(as_vector(s), (std::vector<NodeShare>{{.node = 4, .devices = 8}, {.node = 7, .devices = 8},
                                                  {.node = 2, .devices = 3}}));
  EXPECT_EQ(s[2].node, 2);
  s.clear();
  EXPECT_TRUE(s.empty());
  s.push_back({.node = 9, .device = 1, .milli = 250, .mem_mib = 1024});  // inline again after a clear
  EXPECT_EQ(as_vector(s), (std::vector<NodeShare>{{.node = 9, .device = 1, .milli = 250, .mem_mib = 1024}}));
}

TEST(NodeShares, CopiesAndComparesByContent) {
  const NodeShares one{{.node = 1, .devices = 2}};
  const NodeShares three{{.node = 1, .devices = 2}, {.node = 5, .devices = 8}, {.node = 6, .devices = 8}};
  NodeShares copy = three;
  EXPECT_EQ(copy, three);
  EXPECT_NE(copy, one);
  copy = one;  // from the heap back to one inline share
  EXPECT_EQ(copy, one);
  EXPECT_EQ(as_vector(copy), as_vector(one));
  NodeShares moved = std::move(copy);
  EXPECT_EQ(moved, one);
  EXPECT_NE((NodeShares{{.node = 1, .devices = 3}}), one);
}

TEST(VerdictList, ReadsLikeTheVectorItWasBuiltFrom) {
  const VerdictList none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(VerdictList(std::vector<Verdict>{}), none);
  const std::vector<Verdict> v{{.accelerator = "ascend-910c"},
                               {.accelerator = "h20", .allowed = false, .rule = rule::kGapOnly}};
  const VerdictList list = v;
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list.front().accelerator, "ascend-910c");
  EXPECT_EQ(list[1].rule, rule::kGapOnly);
  EXPECT_EQ(list.list(), v);
  EXPECT_EQ(std::vector<Verdict>(list.begin(), list.end()), v);
}

TEST(VerdictList, CopiesShareOneListAndCompareByContent) {
  const VerdictList a = std::vector<Verdict>{{.accelerator = "h20", .allowed = false, .rule = rule::kImportedCap}};
  const VerdictList b = a;
  EXPECT_EQ(&a.front(), &b.front());  // shared, not copied
  const VerdictList c = std::vector<Verdict>{{.accelerator = "h20", .allowed = false, .rule = rule::kImportedCap}};
  EXPECT_NE(&a.front(), &c.front());
  EXPECT_EQ(a, c);
  EXPECT_NE(a, (VerdictList{{.accelerator = "h20"}}));
}

}  // namespace
}  // namespace suanli

// ClusterState with shared (fractional) devices: fractions best-fit onto the
// tightest shared device, never take a whole-free device while a shared one
// fits, respect the memory share, give the device back whole when the last
// fraction leaves, and leave whole-device placement exactly as it was.
#include <random>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/sched/cluster_state.h"

namespace suanli {
namespace {

const Catalog& cat() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

// `nodes` nodes of `per_node` H200s in one domain, as pool 0.
ClusterState fleet(int nodes, int per_node = 8, const char* acc = "h200") {
  ClusterState c;
  NodeGroup g;
  g.id = "n";
  g.accelerator = acc;
  g.count = nodes;
  g.devices_per_node = per_node;
  c.add_nodes(g, cat().accelerator(acc), 0);
  return c;
}

// Two groups of `nodes_each` 8-H200 nodes in two domains: one pool (0).
ClusterState two_domains(int nodes_each) {
  ClusterState c = fleet(nodes_each);
  NodeGroup g;
  g.id = "m";
  g.accelerator = "h200";
  g.domain = "other";
  g.count = nodes_each;
  g.devices_per_node = 8;
  c.add_nodes(g, cat().accelerator("h200"), 1);
  return c;
}

int device_mib(const ClusterState& c) { return c.pools()[0].device_mem_mib; }

// Finds and binds a fraction; fails the test if none fits.
NodeShare take(ClusterState& c, int milli, int mem_mib = -1) {
  if (mem_mib < 0) mem_mib = device_mib(c) * milli / 1000;
  const auto fit = c.find_fraction(0, milli, mem_mib);
  EXPECT_TRUE(fit.has_value()) << milli << " milli, " << mem_mib << " MiB";
  if (!fit) return {};
  c.bind({fit->share});
  c.check_invariants();
  return fit->share;
}

bool same_device(const NodeShare& a, const NodeShare& b) { return a.node == b.node && a.device == b.device; }

TEST(SharedDevices, FractionGoesToTheTightestSharedDeviceThatFits) {
  ClusterState c = fleet(2);
  const NodeShare a = take(c, 600);  // device A: 400 free
  const NodeShare b = take(c, 500);  // does not fit A: device B, 500 free
  const NodeShare d = take(c, 800);  // device C: 200 free
  ASSERT_FALSE(same_device(a, b));
  ASSERT_FALSE(same_device(a, d));
  ASSERT_FALSE(same_device(b, d));
  EXPECT_EQ(c.shared_with_room(), 3);
  auto fit = c.find_fraction(0, 350, 0);
  ASSERT_TRUE(fit);
  EXPECT_FALSE(fit->opens);
  EXPECT_TRUE(same_device(fit->share, a)) << "400 free is the tightest that holds 350";
  fit = c.find_fraction(0, 450, 0);
  ASSERT_TRUE(fit);
  EXPECT_TRUE(same_device(fit->share, b));
  fit = c.find_fraction(0, 100, 0);
  ASSERT_TRUE(fit);
  EXPECT_TRUE(same_device(fit->share, d));
  fit = c.find_fraction(0, 600, 0);
  ASSERT_TRUE(fit);
  EXPECT_TRUE(fit->opens) << "no shared device has 600 free";
}

TEST(SharedDevices, FractionDoesNotTakeAWholeFreeDeviceWhileASharedOneFits) {
  ClusterState c = fleet(1);
  take(c, 500);
  EXPECT_EQ(c.free_devices(), 7);
  take(c, 400);
  EXPECT_EQ(c.free_devices(), 7) << "the 400 fraction must join the shared device";
  EXPECT_EQ(c.find(0, 7).size(), 1u) << "the seven whole devices stay available to a whole request";
}

TEST(SharedDevices, TwoHalvesShareOneDeviceAndAThirdOpensAnother) {
  ClusterState c = fleet(1);
  const NodeShare first = take(c, 500);
  const NodeShare second = take(c, 500);
  EXPECT_TRUE(same_device(first, second));
  EXPECT_EQ(c.free_devices(), 7);
  EXPECT_EQ(c.shared_with_room(), 0) << "a device shared by two halves is full";
  const auto fit = c.find_fraction(0, 500, device_mib(c) / 2);
  ASSERT_TRUE(fit);
  EXPECT_TRUE(fit->opens);
  c.bind({fit->share});
  EXPECT_FALSE(same_device(fit->share, first));
  EXPECT_EQ(c.free_devices(), 6);
  EXPECT_EQ(c.pools()[0].shared_devices, 2);
  c.check_invariants();
}

TEST(SharedDevices, MemoryShareBlocksAFitEvenWhenComputeFits) {
  ClusterState c = fleet(1, 1);  // one node with one device
  const int mib = device_mib(c);
  ASSERT_GT(mib, 0);
  take(c, 200, mib * 9 / 10);  // little compute, most of the memory
  EXPECT_FALSE(c.find_fraction(0, 300, mib / 5)) << "800 milli free, but only 10% of the memory";
  EXPECT_TRUE(c.find_fraction(0, 300, mib / 20));
  EXPECT_FALSE(c.find_fraction(0, 100, mib + 1)) << "more memory than the device has";

  // With a second device the blocked fraction opens it instead.
  ClusterState two = fleet(1, 2);
  const NodeShare held = take(two, 200, mib * 9 / 10);
  const auto fit = two.find_fraction(0, 300, mib / 5);
  ASSERT_TRUE(fit);
  EXPECT_TRUE(fit->opens);
  EXPECT_FALSE(same_device(fit->share, held));
}

TEST(SharedDevices, ReleasingTheLastFractionMakesTheDeviceWholeFreeAgain) {
  ClusterState c = fleet(2);
  const NodeShare a = take(c, 300);
  const NodeShare b = take(c, 250);
  ASSERT_TRUE(same_device(a, b));
  ASSERT_NE(c.shared_device(a.node, a.device), nullptr);
  EXPECT_EQ(c.nodes()[a.node].free, 7);
  c.release({a});
  c.check_invariants();
  EXPECT_EQ(c.nodes()[a.node].free, 7) << "one fraction still holds the device";
  ASSERT_NE(c.shared_device(b.node, b.device), nullptr);
  EXPECT_EQ(c.shared_device(b.node, b.device)->free_milli, 750);
  c.release({b});
  c.check_invariants();
  EXPECT_EQ(c.nodes()[a.node].free, 8);
  EXPECT_EQ(c.shared_device(a.node, a.device), nullptr);
  EXPECT_EQ(c.free_devices(), c.total_devices());
  EXPECT_EQ(c.shared_with_room(), 0);
  EXPECT_EQ(c.pools()[0].shared_devices, 0);
  EXPECT_EQ(c.find(0, 16).size(), 2u) << "both nodes are whole-free again";
}

TEST(SharedDevices, NodeRemovalDropsItsSharedDevices) {
  ClusterState c = fleet(2);
  const NodeShare a = take(c, 300);
  c.remove_node(a.node);
  c.check_invariants();
  EXPECT_EQ(c.shared_with_room(), 0);
  EXPECT_EQ(c.pools()[0].shared_devices, 0);
  c.release({a});  // the node left: a no-op
  c.check_invariants();
  const auto fit = c.find_fraction(0, 300, 0);
  ASSERT_TRUE(fit);
  EXPECT_NE(fit->share.node, a.node);
}

TEST(SharedDevices, UsedDevicesCountASharedDeviceByItsFractions) {
  ClusterState c = fleet(2);
  EXPECT_DOUBLE_EQ(c.pools()[0].used_devices(), 0.0);
  const NodeShare a = take(c, 250);
  const NodeShare b = take(c, 500);
  ASSERT_EQ(a.device, b.device);
  EXPECT_DOUBLE_EQ(c.pools()[0].used_devices(), 0.75);
  c.bind(c.find(0, 2));
  EXPECT_DOUBLE_EQ(c.pools()[0].used_devices(), 2.75);
  c.release({a});
  EXPECT_DOUBLE_EQ(c.pools()[0].used_devices(), 2.5);
  c.release({b});
  EXPECT_DOUBLE_EQ(c.pools()[0].used_devices(), 2.0);
  c.check_invariants();
}

TEST(SharedDevices, RandomWholeAndFractionalOperationsKeepTheInvariants) {
  ClusterState c = two_domains(30);
  const int mib = c.pools()[0].device_mem_mib;
  std::mt19937 rng(11);
  std::vector<NodeShares> held;
  int removed = 0;
  for (int step = 0; step < 20000; ++step) {
    const int op = static_cast<int>(rng() % 10);
    if (op < 3) {
      auto shares = c.find(0, 1 + static_cast<int>(rng() % 12));
      if (!shares.empty()) {
        c.bind(shares);
        held.push_back(std::move(shares));
      }
    } else if (op < 6) {
      const int milli = 1 + static_cast<int>(rng() % 999);
      const int mem = rng() % 2 ? mib * milli / 1000 : static_cast<int>(rng() % static_cast<unsigned>(mib / 2));
      const int free_before = c.free_devices();
      if (const auto fit = c.find_fraction(0, milli, mem)) {
        const SharedDevice* d = c.shared_device(fit->share.node, fit->share.device);
        ASSERT_EQ(fit->opens, d == nullptr);
        if (d) {
          ASSERT_TRUE(d->free_milli >= milli && d->free_mem_mib >= mem);
        }
        c.bind({fit->share});
        ASSERT_EQ(c.free_devices(), free_before - (fit->opens ? 1 : 0));
        held.push_back({fit->share});
      }
    } else if (op < 9 && !held.empty()) {
      const std::size_t k = rng() % held.size();
      c.release(held[k]);
      held.erase(held.begin() + static_cast<long>(k));
    } else if (op == 9 && step % 50 == 0 && removed < 10) {
      c.remove_node(static_cast<int>(rng() % c.nodes().size()));
      ++removed;
    }
    c.check_invariants();
  }
  for (const auto& h : held) c.release(h);
  c.check_invariants();
  EXPECT_EQ(c.free_devices(), c.total_devices());
  EXPECT_EQ(c.pools()[0].shared_devices, 0);
}

// A shared device is, to whole requests, exactly a bound device: the same
// sequence of whole requests gets the same answers whether a node's device
// hosts fractions or is bound whole, and fractions in another pool change
// nothing.
TEST(SharedDevices, WholeDevicePlacementIsUnchangedByFractions) {
  auto build = [] {
    ClusterState c;
    NodeGroup g;
    g.count = 20;
    g.devices_per_node = 8;
    const char* ids[] = {"h0", "h1", "h2"};
    const char* domains[] = {"pod0", "pod1", "pod2"};
    for (int d = 0; d < 3; ++d) {
      g.id = ids[d];
      g.domain = domains[d];
      c.add_nodes(g, cat().accelerator("h200"), d);
    }
    g.id = "a";
    c.add_nodes(g, cat().accelerator("ascend-910c"), 3);  // pool 1
    return c;
  };
  ClusterState with = build(), without = build();
  std::mt19937 rng(5);
  // Some single devices become shared in `with` and whole-bound in `without`
  // (each fraction takes all of a device's memory, so each opens a device).
  for (int i = 0; i < 25; ++i) {
    const auto fit = with.find_fraction(0, 100 + static_cast<int>(rng() % 900), with.pools()[0].device_mem_mib);
    ASSERT_TRUE(fit && fit->opens);
    with.bind({fit->share});
    const auto whole = without.find(0, 1);
    ASSERT_EQ(whole.size(), 1u);
    ASSERT_EQ(whole[0].node, fit->share.node) << "a fraction opens a device where a one-device request would go";
    without.bind(whole);
  }
  // Fractions in the other pool touch nothing of pool 0.
  for (int i = 0; i < 40; ++i) {
    const auto fit = with.find_fraction(1, 250, 0);
    ASSERT_TRUE(fit);
    with.bind({fit->share});
  }
  const int sizes[] = {1, 2, 3, 4, 8, 8, 16, 24};
  std::vector<NodeShares> held;
  for (int step = 0; step < 3000; ++step) {
    if (rng() % 3 == 0 && !held.empty()) {
      const std::size_t k = rng() % held.size();
      with.release(held[k]);
      without.release(held[k]);
      held.erase(held.begin() + static_cast<long>(k));
      continue;
    }
    const int want = sizes[rng() % 8];
    const auto a = with.find(0, want);
    const auto b = without.find(0, want);
    ASSERT_EQ(a, b) << "step " << step << ", " << want << " devices";
    if (a.empty()) continue;
    with.bind(a);
    without.bind(b);
    held.push_back(a);
  }
  with.check_invariants();
  without.check_invariants();
}

}  // namespace
}  // namespace suanli

namespace suanli {
namespace {

// find_node_if / find_fraction_if walk find's and find_fraction's order: with a
// test that accepts everything they give the same answer; a rejected node is
// skipped for the next in best-fit order.
TEST(FilteredFind, AcceptAllEqualsFindAndRejectedNodesAreSkipped) {
  ClusterState c = fleet(4, 4);
  c.bind({{0, 3}, {1, 2}});  // free: n0 1, n1 2, n2 4, n3 4
  const auto all = [](int) { return true; };
  for (int devices = 1; devices <= 4; ++devices) {
    const auto f = c.find(0, devices);
    ASSERT_EQ(f.size(), 1U) << devices;
    EXPECT_EQ(c.find_node_if(0, devices, all), f.front().node) << devices;
  }
  EXPECT_EQ(c.find_node_if(0, 1, all), 0);
  EXPECT_EQ(c.find_node_if(0, 1, [](int n) { return n != 0; }), 1);        // next fullest
  // n2 and n3 share bucket 4; its order (swap-erase, not the index) decides.
  const int first_whole = c.find(0, 4).front().node;
  const int other_whole = first_whole == 2 ? 3 : 2;
  EXPECT_EQ(c.find_node_if(0, 1, [](int n) { return n >= 2; }), first_whole);
  EXPECT_EQ(c.find_node_if(0, 1, [&](int n) { return n == other_whole; }), other_whole);
  EXPECT_EQ(c.find_node_if(0, 1, [](int) { return false; }), -1);
  EXPECT_EQ(c.find_node_if(0, 3, [&](int n) { return n != first_whole; }), other_whole);

  // Fractions: shared devices with 400 (n1) and 200 (n2) free milli.
  c.bind({{1, 0, 0, 600, 0}});
  c.bind({{2, 0, 0, 800, 0}});
  c.check_invariants();
  for (int milli : {100, 200, 300, 400, 500, 999}) {
    const auto f = c.find_fraction(0, milli, 0);
    const auto g = c.find_fraction_if(0, milli, 0, all);
    ASSERT_EQ(f.has_value(), g.has_value()) << milli;
    if (f) {
      EXPECT_TRUE(f->share == g->share && f->opens == g->opens) << milli;
    }
  }
  auto g = c.find_fraction_if(0, 150, 0, all);
  ASSERT_TRUE(g);
  EXPECT_EQ(g->share.node, 2);  // 200 free: the tightest
  g = c.find_fraction_if(0, 150, 0, [](int n) { return n != 2; });
  ASSERT_TRUE(g);
  EXPECT_EQ(g->share.node, 1);  // 400 free
  EXPECT_FALSE(g->opens);
  g = c.find_fraction_if(0, 150, 0, [](int n) { return n != 1 && n != 2; });
  ASSERT_TRUE(g);
  EXPECT_TRUE(g->opens);
  EXPECT_EQ(g->share.node, 0);  // no shared device accepted: open where one device would go (n0: 1 free)
  g = c.find_fraction_if(0, 150, 0, [](int n) { return n == 3; });
  ASSERT_TRUE(g);
  EXPECT_EQ(g->share.node, 3);
  EXPECT_EQ(g->share.device, 0);
  EXPECT_FALSE(c.find_fraction_if(0, 150, 0, [](int) { return false; }));
}

TEST(ClusterState, RandomOperationsKeepTheIndexConsistent) {
  ClusterState c = two_domains(50);
  std::mt19937 rng(7);
  std::vector<NodeShares> held;
  for (int step = 0; step < 5000; ++step) {
    const int op = static_cast<int>(rng() % 3);
    if (op < 2) {
      const int want = 1 + static_cast<int>(rng() % 20);
      auto shares = c.find(0, want);
      if (!shares.empty()) {
        int sum = 0;
        for (const auto& s : shares) sum += s.devices;
        ASSERT_EQ(sum, want);
        c.bind(shares);
        held.push_back(shares);
      }
    } else if (!held.empty()) {
      const std::size_t k = rng() % held.size();
      c.release(held[k]);
      held.erase(held.begin() + static_cast<long>(k));
    }
    c.check_invariants();
  }
  for (const auto& h : held) c.release(h);
  EXPECT_EQ(c.free_devices(), c.total_devices());
}

}  // namespace
}  // namespace suanli

// scale() and the simulator's streamed log: a scaled scenario multiplies the
// fleet, purchases, failures, quotas, rates and explicit jobs and nothing
// else; a log streamed to a sink is the log a run keeps, line for line.
#include "suanli/sim/scale.h"

#include <set>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/sim/simulator.h"

namespace suanli {
namespace {

const Catalog& catalog() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

TEST(Scale, MultipliesWhatSizesTheFleetAndTheLoad) {
  const Scenario s = config::load_scenario(catalog(), "h200-window");
  const Scenario x = scale(s, 3);
  ASSERT_EQ(x.fleet.size(), s.fleet.size());
  for (std::size_t i = 0; i < s.fleet.size(); ++i) {
    EXPECT_EQ(x.fleet[i].count, 3 * s.fleet[i].count);
    EXPECT_EQ(x.fleet[i].devices_per_node, s.fleet[i].devices_per_node);
  }
  for (std::size_t i = 0; i < s.purchases.size(); ++i) EXPECT_EQ(x.purchases[i].group.count, 3 * s.purchases[i].group.count);
  for (std::size_t i = 0; i < s.tenants.size(); ++i) EXPECT_EQ(x.tenants[i].quota_devices, 3 * s.tenants[i].quota_devices);
  for (std::size_t i = 0; i < s.arrivals.size(); ++i) EXPECT_DOUBLE_EQ(x.arrivals[i].per_day, 3 * s.arrivals[i].per_day);
  ASSERT_EQ(x.jobs.size(), 3 * s.jobs.size());
  std::set<std::int64_t> ids;
  for (const Job& j : x.jobs) ids.insert(j.id);
  EXPECT_EQ(ids.size(), x.jobs.size()) << "explicit job ids stay unique";
  EXPECT_EQ(x.classes.size(), s.classes.size());
  EXPECT_EQ(x.policy.imported_cap_fleet, s.policy.imported_cap_fleet);
}

TEST(Scale, FleetAloneLeavesTheDemand) {
  const Scenario s = config::load_scenario(catalog(), "h200-window");
  const Scenario x = scale(s, 4, 2);
  EXPECT_EQ(x.fleet[0].count, 2 * s.fleet[0].count);
  EXPECT_DOUBLE_EQ(x.arrivals[0].per_day, 4 * s.arrivals[0].per_day);
}

TEST(Simulator, StreamedLogIsTheKeptLog) {
  const Scenario s = scale(config::load_scenario(catalog(), "import-cut"), 2);
  SimOptions kept;
  const SimResult a = simulate(s, catalog(), kept);
  std::vector<std::string> lines;
  SimOptions streamed;
  streamed.keep_log = false;
  streamed.log_sink = [&](const std::string& line) { lines.push_back(line); };
  const SimResult b = simulate(s, catalog(), streamed);
  EXPECT_TRUE(b.log.empty());
  EXPECT_EQ(lines, a.log);
  EXPECT_EQ(b.log_lines, static_cast<std::int64_t>(a.log.size()));
  EXPECT_EQ(b.decisions, a.decisions);
}

}  // namespace
}  // namespace suanli

// Export classification is computed from the catalog's figures: these tests
// pin the classes the reference compilation derives (accelerators.md 2b) and
// exercise each branch of the rules on synthetic chips.
#include <gtest/gtest.h>

#include "suanli/catalog/export_control.h"
#include "suanli/config/catalog_loader.h"

namespace suanli {
namespace {

class ExportControl : public ::testing::Test {
 protected:
  static const Catalog& catalog() {
    static const Catalog c = config::load_default_catalog();
    return c;
  }
  static ExportClassification of(const char* id) { return classify_export(catalog().accelerator(id)); }
};

TEST_F(ExportControl, HopperFlagshipsAre3A090a) {
  for (const char* id : {"h100", "h200", "h800"}) {
    const auto x = of(id);
    ASSERT_TRUE(x.tpp.has_value()) << id;
    EXPECT_DOUBLE_EQ(*x.tpp, 15832.0) << id;
    EXPECT_EQ(x.rule_2023, ExportClass::Controlled3A090a) << id;
  }
}

TEST_F(ExportControl, H20IsOutside3A090ByTppAndDensity) {
  const auto x = of("h20");
  ASSERT_TRUE(x.tpp && x.performance_density);
  EXPECT_DOUBLE_EQ(*x.tpp, 2368.0);
  EXPECT_NEAR(*x.performance_density, 2.91, 0.01);
  EXPECT_EQ(x.rule_2023, ExportClass::NotControlled);
  EXPECT_EQ(x.rule_2022, ExportClass::NotControlled);
}

// The older GPUs of the replayed traces are far below the 4,800 TPP line.
TEST_F(ExportControl, OlderTraceGpusAreNotControlled) {
  const std::pair<const char*, double> expected[] = {{"t4", 1040}, {"p100", 299.2}, {"v100-16gb", 2000}, {"a10", 2000}};
  for (const auto& [id, tpp] : expected) {
    const auto x = of(id);
    ASSERT_TRUE(x.tpp.has_value()) << id;
    EXPECT_NEAR(*x.tpp, tpp, 0.01) << id;
    EXPECT_EQ(x.rule_2023, ExportClass::NotControlled) << id;
  }
  // K80 publishes no FP16/BF16/INT8 rate (the catalog records no FP32 rate): stays unknown.
  EXPECT_FALSE(of("k80").tpp.has_value());
}

TEST_F(ExportControl, A800LegalIn2022ButControlledIn2023) {
  const auto x = of("a800");
  EXPECT_EQ(x.rule_2022, ExportClass::NotControlled);
  EXPECT_NE(x.why_2022.find("600"), std::string::npos) << x.why_2022;
  EXPECT_EQ(x.rule_2023, ExportClass::Controlled3A090a);
  // Its twin with full NVLink was controlled from the start.
  EXPECT_EQ(of("a100").rule_2022, ExportClass::Controlled);
}

TEST_F(ExportControl, H200EligibleAndB200NotEligibleForCaseByCaseReview) {
  EXPECT_EQ(of("h200").rule_2026, CaseByCase::Eligible);
  const auto b200 = of("b200");
  EXPECT_EQ(b200.rule_2026, CaseByCase::NotEligible);
  EXPECT_DOUBLE_EQ(*b200.tpp, 36000.0);
}

TEST_F(ExportControl, L20IsBelowTheDensityThreshold) {
  const auto x = of("l20");
  EXPECT_EQ(x.rule_2023, ExportClass::NotControlled);
  EXPECT_LT(*x.performance_density, 3.2);
}

Accelerator synthetic(double bf16, std::optional<double> die_mm2, double link_gbps = 900, double mem_tbps = 3.0) {
  Accelerator a;
  a.id = "synthetic";
  a.bf16_tflops = Figure{Figure::State::Known, bf16, {}, Grade::H, {}, "", false};
  a.fp8_tflops.state = Figure::State::Unsupported;
  a.mem_tbps = Figure{Figure::State::Known, mem_tbps, {}, Grade::H, {}, "", false};
  a.link_gbps = Figure{Figure::State::Known, link_gbps, {}, Grade::H, {}, "", false};
  a.link_direction = LinkDirection::Bidirectional;
  if (die_mm2) a.die_area_mm2 = Figure{Figure::State::Known, *die_mm2, {}, Grade::H, {}, "", false};
  return a;
}

TEST(ExportRules, ClassBByDensityBand) {
  // TPP 3,200 (200 TF x 16 bits), PD 4.0: 2,400 <= TPP < 4,800 and 1.6 <= PD < 5.92.
  const auto x = classify_export(synthetic(200, 800));
  EXPECT_EQ(x.rule_2023, ExportClass::Controlled3A090b);
}

TEST(ExportRules, ClassAByDensityAlone) {
  // TPP 2,000 with PD 10 (200 mm^2): TPP >= 1,600 and PD >= 5.92.
  EXPECT_EQ(classify_export(synthetic(125, 200)).rule_2023, ExportClass::Controlled3A090a);
}

TEST(ExportRules, UnknownDieAreaLeavesTheMiddleBandUnknown) {
  const auto x = classify_export(synthetic(200, std::nullopt));
  EXPECT_EQ(x.rule_2023, ExportClass::Unknown);
  EXPECT_NE(x.why_2023.find("die area"), std::string::npos);
}

TEST(ExportRules, NonDatacenterPartBelow4800IsOutside) {
  Accelerator a = synthetic(250, 300);  // TPP 4,000, PD 13.3 would be .a
  a.datacenter = false;
  EXPECT_EQ(classify_export(a).rule_2023, ExportClass::NotControlled);
}

TEST(ExportRules, BandwidthAloneExcludesFromCaseByCase) {
  EXPECT_EQ(classify_export(synthetic(300, 800, 900, 7.0)).rule_2026, CaseByCase::NotEligible);
  EXPECT_EQ(classify_export(synthetic(300, 800, 900, 6.0)).rule_2026, CaseByCase::Eligible);
}

TEST(ExportRules, UnidirectionalLinkIsDoubledForThe2022Test) {
  Accelerator a = synthetic(400, 800, 350);
  a.link_direction = LinkDirection::Unidirectional;  // 700 GB/s bidirectional
  EXPECT_EQ(classify_export(a).rule_2022, ExportClass::Controlled);
}

TEST(ExportRules, NoComputeFigureMeansUnknown) {
  Accelerator a;
  a.id = "blank";
  const auto x = classify_export(a);
  EXPECT_FALSE(x.tpp.has_value());
  EXPECT_EQ(x.rule_2023, ExportClass::Unknown);
  EXPECT_EQ(x.rule_2026, CaseByCase::Unknown);
}

}  // namespace
}  // namespace suanli

// Measured throughputs replace the performance model's (policy/capability.h):
// matched by class name, else model id; at the requested or modelled device
// count, else the fewest measured; a measured 0 means "cannot run"; a
// measurement makes a chip whose figures are unknown usable.
#include <cmath>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/model/error.h"
#include "suanli/policy/capability.h"

namespace suanli {
namespace {

JobClass finetune(int devices, std::vector<std::string> stacks = {"cuda", "cann", "musa"}) {
  JobClass c;
  c.name = "ft-8b";
  c.kind = JobKind::Finetune;
  c.model = "llama-3.1-8b";
  c.devices = devices;
  c.work_tokens = 1e9;
  c.stacks = std::move(stacks);
  c.seq_len = 4096;
  c.global_batch = 64;
  return c;
}

Catalog with(std::initializer_list<std::tuple<const char*, const char*, int, double>> rows) {
  Catalog c = config::load_default_catalog();
  for (const auto& [job, acc, devices, rate] : rows) c.measured.add(job, acc, devices, {rate, "lab run"});
  return c;
}

TEST(Measured, ReplacesTheModelledRateAtTheRequestedDeviceCount) {
  const Catalog plain = config::load_default_catalog();
  const Capability modelled = assess(finetune(8), plain.accelerator("h200"), plain);
  ASSERT_TRUE(modelled.feasible) << modelled.why;
  EXPECT_TRUE(modelled.measured.empty());

  const Catalog c = with({{"ft-8b", "h200", 8, 12345.0}});
  const Capability cap = assess(finetune(8), c.accelerator("h200"), c);
  ASSERT_TRUE(cap.feasible) << cap.why;
  EXPECT_EQ(cap.tokens_per_s, 12345.0);
  EXPECT_EQ(cap.devices, 8);
  EXPECT_EQ(cap.measured, "lab run");
  EXPECT_EQ(runtime(finetune(8), cap, 1e9), static_cast<Seconds>(std::ceil(1e9 / 12345.0)));
  // Another device count, or another chip, stays modelled.
  const Capability four = assess(finetune(4), c.accelerator("h200"), c);
  EXPECT_TRUE(four.measured.empty());
  EXPECT_NE(four.tokens_per_s, 12345.0);
  EXPECT_TRUE(assess(finetune(8), c.accelerator("h100"), c).measured.empty());
}

TEST(Measured, TheClassNameComesBeforeTheModelId) {
  const Catalog by_model = with({{"llama-3.1-8b", "h200", 8, 1000.0}});
  EXPECT_EQ(assess(finetune(8), by_model.accelerator("h200"), by_model).tokens_per_s, 1000.0);
  const Catalog both = with({{"llama-3.1-8b", "h200", 8, 1000.0}, {"ft-8b", "h200", 8, 2000.0}});
  EXPECT_EQ(assess(finetune(8), both.accelerator("h200"), both).tokens_per_s, 2000.0);
}

TEST(Measured, ZeroMeansItCannotRunThere) {
  const Catalog c = with({{"ft-8b", "h200", 8, 0.0}});
  const Capability cap = assess(finetune(8), c.accelerator("h200"), c);
  EXPECT_FALSE(cap.feasible);
  EXPECT_NE(cap.why.find("measured: cannot run on 8 x h200 (lab run)"), std::string::npos) << cap.why;
}

TEST(Measured, MakesAChipWithUnknownFiguresUsable) {
  const Catalog plain = config::load_default_catalog();
  const Accelerator& s5000 = plain.accelerator("mtt-s5000");
  ASSERT_FALSE(s5000.bf16_tflops.known());
  EXPECT_FALSE(assess(finetune(8), s5000, plain).feasible);
  const Catalog c = with({{"ft-8b", "mtt-s5000", 8, 800.0}});
  const Capability cap = assess(finetune(8), c.accelerator("mtt-s5000"), c);
  ASSERT_TRUE(cap.feasible) << cap.why;
  EXPECT_EQ(cap.tokens_per_s, 800.0);
  EXPECT_EQ(cap.bf16_tflops, 0.0);  // unknown stays unknown in delivered-compute accounting
  // Sized by the model (devices = 0) where the model cannot size it: the fewest devices measured.
  const Catalog sized = with({{"ft-8b", "mtt-s5000", 16, 1500.0}, {"ft-8b", "mtt-s5000", 4, 0.0}});
  const Capability fewest = assess(finetune(0), sized.accelerator("mtt-s5000"), sized);
  ASSERT_TRUE(fewest.feasible) << fewest.why;
  EXPECT_EQ(fewest.devices, 16);
}

TEST(Measured, ATpotSloTheModelCannotCheckIsNotMet) {
  JobClass serve;
  serve.name = "chat";
  serve.kind = JobKind::Serve;
  serve.model = "llama-3.1-8b";
  serve.devices = 8;
  serve.duration = 3600;
  serve.stacks = {"musa"};
  serve.slo.max_tpot_ms = 50;
  const Catalog c = with({{"chat", "mtt-s5000", 8, 5000.0}});
  const Capability cap = assess(serve, c.accelerator("mtt-s5000"), c);
  EXPECT_FALSE(cap.feasible);
  EXPECT_NE(cap.why.find("TPOT unknown"), std::string::npos) << cap.why;
}

TEST(Measured, TheCacheTellsClassesApartWhenMeasurementsNameThem) {
  const Catalog c = with({{"ft-8b", "h200", 8, 12345.0}});
  CapabilityCache cache(c);
  JobClass other = finetune(8);
  other.name = "ft-other";
  EXPECT_EQ(cache.get(finetune(8), c.accelerator("h200")).tokens_per_s, 12345.0);
  EXPECT_NE(cache.get(other, c.accelerator("h200")).tokens_per_s, 12345.0);
}

class MeasuredFile : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("suanli_measured_" + std::to_string(::getpid()) + "_" + std::to_string(paths_.size()) + ".csv");
    std::ofstream(path) << text;
    paths_.push_back(path);
    return path.string();
  }
  void TearDown() override {
    for (const auto& p : paths_) std::filesystem::remove(p);
  }
  std::vector<std::filesystem::path> paths_;
};

TEST_F(MeasuredFile, LoadsThroughTheCatalogFiles) {
  const std::string path = write("job_type,accelerator,devices,tokens_per_s,source\nft-8b,H200,8,12345,lab\n");
  const Catalog c = config::load_catalog({.accelerators = "", .models = "", .perf = "", .measured = path});
  ASSERT_EQ(c.measured.size(), 1u);
  EXPECT_EQ(c.measured.unit, RateUnit::TokensPerS);
}

TEST_F(MeasuredFile, StepsAndUnknownAcceleratorsAreLocatedErrors) {
  const std::string steps = write("job_type,accelerator,devices,steps_per_s,source\nft-8b,h200,8,3,lab\n");
  try {
    config::load_catalog({.accelerators = "", .models = "", .perf = "", .measured = steps});
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(steps + ":1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("expected tokens_per_s"), std::string::npos) << e.what();
  }
  const std::string typo = write("job_type,accelerator,devices,tokens_per_s,source\nft-8b,h2000,8,3,lab\n");
  try {
    config::load_catalog({.accelerators = "", .models = "", .perf = "", .measured = typo});
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("h2000"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("h200"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace suanli

// Validation of the training model against the published measurements in
// ../shared/data/reference/accelerators.md section 3.
//
// Tolerance: 25% relative error. Why that much:
// - the same system's published MFU moves by +-6% with scale alone (C16:
//   43% at 8,192 GPUs, 41% at 16,384) and by 37% with software alone (C18:
//   30% -> 41% on Ascend within months);
// - peak figures under the MFU denominator are themselves uncertain by up to
//   7% (Ascend 910C 752 vs 800 TFLOPS) and graded M;
// - the model has one compute efficiency per stack, not per run.
// A point outside 25% means the model or its calibration is wrong.
//
// Points evaluated (model layout chosen by suanli, not the published one):
//   C16a, C16b  Llama 3 405B BF16 on 8,192 / 16,384 H100 (calibration / held out)
//   C17         DeepSeek-V3 FP8 on 2,048 H800 (calibrates moe_expert_efficiency)
//   C18a, C18b  Pangu Ultra MoE 718B on ~6,000 Ascend 910B (calibration) and on
//               CloudMatrix384 910C (held out, later software)
// Not evaluated, and why:
//   C13/C14 MLPerf GPT-3 time-to-train: the tokens processed are not published
//   in the reference; C15 Gaudi2 is not in the catalog; C16c (131k context,
//   CP16) needs context parallelism, which the model does not have; C19
//   Pangu Ultra 135B: its widths are unknown in the model zoo.
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/perf/estimate.h"

namespace suanli {
namespace {

constexpr double kTolerance = 0.25;

struct Point {
  const char* id;
  const char* accelerator;
  const char* model;
  Precision precision;
  int devices;
  int seq_len;
  int global_batch;
  enum { Mfu, TokensPerDevice } metric;
  double published;
};

// DeepSeek-V3: 14.8T tokens in 2.664M H800-hours -> 1,543 tokens/s/GPU.
// Pangu Ultra MoE: sequence 8K per the paper's setup; batch of 1,536 sequences.
const Point kPoints[] = {
    {"C16a", "h100", "llama-3.1-405b", Precision::BF16, 8192, 8192, 2048, Point::Mfu, 0.43},
    {"C16b", "h100", "llama-3.1-405b", Precision::BF16, 16384, 8192, 2048, Point::Mfu, 0.41},
    {"C17", "h800", "deepseek-v3", Precision::FP8, 2048, 4096, 15360, Point::TokensPerDevice, 14.8e12 / (2.664e6 * 3600)},
    {"C18a", "ascend-910b2", "pangu-ultra-moe-718b", Precision::BF16, 6144, 8192, 1536, Point::Mfu, 0.30},
    {"C18b", "ascend-910c", "pangu-ultra-moe-718b", Precision::BF16, 6144, 8192, 1536, Point::Mfu, 0.41},
};

void PrintTo(const Point& p, std::ostream* os) { *os << p.id; }

class Calibration : public ::testing::TestWithParam<Point> {};

TEST_P(Calibration, WithinTolerance) {
  static const Catalog c = config::load_default_catalog();
  const Point& p = GetParam();
  const ModelSpec& m = c.model(p.model);
  const Workload w{.task = Task::Train, .precision = p.precision, .seq_len = p.seq_len, .global_batch = p.global_batch,
                   .devices = p.devices};
  validate(w, m);
  const Estimate e = estimate(w, m, c.accelerator(p.accelerator), c.perf);
  ASSERT_TRUE(e.ok()) << p.id << ": " << e.why;
  const double modelled = p.metric == Point::Mfu ? e.mfu : e.tokens_per_s_per_device;
  const double error = modelled / p.published - 1.0;
  std::printf("[calibration] %-5s %-13s %-22s published %8.3f modelled %8.3f error %+5.1f%%\n", p.id, p.accelerator,
              p.model, p.published, modelled, error * 100);
  EXPECT_LE(std::abs(error), kTolerance) << p.id;
}

INSTANTIATE_TEST_SUITE_P(PublishedTraining, Calibration, ::testing::ValuesIn(kPoints),
                         [](const auto& point) { return std::string(point.param.id); });

}  // namespace
}  // namespace suanli

// Physical sense of the performance model: the checks a performance engineer
// would make before trusting any number it prints.
#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/model/error.h"
#include "suanli/perf/estimate.h"

namespace suanli {
namespace {

const Catalog& cat() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

Estimate run(const Workload& w, const char* model, const char* acc) {
  const ModelSpec& m = cat().model(model);
  validate(w, m);
  return estimate(w, m, cat().accelerator(acc), cat().perf);
}

Workload decode(int batch, int devices = 0, Precision p = Precision::BF16) {
  return Workload{.task = Task::Decode, .precision = p, .batch = batch, .input_tokens = 2048, .output_tokens = 256,
                  .devices = devices};
}

TEST(Perf, LargeModelDecodeAtSmallBatchIsMemoryBoundOnEveryChip) {
  const ModelSpec& m = cat().model("llama-3.1-70b");
  int estimated = 0;
  for (const Accelerator& a : cat().accelerators) {
    const Estimate e = estimate(decode(1), m, a, cat().perf);
    if (!e.ok()) continue;
    ++estimated;
    EXPECT_EQ(e.bound, Bound::MemoryBandwidth) << a.id << " compute " << e.t_compute_s << " memory " << e.t_memory_s;
  }
  EXPECT_GE(estimated, 15);
}

TEST(Perf, H200BeatsH100OnMemoryBoundDecodeByTheBandwidthRatio) {
  // Same layout on both (8 devices) so only the chip differs.
  const Estimate h200 = run(decode(8, 8), "llama-3.1-70b", "h200");
  const Estimate h100 = run(decode(8, 8), "llama-3.1-70b", "h100");
  ASSERT_TRUE(h200.ok() && h100.ok());
  const double bw_ratio = 4.8 / 3.35;
  const double speedup = h200.tokens_per_s / h100.tokens_per_s;
  // Collective latency does not scale with bandwidth, so the gain is a little
  // below the bandwidth ratio; it must be close to it and never above.
  EXPECT_LE(speedup, bw_ratio + 1e-9);
  EXPECT_GT(speedup, bw_ratio * 0.8);
  // With one device (no collectives) it is the bandwidth ratio exactly.
  const Estimate h200_1 = run(decode(1, 1), "llama-3.1-8b", "h200");
  const Estimate h100_1 = run(decode(1, 1), "llama-3.1-8b", "h100");
  EXPECT_NEAR(h200_1.tokens_per_s / h100_1.tokens_per_s, bw_ratio, 0.01);
}

TEST(Perf, H200TiesH100OnComputeBoundPrefill) {
  const Workload w{.task = Task::Prefill, .batch = 8, .input_tokens = 4096, .devices = 8};
  const Estimate h200 = run(w, "llama-3.1-70b", "h200");
  const Estimate h100 = run(w, "llama-3.1-70b", "h100");
  ASSERT_TRUE(h200.ok() && h100.ok());
  EXPECT_EQ(h200.bound, Bound::Compute);
  EXPECT_NEAR(h200.tokens_per_s / h100.tokens_per_s, 1.0, 0.05);
}

// The smallest power-of-two decode batch at which the chip turns compute-bound.
int compute_bound_batch(const char* acc) {
  for (int b = 1; b <= 4096; b *= 2) {
    const Estimate e = run(decode(b, 8, Precision::FP8), "llama-3.1-70b", acc);
    if (e.ok() && e.bound == Bound::Compute) return b;
  }
  return 1 << 30;
}

TEST(Perf, H20TurnsComputeBoundMuchEarlierThanH100) {
  const int h20 = compute_bound_batch("h20");
  const int h100 = compute_bound_batch("h100");
  // H20 has 4.0/296 bytes per FLOP against H100's 3.35/1979: 8x the ratio.
  EXPECT_LE(h20 * 4, h100) << "h20 at batch " << h20 << ", h100 at " << h100;
}

TEST(Perf, AModelThatDoesNotFitSaysSo) {
  const Estimate e = run(decode(1, 1), "llama-3.1-405b", "l20");
  EXPECT_EQ(e.fit, Fit::OutOfMemory);
  EXPECT_NE(e.why.find("GB"), std::string::npos) << e.why;
  // Without a device count, the fewest devices that fit are chosen.
  const Estimate auto_n = run(decode(1), "llama-3.1-405b", "h200");
  ASSERT_TRUE(auto_n.ok());
  EXPECT_EQ(auto_n.devices, 8);  // 405B BF16 = 811 GB > 4 x 127 GB usable
  EXPECT_LE(auto_n.mem_per_device_gb, auto_n.mem_usable_gb);
}

TEST(Perf, MissingPrecisionFallsBackAndSaysSo) {
  // Inference: an 8-bit request runs W8A8 INT8 on a chip with INT8 but no FP8.
  const Estimate e = run(decode(16, 0, Precision::FP8), "llama-3.1-70b", "ascend-910c");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e.precision, Precision::INT8);
  EXPECT_TRUE(e.precision_fallback);
  ASSERT_FALSE(e.notes.empty());
  EXPECT_NE(e.notes.front().find("fp8 not supported"), std::string::npos);
  // Training has no INT8 path: BF16.
  const Estimate t = run(Workload{.task = Task::Train, .precision = Precision::FP8, .seq_len = 4096,
                                  .global_batch = 512, .devices = 64},
                         "llama-3.1-70b", "ascend-910c");
  ASSERT_TRUE(t.ok()) << t.why;
  EXPECT_EQ(t.precision, Precision::BF16);
  // A chip with neither FP8 nor INT8 known runs BF16.
  const Estimate b3 = run(decode(16, 0, Precision::FP8), "llama-3.1-70b", "ascend-910b3");
  ASSERT_TRUE(b3.ok()) << b3.why;
  EXPECT_EQ(b3.precision, Precision::BF16);
  // FP8 where supported halves the weight bytes: fewer devices or more room.
  const Estimate h = run(decode(16, 0, Precision::FP8), "llama-3.1-70b", "h100");
  EXPECT_EQ(h.precision, Precision::FP8);
  EXPECT_FALSE(h.precision_fallback);
}

TEST(Perf, UnknownFiguresAreNamedNotGuessed) {
  const Estimate rubin = run(decode(1), "llama-3.1-8b", "rubin");
  EXPECT_EQ(rubin.fit, Fit::UnknownFigure);
  EXPECT_NE(rubin.why.find("bf16_tflops"), std::string::npos);
  const Estimate p800 = run(decode(1), "llama-3.1-8b", "p800");
  EXPECT_EQ(p800.fit, Fit::UnknownFigure);
  EXPECT_NE(p800.why.find("mem_tbps"), std::string::npos);
}

TEST(Perf, MoreBatchMeansMoreThroughputAndNoFasterTokens) {
  double last_tps = 0, last_tpot = 0;
  for (int b : {1, 4, 16, 64}) {
    const Estimate e = run(decode(b, 8), "llama-3.1-70b", "h100");
    ASSERT_TRUE(e.ok());
    EXPECT_GT(e.tokens_per_s, last_tps);
    EXPECT_GE(e.tpot_s, last_tpot);
    last_tps = e.tokens_per_s;
    last_tpot = e.tpot_s;
  }
}

TEST(Perf, MoEDecodeReadsOnlyTheExpertsItTouches) {
  // At batch 1 DeepSeek-V3 reads ~37B params, far less than 671B: its TPOT on
  // 8 x H200 in FP8 is set by the active, not the total, weights.
  const Estimate e = run(decode(1, 8, Precision::FP8), "deepseek-v3", "h200");
  ASSERT_TRUE(e.ok());
  const double bytes_read = e.t_memory_s * 8 * 4.8e12 * cat().perf.inference_for("cuda").memory;
  EXPECT_LT(bytes_read, 60e9);
  EXPECT_GT(bytes_read, 30e9);
}

Workload serve(int input, int output, int devices = 0, Precision p = Precision::FP8) {
  return Workload{.task = Task::Serve, .precision = p, .batch = 0, .input_tokens = input, .output_tokens = output,
                  .devices = devices};
}

TEST(PerfServe, IsTheSteadyStateOfContinuousBatching) {
  Workload w = serve(2048, 256, 8);
  w.batch = 64;  // at most 64 in flight
  const Estimate e = run(w, "llama-3.1-70b", "h200");
  ASSERT_TRUE(e.ok()) << e.why;
  EXPECT_LE(e.batch, 64);
  EXPECT_EQ(e.limit, BatchLimit::Concurrency);
  // Each step keeps one token per sequence: output = batch / step, TPOT = step.
  EXPECT_NEAR(e.tokens_per_s, e.batch / e.step_s, 1e-9 * e.tokens_per_s);
  EXPECT_NEAR(e.tpot_s, e.step_s, 1e-12);
  // Prompt tokens ride along: total = output x (input + output) / output.
  EXPECT_NEAR(e.total_tokens_per_s_per_device, e.tokens_per_s_per_device * (2048 + 256) / 256.0, 1e-6);
  EXPECT_GT(e.ttft_s, 0);
}

TEST(PerfServe, OfflineBatchIsBoundByTheKvCacheAndMoreMemoryServesMore) {
  const Estimate h200 = run(serve(1000, 1000, 2), "llama-3.1-70b", "h200");
  const Estimate h100 = run(serve(1000, 1000, 2), "llama-3.1-70b", "h100");
  ASSERT_TRUE(h200.ok() && h100.ok());
  EXPECT_EQ(h100.limit, BatchLimit::KvCache);
  EXPECT_GT(h200.batch, 2 * h100.batch);  // 141 vs 80 GB, 35 GB of weights each
  EXPECT_GT(h200.tokens_per_s, h100.tokens_per_s);
  EXPECT_LE(h100.mem_per_device_gb, h100.mem_usable_gb + 1e-9);
}

TEST(PerfServe, TighterTpotMeansSmallerBatchAndLessThroughput) {
  Workload w = serve(2048, 512, 8);
  w.mode = ServeMode::Slo;
  double last_tps = 1e30, last_batch = 1e30;
  for (double tpot : {80.0, 40.0, 20.0}) {
    w.max_tpot_ms = tpot;
    const Estimate e = run(w, "llama-3.1-70b", "h100");
    ASSERT_TRUE(e.ok()) << tpot << ": " << e.why;
    EXPECT_LE(e.tpot_s * 1000, tpot);
    EXPECT_LE(e.batch, last_batch);
    EXPECT_LT(e.tokens_per_s, last_tps);
    last_tps = e.tokens_per_s;
    last_batch = e.batch;
  }
  w.max_tpot_ms = 1;  // no batch reads 70 GB in a millisecond
  const Estimate none = run(w, "llama-3.1-70b", "h100");
  EXPECT_EQ(none.fit, Fit::SloUnmet);
  EXPECT_NE(none.why.find("at batch 1"), std::string::npos) << none.why;
}

TEST(PerfServe, TtftLimitBoundsTheBatchWhenPromptsAreLong) {
  Workload w = serve(16000, 256, 8);
  w.mode = ServeMode::Slo;
  const Estimate free = run(w, "llama-3.1-70b", "h200");
  w.max_ttft_ms = 1500;
  const Estimate bound = run(w, "llama-3.1-70b", "h200");
  ASSERT_TRUE(free.ok() && bound.ok()) << bound.why;
  EXPECT_LE(bound.ttft_s, 1.5);
  EXPECT_LE(bound.batch, free.batch);
}

TEST(PerfServe, DraftTokensCutTpotAtSmallBatch) {
  Workload w{.task = Task::Decode, .precision = Precision::FP8, .batch = 4, .input_tokens = 2048, .output_tokens = 256,
             .devices = 8};
  const Estimate plain = run(w, "llama-3.1-70b", "h200");
  w.draft_tokens = 2;
  w.acceptance = 0.8;
  const Estimate mtp = run(w, "llama-3.1-70b", "h200");
  ASSERT_TRUE(plain.ok() && mtp.ok());
  EXPECT_NEAR(mtp.tokens_per_step, 1 + 0.8 + 0.64, 1e-12);
  EXPECT_LT(mtp.tpot_s, plain.tpot_s);  // weights read once for 3 verified tokens
}

TEST(PerfServe, WideExpertParallelismServesDeepSeekOnH20) {
  Workload w{.task = Task::Decode, .precision = Precision::FP8, .batch = 32 * 16, .input_tokens = 4096,
             .output_tokens = 1536, .devices = 16, .ep = 16};
  const Estimate e = run(w, "deepseek-r1", "h20");
  ASSERT_TRUE(e.ok()) << e.why;
  EXPECT_EQ(e.parallel.ep, 16);
  EXPECT_GT(e.t_comm_s, 0);  // dispatch and combine cross the two 8-GPU NVLink domains
  // The same group on one CloudMatrix-style domain keeps its all-to-all on the link.
  const Estimate ascend = run(Workload{.task = Task::Decode, .precision = Precision::INT8, .batch = 32 * 16,
                                       .input_tokens = 4096, .output_tokens = 1536, .devices = 16, .ep = 16},
                              "deepseek-r1", "ascend-910c");
  ASSERT_TRUE(ascend.ok()) << ascend.why;
  EXPECT_EQ(ascend.precision, Precision::INT8);
  EXPECT_FALSE(ascend.precision_fallback);
}

TEST(PerfServe, DisaggregationCountsBothPools) {
  Workload w = serve(4096, 1024, 16);
  w.ep = 16;
  w.disaggregated = true;
  w.mode = ServeMode::Slo;
  w.max_tpot_ms = 50;
  w.max_ttft_ms = 2000;
  const Estimate e = run(w, "deepseek-v3", "h800");
  ASSERT_TRUE(e.ok()) << e.why;
  EXPECT_GT(e.prefill_devices_per_decode_device, 0);
  EXPECT_NEAR(e.tokens_per_s_per_device, e.decode_tokens_per_s_per_device / (1 + e.prefill_devices_per_decode_device),
              1e-9 * e.tokens_per_s_per_device);
  EXPECT_LE(e.tpot_s * 1000, 50 + 1e-9);
  EXPECT_LE(e.ttft_s * 1000, 2000 + 1e-9);
}

TEST(Perf, TrainingReportsMfuBelowOneAndUsesMoreDevicesFaster) {
  Workload w{.task = Task::Train, .seq_len = 4096, .global_batch = 512, .devices = 64};
  const Estimate small = run(w, "llama-3.1-70b", "h100");
  w.devices = 256;
  const Estimate big = run(w, "llama-3.1-70b", "h100");
  ASSERT_TRUE(small.ok() && big.ok());
  EXPECT_GT(small.mfu, 0.2);
  EXPECT_LT(small.mfu, 0.7);
  EXPECT_GT(big.tokens_per_s, small.tokens_per_s * 2.5);
  EXPECT_LE(small.mem_per_device_gb, small.mem_usable_gb);
}

TEST(Perf, TrainingDoesNotFitOnTooFewDevices) {
  const Estimate e = run(Workload{.task = Task::Train, .seq_len = 4096, .global_batch = 64, .devices = 8},
                         "llama-3.1-405b", "h100");
  EXPECT_EQ(e.fit, Fit::OutOfMemory);
}

TEST(PerfValidate, ImpossibleWorkloadsAreInputErrors) {
  const ModelSpec& m = cat().model("llama-3.1-8b");
  EXPECT_THROW(validate(decode(0), m), InputError);
  EXPECT_THROW(validate(Workload{.task = Task::Decode, .input_tokens = -5}, m), InputError);
  EXPECT_THROW(validate(decode(1, 12), m), InputError);
  EXPECT_THROW(validate(decode(1, -8), m), InputError);
  EXPECT_THROW(validate(Workload{.task = Task::Decode, .input_tokens = 200000}, m), InputError);
  EXPECT_THROW(validate(Workload{.task = Task::Train, .precision = Precision::INT8}, m), InputError);
  EXPECT_NO_THROW(validate(decode(1, 16), m));
  // Serving fields.
  EXPECT_NO_THROW(validate(serve(128, 128), m));  // batch 0 = no cap when serving
  Workload offline_slo = serve(128, 128);
  offline_slo.max_tpot_ms = 50;
  EXPECT_THROW(validate(offline_slo, m), InputError);  // SLOs need --mode slo
  Workload dense_ep = serve(128, 128);
  dense_ep.ep = 8;
  EXPECT_THROW(validate(dense_ep, m), InputError);
  Workload bad_accept = decode(1);
  bad_accept.draft_tokens = 1;
  bad_accept.acceptance = 1.0;
  EXPECT_THROW(validate(bad_accept, m), InputError);
  Workload odd_tp = decode(1, 8);
  odd_tp.tp = 3;
  EXPECT_THROW(validate(odd_tp, m), InputError);
  const ModelSpec& moe = cat().model("deepseek-v3");
  Workload ep_devices = serve(128, 128, 16);
  ep_devices.ep = 8;
  EXPECT_THROW(validate(ep_devices, moe), InputError);
}

TEST(Perf, EstimateAllRanksFittingChipsFirstByThroughputPerDevice) {
  const ModelSpec& m = cat().model("llama-3.1-70b");
  const auto rows = estimate_all(decode(64, 0, Precision::FP8), m, cat().accelerators, cat().perf);
  ASSERT_EQ(rows.size(), cat().accelerators.size());
  bool seen_failure = false;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].ok()) seen_failure = true;
    EXPECT_FALSE(seen_failure && rows[i].ok()) << "fitting row after a failing one";
    if (i > 0 && rows[i].ok()) {
      EXPECT_GE(rows[i - 1].tokens_per_s_per_device, rows[i].tokens_per_s_per_device);
    }
  }
}

}  // namespace
}  // namespace suanli

namespace suanli {
namespace {

TEST(Perf, UnknownModelArchitectureIsNamed) {
  const Estimate e = run(decode(1), "pangu-ultra-135b", "ascend-910c");
  EXPECT_EQ(e.fit, Fit::UnknownFigure);
  EXPECT_NE(e.why.find("hidden"), std::string::npos) << e.why;
}

}  // namespace
}  // namespace suanli

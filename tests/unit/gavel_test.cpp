// Gavel readers and the round-based replay engine. Reader and replay tests on
// real data use $SUANLI_SHARED_DATA/peers/gavel (set by tests/CMakeLists.txt
// to ../shared/data beside the repository); they fail, naming the folder, when
// the data is missing. LP tests use tiny clusters whose optimum is derived by
// hand in the comments.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "shared_data.h"

#include "suanli/config/gavel_reader.h"
#include "suanli/model/error.h"
#include "suanli/trace/rounds.h"

namespace suanli::trace {
namespace {

using config::parse_gavel_throughputs;
using config::parse_gavel_trace;
using config::parse_throughput_csv;
using config::parse_tuple_key;

std::string gavel_dir() { return test_data::shared_dir("peers/gavel", "simulation_throughputs.json"); }

#define REQUIRE_GAVEL(dir)             \
  const std::string dir = gavel_dir(); \
  if (dir.empty()) return

using test_data::error_of;

const ThroughputTable& gavel_table() {
  static const ThroughputTable t = config::read_gavel_throughputs(gavel_dir() + "simulation_throughputs.json");
  return t;
}

const std::vector<std::string> kTraces = {"artifact_evaluation", "debug",  "debug_v2",          "highmem_test",
                                          "max_min_fairness",    "medium_test", "minimize_makespan", "small_test"};

std::vector<WorkerPool> gavel_cluster(int each) {
  return {{"v100", each, Origin::Imported}, {"p100", each, Origin::Domestic}, {"k80", each, Origin::Domestic}};
}

// --- tuple keys ---------------------------------------------------------------

TEST(GavelTupleKey, ParsesJobTypesWithParenthesesSpacesAndQuotes) {
  auto k = parse_tuple_key("('ResNet-50 (batch size 64)', 1)", "f");
  EXPECT_EQ(k.job_type, "ResNet-50 (batch size 64)");
  EXPECT_EQ(k.scale_factor, 1);
  k = parse_tuple_key("  (\"LM (batch size 20)\" ,8 , )  ", "f");
  EXPECT_EQ(k.job_type, "LM (batch size 20)");
  EXPECT_EQ(k.scale_factor, 8);
  k = parse_tuple_key(R"(('it\'s a, b\\c', 16))", "f");
  EXPECT_EQ(k.job_type, "it's a, b\\c");
  EXPECT_EQ(k.scale_factor, 16);
}

TEST(GavelTupleKey, ErrorsNameTheKeyThePositionAndWhatWasExpected) {
  EXPECT_EQ(error_of([] { parse_tuple_key("'A', 1)", "t.json: \"v100\""); }),
            "t.json: \"v100\": key \"'A', 1)\": at character 1: found ''', expected '(' opening the tuple");
  EXPECT_NE(error_of([] { parse_tuple_key("('A' 1)", "w"); }).find("at character 6: found '1', expected ',' after the job type"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_tuple_key("('A', x)", "w"); }).find("found 'x', expected a scale factor"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_tuple_key("('A', 0)", "w"); }).find("expected a scale factor, an integer in 1..1024"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_tuple_key("('A, 1)", "w"); }).find("found the end, expected the closing '"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_tuple_key("('A', 1) x", "w"); }).find("expected nothing after the closing ')'"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_tuple_key("('', 1)", "w"); }).find("expected a non-empty job type"), std::string::npos);
  EXPECT_NE(error_of([] { parse_tuple_key("('a\\q', 1)", "w"); }).find("expected an escape"), std::string::npos);
}

// --- simulation_throughputs.json ------------------------------------------------

TEST(GavelThroughputs, RealFileHas83KeysPerWorkerType77ForK80Unconsolidated) {
  REQUIRE_GAVEL(dir);
  const ThroughputTable& t = gavel_table();
  for (const char* w : {"v100", "p100", "k80", "v100_unconsolidated", "p100_unconsolidated"}) {
    EXPECT_EQ(t.count_for_worker(w), 83U) << w;
  }
  EXPECT_EQ(t.count_for_worker("k80_unconsolidated"), 77U);
  EXPECT_EQ(t.size(), 5U * 83U + 77U);
  EXPECT_EQ(t.workers().size(), 6U);
}

TEST(GavelThroughputs, SpotValuesAreTheFilesIsolatedThroughputs) {
  REQUIRE_GAVEL(dir);
  const ThroughputTable& t = gavel_table();
  const std::string rn50 = "ResNet-50 (batch size 64)";
  EXPECT_EQ(t.lookup(rn50, "v100", 1)->per_s, 4.394774823323071);
  EXPECT_EQ(t.lookup(rn50, "p100", 1)->per_s, 2.6194694075770055);
  EXPECT_EQ(t.lookup(rn50, "k80", 1)->per_s, 0.6190282202246573);
  EXPECT_EQ(t.lookup("Transformer (batch size 128)", "v100", 4)->per_s, 14.17451716526748);
  EXPECT_EQ(t.lookup("ResNet-18 (batch size 64)", "k80_unconsolidated", 2)->per_s, 13.992639127677469);
  EXPECT_EQ(t.lookup(rn50, "v100", 1)->source, "gavel:simulation_throughputs.json");
  // Measured "cannot run" stays a 0 entry; an absent key stays unknown.
  ASSERT_TRUE(t.lookup("ResNet-50 (batch size 128)", "k80", 2).has_value());
  EXPECT_EQ(t.lookup("ResNet-50 (batch size 128)", "k80", 2)->per_s, 0.0);
  EXPECT_FALSE(t.lookup(rn50, "k80_unconsolidated", 2).has_value());
  EXPECT_FALSE(t.lookup("A3C", "v100", 2).has_value());
  EXPECT_TRUE(t.knows_job_type("A3C"));
  EXPECT_FALSE(t.knows_job_type("A3"));
}

TEST(GavelThroughputs, MalformedJsonIsLocated) {
  EXPECT_EQ(error_of([] { parse_gavel_throughputs("{\"v100\": {\n\"('A', 1)\": {\"null\": 1.0,}}}", "t.json"); })
                .rfind("t.json:2: malformed JSON", 0),
            0U);
  // Regression (fuzzing): a number beyond a double's range escaped as an internal error.
  EXPECT_EQ(error_of([] { parse_gavel_throughputs("{\"v100\": {\n\"('A', 1)\": {\"null\": 4.7e823}}}", "t.json"); }),
            "t.json:2: malformed JSON: found the number 4.7e823, expected one within a double's range");
  // Regression (fuzzing): a document that is not an object had no line.
  EXPECT_EQ(error_of([] { parse_gavel_throughputs("\n  0", "t.json"); }),
            "t.json:2: found a JSON number, expected a JSON object {worker_type: {\"(job_type, scale_factor)\": "
            "{\"null\": steps/s}}}");
  EXPECT_NE(error_of([] { parse_gavel_throughputs("{}", "t.json"); }).find("t.json:1: found an empty object"),
            std::string::npos);
  EXPECT_EQ(error_of([] { parse_gavel_throughputs(R"j({"v100": {"('A', 1)": {"null": -2}}})j", "t.json"); }),
            "t.json: \"v100\".\"('A', 1)\".\"null\": found -2, expected a throughput >= 0 (steps/s)");
  EXPECT_NE(error_of([] { parse_gavel_throughputs(R"j({"v100": {"(A, 1)": {"null": 2}}})j", "t.json"); })
                .find("t.json: \"v100\": key \"(A, 1)\": at character 2"),
            std::string::npos);
  EXPECT_NE(error_of([] { parse_gavel_throughputs(R"j({"v100": {"('A', 1)": {"('B', 1)": [1, 2]}}})j", "t.json"); })
                .find("no \"null\" entry"),
            std::string::npos);
  // Co-location pairs are skipped, not read.
  const auto t = parse_gavel_throughputs(R"j({"v100": {"('A', 1)": {"null": 2.5, "('B', 1)": [1.0, 0.5]}}})j", "t.json");
  EXPECT_EQ(t.size(), 1U);
  EXPECT_EQ(t.lookup("A", "v100", 1)->per_s, 2.5);
}

// --- traces ---------------------------------------------------------------------

TEST(GavelTrace, ReadsThe8PhysicalClusterTraces) {
  REQUIRE_GAVEL(dir);
  const std::vector<std::size_t> lines = {15, 14, 14, 8, 96, 20, 100, 20};
  for (std::size_t i = 0; i < kTraces.size(); ++i) {
    const auto jobs = config::read_gavel_trace(dir + "traces/physical_cluster/" + kTraces[i] + ".trace");
    EXPECT_EQ(jobs.size(), lines[i]) << kTraces[i];
    for (const GavelJob& j : jobs) EXPECT_TRUE(gavel_table().knows_job_type(j.job_type)) << j.job_type;
  }
  const auto jobs = config::read_gavel_trace(dir + "traces/physical_cluster/artifact_evaluation.trace");
  EXPECT_EQ(jobs[0].job_type, "ResNet-50 (batch size 64)");
  EXPECT_EQ(jobs[0].total_steps, 2931);
  EXPECT_EQ(jobs[0].scale_factor, 1);
  EXPECT_EQ(jobs[0].priority_weight, 1.0);
  EXPECT_EQ(jobs[0].slo, -1.0);
  EXPECT_EQ(jobs[0].arrival_us, 0);
  EXPECT_EQ(jobs[1].scale_factor, 2);
  EXPECT_EQ(jobs[0].tenant, "default");
  const auto mmf = config::read_gavel_trace(dir + "traces/physical_cluster/max_min_fairness.trace");
  EXPECT_EQ(mmf.back().arrival_us, 46317'000'000);
}

std::string line(const std::string& steps, const std::string& sf, const std::string& prio, const std::string& slo,
                 const std::string& arrival) {
  return "A3C\tpython3 main.py\tdir\t--steps\t1\t" + steps + "\t" + sf + "\t" + prio + "\t" + slo + "\t" + arrival + "\n";
}

TEST(GavelTrace, MalformedLinesAreLocatedAndNameTheField) {
  const std::string good = line("100", "1", "1", "-1.000000", "0");
  EXPECT_EQ(parse_gavel_trace(good + "\n" + good, "t").size(), 2U);
  EXPECT_NE(error_of([&] { parse_gavel_trace(good + "A3C\tx\t1\n", "t.trace"); })
                .find("t.trace:2: found 3 tab-separated fields, expected 10 (job_type, command, working_directory, "
                      "num_steps_arg, needs_data_dir, total_steps, scale_factor, priority_weight, SLO, arrival_time) "
                      "or 7 (Gavel's msr traces: job_type, command, num_steps_arg, needs_data_dir, total_steps, "
                      "arrival_time, scale_factor)"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { parse_gavel_trace(good + line("12x", "1", "1", "-1", "0"), "t.trace"); }),
            "t.trace:2: field 6 'total_steps': found '12x', expected a positive integer number of steps");
  EXPECT_EQ(error_of([&] { parse_gavel_trace(line("5", "0", "1", "-1", "0"), "t.trace"); }),
            "t.trace:1: field 7 'scale_factor': found '0', expected an integer number of workers in 1..1024");
  EXPECT_EQ(error_of([&] { parse_gavel_trace(line("5", "1", "1", "-1", "-5"), "t.trace"); }),
            "t.trace:1: field 10 'arrival_time': found '-5', expected a number of seconds >= 0 in decimal notation (0, "
            "12 or 1234.567890)");
  EXPECT_EQ(error_of([&] { parse_gavel_trace(line("5", "1", "0", "-1", "0"), "t.trace"); }),
            "t.trace:1: field 8 'priority_weight': found '0', expected a number > 0");
  EXPECT_EQ(error_of([&] { parse_gavel_trace(line("5", "1", "1", "-3", "0"), "t.trace"); }),
            "t.trace:1: field 9 'SLO': found '-3', expected -1 (none) or a number of seconds > 0");
  EXPECT_EQ(error_of([&] { parse_gavel_trace(line("5", "1", "1", "-1", "0").substr(3), "t.trace"); }),
            "t.trace:1: field 1 'job_type': found '', expected a non-empty value");
}

// --- fractional arrival times (Gavel's msr traces) ----------------------------------

GavelJob one(const std::string& text) { return parse_gavel_trace(text, "t.trace").at(0); }

TEST(GavelTrace, FractionalArrivalTimesKeepTheMicroseconds) {
  EXPECT_EQ(one(line("5", "1", "1", "-1", "1234.567890")).arrival_us, 1234567890);
  EXPECT_EQ(one(line("5", "1", "1", "-1", "0.500000")).arrival_us, 500000);
  EXPECT_EQ(one(line("5", "1", "1", "-1", ".25")).arrival_us, 250000);
  EXPECT_EQ(one(line("5", "1", "1", "-1", "12.")).arrival_us, 12000000);
  // Beyond the sixth decimal: the nearest microsecond, half up.
  EXPECT_EQ(one(line("5", "1", "1", "-1", "0.0000005")).arrival_us, 1);
  EXPECT_EQ(one(line("5", "1", "1", "-1", "0.00000049")).arrival_us, 0);
  EXPECT_EQ(one(line("5", "1", "1", "-1", "999999999999.9999999")).arrival_us, 1000000000000000000);
  for (const char* bad : {"1e3", "1,5", "", ".", "-0.5", "0x10", "1000000000000", " 5", "inf"}) {
    EXPECT_EQ(error_of([&] { one(line("5", "1", "1", "-1", bad)); }),
              "t.trace:1: field 10 'arrival_time': found '" + std::string(bad) +
                  "', expected a number of seconds >= 0 in decimal notation (0, 12 or 1234.567890)");
  }
}

TEST(GavelTrace, TheMsrLayoutHasNoPriorityOrSlo) {
  const GavelJob j = one("LM (batch size 5)\tcd %s && python main.py\t--steps\t1\t2799809\t12.250000\t4\n");
  EXPECT_EQ(j.job_type, "LM (batch size 5)");
  EXPECT_EQ(j.total_steps, 2799809);
  EXPECT_EQ(j.arrival_us, 12250000);
  EXPECT_EQ(j.scale_factor, 4);
  EXPECT_EQ(j.priority_weight, 1.0);
  EXPECT_EQ(j.slo, -1.0);
  EXPECT_EQ(error_of([] { one("A3C\tx\t--steps\t1\t9\t2.5\t0\n"); }),
            "t.trace:1: field 7 'scale_factor': found '0', expected an integer number of workers in 1..1024");
}

// A physical-cluster trace with each arrival `t` written as `t` + `suffix`
// ("t.000000", "t.500000"), in Gavel's current layout or its msr layout.
std::string rewrite_times(const std::string& path, const std::string& suffix, bool msr) {
  std::ifstream in(path);
  std::string out, l;
  while (std::getline(in, l)) {
    std::vector<std::string> f;
    for (std::size_t start = 0, tab = 0; tab != std::string::npos; start = tab + 1) {
      tab = l.find('\t', start);
      f.push_back(l.substr(start, tab == std::string::npos ? tab : tab - start));
    }
    if (f.size() != 10) continue;
    f[9] += suffix;
    if (msr) f = {f[0], f[1], f[3], f[4], f[5], f[9], f[6]};
    for (std::size_t i = 0; i < f.size(); ++i) out += (i ? "\t" : "") + f[i];
    out += "\n";
  }
  return out;
}

TEST(GavelReplay, FractionalTimesReplayLikeTheirIntegerSecondCopy) {
  REQUIRE_GAVEL(dir);
  for (const std::string name : {"max_min_fairness", "minimize_makespan"}) {
    const std::string path = dir + "traces/physical_cluster/" + name + ".trace";
    const auto jobs = config::read_gavel_trace(path);
    const RoundEngine whole(jobs, gavel_table(), gavel_cluster(8), {.seed = 3});
    for (const bool msr : {false, true}) {
      SCOPED_TRACE(name + (msr ? " in the msr layout" : ""));
      // "46317.000000" is 46317: the same jobs, the same replay.
      const auto same = parse_gavel_trace(rewrite_times(path, ".000000", msr), name);
      EXPECT_EQ(same, jobs);
      // Every arrival half a second later: every completion half a second
      // later, no job's completion time changes.
      const auto later = parse_gavel_trace(rewrite_times(path, ".500000", msr), name);
      ASSERT_EQ(later.size(), jobs.size());
      for (std::size_t i = 0; i < jobs.size(); ++i) EXPECT_EQ(later[i].arrival_us, jobs[i].arrival_us + 500000);
      const RoundEngine copy(same, gavel_table(), gavel_cluster(8), {.seed = 3});
      const RoundEngine shifted(later, gavel_table(), gavel_cluster(8), {.seed = 3});
      for (RoundPolicy p : all_round_policies()) {
        SCOPED_TRACE(round_policy_name(p));
        const RoundResult a = whole.run(p), b = copy.run(p), c = shifted.run(p);
        ASSERT_EQ(a.jobs.size(), c.jobs.size());
        for (std::size_t i = 0; i < a.jobs.size(); ++i) {
          EXPECT_EQ(b.jobs[i].completion_s, a.jobs[i].completion_s) << "job " << i;
          EXPECT_NEAR(c.jobs[i].completion_s, a.jobs[i].completion_s + 0.5, 1e-6) << "job " << i;
          EXPECT_NEAR(c.jobs[i].jct_s, a.jobs[i].jct_s, 1e-6) << "job " << i;
        }
        EXPECT_EQ(a.rounds, c.rounds);
      }
    }
  }
}

// --- throughput CSV -------------------------------------------------------------

TEST(ThroughputCsv, ReadsMeasurementsWithQuotedFieldsAndComments) {
  const auto t = parse_throughput_csv(
      "# measured in our lab\n"
      "job_type,accelerator,devices,steps_per_s,source\n"
      "\"LM, big (batch size 5)\",ascend-910b,2,3.25,\"lab run 2025-11, \"\"nightly\"\"\"\n"
      "A3C,v100,1,0,OOM\n",
      "m.csv");
  EXPECT_EQ(t.size(), 2U);
  EXPECT_EQ(t.lookup("LM, big (batch size 5)", "ascend-910b", 2)->per_s, 3.25);
  EXPECT_EQ(t.lookup("LM, big (batch size 5)", "ascend-910b", 2)->source, "lab run 2025-11, \"nightly\"");
  EXPECT_EQ(t.lookup("A3C", "v100", 1)->per_s, 0.0);
}

TEST(ThroughputCsv, ErrorsAreLocated) {
  const std::string h = "job_type,accelerator,devices,steps_per_s,source\n";
  EXPECT_EQ(error_of([] { parse_throughput_csv("job,acc\n", "m.csv"); }),
            "m.csv:1: header: found 'job,acc', expected 'job_type,accelerator,devices,steps_per_s,source' or "
            "'job_type,accelerator,devices,tokens_per_s,source'");
  EXPECT_EQ(error_of([&] { parse_throughput_csv(h + "A3C,v100,1,-2,lab\n", "m.csv"); }),
            "m.csv:2: field 4 'steps_per_s': found '-2', expected a throughput >= 0 (steps/s)");
  EXPECT_EQ(error_of([&] { parse_throughput_csv(h + "A3C,v100,1,2,\n", "m.csv"); }),
            "m.csv:2: field 5 'source': found '', expected a non-empty value");
  EXPECT_EQ(error_of([&] { parse_throughput_csv(h + "A3C,v100,1,2,a\nA3C,v100,1,3,b\n", "m.csv"); }),
            "m.csv:3: duplicate measurement of ('A3C', v100, 1 devices), first given at line 2");
  EXPECT_NE(error_of([&] { parse_throughput_csv(h + "\"A3C,v100,1,2,a\n", "m.csv"); }).find("m.csv:2: unterminated"),
            std::string::npos);
  EXPECT_EQ(error_of([] { parse_throughput_csv("", "m.csv"); }),
            "m.csv:1: empty file, expected the header 'job_type,accelerator,devices,steps_per_s,source' or "
            "'job_type,accelerator,devices,tokens_per_s,source'");
  EXPECT_EQ(error_of([] { parse_throughput_csv("job_type,accelerator,devices,tokens_per_s,source\nA,h20,1,-1,x\n", "t.csv"); }),
            "t.csv:2: field 4 'tokens_per_s': found '-1', expected a throughput >= 0 (tokens/s)");
}

TEST(ThroughputCsv, TheHeaderSetsTheUnit) {
  EXPECT_EQ(parse_throughput_csv("job_type,accelerator,devices,steps_per_s,source\nA,v100,1,2,x\n", "m.csv").unit,
            RateUnit::StepsPerS);
  const auto t = parse_throughput_csv("job_type,accelerator,devices,tokens_per_s,source\nA,h20,8,1500,x\n", "m.csv");
  EXPECT_EQ(t.unit, RateUnit::TokensPerS);
  EXPECT_EQ(t.lookup("A", "h20", 8)->per_s, 1500);
}

// --- engine: construction ----------------------------------------------------------

ThroughputTable table_of(std::initializer_list<std::tuple<const char*, const char*, int, double>> rows) {
  ThroughputTable t;
  for (const auto& [job, worker, devices, tput] : rows) t.add(job, worker, devices, {tput, "test"});
  return t;
}

GavelJob job(const char* type, long long steps, int sf = 1, const char* tenant = "default", long long arrival = 0) {
  return {.job_type = type, .total_steps = steps, .scale_factor = sf, .priority_weight = 1, .slo = -1,
          .arrival_us = arrival * 1'000'000, .tenant = tenant};
}

TEST(RoundEngine, RejectsBadClustersUnknownTypesAndUnplaceableJobs) {
  const auto t = table_of({{"A", "fast", 1, 2.0}, {"A", "slow", 1, 1.0}});
  EXPECT_EQ(error_of([&] { RoundEngine({job("A", 10)}, t, {}); }), "--cluster: empty cluster, expected at least one TYPE=COUNT");
  EXPECT_EQ(error_of([&] { RoundEngine({job("A", 10)}, t, {{"fast", 0, {}}}); }),
            "--cluster: 'fast': found 0 workers, expected a count > 0");
  EXPECT_EQ(error_of([&] { RoundEngine({job("A", 10)}, t, {{"fast", 1, {}}, {"fast", 2, {}}}); }),
            "--cluster: worker type 'fast' given twice");
  EXPECT_EQ(error_of([&] { RoundEngine({job("B", 10)}, t, {{"fast", 1, {}}}); }),
            "--throughputs: job 1 ('B', scale factor 1, tenant 'default'): job type 'B' is not in the throughput table");
  EXPECT_EQ(error_of([&] {
              RoundEngine({job("A", 10, 1, "gov")}, t, {{"fast", 1, Origin::Imported}, {"slow", 1, {}}},
                          {.critical_tenants = {"gov"}});
            }),
            "--trace: job 1 ('A', scale factor 1, tenant 'gov', critical) can run on no worker pool: fast: imported "
            "and the tenant is critical (domestic only); slow: origin unknown and the tenant is critical (domestic only)");
  EXPECT_NE(error_of([&] { RoundEngine({job("A", 10, 2)}, t, {{"fast", 4, {}}}); }).find("fast: no throughput measured for 2 device(s)"),
            std::string::npos);
  EXPECT_EQ(error_of([&] { RoundEngine({job("A", 10)}, t, {{"fast", 1, {}}}, {.round_s = 0}); }),
            "--round: found 0, expected a round length in seconds > 0");
  // 10^9 steps at 1 step/s (slowest allowed pool) in rounds of 10 s: 10^8 rounds.
  EXPECT_EQ(error_of([&] { RoundEngine({job("A", 1000000000)}, t, {{"fast", 1, {}}, {"slow", 1, {}}}, {.round_s = 10}); }),
            "--trace: the jobs would need up to 1e+08 rounds of 10 s, expected at most 1e+07 (a longer --round, or fewer "
            "steps)");
}

// --- engine: the max-min LP on hand-solved clusters -------------------------------------

// Two identical jobs, T = 3 (fast) and 1 (slow), one worker each. Equal share:
// q = 1, T_eq = (3 + 1) / 2 = 2, so c = (1.5, 0.5). The two workers give at
// most 1.5 + 0.5 = 2 of normalised throughput in total, so t* <= 1. t = 1
// needs both workers busy all the time and 1.5 x_f + 0.5 x_s = 1 with x_f +
// x_s <= 1 for each job; with x_f(A) = a that forces x_s(A) = 2 - 3a, a >=
// 1/2, and for B 2a <= 1: a = 1/2, each job gets half of each worker.
TEST(MaxMinLp, TwoIdenticalJobsSplitBothWorkersInHalf) {
  const auto t = table_of({{"A", "fast", 1, 3.0}, {"A", "slow", 1, 1.0}});
  const RoundEngine e({job("A", 100), job("A", 100)}, t, {{"fast", 1, {}}, {"slow", 1, {}}});
  const auto a = e.max_min_allocation({0, 1});
  EXPECT_NEAR(a.min_ratio, 1.0, 1e-6);
  for (int m = 0; m < 2; ++m) {
    EXPECT_NEAR(a.x[static_cast<std::size_t>(m)][0], 0.5, 1e-5);
    EXPECT_NEAR(a.x[static_cast<std::size_t>(m)][1], 0.5, 1e-5);
  }
}

// Job A: T = 4 fast, 1 slow; job B: T = 2 on both. T_eq(A) = 2.5, T_eq(B) = 2,
// c(A) = (1.6, 0.4), c(B) = (1, 1). B can reach at most 1, so t* = 1 with B
// running full time; the efficient optimum gives A the fast worker (1.6) and
// B the slow one: swapping any share a to B on fast costs A 1.2a.
TEST(MaxMinLp, EachJobGetsTheWorkerItGainsMostOn) {
  const auto t = table_of({{"A", "fast", 1, 4.0}, {"A", "slow", 1, 1.0}, {"B", "fast", 1, 2.0}, {"B", "slow", 1, 2.0}});
  const RoundEngine e({job("A", 100), job("B", 100)}, t, {{"fast", 1, {}}, {"slow", 1, {}}});
  const auto a = e.max_min_allocation({0, 1});
  EXPECT_NEAR(a.min_ratio, 1.0, 1e-6);
  EXPECT_NEAR(a.x[0][0], 1.0, 1e-5);
  EXPECT_NEAR(a.x[0][1], 0.0, 1e-5);
  EXPECT_NEAR(a.x[1][0], 0.0, 1e-5);
  EXPECT_NEAR(a.x[1][1], 1.0, 1e-5);
}

// Two workers of each type. A (s = 2): T = 4 fast, 2 slow; B (s = 1): T = 2
// fast, 1 slow. Demand 3 <= 4 workers, so q = 1; T_eq(A) = (4*2 + 2*2)/4 = 3,
// T_eq(B) = (2*2 + 1*2)/4 = 1.5; c(A) = 2 (4, 2)/3 = (8/3, 4/3), c(B) = (4/3,
// 2/3). B's best is 4/3 (full time on fast), feasible with A at most half
// time on fast (2 x_A,f + x_B,f <= 2), so t* = 4/3 and the efficient optimum
// is A half fast, half slow; B full time on fast.
TEST(MaxMinLp, ScaleFactorTwoCountsTwoWorkers) {
  const auto t = table_of({{"A", "fast", 2, 4.0}, {"A", "slow", 2, 2.0}, {"B", "fast", 1, 2.0}, {"B", "slow", 1, 1.0}});
  const RoundEngine e({job("A", 100, 2), job("B", 100)}, t, {{"fast", 2, {}}, {"slow", 2, {}}});
  const auto a = e.max_min_allocation({0, 1});
  EXPECT_NEAR(a.min_ratio, 4.0 / 3.0, 1e-6);
  EXPECT_NEAR(a.x[0][0], 0.5, 1e-5);
  EXPECT_NEAR(a.x[0][1], 0.5, 1e-5);
  EXPECT_NEAR(a.x[1][0], 1.0, 1e-5);
  EXPECT_NEAR(a.x[1][1], 0.0, 1e-5);
}

// One imported worker (T = 4) and one domestic (T = 1); job A belongs to a
// critical tenant. A may use only the domestic worker: T_eq(A) = 1, c(A) = 1;
// B: T_eq = 2.5, c(B) = (1.6, 0.4). t* = 1 (A full time on domestic), and B
// gets the imported worker.
TEST(MaxMinLp, CriticalTenantStaysOffTheImportedType) {
  const auto t = table_of({{"A", "imp", 1, 4.0}, {"A", "dom", 1, 1.0}});
  const RoundEngine e({job("A", 1000, 1, "gov"), job("A", 1000, 1, "shop")}, t,
                      {{"imp", 1, Origin::Imported}, {"dom", 1, Origin::Domestic}}, {.critical_tenants = {"gov"}});
  EXPECT_FALSE(e.allowed(0, 0));
  EXPECT_TRUE(e.allowed(0, 1));
  EXPECT_TRUE(e.allowed(1, 0));
  const auto a = e.max_min_allocation({0, 1});
  EXPECT_NEAR(a.min_ratio, 1.0, 1e-6);
  EXPECT_EQ(a.x[0][0], 0.0);
  EXPECT_NEAR(a.x[0][1], 1.0, 1e-5);
  EXPECT_NEAR(a.x[1][0], 1.0, 1e-5);
  for (RoundPolicy p : all_round_policies()) {
    const RoundResult r = e.run(p);
    ASSERT_EQ(r.tenants.size(), 2U);
    EXPECT_EQ(r.tenants[0].tenant, "gov");
    EXPECT_TRUE(r.tenants[0].critical);
    EXPECT_EQ(r.tenants[0].imported_device_s, 0.0) << round_policy_name(p);
    EXPECT_NEAR(r.tenants[0].device_s, 1000.0, 1e-6) << round_policy_name(p);  // 1000 steps at 1 step/s
  }
}

// Water-filling: 4 workers, jobs with s = 1, 1, 4 (w = 1) ask for 6. Solve
// sum_m min(s_m, tau) = 4: tau = 4/3 exceeds s = 1, so the two small jobs are
// capped (q = 1) and 1 + 1 + tau = 4 gives tau = 2 <= 4: q = (1, 1, 2/4).
TEST(MaxMinLp, EqualSharesWaterFill) {
  const auto t = table_of({{"A", "w", 1, 1.0}, {"A", "w", 4, 1.0}});
  const RoundEngine e({job("A", 10), job("A", 10), job("A", 10, 4)}, t, {{"w", 4, {}}});
  const auto q = e.equal_shares({0, 1, 2});
  EXPECT_DOUBLE_EQ(q[0], 1.0);
  EXPECT_DOUBLE_EQ(q[1], 1.0);
  EXPECT_DOUBLE_EQ(q[2], 0.5);
}

// --- engine: rounds ---------------------------------------------------------------------

// 1000 steps at 2 steps/s: round 1 does 720, round 2 the remaining 280 in
// 140 s, so the job completes at 500 s, holding its worker for 500 s.
TEST(RoundEngine, CompletionInsideARoundIsExact) {
  const auto t = table_of({{"A", "w", 1, 2.0}});
  const RoundEngine e({job("A", 1000)}, t, {{"w", 1, {}}});
  for (RoundPolicy p : all_round_policies()) {
    const RoundResult r = e.run(p);
    EXPECT_DOUBLE_EQ(r.jobs[0].completion_s, 500.0) << round_policy_name(p);
    EXPECT_DOUBLE_EQ(r.avg_jct_s, 500.0);
    EXPECT_DOUBLE_EQ(r.makespan_s, 500.0);
    EXPECT_EQ(r.rounds, 2);
    EXPECT_DOUBLE_EQ(r.device_s[0], 500.0);
    EXPECT_DOUBLE_EQ(r.unknown_origin_device_s, 500.0);
  }
}

// One worker at 2 steps/s; job 0 needs three rounds (2160 steps), job 1 one
// round (720 steps) and arrives at 100 s, so it joins at the 360 s boundary.
// FIFO is non-preemptive: job 0 ends at 1080, job 1 at 1440. max-min gives
// each half the worker (X = 0.5): at 360 both are new and tie (arrival order:
// job 0 runs); at 720 job 0 has had its share (priority 0.5 / 1) and job 1
// none (0.5e9), so job 1 runs and ends at 1080, job 0 at 1440.
TEST(RoundEngine, FifoIsNonPreemptiveMaxMinRotatesByPriority) {
  const auto t = table_of({{"A", "w", 1, 2.0}});
  const RoundEngine e({job("A", 2160), job("A", 720, 1, "default", 100)}, t, {{"w", 1, {}}});
  const RoundResult r = e.run(RoundPolicy::Fifo);
  EXPECT_DOUBLE_EQ(r.jobs[0].completion_s, 1080.0);
  EXPECT_DOUBLE_EQ(r.jobs[1].completion_s, 1440.0);
  EXPECT_DOUBLE_EQ(r.jobs[1].jct_s, 1340.0);
  const RoundResult mm = e.run(RoundPolicy::MaxMin);
  EXPECT_DOUBLE_EQ(mm.jobs[0].completion_s, 1440.0);
  EXPECT_DOUBLE_EQ(mm.jobs[1].completion_s, 1080.0);
  EXPECT_EQ(mm.lp_solves, 3);  // job 0 alone, both, job 0 alone again
}

// fifo-hetero puts each job on its fastest free type; fifo may pick the slow one.
TEST(RoundEngine, FifoHeteroPicksTheFastestFreeType) {
  const auto t = table_of({{"A", "slow", 1, 1.0}, {"A", "fast", 1, 4.0}});
  const RoundEngine e({job("A", 1440)}, t, {{"slow", 1, {}}, {"fast", 1, {}}});
  EXPECT_DOUBLE_EQ(e.run(RoundPolicy::FifoHetero).jobs[0].completion_s, 360.0);
  bool slow_seen = false;
  for (std::uint64_t seed = 0; seed < 20; ++seed) {
    const RoundEngine s({job("A", 1440)}, t, {{"slow", 1, {}}, {"fast", 1, {}}}, {.seed = seed});
    slow_seen = slow_seen || s.run(RoundPolicy::Fifo).jobs[0].completion_s == 1440.0;
  }
  EXPECT_TRUE(slow_seen);
}

// --- engine: the physical-cluster traces ---------------------------------------------------

TEST(GavelReplay, HeterogeneityAwarePoliciesBeatFifoOnThePhysicalClusterTraces) {
  REQUIRE_GAVEL(dir);
  for (const std::string& name : kTraces) {
    const RoundEngine e(config::read_gavel_trace(dir + "traces/physical_cluster/" + name + ".trace"), gavel_table(),
                        gavel_cluster(36), {.seed = 1});
    const RoundResult fifo = e.run(RoundPolicy::Fifo);
    const RoundResult hetero = e.run(RoundPolicy::FifoHetero);
    const RoundResult mm = e.run(RoundPolicy::MaxMin);
    EXPECT_LT(hetero.avg_jct_s, fifo.avg_jct_s) << name;
    EXPECT_LT(mm.avg_jct_s, fifo.avg_jct_s) << name;
    EXPECT_GT(mm.lp_solves, 0) << name;
    for (const RoundResult* r : {&fifo, &hetero, &mm}) {
      for (const GavelJobResult& j : r->jobs) EXPECT_GT(j.jct_s, 0) << name;
    }
  }
}

TEST(GavelReplay, DeterministicGivenTheSeed) {
  REQUIRE_GAVEL(dir);
  auto jobs = config::read_gavel_trace(dir + "traces/physical_cluster/max_min_fairness.trace");
  for (std::size_t i = 0; i < jobs.size(); ++i) jobs[i].tenant = i % 2 ? "bank" : "lab";
  const RoundEngine e(jobs, gavel_table(), gavel_cluster(8), {.seed = 7, .critical_tenants = {"bank"}});
  for (RoundPolicy p : all_round_policies()) {
    const RoundResult a = e.run(p), b = e.run(p);
    ASSERT_EQ(a.jobs.size(), b.jobs.size());
    for (std::size_t i = 0; i < a.jobs.size(); ++i) EXPECT_EQ(a.jobs[i].completion_s, b.jobs[i].completion_s);
    EXPECT_EQ(a.device_s, b.device_s);
    EXPECT_EQ(a.rounds, b.rounds);
    ASSERT_EQ(a.tenants.size(), 2U);
    EXPECT_EQ(a.tenants[1].tenant, "bank");
    EXPECT_EQ(a.tenants[1].imported_device_s, 0.0) << round_policy_name(p);
    EXPECT_GT(a.tenants[0].imported_device_s, 0.0) << round_policy_name(p);
  }
}

}  // namespace
}  // namespace suanli::trace

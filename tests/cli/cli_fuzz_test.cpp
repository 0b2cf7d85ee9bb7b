// Robustness: odd argument vectors never crash `suanli`.
//
// Argument vectors are drawn deterministically (fixed seed) from real
// subcommands and flags mixed with hostile values. Whatever the input, the
// binary must end through exit() with 0 (it made sense) or 2 (bad input,
// reported), never 1 (internal error) or a signal, and must not abort.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "run_process.h"

namespace suanli::cli_test {
namespace {

constexpr int kVectors = 200;
constexpr int kShards = 4;

// Half the vectors are well-formed `estimate` / `catalog` commands with odd
// values, so that they reach the engine; the other half are chaos.
std::vector<std::vector<std::string>> make_vectors() {
  using Words = std::vector<std::string>;
  const std::string long_text(10000, 'x');
  // Values no flag expects: the hostile part of the vocabulary.
  const Words odd = {
      "",
      "-1",
      "0",
      "1e9",
      "999999999999",
      "nan",
      "inf",
      "-0",
      "2147483648",
      "0x10",
      "1.5",
      "算力",
      "昇腾910C",
      long_text,
      "--",
      "=",
      "-",
      " ",
      ",",
      "h200,,h100",
      "/",
      ".",
      "/nonexistent/x.yaml",
      "--model=",
      "--batch=-3",
      "-n8192",
      "-b0",
      "%s%n",
      "\t",
      "a\nb",
  };
  const Words models = {"llama-3.1-8b",     "llama-3.1-405b", "deepseek-v3",   "qwen3-235b-a22b", "bge-m3",
                        "pangu-ultra-135b", "gpt-3-175b",     "qwen2.5-vl-7b", "LLAMA_3.1_70B",   "llama-3.1-7b"};
  const Words chips = {
      "h200",     "h20,h200",          "ascend-910c",       "rubin", "mtt-s5000", "mlu590", "c500,k100-ai",
      "H200_SXM", "bi-v150,br104,l20", "ascend-950pr,b300", "h2000"};
  const Words numbers = {"1", "2", "4", "8", "64", "1024", "8192", "65536", "131072", "0", "-1", "2147483647", "12"};
  const Words tasks = {"train", "prefill", "decode", "serve", "dance", "TRAIN"};
  const Words precisions = {"bf16", "fp16", "fp8", "int8", "fp4", "fp7", "FP8"};
  const std::pair<std::string, const Words*> estimate_options[] = {
      {"--task", &tasks},           {"--precision", &precisions}, {"--batch", &numbers},
      {"--input", &numbers},        {"--output", &numbers},       {"--seq", &numbers},
      {"--global-batch", &numbers}, {"--devices", &numbers},      {"--accelerator", &chips},
  };
  const Words chaos_heads[] = {{"estimate"},          {"estimate", "-m", "deepseek-v3"},
                               {"catalog"},           {"catalog", "show"},
                               {"catalog", "models"}, {},
                               {"--catalog"},         {"--models"}};
  const Words chaos_words = {"--model",   "-m",          "--task",        "-t",       "--precision", "-p",
                             "--batch",   "-b",          "--input",       "--output", "--seq",       "--global-batch",
                             "--devices", "-n",          "--accelerator", "-a",       "--json",      "--csv",
                             "--catalog", "--models",    "--perf",        "show",     "models",      "catalog",
                             "estimate",  "--help",      "--version",     "-h",       "--",          "=",
                             "h200",      "deepseek-v3", "train"};

  std::mt19937 rng(20240917u);
  auto pick = [&rng](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  auto value_from = [&](const Words& pool) { return pick(6) == 0 ? odd[pick(odd.size())] : pool[pick(pool.size())]; };
  std::vector<std::vector<std::string>> out;
  out.reserve(kVectors);
  for (int i = 0; i < kVectors; ++i) {
    Words args;
    const std::size_t family = pick(4);
    if (family <= 1) {  // estimate, each option at most once
      args = {"estimate", "--model", value_from(models)};
      std::vector<std::size_t> order(std::size(estimate_options));
      for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
      std::shuffle(order.begin(), order.end(), rng);
      const std::size_t n = pick(order.size() + 1);
      for (std::size_t k = 0; k < n; ++k) {
        const auto& [flag, pool] = estimate_options[order[k]];
        args.push_back(flag);
        args.push_back(value_from(*pool));
      }
      if (pick(3) == 0) args.push_back(pick(2) == 0 ? "--json" : "--csv");
    } else if (family == 2) {  // catalog
      switch (pick(3)) {
        case 0:
          args = {"catalog", "show", pick(2) == 0 ? value_from(chips) : value_from(models)};
          break;
        case 1:
          args = {"catalog", "models"};
          break;
        default:
          args = {"catalog"};
      }
      if (pick(2) == 0) args.push_back(pick(2) == 0 ? "--json" : "--csv");
    } else {  // chaos: any words in any order
      args = chaos_heads[pick(std::size(chaos_heads))];
      const std::size_t n = pick(7);
      for (std::size_t k = 0; k < n; ++k) {
        args.push_back(pick(2) == 0 ? chaos_words[pick(chaos_words.size())] : odd[pick(odd.size())]);
      }
    }
    out.push_back(std::move(args));
  }
  return out;
}

class CliFuzz : public ::testing::TestWithParam<int> {};

TEST_P(CliFuzz, ExitsCleanly) {
  const auto vectors = make_vectors();
  ScratchDir scratch;
  // SUANLI_CLI_FUZZ_LOG=1 prints every vector and how it ended.
  const bool verbose = std::getenv("SUANLI_CLI_FUZZ_LOG") != nullptr;
  for (std::size_t i = static_cast<std::size_t>(GetParam()); i < vectors.size(); i += kShards) {
    const ProcessResult r = run_process(SUANLI_BINARY, vectors[i], scratch.path());
    const std::string context = "\n  vector " + std::to_string(i) + ": " + show_command(vectors[i]) +
                                "\n  result: " + r.describe() + "\n  stderr: " + r.err.substr(0, 800);
    if (verbose) {
      std::printf("%3zu %-8s %s\n    %s\n", i, r.describe().c_str(), show_command(vectors[i]).c_str(),
                  r.err.substr(0, r.err.find('\n')).c_str());
    }
    EXPECT_TRUE(r.exited && (r.exit_code == 0 || r.exit_code == 2)) << "expected exit 0 or 2" << context;
    for (const char* never :
         {"terminate called", "Assertion", "internal error", "AddressSanitizer", "runtime error:"}) {
      EXPECT_TRUE(r.err.find(never) == std::string::npos) << "stderr contains '" << never << "'" << context;
    }
    // Bad input is explained: a non-zero exit always says something on stderr.
    if (r.exited && r.exit_code != 0) {
      EXPECT_FALSE(r.err.empty()) << "exit " << r.exit_code << " without a message" << context;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(fuzz, CliFuzz, ::testing::Range(0, kShards));

TEST(CliFuzzVectors, AreDeterministic) { EXPECT_EQ(make_vectors(), make_vectors()); }

}  // namespace
}  // namespace suanli::cli_test

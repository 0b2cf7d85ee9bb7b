// The embedded catalog and model zoo load, carry provenance for every figure,
// and user files extend or override them; bad files fail with file:line.
#include <limits>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/openb_reader.h"
#include "suanli/model/error.h"

namespace suanli {
namespace {

const Catalog& defaults() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

// Runs `fn`, expecting an InputError whose message contains each of `parts`.
template <typename Fn>
void expect_input_error(Fn fn, std::initializer_list<std::string> parts) {
  try {
    fn();
    ADD_FAILURE() << "expected InputError";
  } catch (const InputError& e) {
    for (const std::string& p : parts) EXPECT_NE(std::string(e.what()).find(p), std::string::npos) << e.what();
  }
}

TEST(Catalog, HasEveryChipTheFoundationIssueNames) {
  for (const char* id : {"h200", "h20", "h100", "h800", "a100", "a800", "l20", "b200", "b300", "rubin", "ascend-910b2",
                         "ascend-910b3", "ascend-910b4", "ascend-910c", "ascend-950pr", "ascend-950dt", "mlu370-x8",
                         "mlu590", "br100", "br104", "mtt-s4000", "mtt-s5000", "k100-ai", "p800", "c500", "bi-v150"}) {
    EXPECT_NE(defaults().find_accelerator(id), nullptr) << id;
  }
}

// Replaying public traces needs their GPUs in the catalog: openb's codes
// (G1-G3 are undisclosed and stay opaque) and Gavel's worker types.
TEST(Catalog, HasTheGpusOfTheReplayedTraces) {
  int mapped = 0;
  for (const auto& m : config::openb_gpu_models()) {
    if (m.accelerator.empty()) continue;
    ++mapped;
    const Accelerator* a = defaults().find_accelerator(std::string(m.accelerator));
    ASSERT_NE(a, nullptr) << m.code << " -> " << m.accelerator;
    EXPECT_EQ(a->origin, Origin::Imported) << a->id;
    EXPECT_TRUE(a->mem_gb.known()) << a->id;
  }
  EXPECT_EQ(mapped, 5);  // T4, P100, V100M16, V100M32, A10
  for (const char* id : {"v100-16gb", "p100", "k80"}) EXPECT_NE(defaults().find_accelerator(id), nullptr) << id;
  EXPECT_EQ(defaults().accelerator("v100-32gb").mem_gb.value, 32);
  EXPECT_TRUE(defaults().accelerator("k80").bf16_tflops.unsupported());
}

TEST(Catalog, EveryKnownFigureHasAGradeAndADefinedSource) {
  for (const Accelerator& a : defaults().accelerators) {
    for (const auto& [field, f] : a.figures()) {
      if (f->state == Figure::State::Unknown) {
        EXPECT_EQ(f->grade, Grade::Unknown) << a.id << "." << field;
        continue;
      }
      EXPECT_NE(f->grade, Grade::Unknown) << a.id << "." << field;
      EXPECT_FALSE(f->sources.empty()) << a.id << "." << field;
      for (const std::string& s : f->sources) EXPECT_TRUE(defaults().sources.count(s)) << a.id << " cites " << s;
    }
  }
}

TEST(Catalog, OriginsFollowTheVendor) {
  for (const Accelerator& a : defaults().accelerators) {
    EXPECT_EQ(a.origin == Origin::Imported, a.vendor == "NVIDIA") << a.id;
  }
}

TEST(Catalog, UnknownFiguresStayUnknown) {
  const Accelerator& rubin = defaults().accelerator("rubin");
  EXPECT_FALSE(rubin.bf16_tflops.known());
  EXPECT_EQ(rubin.lowest_grade(), Grade::Unknown);
  EXPECT_TRUE(defaults().accelerator("a100").fp8_tflops.unsupported());
}

TEST(Catalog, LookupIsCaseAndSeparatorInsensitiveAndKnowsAliases) {
  EXPECT_EQ(defaults().find_accelerator("H200")->id, "h200");
  EXPECT_EQ(defaults().find_accelerator("Ascend_910C")->id, "ascend-910c");
  EXPECT_EQ(defaults().find_accelerator("h200-sxm")->id, "h200");
  EXPECT_EQ(defaults().find_model("Llama-3.1-70B")->id, "llama-3.1-70b");
}

TEST(Catalog, UnknownNamesSuggestTheClosest) {
  expect_input_error([] { defaults().accelerator("h2000", "--accelerator"); }, {"--accelerator", "h200", "did you mean"});
  expect_input_error([] { defaults().model("llama-3.1-7b", "--model"); }, {"--model", "llama-3.1-70b"});
  expect_input_error([] { defaults().model("qqqqqqqqqqqqqqq"); }, {"unknown model"});
}

TEST(Catalog, ModelZooHasTheRequiredArchitectures) {
  for (const char* id : {"llama-2-70b", "llama-3.1-8b", "llama-3.1-70b", "llama-3.1-405b", "qwen2.5-7b", "qwen2.5-72b",
                         "qwen3-235b-a22b", "deepseek-v3", "deepseek-r1", "glm-4-9b"}) {
    EXPECT_NE(defaults().find_model(id), nullptr) << id;
  }
  const ModelSpec& ds = defaults().model("deepseek-v3");
  EXPECT_TRUE(ds.is_moe());
  EXPECT_EQ(ds.attention, Attention::MLA);
  EXPECT_NEAR(ds.params_b, 671, 1);
  EXPECT_NEAR(ds.active_params_b, 37, 1);
  bool has_other_kind = false;
  for (const ModelSpec& m : defaults().models) has_other_kind = has_other_kind || m.kind != "decoder";
  EXPECT_TRUE(has_other_kind) << "the zoo needs a vision or embedding model";
}

TEST(ModelSpec, ExpertArithmeticMatchesPublishedTotals) {
  const ModelSpec& ds = defaults().model("deepseek-v3");
  EXPECT_NEAR(ds.dense_params() + ds.experts * ds.params_per_expert(), ds.params(), 1e6);
  EXPECT_NEAR(ds.params_touched(1), ds.active_params(), 1e6);
  EXPECT_NEAR(ds.params_touched(1e6), ds.params(), 1e6);
  EXPECT_LT(ds.params_touched(8), ds.params_touched(64));
  // MLA caches the latent: (512 + 64) x 61 layers elements per token.
  EXPECT_DOUBLE_EQ(ds.kv_elements_per_token(), 61.0 * (512 + 64));
  const ModelSpec& llama = defaults().model("llama-3.1-70b");
  EXPECT_DOUBLE_EQ(llama.kv_elements_per_token(), 2.0 * 80 * 8 * 128);
}

TEST(CatalogMerge, UserFileReplacesOneFieldAndKeepsTheRest) {
  Catalog c = defaults();
  config::merge_accelerators(c, R"(
accelerators:
  - id: H200
    figures:
      mem_gb: {value: 150, grade: L, source: [N2], note: "site measurement"}
)", "site.yaml");
  const Accelerator& h200 = c.accelerator("h200");
  EXPECT_DOUBLE_EQ(h200.mem_gb.value, 150);
  EXPECT_EQ(h200.mem_gb.grade, Grade::L);
  EXPECT_DOUBLE_EQ(h200.bf16_tflops.value, 989.5);
  EXPECT_EQ(c.accelerators.size(), defaults().accelerators.size());
}

TEST(CatalogMerge, UserFileAddsANewChip) {
  Catalog c = defaults();
  config::merge_accelerators(c, R"(
sources:
  X1: "our own benchmark, 2026-10"
accelerators:
  - id: lab-npu
    name: "Lab NPU"
    vendor: Lab
    origin: domestic
    stack: cann
    figures:
      bf16_tflops: {value: 100, grade: L, source: X1}
      mem_gb: {value: 32, grade: L, source: X1}
      mem_tbps: {value: 1.0, grade: L, source: X1}
)", "lab.yaml");
  const Accelerator& a = c.accelerator("lab-npu");
  EXPECT_EQ(a.origin, Origin::Domestic);
  EXPECT_FALSE(a.fp8_tflops.known());
  EXPECT_EQ(c.accelerators.size(), defaults().accelerators.size() + 1);
}

TEST(CatalogMerge, MalformedYamlNamesFileAndLine) {
  Catalog c = defaults();
  expect_input_error([&] { config::merge_accelerators(c, "accelerators:\n  - id: x\n    name: [unclosed\n", "bad.yaml"); },
                     {"bad.yaml:", "malformed YAML"});
}

TEST(CatalogMerge, UnknownFieldIsRejectedWithSuggestion) {
  Catalog c = defaults();
  expect_input_error([&] {
    config::merge_accelerators(c, "accelerators:\n  - id: h200\n    figures:\n      mem_gbs: {value: 1, grade: H, source: N2}\n", "f.yaml");
  }, {"f.yaml:4", "unknown field 'mem_gbs'", "mem_gb"});
}

TEST(CatalogMerge, BadValuesAreLocated) {
  Catalog c = defaults();
  expect_input_error([&] {
    config::merge_accelerators(c, "accelerators:\n  - id: h200\n    figures:\n      mem_gb: {value: lots, grade: H, source: N2}\n", "v.yaml");
  }, {"v.yaml:4", "'lots'", "expected a number"});
  expect_input_error([&] {
    config::merge_accelerators(c, "accelerators:\n  - id: h200\n    figures:\n      mem_gb: {value: 1, grade: Q, source: N2}\n", "g.yaml");
  }, {"g.yaml:4", "expected H, M, L"});
  expect_input_error([&] {
    config::merge_accelerators(c, "accelerators:\n  - id: h200\n    figures:\n      mem_gb: {value: 1, grade: H, source: NOPE}\n", "s.yaml");
  }, {"s.yaml:2", "'NOPE'"});
  expect_input_error([&] { config::merge_accelerators(c, "accelerators:\n  - id: newchip\n    name: X\n", "n.yaml"); },
                     {"n.yaml:2", "missing required field"});
  expect_input_error([&] { config::merge_models(c, "models:\n  - id: tiny\n    name: T\n", "m.yaml"); },
                     {"m.yaml:2", "missing required field"});
}

TEST(CatalogMerge, UnreadableFileIsAnInputError) {
  expect_input_error([] { config::load_catalog({.accelerators = "/nonexistent/x.yaml", .models = "", .perf = "", .measured = ""}); }, {"/nonexistent/x.yaml", "cannot read"});
}

TEST(CatalogMerge, PerfOverrideReplacesOneEntry) {
  Catalog c = defaults();
  config::merge_perf(c, "inference:\n  - {stack: cuda, gemm: 0.3, memory: 0.5, source: test}\n", "p.yaml");
  EXPECT_DOUBLE_EQ(c.perf.inference_for("cuda").memory, 0.5);
  EXPECT_EQ(c.perf.inference_for("musa").stack, "*");
  config::merge_perf(c, "efficiency:\n  - {stack: cuda, phase: train, compute: 0.3, source: test}\n", "t.yaml");
  EXPECT_DOUBLE_EQ(c.perf.lookup("cuda", Phase::Train).compute, 0.3);
  expect_input_error([&] { config::merge_perf(c, "inference:\n  - {stack: cuda, gemm: 1.5, source: t}\n", "q.yaml"); },
                     {"q.yaml:2", "between 0 and 1"});
  expect_input_error([&] { config::merge_perf(c, "efficiency:\n  - {stack: cuda, phase: decode, compute: 0.5, source: t}\n", "d.yaml"); },
                     {"d.yaml:2", "moved to the 'inference' list"});
}

// Regression: a user's figure far beyond any device (mem_gb: 1e300) was
// converted to MiB out of int range; it saturates.
TEST(Catalog, MemoryInMibSaturates) {
  Accelerator a;
  a.mem_gb.state = Figure::State::Known;
  a.mem_gb.value = 1e300;
  EXPECT_EQ(a.mem_mib(), std::numeric_limits<int>::max());
  EXPECT_EQ(mib_from_gb(1e300), std::numeric_limits<int>::max());
  EXPECT_EQ(mib_from_gb(80), 76294);
}

}  // namespace
}  // namespace suanli

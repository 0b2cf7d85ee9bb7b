// Replays every committed fuzz input through its target in the ordinary test
// builds (Release and ASan/UBSan with GCC): the seeds of tests/fuzz/corpus/
// TARGET/ and the inputs that once broke a target, tests/fuzz/regressions/
// TARGET/. One test per target, `fuzz_corpus.Targets/Replay/TARGET`; it fails
// naming each input that breaks the property of fuzz_target.h.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "fuzz_target.h"

namespace suanli::fuzz {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> inputs_of(const std::string& target) {
  std::vector<fs::path> out;
  for (const char* set : {"corpus", "regressions"}) {
    const fs::path dir = fs::path(SUANLI_FUZZ_DIR) / set / target;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Replay : public ::testing::TestWithParam<Target> {};

TEST_P(Replay, EveryInputLoadsOrIsALocatedInputError) {
  const Target& t = GetParam();
  const std::vector<fs::path> inputs = inputs_of(t.name);
  EXPECT_FALSE(inputs.empty()) << "no seeds under tests/fuzz/corpus/" << t.name;
  for (const fs::path& p : inputs) {
    const std::string problem = check_one(t.body, read_bytes(p), t.label);
    EXPECT_EQ(problem, "") << p.string();
  }
}

INSTANTIATE_TEST_SUITE_P(Targets, Replay, ::testing::ValuesIn(registry()),
                         [](const ::testing::TestParamInfo<Target>& p) { return p.param.name; });

}  // namespace
}  // namespace suanli::fuzz

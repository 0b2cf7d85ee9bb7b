// End-to-end CLI cases: every tests/cli/cases/*.case file is one test.
//
// A case file names one `suanli` command and what it must print and return;
// the format is described in tests/cli/README.md. Cases are discovered when
// the test binary starts, so adding a file needs no CMake change.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include "run_process.h"

namespace suanli::cli_test {
namespace {

namespace fs = std::filesystem;

struct Check {
  int line = 0;  // in the case file, for messages
  bool on_stdout = true;
  enum class Kind { Contains, NotContains, Empty, Json } kind = Kind::Contains;
  std::string text;  // Contains / NotContains: the substring
  // Json: `path op [value]`.
  std::string path;
  std::string op;     // ==, !=, exists, not exists, length
  std::string value;  // JSON literal (== / !=) or a count (length)
};

struct TempFile {
  std::string name;
  std::string content;
};

struct Case {
  fs::path file;
  std::vector<std::string> args;
  std::optional<int> exit_code;
  std::vector<Check> checks;
  std::vector<TempFile> files;
  std::vector<std::string> env;  // NAME=VALUE (NAME= unsets), after the runner's defaults
  std::string error;  // set when the case file itself is malformed
};

std::string trim(std::string s) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  while (!s.empty() && space(static_cast<unsigned char>(s.back()))) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && space(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// Splits on whitespace; "double quotes" group words and may be empty ("").
std::optional<std::vector<std::string>> split_args(const std::string& s) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i >= s.size()) break;
    std::string word;
    bool quoted = false;
    while (i < s.size() && (quoted || !std::isspace(static_cast<unsigned char>(s[i])))) {
      if (s[i] == '"') {
        quoted = !quoted;
      } else {
        word += s[i];
      }
      ++i;
    }
    if (quoted) return std::nullopt;
    out.push_back(word);
  }
  return out;
}

// `path op value`: ops are ==, !=, exists, not exists, length N.
bool parse_json_check(const std::string& spec, Check& c) {
  const std::string s = trim(spec);
  for (const std::string op : {" == ", " != "}) {
    if (auto at = s.find(op); at != std::string::npos) {
      c.path = trim(s.substr(0, at));
      c.op = trim(op);
      c.value = trim(s.substr(at + op.size()));
      return !c.path.empty() && !c.value.empty();
    }
  }
  for (const std::string op : {" not exists", " exists"}) {
    if (s.size() > op.size() && s.compare(s.size() - op.size(), op.size(), op) == 0) {
      c.path = trim(s.substr(0, s.size() - op.size()));
      c.op = trim(op);
      return !c.path.empty();
    }
  }
  if (auto at = s.find(" length "); at != std::string::npos) {
    c.path = trim(s.substr(0, at));
    c.op = "length";
    c.value = trim(s.substr(at + 8));
    return !c.path.empty() && !c.value.empty() &&
           std::all_of(c.value.begin(), c.value.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  }
  return false;
}

Case parse_case(const fs::path& file) {
  Case c;
  c.file = file;
  std::ifstream in(file);
  if (!in) {
    c.error = "cannot read " + file.string();
    return c;
  }
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  auto fail = [&](std::size_t index, const std::string& why) {
    if (c.error.empty()) c.error = file.filename().string() + ":" + std::to_string(index + 1) + ": " + why;
  };
  bool have_run = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string line = trim(lines[i]);
    if (line.empty() || line[0] == '#') continue;
    const int lineno = static_cast<int>(i + 1);
    if (starts_with(line, "run:")) {
      if (have_run) fail(i, "only one `run:` per case file");
      auto args = split_args(line.substr(4));
      if (!args)
        fail(i, "unbalanced double quote in `run:`");
      else
        c.args = *args;
      have_run = true;
    } else if (starts_with(line, "env:")) {
      const std::string v = trim(line.substr(4));
      const auto eq = v.find('=');
      if (eq == std::string::npos || eq == 0 || v.find_first_of(" \t") < eq) {
        fail(i, "`env:` needs NAME=VALUE (or NAME= to unset it)");
      } else {
        c.env.push_back(v);
      }
    } else if (starts_with(line, "exit:")) {
      const std::string v = trim(line.substr(5));
      if (v.empty() || !std::all_of(v.begin(), v.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        fail(i, "`exit:` needs a number");
      } else {
        c.exit_code = std::stoi(v);
      }
    } else if (starts_with(line, "file:")) {
      // file: NAME <<END, then the lines up to END verbatim.
      const std::string spec = trim(line.substr(5));
      const auto marker = spec.find("<<");
      if (marker == std::string::npos) {
        fail(i, "`file:` needs `NAME <<END`");
        continue;
      }
      TempFile f{trim(spec.substr(0, marker)), ""};
      const std::string end = trim(spec.substr(marker + 2));
      if (f.name.empty() || end.empty() || f.name.find('/') != std::string::npos) {
        fail(i, "`file:` needs a plain file NAME and an end marker");
        continue;
      }
      std::size_t j = i + 1;
      for (; j < lines.size() && lines[j] != end; ++j) f.content += lines[j] + "\n";
      if (j == lines.size()) fail(i, "no `" + end + "` line ends this file");
      c.files.push_back(std::move(f));
      i = j;
    } else if (starts_with(line, "stdout ") || starts_with(line, "stderr ")) {
      Check k;
      k.line = lineno;
      k.on_stdout = starts_with(line, "stdout ");
      const std::string rest = trim(line.substr(7));
      if (starts_with(rest, "contains:")) {
        k.kind = Check::Kind::Contains;
        k.text = trim(rest.substr(9));
      } else if (starts_with(rest, "not contains:")) {
        k.kind = Check::Kind::NotContains;
        k.text = trim(rest.substr(13));
      } else if (rest == "empty") {
        k.kind = Check::Kind::Empty;
      } else if (starts_with(rest, "json:")) {
        k.kind = Check::Kind::Json;
        if (!parse_json_check(rest.substr(5), k)) {
          fail(i, "expected `json: PATH == VALUE`, `!= VALUE`, `exists`, `not exists` or `length N`");
        }
      } else {
        fail(i, "unknown check '" + rest + "'");
        continue;
      }
      if ((k.kind == Check::Kind::Contains || k.kind == Check::Kind::NotContains) && k.text.empty()) {
        fail(i, "empty text to look for");
      }
      c.checks.push_back(std::move(k));
    } else {
      fail(i, "unknown directive '" + line + "'");
    }
  }
  if (!have_run) fail(lines.size() ? lines.size() - 1 : 0, "no `run:` line");
  if (!c.exit_code) fail(lines.size() ? lines.size() - 1 : 0, "no `exit:` line");
  return c;
}

std::vector<fs::path> discover() {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(SUANLI_CLI_CASES_DIR, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".case") out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// GoogleTest names allow only [A-Za-z0-9_].
std::string test_name(const fs::path& file) {
  std::string rel = fs::relative(file, SUANLI_CLI_CASES_DIR).replace_extension().string();
  for (char& ch : rel) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return rel;
}

// Replaces @NAME (longest names first) with the temp file's path.
std::string substitute(std::string s, const std::vector<std::pair<std::string, std::string>>& names) {
  for (const auto& [name, path] : names) {
    const std::string token = "@" + name;
    for (std::size_t at = s.find(token); at != std::string::npos; at = s.find(token, at + path.size())) {
      s.replace(at, token.size(), path);
    }
  }
  return s;
}

// Follows `a.b[2].c`; nullptr when some step is missing.
const nlohmann::json* follow(const nlohmann::json& root, const std::string& path, std::string& problem) {
  const nlohmann::json* node = &root;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    if (path[i] == '[') {
      const auto close = path.find(']', i);
      if (close == std::string::npos) {
        problem = "unclosed [ in path";
        return nullptr;
      }
      const std::string index = path.substr(i + 1, close - i - 1);
      if (index.empty() || !std::all_of(index.begin(), index.end(), [](char ch) { return ch >= '0' && ch <= '9'; })) {
        problem = "bad index [" + index + "]";
        return nullptr;
      }
      const std::size_t n = std::stoul(index);
      if (!node->is_array() || n >= node->size()) {
        problem = path.substr(0, close + 1) + " does not exist";
        return nullptr;
      }
      node = &(*node)[n];
      i = close + 1;
      continue;
    }
    const auto end = path.find_first_of(".[", i);
    const std::string key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (!node->is_object() || !node->contains(key)) {
      problem = path.substr(0, end == std::string::npos ? path.size() : end) + " does not exist";
      return nullptr;
    }
    node = &(*node)[key];
    i = end == std::string::npos ? path.size() : end;
  }
  return node;
}

std::string excerpt(const std::string& s) {
  constexpr std::size_t kMax = 1500;
  if (s.size() <= kMax) return s;
  return s.substr(0, kMax) + "\n...(" + std::to_string(s.size()) + " bytes in all)";
}

class CliCase : public ::testing::TestWithParam<fs::path> {};

TEST_P(CliCase, Run) {
  const Case c = parse_case(GetParam());
  ASSERT_TRUE(c.error.empty()) << "malformed case file: " << c.error;

  ScratchDir scratch;
  std::vector<std::pair<std::string, std::string>> names;
  for (const TempFile& f : c.files) {
    const fs::path p = scratch.path() / f.name;
    std::ofstream out(p, std::ios::binary);
    out << f.content;
    ASSERT_TRUE(out.good()) << "cannot write " << p;
    names.emplace_back(f.name, p.string());
  }
  std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });

  std::vector<std::string> args;
  for (const std::string& a : c.args) args.push_back(substitute(a, names));
  const fs::path run_dir = scratch.path() / "run";
  fs::create_directory(run_dir);
  // The locale is the case's, not the developer's: text output follows
  // LC_ALL / LC_MESSAGES / LANG (zh_* means Chinese) unless --lang says.
  std::vector<std::string> env = {"LC_ALL=", "LC_MESSAGES=", "LANG=C.UTF-8"};
  env.insert(env.end(), c.env.begin(), c.env.end());
  const ProcessResult r = run_process(SUANLI_BINARY, args, run_dir, std::chrono::seconds(120), {}, env);

  const std::string where = c.file.filename().string();
  const std::string context = "\n  case:    " + c.file.string() + "\n  command: " + show_command(c.args) +
                              "\n  result:  " + r.describe() + "\n--- stdout ---\n" + excerpt(r.out) +
                              "\n--- stderr ---\n" + excerpt(r.err);
  ASSERT_TRUE(r.spawn_error.empty() && !r.hung && r.signal == 0) << "the command did not finish normally" << context;
  EXPECT_EQ(r.exit_code, *c.exit_code) << where << ": exit code";
  for (const char* never : {"terminate called", "Assertion", "AddressSanitizer", "runtime error:"}) {
    EXPECT_TRUE(r.err.find(never) == std::string::npos) << where << ": stderr contains '" << never << "'";
  }

  std::optional<nlohmann::json> parsed[2];  // stdout, stderr; parsed on first use
  for (const Check& k : c.checks) {
    const std::string& stream = k.on_stdout ? r.out : r.err;
    const std::string label = where + ":" + std::to_string(k.line) + ": " + (k.on_stdout ? "stdout" : "stderr");
    switch (k.kind) {
      case Check::Kind::Contains:
        EXPECT_TRUE(stream.find(substitute(k.text, names)) != std::string::npos)
            << label << " should contain '" << k.text << "'";
        break;
      case Check::Kind::NotContains:
        EXPECT_TRUE(stream.find(substitute(k.text, names)) == std::string::npos)
            << label << " should not contain '" << k.text << "'";
        break;
      case Check::Kind::Empty:
        EXPECT_TRUE(stream.empty()) << label << " should be empty";
        break;
      case Check::Kind::Json: {
        auto& doc = parsed[k.on_stdout ? 0 : 1];
        if (!doc) {
          try {
            doc = nlohmann::json::parse(stream);
          } catch (const nlohmann::json::exception& e) {
            ADD_FAILURE() << label << " is not JSON: " << e.what();
            doc = nlohmann::json(nlohmann::json::value_t::discarded);
          }
        }
        if (doc->is_discarded()) break;
        std::string problem;
        const nlohmann::json* node = follow(*doc, k.path, problem);
        if (k.op == "not exists") {
          EXPECT_TRUE(node == nullptr) << label << ": " << k.path << " should not exist but is "
                                       << excerpt(node->dump());
          break;
        }
        if (node == nullptr) {
          ADD_FAILURE() << label << ": " << problem;
          break;
        }
        if (k.op == "exists") break;
        if (k.op == "length") {
          const std::size_t want = std::stoul(k.value);
          EXPECT_TRUE((node->is_array() || node->is_object()) && node->size() == want)
              << label << ": " << k.path << " should have " << want << " elements, is " << excerpt(node->dump());
          break;
        }
        nlohmann::json want;
        try {
          want = nlohmann::json::parse(k.value);
        } catch (const nlohmann::json::exception& e) {
          ADD_FAILURE() << label << ": the expected value '" << k.value << "' is not a JSON literal: " << e.what();
          break;
        }
        if (k.op == "==") {
          EXPECT_TRUE(*node == want) << label << ": " << k.path << " is " << excerpt(node->dump()) << ", expected "
                                     << k.value;
        } else {
          EXPECT_TRUE(*node != want) << label << ": " << k.path << " should not be " << k.value;
        }
        break;
      }
    }
  }
  if (HasFailure()) ADD_FAILURE() << "what the command did:" << context;
}

INSTANTIATE_TEST_SUITE_P(cases, CliCase, ::testing::ValuesIn(discover()),
                         [](const ::testing::TestParamInfo<fs::path>& param_info) {
                           return test_name(param_info.param);
                         });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(CliCase);

// An empty or misplaced cases directory must not pass silently.
TEST(CliCases, DirectoryHasCases) { EXPECT_GE(discover().size(), 30u) << SUANLI_CLI_CASES_DIR; }

// The runner itself: the case parser rejects what it does not understand.
TEST(CliCases, ParserRejectsMalformedCaseFiles) {
  ScratchDir dir;
  auto parse = [&](const std::string& text) {
    const fs::path p = dir.path() / "x.case";
    std::ofstream(p) << text;
    return parse_case(p);
  };
  EXPECT_TRUE(parse("run: catalog\nexit: 0\n").error.empty());
  EXPECT_FALSE(parse("exit: 0\n").error.empty());
  EXPECT_FALSE(parse("run: catalog\n").error.empty());
  EXPECT_FALSE(parse("run: catalog\nexit: 0\nstdout contain: x\n").error.empty());
  EXPECT_FALSE(parse("run: catalog\nexit: 0\nfile: a.yaml <<EOF\nx\n").error.empty());
  EXPECT_FALSE(parse("run: catalog \"open\nexit: 0\n").error.empty());
  EXPECT_FALSE(parse("run: catalog\nexit: 0\nenv: LANG\n").error.empty());
  EXPECT_EQ(parse("run: catalog\nexit: 0\nenv: LANG=zh_CN.UTF-8\nenv: LC_ALL=\n").env,
            (std::vector<std::string>{"LANG=zh_CN.UTF-8", "LC_ALL="}));
  const Case c = parse("run: estimate --model \"\" -a \"a b\"\nexit: 2\nfile: f.yaml <<END\n  k: v\n# kept\nEND\n");
  ASSERT_TRUE(c.error.empty()) << c.error;
  EXPECT_EQ(c.args, (std::vector<std::string>{"estimate", "--model", "", "-a", "a b"}));
  ASSERT_EQ(c.files.size(), 1u);
  EXPECT_EQ(c.files[0].content, "  k: v\n# kept\n");
}

TEST(CliCases, JsonPaths) {
  const auto doc = nlohmann::json::parse(R"({"a": [{"b": 1}, {"c": {"d": "x"}}]})");
  std::string problem;
  ASSERT_NE(follow(doc, "a[1].c.d", problem), nullptr);
  EXPECT_EQ(*follow(doc, "a[1].c.d", problem), "x");
  EXPECT_EQ(*follow(doc, "a[0].b", problem), 1);
  EXPECT_EQ(follow(doc, "a[2]", problem), nullptr);
  EXPECT_EQ(follow(doc, "a[0].c", problem), nullptr);
  EXPECT_EQ(follow(doc, "z", problem), nullptr);
}

}  // namespace
}  // namespace suanli::cli_test

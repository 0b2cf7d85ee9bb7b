#include "suanli/config/yaml_reader.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "suanli/catalog/catalog.h"

namespace suanli::config {
namespace {

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsMap()) return "a map";
  if (node.IsSequence()) return "a list";
  return "'" + node.Scalar() + "'";
}

}  // namespace

namespace {

// yaml-cpp 0.7 reads an unterminated quoted scalar up to the end of the
// document, silently swallowing the entries after it. suanli's files never
// need a quoted string that spans lines, so such a quote is reported at the
// line where it opens. A quote opens a scalar only where a scalar can start
// (after ':', '-', '[', '{', ',' or indentation), so apostrophes and inch
// marks inside plain text are left alone.
void check_quotes(const std::string& file, std::string_view text) {
  int line = 1;
  char prev = '\n';  // last non-blank character outside quotes
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      ++line;
      prev = '\n';
      continue;
    }
    if (c == ' ' || c == '\t') continue;
    if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t' || prev == '\n')) {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    const bool can_open = prev == '\n' || prev == ':' || prev == '-' || prev == '[' || prev == '{' || prev == ',';
    if ((c == '"' || c == '\'') && can_open) {
      const int open_line = line;
      std::size_t j = i + 1;
      for (; j < text.size(); ++j) {
        if (text[j] == '\n') {
          throw InputError(fmt::format("{}:{}", file, open_line),
                           fmt::format("malformed YAML: the {} string opened here is not closed on this line",
                                       c == '"' ? "double-quoted" : "single-quoted"));
        }
        if (c == '"' && text[j] == '\\') {
          ++j;
          continue;
        }
        if (text[j] == c) {
          if (c == '\'' && j + 1 < text.size() && text[j + 1] == '\'') {
            ++j;  // '' is an escaped quote
            continue;
          }
          break;
        }
      }
      i = j;
      prev = 'x';
      continue;
    }
    prev = c;
  }
}

}  // namespace

YamlReader::YamlReader(std::string file, std::string_view text) : file_(std::move(file)) {
  check_quotes(file_, text);
  try {
    root_ = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("{}:{}", file_, e.mark.line + 1), "malformed YAML: " + e.msg);
  }
}

std::string YamlReader::where(const YAML::Node& node) const {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return file_;
  return fmt::format("{}:{}", file_, mark.line + 1);
}

void YamlReader::fail(const YAML::Node& node, const std::string& message) const {
  throw InputError(where(node), message);
}

void YamlReader::expect_map(const YAML::Node& node, std::string_view what) const {
  if (!node.IsMap()) fail(node, fmt::format("{}: found {}, expected a map", what, describe(node)));
}

void YamlReader::expect_sequence(const YAML::Node& node, std::string_view what) const {
  if (!node.IsSequence()) fail(node, fmt::format("{}: found {}, expected a list", what, describe(node)));
}

std::string YamlReader::as_text(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) fail(node, fmt::format("{}: found {}, expected text", what, describe(node)));
  return node.Scalar();
}

double YamlReader::as_number(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) fail(node, fmt::format("{}: found {}, expected a number", what, describe(node)));
  const std::string& s = node.Scalar();
  double value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value)) {
    fail(node, fmt::format("{}: found '{}', expected a number", what, s));
  }
  return value;
}

std::string YamlReader::text(const YAML::Node& map, const char* key) const {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) fail(map, fmt::format("missing required field '{}'", key));
  return as_text(node, key);
}

std::optional<std::string> YamlReader::optional_text(const YAML::Node& map, const char* key) const {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  return as_text(node, key);
}

double YamlReader::number(const YAML::Node& map, const char* key) const {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) fail(map, fmt::format("missing required field '{}'", key));
  return as_number(node, key);
}

std::optional<double> YamlReader::optional_number(const YAML::Node& map, const char* key) const {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  return as_number(node, key);
}

int YamlReader::integer(const YAML::Node& map, const char* key) const {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) fail(map, fmt::format("missing required field '{}'", key));
  const double v = as_number(node, key);
  if (v != std::floor(v) || std::abs(v) > 2e9) fail(node, fmt::format("{}: found '{}', expected an integer", key, node.Scalar()));
  return static_cast<int>(v);
}

std::optional<int> YamlReader::optional_integer(const YAML::Node& map, const char* key) const {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  return integer(map, key);
}

std::optional<bool> YamlReader::optional_bool(const YAML::Node& map, const char* key) const {
  const YAML::Node node = map[key];
  if (!node.IsDefined() || node.IsNull()) return std::nullopt;
  const std::string s = as_text(node, key);
  if (s == "true" || s == "yes") return true;
  if (s == "false" || s == "no") return false;
  fail(node, fmt::format("{}: found '{}', expected true or false", key, s));
}

std::vector<std::string> YamlReader::strings(const YAML::Node& map, const char* key) const {
  const YAML::Node node = map[key];
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  expect_sequence(node, key);
  for (const YAML::Node& item : node) out.push_back(as_text(item, key));
  return out;
}

void YamlReader::check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed) const {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || a == key;
    if (ok) continue;
    std::string message = fmt::format("unknown field '{}'", key);
    const auto near = closest_names(key, names, 1);
    if (!near.empty()) message += fmt::format("; did you mean '{}'?", near.front());
    fail(kv.first, message);
  }
}

}  // namespace suanli::config

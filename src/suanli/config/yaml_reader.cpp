#include "suanli/config/yaml_reader.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "suanli/catalog/catalog.h"

namespace suanli::config {
namespace {

std::string describe(const Node& node) {
  if (node.is_null()) return "nothing";
  if (node.is_map()) return "a map";
  if (node.is_sequence()) return "a list";
  return "'" + node.text() + "'";
}

}  // namespace

YamlReader::YamlReader(std::string file, std::string_view text) : file_(std::move(file)), doc_(text, file_) {}

std::string YamlReader::where(const Node& node) const {
  const yaml::Mark mark = node.mark();
  if (mark.line <= 0) return file_;
  return fmt::format("{}:{}:{}", file_, mark.line, mark.column);
}

void YamlReader::fail(const Node& node, const std::string& message) const {
  throw InputError(where(node), message);
}

void YamlReader::expect_map(const Node& node, std::string_view what) const {
  if (!node.is_map()) fail(node, fmt::format("{}: found {}, expected a map", what, describe(node)));
}

void YamlReader::expect_sequence(const Node& node, std::string_view what) const {
  if (!node.is_sequence()) fail(node, fmt::format("{}: found {}, expected a list", what, describe(node)));
}

std::string YamlReader::as_text(const Node& node, std::string_view what) const {
  if (!node.is_scalar()) fail(node, fmt::format("{}: found {}, expected text", what, describe(node)));
  return node.text();
}

double YamlReader::as_number(const Node& node, std::string_view what) const {
  if (!node.is_scalar()) fail(node, fmt::format("{}: found {}, expected a number", what, describe(node)));
  const std::string& s = node.text();
  double value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(value)) {
    fail(node, fmt::format("{}: found '{}', expected a number", what, s));
  }
  return value;
}

std::string YamlReader::text(const Node& map, const char* key) const {
  const Node node = map[key];
  if (node.is_null()) fail(map, fmt::format("missing required field '{}'", key));
  return as_text(node, key);
}

std::optional<std::string> YamlReader::optional_text(const Node& map, const char* key) const {
  const Node node = map[key];
  if (node.is_null()) return std::nullopt;
  return as_text(node, key);
}

double YamlReader::number(const Node& map, const char* key) const {
  const Node node = map[key];
  if (node.is_null()) fail(map, fmt::format("missing required field '{}'", key));
  return as_number(node, key);
}

std::optional<double> YamlReader::optional_number(const Node& map, const char* key) const {
  const Node node = map[key];
  if (node.is_null()) return std::nullopt;
  return as_number(node, key);
}

int YamlReader::integer(const Node& map, const char* key) const {
  const Node node = map[key];
  if (node.is_null()) fail(map, fmt::format("missing required field '{}'", key));
  const double v = as_number(node, key);
  if (v != std::floor(v) || std::abs(v) > 2e9) fail(node, fmt::format("{}: found '{}', expected an integer", key, node.text()));
  return static_cast<int>(v);
}

std::optional<int> YamlReader::optional_integer(const Node& map, const char* key) const {
  const Node node = map[key];
  if (node.is_null()) return std::nullopt;
  return integer(map, key);
}

std::optional<bool> YamlReader::optional_bool(const Node& map, const char* key) const {
  const Node node = map[key];
  if (node.is_null()) return std::nullopt;
  // YAML 1.2's spellings and YAML 1.1's (what PyYAML reads as booleans).
  static constexpr std::array<std::string_view, 9> yes = {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"};
  static constexpr std::array<std::string_view, 9> no = {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"};
  const std::string s = as_text(node, key);
  if (std::find(yes.begin(), yes.end(), s) != yes.end()) return true;
  if (std::find(no.begin(), no.end(), s) != no.end()) return false;
  fail(node, fmt::format("{}: found '{}', expected true or false", key, s));
}

std::vector<std::string> YamlReader::strings(const Node& map, const char* key) const {
  const Node node = map[key];
  std::vector<std::string> out;
  if (node.is_null()) return out;
  if (node.is_scalar()) {
    out.push_back(node.text());
    return out;
  }
  expect_sequence(node, key);
  for (const Node& item : node.items()) out.push_back(as_text(item, key));
  return out;
}

void YamlReader::check_keys(const Node& map, std::initializer_list<std::string_view> allowed) const {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const yaml::Entry& e : map.entries()) {
    const std::string& key = e.key.text();
    bool ok = false;
    for (std::string_view a : allowed) ok = ok || a == key;
    if (ok) continue;
    std::string message = fmt::format("unknown field '{}'", key);
    const auto near = closest_names(key, names, 1);
    if (!near.empty()) message += fmt::format("; did you mean '{}'?", near.front());
    fail(e.key, message);
  }
}

}  // namespace suanli::config

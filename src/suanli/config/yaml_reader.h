// YamlReader: typed access to a parsed YAML document with located errors.
//
// Every accessor that fails throws InputError("<file>:<line>", "<what was
// found>, expected <what>"). Internal to config/: no other module sees
// yaml-cpp.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "suanli/model/error.h"

namespace suanli::config {

class YamlReader {
 public:
  // Parses `text`; a syntax error is reported at its line. `file` names the
  // source in messages ("<embedded>/accelerators.yaml" for compiled-in data).
  YamlReader(std::string file, std::string_view text);

  const YAML::Node& root() const { return root_; }
  const std::string& file() const { return file_; }

  // "file:line" of a node (1-based line).
  std::string where(const YAML::Node& node) const;
  [[noreturn]] void fail(const YAML::Node& node, const std::string& message) const;

  // Required / optional scalar fields of a map node.
  std::string text(const YAML::Node& map, const char* key) const;
  std::optional<std::string> optional_text(const YAML::Node& map, const char* key) const;
  double number(const YAML::Node& map, const char* key) const;
  std::optional<double> optional_number(const YAML::Node& map, const char* key) const;
  int integer(const YAML::Node& map, const char* key) const;
  std::optional<int> optional_integer(const YAML::Node& map, const char* key) const;
  std::optional<bool> optional_bool(const YAML::Node& map, const char* key) const;
  // A string or a list of strings.
  std::vector<std::string> strings(const YAML::Node& map, const char* key) const;

  // Conversions of a scalar node already found.
  double as_number(const YAML::Node& node, std::string_view what) const;
  std::string as_text(const YAML::Node& node, std::string_view what) const;

  // The node must be a map / sequence, else fail naming `what`.
  void expect_map(const YAML::Node& node, std::string_view what) const;
  void expect_sequence(const YAML::Node& node, std::string_view what) const;

  // Rejects keys of `map` not in `allowed`, suggesting the closest one.
  void check_keys(const YAML::Node& map, std::initializer_list<std::string_view> allowed) const;

 private:
  std::string file_;
  YAML::Node root_;
};

}  // namespace suanli::config

// YamlReader: typed access to a parsed YAML document with located errors.
//
// Every accessor that fails throws InputError("<file>:<line>:<column>",
// "<what was found>, expected <what>"). Scalars are read by what the field
// needs, whatever their style: `16`, '16' and "16" are the same number.
// Internal to config/: no other module sees the parser (yaml_document.h).
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>


#include "suanli/config/yaml_document.h"
#include "suanli/model/error.h"

namespace suanli::config {

using yaml::Node;

class YamlReader {
 public:
  // Parses `text`; a syntax error is reported at its line. `file` names the
  // source in messages ("<embedded>/accelerators.yaml" for compiled-in data).
  YamlReader(std::string file, std::string_view text);

  Node root() const { return doc_.root(); }
  const std::string& file() const { return file_; }

  // "file:line:column" of a node (1-based).
  std::string where(const Node& node) const;
  [[noreturn]] void fail(const Node& node, const std::string& message) const;

  // Required / optional scalar fields of a map node.
  std::string text(const Node& map, const char* key) const;
  std::optional<std::string> optional_text(const Node& map, const char* key) const;
  double number(const Node& map, const char* key) const;
  std::optional<double> optional_number(const Node& map, const char* key) const;
  int integer(const Node& map, const char* key) const;
  std::optional<int> optional_integer(const Node& map, const char* key) const;
  std::optional<bool> optional_bool(const Node& map, const char* key) const;
  // A string or a list of strings.
  std::vector<std::string> strings(const Node& map, const char* key) const;

  // Conversions of a scalar node already found.
  double as_number(const Node& node, std::string_view what) const;
  std::string as_text(const Node& node, std::string_view what) const;

  // The node must be a map / sequence, else fail naming `what`.
  void expect_map(const Node& node, std::string_view what) const;
  void expect_sequence(const Node& node, std::string_view what) const;

  // Rejects keys of `map` not in `allowed`, suggesting the closest one.
  void check_keys(const Node& map, std::initializer_list<std::string_view> allowed) const;

 private:
  std::string file_;
  yaml::Document doc_;
};

}  // namespace suanli::config

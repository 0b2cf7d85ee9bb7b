// yaml::Document: one YAML document parsed into an immutable tree of maps,
// lists and scalars, each node with the line and column it was written at.
// Internal to config/ (YamlReader is its only user); the parser behind it,
// libyaml (the reference parser that PyYAML and Ruby use), is seen by
// yaml_document.cpp alone.
//
// Accepted: everything a standard emitter writes (YAML 1.1 and the JSON
// subset of 1.2): block and flow collections, plain, single- and
// double-quoted, literal (|) and folded (>) scalars on one line or many,
// comments, `---` and `...` markers around one document, anchors and
// aliases, merge keys (`<<: *a`, `<<: [*a, *b]`, `<<: {k: v}`; keys written
// in the map win over merged ones, earlier merged maps over later ones), and
// the core tags (!!str, !!int, !!float, !!bool, !!null, !!timestamp, !!map,
// !!seq). A plain empty, `~` or `null` scalar, or one tagged !!null, is
// null; every other scalar keeps its text (the caller reads numbers and
// booleans from it).
//
// Rejected with InputError("<file>:<line>:<column>", "... found X, expected
// Y"): syntax errors, a second document, a key given twice in one map, a
// list or map as a key, an alias to an undefined or still-open anchor
// (recursive structures), nesting deeper than kMaxDepth, aliases and merge
// keys that together add more than kMaxAliasGrowth nodes (exponential
// "billion laughs" documents), and other tags.
//
// Nodes are small handles into their Document: valid while it lives.
// A Document is immutable once built; const use from many threads is safe.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace suanli::config::yaml {

inline constexpr int kMaxDepth = 64;
inline constexpr std::size_t kMaxAliasGrowth = 1'000'000;

// 1-based; line 0 = no position (a node that is not in the document).
struct Mark {
  int line = 0;
  int column = 0;
};

struct Data;
struct Entry;

class Node {
 public:
  Node() = default;
  Node(const Data* data, Mark mark) : data_(data), mark_(mark) {}

  // Present in the document (a null value is present; a missing key is not).
  explicit operator bool() const { return data_ != nullptr; }
  bool is_null() const;  // missing, or a null scalar
  bool is_scalar() const;
  bool is_map() const;
  bool is_sequence() const;
  // The text of a scalar; "" for anything else.
  const std::string& text() const;
  // Where it was written; for a missing key, where its map was. An alias
  // marks where the alias is written.
  Mark mark() const { return mark_; }

  // A map's value for `key`, or a missing node (marked at the map).
  Node operator[](std::string_view key) const;
  // A list's item `i` (i < size()), or a missing node.
  Node operator[](std::size_t i) const;
  std::size_t size() const;                // items of a list, entries of a map, else 0
  std::span<const Node> items() const;     // a list's items, else empty
  std::span<const Entry> entries() const;  // a map's entries in order, else empty
  // The same node of the document (aliases of one anchor are the same node).
  bool same_node(const Node& other) const { return data_ == other.data_; }

 private:
  friend class Builder;
  const Data* data_ = nullptr;
  Mark mark_;
};

struct Entry {
  Node key;  // a scalar
  Node value;
};

class Document {
 public:
  // Parses `text`; `file` names it in errors. Throws InputError.
  Document(std::string_view text, const std::string& file);
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // The document's root; a missing node (marked at line 1) for an empty one.
  Node root() const { return root_; }

 private:
  friend class Builder;
  std::vector<std::unique_ptr<Data>> nodes_;  // owns every node; handles point here
  Node root_;
};

}  // namespace suanli::config::yaml

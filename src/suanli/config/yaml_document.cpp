// libyaml's event API, not its document loader: the loader turns `&a [*a]`
// into a cycle and expands nothing lazily, while building the tree from
// events lets aliases share nodes, refuse recursion and bound their growth,
// and resolve merge keys (which libyaml leaves to the caller) with located
// errors.
#include "suanli/config/yaml_document.h"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <unordered_map>
#include <unordered_set>
#include <yaml.h>

#include "suanli/model/error.h"

namespace suanli::config::yaml {

enum class Kind { Null, Scalar, Map, Sequence };

struct Data {
  Kind kind = Kind::Null;
  bool plain = false;  // a plain scalar (a merge key `<<` must be plain)
  std::string text;
  std::vector<Node> items;
  std::vector<Entry> entries;
  std::size_t weight = 1;  // nodes below and including this one, aliases and merges expanded
};

namespace {

const std::string kEmpty;

// Weights saturate here so that sums cannot overflow.
constexpr std::size_t kWeightCap = std::size_t{1} << 62;

std::size_t add_weight(std::size_t a, std::size_t b) { return std::min(a + b, kWeightCap); }

Mark mark_of(const yaml_mark_t& m) { return {static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1}; }

std::string_view view(const yaml_char_t* s) { return s ? std::string_view(reinterpret_cast<const char*>(s)) : ""; }

}  // namespace

bool Node::is_null() const { return !data_ || data_->kind == Kind::Null; }
bool Node::is_scalar() const { return data_ && data_->kind == Kind::Scalar; }
bool Node::is_map() const { return data_ && data_->kind == Kind::Map; }
bool Node::is_sequence() const { return data_ && data_->kind == Kind::Sequence; }
const std::string& Node::text() const { return data_ ? data_->text : kEmpty; }

std::size_t Node::size() const {
  if (is_map()) return data_->entries.size();
  if (is_sequence()) return data_->items.size();
  return 0;
}

std::span<const Node> Node::items() const {
  if (!is_sequence()) return {};
  return data_->items;
}

std::span<const Entry> Node::entries() const {
  if (!is_map()) return {};
  return data_->entries;
}

Node Node::operator[](std::string_view key) const {
  for (const Entry& e : entries()) {
    if (e.key.text() == key) return e.value;
  }
  return Node(nullptr, mark_);
}

Node Node::operator[](std::size_t i) const {
  if (i < items().size()) return items()[i];
  return Node(nullptr, mark_);
}

// Builds a Document from libyaml's events with a stack of open collections.
class Builder {
 public:
  Builder(Document& doc, std::string_view text, const std::string& file) : doc_(doc), text_(text), file_(file) {}

  void run();

 private:
  struct Frame {
    Data* data;
    Mark mark;
    std::string anchor;
    std::vector<Entry> pairs;  // a map's entries as written, `<<` included
    Node key;                  // a map's key waiting for its value
  };
  struct Anchor {
    const Data* data;
    bool open;  // the anchored collection has not ended: an alias to it would be recursive
  };

  [[noreturn]] void fail(Mark m, const std::string& message) const {
    throw InputError(fmt::format("{}:{}:{}", file_, m.line, m.column), message);
  }
  [[noreturn]] void fail_parser(const yaml_parser_t& parser) const;
  void on_event(const yaml_event_t& event);
  void check_tag(std::string_view tag, Mark m) const;
  Data* make(Kind kind);
  void scalar(const yaml_event_t& event, Mark m);
  void alias(std::string_view name, Mark m);
  void open(Kind kind, std::string_view anchor, Mark m);
  void close();
  void resolve_map(Frame& f) const;
  std::span<const Entry> merged_entries(const Node& source, bool in_list) const;
  static std::size_t weight(const Node& n) { return n.data_->weight; }
  static bool is_merge_key(const Node& key) { return key.is_scalar() && key.data_->plain && key.text() == "<<"; }
  void anchor(const std::string& name, const Data* data, bool open);
  void add(Node node);

  Document& doc_;
  std::string_view text_;
  const std::string& file_;
  std::vector<Frame> stack_;
  std::unordered_map<std::string, Anchor> anchors_;
  int documents_ = 0;
  bool has_root_ = false;
  std::size_t written_ = 0;  // nodes written out (not via aliases)
};

void Builder::fail_parser(const yaml_parser_t& parser) const {
  if (parser.error == YAML_MEMORY_ERROR) fail({1, 1}, "malformed YAML: the parser ran out of memory");
  if (parser.error == YAML_READER_ERROR) {
    // Encoding errors carry a byte offset, not a mark.
    const std::size_t offset = std::min(parser.problem_offset, text_.size());
    const auto line = 1 + std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
    const auto line_start = text_.rfind('\n', offset == 0 ? 0 : offset - 1);
    const std::size_t column = line_start == std::string_view::npos || offset == 0 ? offset + 1 : offset - line_start;
    fail({static_cast<int>(line), static_cast<int>(column)},
         fmt::format("malformed YAML: found the byte 0x{:02X} ({}), expected UTF-8 text without control characters",
                     parser.problem_value & 0xFF, parser.problem ? parser.problem : "unreadable text"));
  }
  const std::size_t at = parser.problem_mark.index;
  if (at < text_.size() && text_[at] == '\t') {
    fail(mark_of(parser.problem_mark), "malformed YAML: found a tab, expected spaces (YAML indents with spaces only)");
  }
  std::string message = fmt::format("malformed YAML: {}", parser.problem ? parser.problem : "syntax error");
  if (parser.context) {
    const Mark c = mark_of(parser.context_mark);
    message += fmt::format(" ({} that starts at line {}, column {})", parser.context, c.line, c.column);
  }
  fail(mark_of(parser.problem_mark), message);
}

void Builder::run() {
  struct Parser {
    yaml_parser_t p;
    Parser() { yaml_parser_initialize(&p); }
    ~Parser() { yaml_parser_delete(&p); }
  } parser;
  yaml_parser_set_input_string(&parser.p, reinterpret_cast<const unsigned char*>(text_.data()), text_.size());
  while (true) {
    struct Event {
      yaml_event_t e{};
      ~Event() { yaml_event_delete(&e); }
    } event;
    if (!yaml_parser_parse(&parser.p, &event.e)) fail_parser(parser.p);  // a failed parse leaves no event
    if (event.e.type == YAML_STREAM_END_EVENT) break;
    on_event(event.e);
  }
  if (!has_root_) doc_.root_ = Node(nullptr, {1, 1});
}

void Builder::on_event(const yaml_event_t& event) {
  const Mark m = mark_of(event.start_mark);
  switch (event.type) {
    case YAML_DOCUMENT_START_EVENT:
      if (++documents_ > 1) fail(m, "found a second document, expected one document per file");
      break;
    case YAML_SCALAR_EVENT:
      scalar(event, m);
      break;
    case YAML_ALIAS_EVENT:
      alias(view(event.data.alias.anchor), m);
      break;
    case YAML_SEQUENCE_START_EVENT:
      check_tag(view(event.data.sequence_start.tag), m);
      open(Kind::Sequence, view(event.data.sequence_start.anchor), m);
      break;
    case YAML_MAPPING_START_EVENT:
      check_tag(view(event.data.mapping_start.tag), m);
      open(Kind::Map, view(event.data.mapping_start.anchor), m);
      break;
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      close();
      break;
    default:  // stream start, document end
      break;
  }
}

void Builder::check_tag(std::string_view tag, Mark m) const {
  constexpr std::string_view core = "tag:yaml.org,2002:";
  static constexpr std::array<std::string_view, 9> known = {"str",       "int", "float", "bool", "null",
                                                            "timestamp", "map", "seq",   "merge"};
  if (tag.empty() || tag == "!") return;
  if (tag.starts_with(core) && std::find(known.begin(), known.end(), tag.substr(core.size())) != known.end()) return;
  const std::string shown = tag.starts_with(core) ? fmt::format("!!{}", tag.substr(core.size())) : std::string(tag);
  fail(m, fmt::format("found the tag '{}', expected none or a core one (!!str, !!int, !!float, !!bool, !!null, "
                      "!!timestamp, !!map, !!seq)",
                      shown));
}

Data* Builder::make(Kind kind) {
  doc_.nodes_.push_back(std::make_unique<Data>());
  Data* d = doc_.nodes_.back().get();
  d->kind = kind;
  ++written_;
  return d;
}

void Builder::scalar(const yaml_event_t& event, Mark m) {
  const auto& s = event.data.scalar;
  const std::string_view tag = view(s.tag);
  check_tag(tag, m);
  Data* d = make(Kind::Scalar);
  d->text.assign(reinterpret_cast<const char*>(s.value), s.length);
  d->plain = s.style == YAML_PLAIN_SCALAR_STYLE;
  const bool null_text =
      d->text.empty() || d->text == "~" || d->text == "null" || d->text == "Null" || d->text == "NULL";
  if (tag == "tag:yaml.org,2002:null" || (tag.empty() && d->plain && null_text)) d->kind = Kind::Null;
  anchor(std::string(view(s.anchor)), d, false);
  add(Node(d, m));
}

void Builder::alias(std::string_view name, Mark m) {
  const auto it = anchors_.find(std::string(name));
  if (it == anchors_.end()) fail(m, fmt::format("found the alias *{}, expected an anchor &{} before it", name, name));
  if (it->second.open) {
    fail(m, fmt::format("found the alias *{} inside the node anchored &{}, expected an alias to a complete node "
                        "(recursive structures are not supported)",
                        name, name));
  }
  add(Node(it->second.data, m));
}

void Builder::open(Kind kind, std::string_view anchor_name, Mark m) {
  if (stack_.size() >= static_cast<std::size_t>(kMaxDepth)) {
    fail(m, fmt::format("found lists or maps nested deeper than {} levels, expected a shallower document", kMaxDepth));
  }
  Data* d = make(kind);
  stack_.push_back(Frame{d, m, std::string(anchor_name), {}, {}});
  anchor(stack_.back().anchor, d, true);
}

void Builder::close() {
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  Data* d = f.data;
  if (d->kind == Kind::Map) {
    resolve_map(f);
    for (const Entry& e : d->entries) d->weight = add_weight(d->weight, add_weight(weight(e.key), weight(e.value)));
  } else {
    for (const Node& n : d->items) d->weight = add_weight(d->weight, weight(n));
  }
  if (!f.anchor.empty()) {
    const auto it = anchors_.find(f.anchor);
    if (it != anchors_.end() && it->second.data == d) it->second.open = false;
  }
  add(Node(d, f.mark));
}

void Builder::anchor(const std::string& name, const Data* data, bool is_open) {
  if (!name.empty()) anchors_[name] = Anchor{data, is_open};
}

std::span<const Entry> Builder::merged_entries(const Node& source, bool in_list) const {
  if (source.is_map()) return source.entries();
  const char* found = source.is_sequence() ? "a list" : source.is_null() ? "nothing" : "text";
  fail(source.mark(), fmt::format("merge key '<<': found {}{}, expected a map or a list of maps (e.g. *defaults)",
                                  found, in_list ? " in the list" : ""));
}

// The map's entries: written keys, each once, then merged ones not written.
void Builder::resolve_map(Frame& f) const {
  std::unordered_map<std::string_view, Mark> written;
  for (const Entry& e : f.pairs) {
    const auto [it, fresh] = written.emplace(e.key.text(), e.key.mark());
    if (!fresh) {
      fail(e.key.mark(), fmt::format("found the key '{}' a second time in this map (first at line {}, column {}), "
                                     "expected each key once",
                                     e.key.text(), it->second.line, it->second.column));
    }
  }
  std::unordered_set<std::string_view> merged;
  for (const Entry& e : f.pairs) {
    if (!is_merge_key(e.key)) {
      f.data->entries.push_back(e);
      continue;
    }
    const bool list = e.value.is_sequence();
    const std::span<const Node> sources = list ? e.value.items() : std::span<const Node>(&e.value, 1);
    for (const Node& source : sources) {
      for (const Entry& m : merged_entries(source, list)) {
        if (!written.contains(m.key.text()) && merged.insert(m.key.text()).second) f.data->entries.push_back(m);
      }
    }
  }
}

void Builder::add(Node node) {
  if (weight(node) > written_ + kMaxAliasGrowth) {
    fail(node.mark(), fmt::format("found aliases and merge keys that expand to more than {} nodes beyond the {} "
                                  "written, expected a document that does not repeat itself exponentially",
                                  kMaxAliasGrowth, written_));
  }
  if (stack_.empty()) {
    doc_.root_ = node;
    has_root_ = true;
    return;
  }
  Frame& f = stack_.back();
  if (f.data->kind == Kind::Sequence) {
    f.data->items.push_back(node);
  } else if (!f.key) {
    if (node.is_map() || node.is_sequence()) {
      fail(node.mark(), fmt::format("found a {} as a key, expected a field name", node.is_map() ? "map" : "list"));
    }
    f.key = node;
  } else {
    f.pairs.push_back(Entry{f.key, node});
    f.key = Node();
  }
}

Document::Document(std::string_view text, const std::string& file) { Builder(*this, text, file).run(); }

Document::~Document() = default;

}  // namespace suanli::config::yaml

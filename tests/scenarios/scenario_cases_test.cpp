// End-to-end scenario cases: every tests/scenarios/cases/NAME.yaml, paired with
// NAME.expect, is one test, `scenario.NAME`.
//
// The .yaml file is an ordinary scenario; the .expect file names the
// schedulers to run it with and what must hold of each run: placements per
// job, deferral and rejection reasons, fleet metrics, shock records, the event
// log, determinism, or a load error at a given file:line. The expectation
// language is described in tests/scenarios/README.md.
//
// Job facts come from SimResult::jobs and from the event log (one line per
// event or decision; job ids are stable), so "running on h800 at t" is
// reconstructed by replaying place / preempt / finish lines. Cases are
// discovered when the binary starts, so adding a pair needs no CMake change.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/scenario_loader.h"
#include "suanli/model/error.h"
#include "suanli/sim/simulator.h"

namespace suanli::scenario_test {
namespace {

namespace fs = std::filesystem;

const fs::path kCasesDir = SUANLI_SCENARIO_CASES_DIR;

// ---------------------------------------------------------------------------
// Tokens: words and "quoted strings"; `#` outside quotes starts a comment; a
// `:` that ends an unquoted word is a token of its own ("suanli:" -> suanli :).

struct Token {
  std::string text;
  bool quoted = false;
};

struct ParseError {
  std::string message;
};

std::vector<Token> tokenize(const std::string& line) {
  std::vector<Token> out;
  std::size_t i = 0;
  while (i < line.size()) {
    const char ch = line[i];
    if (std::isspace(static_cast<unsigned char>(ch))) {
      ++i;
      continue;
    }
    if (ch == '#') break;
    if (ch == '"') {
      std::string text;
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '\\' && i + 1 < line.size() && (line[i + 1] == '"' || line[i + 1] == '\\')) {
          text += line[i + 1];
          i += 2;
          continue;
        }
        if (line[i] == '"') {
          closed = true;
          ++i;
          break;
        }
        text += line[i++];
      }
      if (!closed) throw ParseError{"unterminated double quote"};
      out.push_back({text, true});
      continue;
    }
    std::string word;
    while (i < line.size() && !std::isspace(static_cast<unsigned char>(line[i])) && line[i] != '"' && line[i] != '#') {
      word += line[i++];
    }
    if (word.size() > 1 && word.back() == ':') {
      word.pop_back();
      out.push_back({word, false});
      out.push_back({":", false});
    } else {
      out.push_back({word, false});
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// The expectation model.

enum class Op { Eq, Ne, Lt, Le, Gt, Ge };

bool compare(double a, Op op, double b) {
  const double eps = 1e-9 * std::max({1.0, std::fabs(a), std::fabs(b)});
  switch (op) {
    case Op::Eq:
      return std::fabs(a - b) <= eps;
    case Op::Ne:
      return std::fabs(a - b) > eps;
    case Op::Lt:
      return a < b - eps;
    case Op::Le:
      return a <= b + eps;
    case Op::Gt:
      return a > b + eps;
    case Op::Ge:
      return a >= b - eps;
  }
  return false;
}

// An accelerator model, or every imported / every domestic one.
struct Where {
  enum class Kind { Model, Imported, Domestic } kind = Kind::Model;
  std::string id;  // canonical catalog id (Model)
  std::string text() const { return kind == Kind::Imported ? "imported" : kind == Kind::Domestic ? "domestic" : id; }
};

struct JobPred {
  enum class Kind {
    PlacedOn,
    NeverOn,
    Waited,
    Jct,
    Rejected,
    Deferred,
    Preempted,
    Resumed,
    Started,
    Finished,
    FinishedLate,
    Placements,
    Violation,
    Not
  } kind = Kind::Started;
  Where where;
  Op op = Op::Eq;
  double value = 0;            // seconds (waited, jct) or a count (placements)
  std::string text;            // `containing "TEXT"`; empty = any
  std::vector<JobPred> inner;  // Not: one predicate
};

// Alternatives: a job satisfies the list if it satisfies any of them.
using JobPreds = std::vector<JobPred>;

struct JobSet {
  enum class Kind { All, Tenant, Class, DisplacedAt, RunningOn, PlacedOn } kind = Kind::All;
  std::string name;  // tenant / class
  Where where;
  Seconds at = 0;
  std::optional<Seconds> since, before;  // PlacedOn window [since, before)
};

struct Expectation {
  int line = 0;
  std::string source;  // the line as written, for messages
  std::vector<Algorithm> schedulers;
  enum class Kind { Job, All, Some, SetEq, SetSize, Metric, Shock, LogContains, LogLacks } kind = Kind::Job;
  std::int64_t job = 0;
  JobPreds preds;
  JobSet a, b;
  Op op = Op::Eq;
  double value = 0;
  std::string name;  // metric name, shock field
  std::string text;  // shock label part, log text
};

struct Case {
  std::string name;
  fs::path yaml, expect;
  std::vector<Algorithm> run;
  int run_line = 0;
  std::optional<std::uint64_t> seed;
  bool deterministic = false;
  int deterministic_line = 0;
  bool expect_error = false;
  int error_line = 0;
  std::vector<std::string> error_texts;  // [0] = location "FILE:LINE", then substrings
  std::vector<Expectation> expectations;
};

const std::vector<std::string>& metric_names() {
  static const std::vector<std::string> k = {"violations",
                                             "completed",
                                             "rejected",
                                             "unfinished",
                                             "submitted",
                                             "imported-peak-share",
                                             "imported-device-hours-share",
                                             "domestic-share"};
  return k;
}

const std::vector<std::string>& shock_fields() {
  static const std::vector<std::string> k = {"displaced", "displaced-rejected", "devices-lost", "purchases-cancelled",
                                             "unserved-device-hours"};
  return k;
}

// ---------------------------------------------------------------------------
// Parsing one .expect file.

// "1d12h", "90m", "2h", "0" (bare numbers are seconds).
std::optional<Seconds> parse_span(const std::string& s) {
  if (s.empty()) return std::nullopt;
  Seconds total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && (std::isdigit(static_cast<unsigned char>(s[j])) || s[j] == '.')) ++j;
    if (j == i) return std::nullopt;
    const std::string number = s.substr(i, j - i);
    std::size_t k = j;
    while (k < s.size() && std::isalpha(static_cast<unsigned char>(s[k]))) ++k;
    const auto part = parse_duration(s.substr(i, k - i));
    if (!part || (k == j && k != s.size())) return std::nullopt;
    total += *part;
    i = k;
  }
  return total;
}

class LineParser {
 public:
  LineParser(std::vector<Token> tokens, const Catalog& catalog) : t_(std::move(tokens)), catalog_(catalog) {}

  bool done() const { return i_ >= t_.size(); }
  const Token* peek(std::size_t ahead = 0) const { return i_ + ahead < t_.size() ? &t_[i_ + ahead] : nullptr; }
  bool next_is(const std::string& word) const { return peek() && !peek()->quoted && peek()->text == word; }
  [[noreturn]] void fail(const std::string& message) const { throw ParseError{message}; }

  std::string word(const std::string& what) {
    if (done()) fail("expected " + what + " at the end of the line");
    if (t_[i_].quoted) fail("expected " + what + ", found the quoted text \"" + t_[i_].text + "\"");
    return t_[i_++].text;
  }
  std::string quoted(const std::string& what) {
    if (done() || !t_[i_].quoted) fail("expected " + what + " in double quotes" + found());
    return t_[i_++].text;
  }
  void keyword(const std::string& word) {
    if (!next_is(word)) fail("expected '" + word + "'" + found());
    ++i_;
  }
  void end() {
    if (!done()) fail("unexpected '" + t_[i_].text + "' after a complete expectation");
  }
  std::string found() const { return done() ? " at the end of the line" : ", found '" + t_[i_].text + "'"; }

  Op op() {
    const std::string s = word("a comparison (==, !=, <, <=, >, >=)");
    static const std::map<std::string, Op> ops = {{"==", Op::Eq}, {"!=", Op::Ne}, {"<", Op::Lt},
                                                  {"<=", Op::Le}, {">", Op::Gt},  {">=", Op::Ge}};
    auto it = ops.find(s);
    if (it == ops.end()) fail("expected a comparison (==, !=, <, <=, >, >=), found '" + s + "'");
    return it->second;
  }
  double number() {
    const std::string s = word("a number");
    try {
      std::size_t used = 0;
      const double v = std::stod(s, &used);
      if (used == s.size()) return v;
    } catch (const std::exception&) {
    }
    fail("expected a number, found '" + s + "'");
  }
  std::int64_t integer(const std::string& what) {
    const std::string s = word(what);
    if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      fail("expected " + what + " (a non-negative integer), found '" + s + "'");
    }
    return std::stoll(s);
  }
  Seconds span() {
    const std::string s = word("a duration (0, 90m, 2h, 1d12h)");
    auto d = parse_span(s);
    if (!d) fail("expected a duration such as 0, 90m, 2h or 1d12h, found '" + s + "'");
    return *d;
  }
  Seconds time() {
    const std::string s = word("a time (yyyy-mm-ddThh:mm)");
    auto t = parse_time(s);
    if (!t) fail("expected a time yyyy-mm-dd or yyyy-mm-ddThh:mm (UTC), found '" + s + "'");
    return *t;
  }
  Where where() {
    const std::string s = word("an accelerator id, 'imported' or 'domestic'");
    Where w;
    if (s == "imported") {
      w.kind = Where::Kind::Imported;
    } else if (s == "domestic") {
      w.kind = Where::Kind::Domestic;
    } else if (const Accelerator* a = catalog_.find_accelerator(s)) {
      w.id = a->id;
    } else {
      fail("unknown accelerator '" + s + "', expected a catalog id or alias, 'imported' or 'domestic'");
    }
    return w;
  }
  std::string containing() {
    if (!next_is("containing")) return "";
    ++i_;
    return quoted("the text after 'containing'");
  }

  JobPred pred() {
    JobPred p;
    const std::string w = word("a job predicate");
    using K = JobPred::Kind;
    if (w == "not") {
      p.kind = K::Not;
      p.inner.push_back(pred());
    } else if (w == "placed-on" || w == "never-on") {
      p.kind = w == "placed-on" ? K::PlacedOn : K::NeverOn;
      p.where = where();
    } else if (w == "waited" || w == "jct") {
      p.kind = w == "waited" ? K::Waited : K::Jct;
      p.op = op();
      p.value = static_cast<double>(span());
    } else if (w == "placements") {
      p.kind = K::Placements;
      p.op = op();
      p.value = number();
    } else if (w == "rejected" || w == "deferred" || w == "preempted") {
      p.kind = w == "rejected" ? K::Rejected : w == "deferred" ? K::Deferred : K::Preempted;
      p.text = containing();
    } else if (w == "resumed") {
      p.kind = K::Resumed;
    } else if (w == "started") {
      p.kind = K::Started;
    } else if (w == "finished") {
      p.kind = K::Finished;
    } else if (w == "finished-late") {
      p.kind = K::FinishedLate;
    } else if (w == "violation") {
      p.kind = K::Violation;
    } else {
      fail("unknown job predicate '" + w +
           "', expected placed-on, never-on, waited, jct, placements, rejected, deferred, preempted, resumed, "
           "started, finished, finished-late, violation or not");
    }
    return p;
  }
  JobPreds preds() {
    JobPreds out{pred()};
    while (next_is("or")) {
      ++i_;
      out.push_back(pred());
    }
    return out;
  }

  bool at_set() const {
    static const std::set<std::string> starts = {"jobs", "tenant", "class", "displaced-at", "running-on", "placed-on"};
    return peek() && !peek()->quoted && starts.count(peek()->text) > 0;
  }
  JobSet set() {
    JobSet s;
    const std::string w = word("a job set");
    using K = JobSet::Kind;
    if (w == "jobs") {
      s.kind = K::All;
    } else if (w == "tenant" || w == "class") {
      s.kind = w == "tenant" ? K::Tenant : K::Class;
      s.name = word("a " + w + " name");
    } else if (w == "displaced-at") {
      s.kind = K::DisplacedAt;
      s.at = time();
    } else if (w == "running-on") {
      s.kind = K::RunningOn;
      s.where = where();
      keyword("at");
      s.at = time();
    } else if (w == "placed-on") {
      s.kind = K::PlacedOn;
      s.where = where();
      while (next_is("since") || next_is("before")) {
        const bool since = word("since/before") == "since";
        (since ? s.since : s.before) = time();
      }
    } else {
      fail("unknown job set '" + w + "', expected jobs, tenant, class, displaced-at, running-on or placed-on");
    }
    return s;
  }

  // The part after "expect SCHEDULERS:".
  void assertion(Expectation& e) {
    using K = Expectation::Kind;
    if (next_is("job")) {
      ++i_;
      e.kind = K::Job;
      e.job = integer("a job id");
      e.preds = preds();
    } else if (next_is("all") || next_is("some")) {
      e.kind = word("all/some") == "all" ? K::All : K::Some;
      e.a = set();
      keyword(":");
      e.preds = preds();
    } else if (at_set()) {
      e.a = set();
      if (next_is("==")) {
        ++i_;
        e.kind = K::SetEq;
        e.b = set();
      } else if (next_is("size")) {
        ++i_;
        e.kind = K::SetSize;
        e.op = op();
        e.value = number();
      } else {
        fail("expected '== SET' or 'size OP N' after a job set" + found());
      }
    } else if (next_is("shock")) {
      ++i_;
      e.kind = K::Shock;
      e.text = quoted("(part of) the shock's label");
      e.name = word("a shock field");
      if (std::find(shock_fields().begin(), shock_fields().end(), e.name) == shock_fields().end()) {
        fail("unknown shock field '" + e.name +
             "', expected displaced, displaced-rejected, devices-lost, "
             "purchases-cancelled or unserved-device-hours");
      }
      e.op = op();
      e.value = number();
    } else if (next_is("log")) {
      ++i_;
      const std::string w = word("'contains' or 'lacks'");
      if (w != "contains" && w != "lacks") fail("expected 'contains' or 'lacks' after 'log', found '" + w + "'");
      e.kind = w == "contains" ? K::LogContains : K::LogLacks;
      e.text = quoted("the log text");
    } else {
      e.kind = K::Metric;
      e.name = word("an assertion");
      if (std::find(metric_names().begin(), metric_names().end(), e.name) == metric_names().end()) {
        fail("unknown assertion '" + e.name +
             "', expected job, all, some, a job set, shock, log or a metric "
             "(violations, completed, rejected, unfinished, submitted, imported-peak-share, "
             "imported-device-hours-share, domestic-share)");
      }
      e.op = op();
      e.value = number();
    }
    end();
  }

 private:
  std::vector<Token> t_;
  std::size_t i_ = 0;
  const Catalog& catalog_;
};

// Parses `c.expect`; returns "FILE:LINE: message" on the first error, else "".
// `error_line` gets the line (0 when the error concerns the whole file).
std::string parse_expect_file(Case& c, const Catalog& catalog, int& error_line) {
  std::ifstream in(c.expect);
  if (!in) return "cannot read " + c.expect.string();
  const std::string fname = c.expect.filename().string();
  int lineno = 0;
  bool have_run = false;
  std::vector<std::pair<int, std::vector<std::string>>> named;  // (line, schedulers) to check against `run`
  for (std::string line; std::getline(in, line);) {
    ++lineno;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    try {
      LineParser p(tokenize(line), catalog);
      if (p.done()) continue;
      const std::string head = p.word("run, seed or expect");
      if (head == "run") {
        if (have_run) p.fail("only one 'run' line per case");
        have_run = true;
        c.run_line = lineno;
        while (!p.done()) {
          const std::string s = p.word("a scheduler");
          auto a = parse_algorithm(s);
          if (!a) p.fail("unknown scheduler '" + s + "', expected suanli, fifo-firstfit or fastest-first");
          if (std::find(c.run.begin(), c.run.end(), *a) != c.run.end()) p.fail("scheduler '" + s + "' named twice");
          c.run.push_back(*a);
        }
        if (c.run.empty()) p.fail("'run' needs at least one scheduler");
      } else if (head == "seed") {
        if (c.seed) p.fail("only one 'seed' line per case");
        c.seed = static_cast<std::uint64_t>(p.integer("a seed"));
        if (*c.seed == 0) p.fail("seed 0 means the scenario's own seed; leave the line out instead");
        p.end();
      } else if (head == "expect") {
        if (p.next_is("deterministic")) {
          p.word("deterministic");
          p.end();
          c.deterministic = true;
          c.deterministic_line = lineno;
        } else if (p.next_is("error")) {
          p.word("error");
          if (c.expect_error) p.fail("only one 'expect error' per case");
          c.expect_error = true;
          c.error_line = lineno;
          c.error_texts.push_back(p.quoted("the error location \"FILE:LINE\""));
          const std::string& at = c.error_texts.back();
          const auto colon = at.rfind(':');
          if (colon == std::string::npos || colon + 1 == at.size() ||
              !std::all_of(at.begin() + static_cast<long>(colon) + 1, at.end(),
                           [](char ch) { return ch >= '0' && ch <= '9'; })) {
            p.fail("expected the error location as \"FILE:LINE\", found \"" + at + "\"");
          }
          while (!p.done()) c.error_texts.push_back(p.quoted("a text the error message contains"));
        } else {
          Expectation e;
          e.line = lineno;
          std::string src = line;
          if (auto hash = src.find(" #"); hash != std::string::npos) src = src.substr(0, hash);
          while (!src.empty() && std::isspace(static_cast<unsigned char>(src.back()))) src.pop_back();
          e.source = src;
          std::vector<std::string> names;
          while (true) {
            std::string s = p.word("a scheduler name followed by ':'");
            if (s == ":") break;
            std::stringstream parts(s);
            for (std::string part; std::getline(parts, part, ',');) {
              if (part.empty()) continue;
              auto a = parse_algorithm(part);
              if (!a) {
                p.fail("unknown scheduler '" + part +
                       "', expected 'expect SCHEDULER[,SCHEDULER...]: ASSERTION', 'expect deterministic' or "
                       "'expect error'");
              }
              e.schedulers.push_back(*a);
              names.push_back(part);
            }
          }
          if (e.schedulers.empty()) p.fail("expected a scheduler name before ':'");
          named.emplace_back(lineno, names);
          p.assertion(e);
          c.expectations.push_back(std::move(e));
        }
      } else {
        p.fail("unknown directive '" + head + "', expected run, seed or expect");
      }
    } catch (const ParseError& e) {
      error_line = lineno;
      return fname + ":" + std::to_string(lineno) + ": " + e.message;
    }
  }
  if (c.run.empty()) c.run.push_back(Algorithm::Sovereign);
  for (const auto& [line, names] : named) {
    for (const std::string& n : names) {
      if (std::find(c.run.begin(), c.run.end(), *parse_algorithm(n)) == c.run.end()) {
        error_line = line;
        return fname + ":" + std::to_string(line) + ": scheduler '" + n + "' is not run by this case; add it to " +
               (have_run ? "the 'run' line (line " + std::to_string(c.run_line) + ")" : "a 'run' line");
      }
    }
  }
  if (c.expect_error && (!c.expectations.empty() || c.deterministic || have_run || c.seed)) {
    return fname + ": 'expect error' is a case of its own: a scenario that fails to load has nothing to run";
  }
  if (!c.expect_error && c.expectations.empty() && !c.deterministic) {
    return fname + ": no expectations; a case must state what holds (see tests/scenarios/README.md)";
  }
  return "";
}

// ---------------------------------------------------------------------------
// One run's facts, from SimResult and its log.

struct LogLine {
  std::size_t index = 0;
  Seconds t = 0;
  std::string kind;  // place, preempt, finish, defer, reject, arrive, nodes-join, ...
  std::int64_t job = -1;
  std::string acc;
  std::string reason;
  int devices = 0;
};

std::string field(const std::string& s, const std::string& key) {
  const std::string k = " " + key + "=";
  auto at = s.find(k);
  if (at == std::string::npos) return "";
  at += k.size();
  auto end = s.find(' ', at);
  return s.substr(at, end == std::string::npos ? std::string::npos : end - at);
}

LogLine parse_log_line(const std::string& raw, std::size_t index) {
  LogLine l;
  l.index = index;
  if (raw.size() >= 17) {
    if (auto t = parse_time(raw.substr(0, 10) + "T" + raw.substr(11, 5))) l.t = *t;
    const std::string rest = raw.substr(17);
    l.kind = rest.substr(0, rest.find(' '));
    const std::string padded = " " + rest;
    if (const std::string j = field(padded, "job"); !j.empty()) {
      try {
        l.job = std::stoll(j);
      } catch (const std::exception&) {
      }
    }
    l.acc = field(padded, "acc");
    if (const std::string d = field(padded, "devices"); !d.empty()) l.devices = std::atoi(d.c_str());
    if (auto r = rest.find("reason=\""); r != std::string::npos) {
      const auto close = rest.rfind('"');
      if (close > r + 8) l.reason = rest.substr(r + 8, close - r - 8);
    }
  }
  return l;
}

struct RunFacts {
  Algorithm algorithm = Algorithm::Sovereign;
  SimResult result;
  std::vector<LogLine> lines;
  std::map<std::int64_t, const JobRecord*> records;
  std::map<std::int64_t, std::vector<const LogLine*>> by_job;

  void index() {
    lines.clear();
    for (std::size_t i = 0; i < result.log.size(); ++i) lines.push_back(parse_log_line(result.log[i], i));
    for (const LogLine& l : lines) {
      if (l.job >= 0) by_job[l.job].push_back(&l);
    }
    for (const JobRecord& r : result.jobs) records[r.id] = &r;
  }
};

struct Outcome {
  bool ok = true;
  std::string observed;
  std::set<std::int64_t> jobs;  // whose log lines to show on failure
  std::set<Seconds> times;      // instants whose log lines to show on failure
};

class Evaluator {
 public:
  Evaluator(const Catalog& catalog, const Scenario& scenario, const RunFacts& run)
      : catalog_(catalog), scenario_(scenario), run_(run) {}

  bool matches(const Where& w, const std::string& acc) const {
    if (w.kind == Where::Kind::Model) return acc == w.id;
    const Accelerator* a = catalog_.find_accelerator(acc);
    if (!a) return false;
    return (a->origin == Origin::Imported) == (w.kind == Where::Kind::Imported);
  }

  std::vector<const LogLine*> lines_of(std::int64_t job, const std::string& kind) const {
    std::vector<const LogLine*> out;
    auto it = run_.by_job.find(job);
    if (it == run_.by_job.end()) return out;
    for (const LogLine* l : it->second) {
      if (l->kind == kind) out.push_back(l);
    }
    return out;
  }

  std::string placements_text(std::int64_t job) const {
    std::string out;
    for (const LogLine* l : lines_of(job, "place")) {
      out += (out.empty() ? "" : ", ") + l->acc + " at " + format_time(l->t);
    }
    return out.empty() ? "never placed" : "placed on " + out;
  }

  std::string reasons_text(std::int64_t job, const std::string& kind) const {
    std::string out;
    for (const LogLine* l : lines_of(job, kind)) out += std::string(out.empty() ? "" : "; ") + "\"" + l->reason + "\"";
    return out.empty() ? "never " + (kind == "defer" ? std::string("deferred") : kind + "ed") : kind + " " + out;
  }

  // Does job `id` satisfy `p`? `why` gets what was observed.
  bool holds(std::int64_t id, const JobPred& p, std::string& why) const {
    const JobRecord& r = *run_.records.at(id);
    using K = JobPred::Kind;
    switch (p.kind) {
      case K::Not: {
        const bool inner = holds(id, p.inner.front(), why);
        return !inner;
      }
      case K::PlacedOn:
      case K::NeverOn: {
        bool any = false;
        for (const LogLine* l : lines_of(id, "place")) any = any || matches(p.where, l->acc);
        why = placements_text(id);
        return p.kind == K::PlacedOn ? any : !any;
      }
      case K::Waited: {
        if (r.first_start < 0) {
          why = "never started";
          return false;
        }
        why = "waited " + format_duration(r.first_start - r.arrival);
        return compare(static_cast<double>(r.first_start - r.arrival), p.op, p.value);
      }
      case K::Jct: {
        if (r.finish < 0) {
          why = "did not finish in the period";
          return false;
        }
        why = "completion time " + format_duration(r.finish - r.arrival);
        return compare(static_cast<double>(r.finish - r.arrival), p.op, p.value);
      }
      case K::Placements: {
        why = std::to_string(r.placements) + " placements (" + placements_text(id) + ")";
        return compare(r.placements, p.op, p.value);
      }
      case K::Rejected: {
        why = r.rejected ? "rejected: \"" + r.reject_reason + "\"" : "not rejected (" + placements_text(id) + ")";
        return r.rejected && r.reject_reason.find(p.text) != std::string::npos;
      }
      case K::Deferred:
      case K::Preempted: {
        const std::string kind = p.kind == K::Deferred ? "defer" : "preempt";
        why = reasons_text(id, kind);
        for (const LogLine* l : lines_of(id, kind)) {
          if (l->reason.find(p.text) != std::string::npos) return true;
        }
        return false;
      }
      case K::Resumed: {
        bool preempted = false, resumed = false;
        auto it = run_.by_job.find(id);
        if (it != run_.by_job.end()) {
          for (const LogLine* l : it->second) {
            if (l->kind == "preempt") preempted = true;
            if (l->kind == "place" && preempted) resumed = true;
          }
        }
        why = std::string(preempted ? "preempted, " : "never preempted, ") + placements_text(id);
        return resumed;
      }
      case K::Started:
        why = placements_text(id);
        return r.first_start >= 0;
      case K::Finished:
        why = r.finish >= 0 ? "finished at " + format_time(r.finish) : "did not finish in the period";
        return r.finish >= 0;
      case K::FinishedLate: {
        const auto places = lines_of(id, "place");
        if (r.finish < 0 || places.empty() || places.front()->devices <= 0) {
          why = "did not finish in the period";
          return false;
        }
        // The first placement's predicted runtime, exactly (the log rounds it).
        const auto alone = static_cast<Seconds>(std::llround(r.requested_device_s / places.front()->devices));
        why = "started " + format_time(r.first_start) + ", predicted to run " + format_duration(alone) + " (until " +
              format_time(r.first_start + alone) + "), finished " + format_time(r.finish);
        return r.finish > r.first_start + alone;
      }
      case K::Violation:
        why = r.violation ? "a placement violated the policy" : "no placement violated the policy";
        return r.violation;
    }
    return false;
  }

  bool holds_any(std::int64_t id, const JobPreds& ps, std::string& why) const {
    std::string all;
    for (const JobPred& p : ps) {
      std::string w;
      if (holds(id, p, w)) {
        why = w;
        return true;
      }
      if (all.find(w) == std::string::npos) all += (all.empty() ? "" : "; ") + w;
    }
    why = all;
    return false;
  }

  std::set<std::int64_t> members(const JobSet& s, std::string& problem) const {
    std::set<std::int64_t> out;
    using K = JobSet::Kind;
    switch (s.kind) {
      case K::All:
        for (const auto& [id, r] : run_.records) out.insert(id);
        break;
      case K::Tenant:
      case K::Class: {
        bool known = false;
        if (s.kind == K::Tenant) {
          for (const Tenant& t : scenario_.tenants) known = known || t.name == s.name;
        } else {
          for (const JobClass& c : scenario_.classes) known = known || c.name == s.name;
        }
        if (!known)
          problem =
              std::string("the scenario has no ") + (s.kind == K::Tenant ? "tenant" : "class") + " '" + s.name + "'";
        for (const auto& [id, r] : run_.records) {
          if ((s.kind == K::Tenant ? r->tenant : r->cls) == s.name) out.insert(id);
        }
        break;
      }
      case K::DisplacedAt:
        for (const LogLine& l : run_.lines) {
          if (l.kind == "preempt" && l.t == s.at && l.reason.rfind("displaced", 0) == 0) out.insert(l.job);
        }
        break;
      case K::RunningOn: {
        // Replay up to the instant: lines before it, then the completions at
        // it (the simulator processes completions first at an instant).
        std::map<std::int64_t, std::string> running;
        for (const LogLine& l : run_.lines) {
          if (l.t > s.at || (l.t == s.at && l.kind != "finish")) break;
          if (l.kind == "place") running[l.job] = l.acc;
          if (l.kind == "preempt" || l.kind == "finish") running.erase(l.job);
        }
        for (const auto& [id, acc] : running) {
          if (matches(s.where, acc)) out.insert(id);
        }
        break;
      }
      case K::PlacedOn:
        for (const LogLine& l : run_.lines) {
          if (l.kind != "place" || !matches(s.where, l.acc)) continue;
          if (s.since && l.t < *s.since) continue;
          if (s.before && l.t >= *s.before) continue;
          out.insert(l.job);
        }
        break;
    }
    return out;
  }

  static std::string set_text(const std::set<std::int64_t>& s) {
    std::string out = "{";
    for (std::int64_t id : s) out += (out.size() > 1 ? ", " : "") + std::to_string(id);
    return out + "}";
  }

  double metric(const std::string& name) const {
    const SimResult& r = run_.result;
    if (name == "violations") return r.violations;
    if (name == "completed") return r.fleet.completed;
    if (name == "rejected") return r.fleet.rejected;
    if (name == "unfinished") return r.fleet.unfinished;
    if (name == "submitted") return r.fleet.submitted;
    if (name == "imported-peak-share") return r.imported_peak_share;
    if (name == "imported-device-hours-share") return r.imported_device_hours_share;
    if (name == "domestic-share") return r.fleet.share.share_device_hours();
    return std::nan("");
  }

  Outcome check(const Expectation& e) const {
    Outcome o;
    using K = Expectation::Kind;
    switch (e.kind) {
      case K::Job: {
        o.jobs.insert(e.job);
        if (!run_.records.count(e.job)) {
          o.ok = false;
          o.observed = "job " + std::to_string(e.job) + " does not exist (the run has " +
                       std::to_string(run_.records.size()) + " jobs)";
          return o;
        }
        std::string why;
        o.ok = holds_any(e.job, e.preds, why);
        o.observed = "job " + std::to_string(e.job) + ": " + why;
        return o;
      }
      case K::All:
      case K::Some: {
        std::string problem;
        const auto set = members(e.a, problem);
        if (!problem.empty() || set.empty()) {
          o.ok = false;
          o.observed = problem.empty() ? "the job set is empty (a check over no jobs proves nothing)" : problem;
          return o;
        }
        std::string failing, passing;
        for (std::int64_t id : set) {
          std::string why;
          const bool ok = holds_any(id, e.preds, why);
          (ok ? passing : failing) += "\n    job " + std::to_string(id) + ": " + why;
          if (!ok || e.kind == K::Some) o.jobs.insert(id);
        }
        o.ok = e.kind == K::All ? failing.empty() : !passing.empty();
        o.observed = "set " + set_text(set) + (e.kind == K::All ? "; failing:" + failing : "; none holds:" + failing);
        return o;
      }
      case K::SetEq: {
        std::string pa, pb;
        const auto a = members(e.a, pa), b = members(e.b, pb);
        o.ok = a == b && !a.empty() && pa.empty() && pb.empty();
        o.observed = (pa.empty() ? "" : pa + "; ") + (pb.empty() ? "" : pb + "; ") + "left " + set_text(a) +
                     ", right " + set_text(b) +
                     (a.empty() && b.empty() ? " (both empty: a comparison of no jobs proves nothing; state "
                                               "'SET size == 0' if that is the point)"
                                             : "");
        o.jobs.insert(a.begin(), a.end());
        o.jobs.insert(b.begin(), b.end());
        for (const JobSet* s : {&e.a, &e.b}) {
          if (s->kind == JobSet::Kind::DisplacedAt || s->kind == JobSet::Kind::RunningOn) o.times.insert(s->at);
        }
        return o;
      }
      case K::SetSize: {
        std::string problem;
        const auto a = members(e.a, problem);
        o.ok = problem.empty() && compare(static_cast<double>(a.size()), e.op, e.value);
        o.observed =
            (problem.empty() ? "" : problem + "; ") + "set " + set_text(a) + " has " + std::to_string(a.size());
        o.jobs.insert(a.begin(), a.end());
        return o;
      }
      case K::Metric: {
        const double v = metric(e.name);
        o.ok = compare(v, e.op, e.value);
        std::ostringstream s;
        s << e.name << " = " << v;
        o.observed = s.str();
        return o;
      }
      case K::Shock: {
        std::vector<const ShockRecord*> found;
        std::string labels;
        for (const ShockRecord& sh : run_.result.shocks) {
          labels += "\n    \"" + sh.label + "\"";
          if (sh.label.find(e.text) != std::string::npos) found.push_back(&sh);
        }
        if (found.size() != 1) {
          o.ok = false;
          o.observed = std::to_string(found.size()) + " shocks have \"" + e.text +
                       "\" in their label (expected one); "
                       "shocks:" +
                       (labels.empty() ? std::string(" none") : labels);
          return o;
        }
        const ShockRecord& sh = *found.front();
        double v = 0;
        if (e.name == "displaced") v = sh.displaced_jobs;
        if (e.name == "displaced-rejected") v = sh.displaced_rejected;
        if (e.name == "devices-lost") v = sh.devices_lost;
        if (e.name == "purchases-cancelled") v = sh.purchases_cancelled;
        if (e.name == "unserved-device-hours") v = sh.unserved_device_hours;
        o.ok = compare(v, e.op, e.value);
        std::ostringstream s;
        s << "shock \"" << sh.label << "\" at " << format_time(sh.at) << ": " << e.name << " = " << v;
        o.observed = s.str();
        o.times.insert(sh.at);
        return o;
      }
      case K::LogContains:
      case K::LogLacks: {
        std::string hit;
        for (const std::string& l : run_.result.log) {
          if (l.find(e.text) != std::string::npos) {
            hit = l;
            break;
          }
        }
        o.ok = (e.kind == K::LogContains) == !hit.empty();
        o.observed = hit.empty() ? "no log line contains \"" + e.text + "\"" : "found: " + hit;
        return o;
      }
    }
    return o;
  }

 private:
  const Catalog& catalog_;
  const Scenario& scenario_;
  const RunFacts& run_;
};

// The log lines worth showing for a failed expectation.
std::string relevant_log(const RunFacts& run, const Outcome& o) {
  constexpr std::size_t kMax = 120;
  std::vector<std::string> picked;
  const bool filter = !o.jobs.empty() || !o.times.empty();
  for (const LogLine& l : run.lines) {
    const bool mine = (l.job >= 0 && o.jobs.count(l.job)) || o.times.count(l.t);
    if (!filter || mine || (l.job < 0 && filter && l.kind != "arrive")) picked.push_back(run.result.log[l.index]);
  }
  std::string out;
  const std::size_t n = std::min(picked.size(), kMax);
  for (std::size_t i = 0; i < n; ++i) out += "    " + picked[i] + "\n";
  if (picked.size() > kMax) out += "    ... (" + std::to_string(picked.size() - kMax) + " more lines)\n";
  if (picked.empty()) out = "    (the log is empty)\n";
  return out;
}

std::string name_of(Algorithm a) { return std::string(name(a)); }

const Catalog& catalog() {
  static const Catalog c = config::load_default_catalog();
  return c;
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

SimResult simulate_with(const Scenario& s, Algorithm a, std::uint64_t seed) {
  SimOptions o;
  o.algorithm = a;
  o.seed = seed;
  o.keep_log = true;
  return simulate(s, catalog(), o);
}

void run_case(const std::string& name) {
  Case c;
  c.name = name;
  c.yaml = kCasesDir / (name + ".yaml");
  c.expect = kCasesDir / (name + ".expect");
  if (!fs::exists(c.expect)) FAIL() << c.yaml.filename().string() << " has no " << c.expect.filename().string();
  if (!fs::exists(c.yaml)) FAIL() << c.expect.filename().string() << " has no " << c.yaml.filename().string();
  int error_line = 0;
  if (const std::string err = parse_expect_file(c, catalog(), error_line); !err.empty()) {
    GTEST_FAIL_AT(c.expect.string().c_str(), std::max(error_line, 1)) << "bad expectation file: " << err;
    return;  // GTEST_FAIL_AT does not return by itself
  }

  const std::string text = read_text(c.yaml);
  std::optional<Scenario> scenario;
  try {
    scenario = config::parse_scenario(catalog(), text, c.yaml.string(), kCasesDir.string());
  } catch (const InputError& e) {
    if (!c.expect_error) FAIL() << c.yaml.filename().string() << " does not load: " << e.what();
    const std::string& at = c.error_texts.front();
    // "FILE:LINE" matches ".../FILE:LINE" and ".../FILE:LINE:COLUMN".
    std::string where = e.where();
    if (const auto colon = where.rfind(':'); std::count(where.begin(), where.end(), ':') >= 2 &&
                                               where.find_first_not_of("0123456789", colon + 1) == std::string::npos) {
      where.resize(colon);
    }
    const bool located =
        where == at || (where.size() > at.size() && where.compare(where.size() - at.size(), at.size(), at) == 0 &&
                        (where[where.size() - at.size() - 1] == '/'));
    if (!located) {
      ADD_FAILURE_AT(c.expect.string().c_str(), c.error_line)
          << "expected the error at \"" << at << "\", it is at \"" << where << "\"\n  error: " << e.what();
    }
    for (std::size_t i = 1; i < c.error_texts.size(); ++i) {
      if (std::string(e.what()).find(c.error_texts[i]) == std::string::npos) {
        ADD_FAILURE_AT(c.expect.string().c_str(), c.error_line)
            << "expected the error to contain \"" << c.error_texts[i] << "\"\n  error: " << e.what();
      }
    }
    return;
  }
  if (c.expect_error) {
    GTEST_FAIL_AT(c.expect.string().c_str(), c.error_line)
        << "expected loading " << c.yaml.filename().string() << " to fail at \"" << c.error_texts.front()
        << "\", but it loaded";
    return;
  }

  const std::uint64_t seed = c.seed.value_or(0);
  std::map<Algorithm, RunFacts> runs;
  for (Algorithm a : c.run) {
    RunFacts& f = runs[a];
    f.algorithm = a;
    try {
      f.result = simulate_with(*scenario, a, seed);
    } catch (const InputError& e) {
      FAIL() << "simulating " << c.yaml.filename().string() << " with " << name_of(a) << " threw: " << e.what();
    }
    f.index();
  }

  for (const Expectation& e : c.expectations) {
    for (Algorithm a : e.schedulers) {
      const RunFacts& run = runs.at(a);
      const Outcome o = Evaluator(catalog(), *scenario, run).check(e);
      if (o.ok) continue;
      ADD_FAILURE_AT(c.expect.string().c_str(), e.line)
          << e.source << "\n  [" << name_of(a) << "] " << o.observed << "\n  log (" << name_of(a) << "):\n"
          << relevant_log(run, o);
    }
  }

  if (c.deterministic) {
    for (Algorithm a : c.run) {
      const SimResult again = simulate_with(*scenario, a, seed);
      const std::vector<std::string>& first = runs.at(a).result.log;
      if (again.log != first) {
        std::size_t i = 0;
        while (i < first.size() && i < again.log.size() && first[i] == again.log[i]) ++i;
        ADD_FAILURE_AT(c.expect.string().c_str(), c.deterministic_line)
            << "expect deterministic: [" << name_of(a) << "] two runs with the same seed differ at log line " << i + 1
            << ":\n    first:  " << (i < first.size() ? first[i] : "(end)")
            << "\n    second: " << (i < again.log.size() ? again.log[i] : "(end)");
      }
      if (first.empty()) {
        ADD_FAILURE_AT(c.expect.string().c_str(), c.deterministic_line) << "expect deterministic: the log is empty";
      }
      if (!scenario->arrivals.empty()) {
        const std::uint64_t other = (seed ? seed : scenario->seed) + 1;
        const SimResult different = simulate_with(*scenario, a, other);
        if (different.log == first) {
          ADD_FAILURE_AT(c.expect.string().c_str(), c.deterministic_line)
              << "expect deterministic: [" << name_of(a) << "] seed " << other << " gives the same log as seed "
              << (seed ? seed : scenario->seed) << " although the scenario draws arrivals from its seed";
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Registration: one test per case name, `scenario.NAME`.

std::string name_of_file(const fs::path& p) { return p.stem().string(); }

class ScenarioCase : public ::testing::Test {
 public:
  explicit ScenarioCase(std::string name) : name_(std::move(name)) {}
  void TestBody() override { run_case(name_); }

 private:
  std::string name_;
};

class MissingCases : public ::testing::Test {
 public:
  void TestBody() override { FAIL() << "no scenario cases found in " << kCasesDir.string(); }
};

bool valid_test_name(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(),
                                   [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; });
}

class BadCaseName : public ::testing::Test {
 public:
  explicit BadCaseName(std::string file) : file_(std::move(file)) {}
  void TestBody() override {
    FAIL() << "case file " << file_ << ": names may use only letters, digits and '_' (they become test names)";
  }

 private:
  std::string file_;
};

const bool kRegistered = [] {
  std::set<std::string> names;
  std::error_code ec;
  if (fs::is_directory(kCasesDir, ec)) {
    for (const auto& entry : fs::directory_iterator(kCasesDir, ec)) {
      if (!entry.is_regular_file()) continue;
      const std::string ext = entry.path().extension().string();
      if (ext == ".yaml" || ext == ".expect") names.insert(name_of_file(entry.path()));
    }
  }
  if (names.empty()) {
    ::testing::RegisterTest("scenario", "no_cases", nullptr, nullptr, __FILE__, __LINE__,
                            []() -> ::testing::Test* { return new MissingCases(); });
  }
  int bad = 0;
  for (const std::string& n : names) {
    if (!valid_test_name(n)) {
      ::testing::RegisterTest("scenario", ("bad_case_name_" + std::to_string(++bad)).c_str(), nullptr, nullptr,
                              __FILE__, __LINE__, [n]() -> ::testing::Test* { return new BadCaseName(n); });
      continue;
    }
    ::testing::RegisterTest("scenario", n.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                            [n]() -> ::testing::Test* { return new ScenarioCase(n); });
  }
  return true;
}();

}  // namespace
}  // namespace suanli::scenario_test

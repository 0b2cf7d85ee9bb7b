// Gavel's JSON keys are Python tuple reprs, so they get a small recursive-
// descent parser of their own instead of string splitting: the job type holds
// parentheses, spaces and possibly commas or quotes.
#include "suanli/config/gavel_reader.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "suanli/config/catalog_loader.h"
#include "suanli/config/text_lines.h"
#include "suanli/model/error.h"

namespace suanli::config {
namespace {

constexpr int kMaxScaleFactor = 1024;

class TupleParser {
 public:
  TupleParser(std::string_view key, const std::string& where) : key_(key), where_(where) {}

  TupleKey parse() {
    TupleKey out;
    skip_spaces();
    expect('(', "'(' opening the tuple");
    skip_spaces();
    out.job_type = string_literal();
    skip_spaces();
    expect(',', "',' after the job type");
    skip_spaces();
    out.scale_factor = integer();
    skip_spaces();
    if (peek() == ',') {  // Python allows a trailing comma
      ++pos_;
      skip_spaces();
    }
    expect(')', "')' closing the tuple (a tuple of a job type and a scale factor)");
    skip_spaces();
    if (pos_ != key_.size()) fail("nothing after the closing ')'");
    return out;
  }

 private:
  char peek() const { return pos_ < key_.size() ? key_[pos_] : '\0'; }
  void skip_spaces() {
    while (pos_ < key_.size() && (key_[pos_] == ' ' || key_[pos_] == '\t')) ++pos_;
  }
  [[noreturn]] void fail(std::string_view expected) const {
    const std::string found = pos_ < key_.size() ? fmt::format("'{}'", key_[pos_]) : std::string("the end");
    throw InputError(where_, fmt::format("key \"{}\": at character {}: found {}, expected {}", key_, pos_ + 1,
                                         found, expected));
  }
  void expect(char c, std::string_view expected) {
    if (peek() != c) fail(expected);
    ++pos_;
  }
  std::string string_literal() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("a quoted job type ('...' or \"...\")");
    ++pos_;
    std::string out;
    while (true) {
      if (pos_ >= key_.size()) fail(fmt::format("the closing {} of the job type", quote));
      const char c = key_[pos_++];
      if (c == quote) break;
      if (c != '\\') {
        out += c;
        continue;
      }
      switch (peek()) {
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        default: fail("an escape \\\\ \\' \\\" \\n or \\t");
      }
      ++pos_;
    }
    if (out.empty()) {
      --pos_;
      fail("a non-empty job type");
    }
    return out;
  }
  int integer() {
    const std::size_t start = pos_;
    while (pos_ < key_.size() && key_[pos_] >= '0' && key_[pos_] <= '9') ++pos_;
    int v = 0;
    const auto [ptr, ec] = std::from_chars(key_.data() + start, key_.data() + pos_, v);
    if (pos_ == start || ec != std::errc() || v < 1 || v > kMaxScaleFactor) {
      pos_ = start;
      fail(fmt::format("a scale factor, an integer in 1..{}", kMaxScaleFactor));
    }
    (void)ptr;
    return v;
  }

  std::string_view key_;
  const std::string& where_;
  std::size_t pos_ = 0;
};

// One parsed line of a text format: field access with located errors.
struct Fields {
  const std::string& file;
  int line;
  const std::vector<std::string_view>& names;
  std::vector<std::string> cells;

  std::string where() const { return fmt::format("{}:{}", file, line); }
  [[noreturn]] void fail(std::size_t i, std::string_view expected) const {
    throw InputError(where(), fmt::format("field {} '{}': found '{}', expected {}", i + 1, names[i], cells[i], expected));
  }
  const std::string& text(std::size_t i) const {
    if (cells[i].empty()) fail(i, "a non-empty value");
    return cells[i];
  }
  long long integer(std::size_t i, long long lo, long long hi, std::string_view what) const {
    const std::string& s = cells[i];
    long long v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || v < lo || v > hi) fail(i, what);
    return v;
  }
  // Seconds in decimal notation ("46317", "1234.567890"), as integer
  // microseconds; more than six decimals round to the nearest (half up).
  std::int64_t microseconds(std::size_t i) const {
    constexpr std::string_view expected = "a number of seconds >= 0 in decimal notation (0, 12 or 1234.567890)";
    const std::string& s = cells[i];
    const std::size_t dot = s.find('.');
    const std::string_view whole = std::string_view(s).substr(0, dot);
    const std::string_view frac = dot == std::string::npos ? std::string_view() : std::string_view(s).substr(dot + 1);
    const auto digits = [](std::string_view d) { return d.find_first_not_of("0123456789") == std::string_view::npos; };
    if ((whole.empty() && frac.empty()) || !digits(whole) || !digits(frac) || whole.size() > 12) fail(i, expected);
    std::int64_t us = 0;
    for (char c : whole) us = us * 10 + (c - '0');
    for (std::size_t k = 0; k < 6; ++k) us = us * 10 + (k < frac.size() ? frac[k] - '0' : 0);
    return frac.size() > 6 && frac[6] >= '5' ? us + 1 : us;
  }
  double number(std::size_t i, std::string_view what) const {
    const std::string& s = cells[i];
    double v = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) fail(i, what);
    return v;
  }
};

// Splits a CSV line with RFC 4180 quoting; an unterminated quote is an error.
std::vector<std::string> split_csv(std::string_view line, const std::string& where) {
  std::vector<std::string> out;
  std::string cell;
  std::size_t i = 0;
  while (true) {
    cell.clear();
    if (i < line.size() && line[i] == '"') {
      ++i;
      while (true) {
        if (i >= line.size()) throw InputError(where, "unterminated quoted field: expected a closing '\"'");
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            cell += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        cell += line[i++];
      }
      if (i < line.size() && line[i] != ',') {
        throw InputError(where, fmt::format("found '{}' after a quoted field, expected ',' or the end of the line", line[i]));
      }
    } else {
      while (i < line.size() && line[i] != ',') cell += line[i++];
    }
    out.push_back(cell);
    if (i >= line.size()) return out;
    ++i;  // the comma
  }
}

std::size_t line_of_offset(std::string_view text, std::size_t offset) {
  std::size_t line = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

// Gavel's trace layouts, told apart by their number of fields: the current
// one (traces/physical_cluster, scripts/utils/generate_trace.py) and the
// older one of its msr traces, without priority and SLO. The fields a
// replay needs, by index; -1 = absent (priority 1, no SLO).
struct TraceLayout {
  std::vector<std::string_view> names;
  int total_steps, scale_factor, priority_weight, slo, arrival;
};

const std::vector<TraceLayout> kTraceLayouts = {
    {{"job_type", "command", "working_directory", "num_steps_arg", "needs_data_dir", "total_steps", "scale_factor",
      "priority_weight", "SLO", "arrival_time"},
     5, 6, 7, 8, 9},
    {{"job_type", "command", "num_steps_arg", "needs_data_dir", "total_steps", "arrival_time", "scale_factor"},
     4, 6, -1, -1, 5},
};

const TraceLayout* layout_of(std::size_t fields) {
  for (const TraceLayout& l : kTraceLayouts) {
    if (l.names.size() == fields) return &l;
  }
  return nullptr;
}

trace::GavelJob read_trace_job(const Fields& f, const TraceLayout& l) {
  trace::GavelJob j;
  j.job_type = f.text(0);
  j.total_steps = f.integer(l.total_steps, 1, INT64_MAX, "a positive integer number of steps");
  j.scale_factor = static_cast<int>(f.integer(l.scale_factor, 1, kMaxScaleFactor,
                                              fmt::format("an integer number of workers in 1..{}", kMaxScaleFactor)));
  if (l.priority_weight >= 0) {
    j.priority_weight = f.number(l.priority_weight, "a number > 0");
    if (j.priority_weight <= 0) f.fail(l.priority_weight, "a number > 0");
  }
  if (l.slo >= 0) {
    j.slo = f.number(l.slo, "-1 (none) or a number of seconds > 0");
    if (j.slo != -1 && j.slo <= 0) f.fail(l.slo, "-1 (none) or a number of seconds > 0");
  }
  j.arrival_us = f.microseconds(l.arrival);
  return j;
}

constexpr std::string_view kThroughputCsvHeader = "job_type,accelerator,devices,steps_per_s,source";
constexpr std::string_view kTokenCsvHeader = "job_type,accelerator,devices,tokens_per_s,source";

}  // namespace

TupleKey parse_tuple_key(std::string_view key, const std::string& where) { return TupleParser(key, where).parse(); }

trace::ThroughputTable parse_gavel_throughputs(std::string_view json_text, const std::string& file) {
  nlohmann::json root;
  try {
    root = nlohmann::json::parse(json_text.begin(), json_text.end());
  } catch (const nlohmann::json::parse_error& e) {
    throw InputError(fmt::format("{}:{}", file, line_of_offset(json_text, e.byte == 0 ? 0 : e.byte - 1)),
                     fmt::format("malformed JSON: {}", e.what()));
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond a double's range (error 406) names its text, not where it is.
    const std::string what = e.what();
    const std::size_t open = what.find('\''), close = what.rfind('\'');
    const std::string number = open < close ? what.substr(open + 1, close - open - 1) : "";
    const std::size_t at = number.empty() ? 0 : std::min(json_text.find(number), json_text.size());
    throw InputError(fmt::format("{}:{}", file, line_of_offset(json_text, at)),
                     fmt::format("malformed JSON: found the number {}, expected one within a double's range", number));
  }
  if (!root.is_object() || root.empty()) {
    const std::size_t start = std::min(json_text.find_first_not_of(" \t\r\n"), json_text.size());
    throw InputError(fmt::format("{}:{}", file, line_of_offset(json_text, start)),
                     fmt::format("found {} {}, expected a JSON object {{worker_type: {{\"(job_type, scale_factor)\": "
                                 "{{\"null\": steps/s}}}}}}",
                                 root.empty() && root.is_object() ? "an empty" : "a JSON", root.type_name()));
  }
  const std::string source = "gavel:simulation_throughputs.json";
  trace::ThroughputTable table;
  for (const auto& [worker, jobs] : root.items()) {
    const std::string path = fmt::format("{}: \"{}\"", file, worker);
    if (!jobs.is_object()) throw InputError(path, fmt::format("found a {}, expected an object of job keys", jobs.type_name()));
    for (const auto& [key, value] : jobs.items()) {
      const TupleKey k = parse_tuple_key(key, path);
      const std::string at = fmt::format("{}: \"{}\".\"{}\"", file, worker, key);
      if (!value.is_object()) throw InputError(at, fmt::format("found a {}, expected an object with \"null\"", value.type_name()));
      const auto isolated = value.find("null");
      if (isolated == value.end()) throw InputError(at, "no \"null\" entry (the isolated throughput)");
      if (!isolated->is_number() || !std::isfinite(isolated->get<double>()) || isolated->get<double>() < 0) {
        throw InputError(at + ".\"null\"", fmt::format("found {}, expected a throughput >= 0 (steps/s)", isolated->dump()));
      }
      table.add(k.job_type, worker, k.scale_factor, {isolated->get<double>(), source});
    }
  }
  return table;
}

std::vector<trace::GavelJob> parse_gavel_trace(std::string_view text, const std::string& file) {
  std::vector<trace::GavelJob> out;
  Lines lines(text);
  std::string_view line;
  while (lines.next(line)) {
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const auto parts = split(line, '\t');
    const TraceLayout* layout = layout_of(parts.size());
    if (!layout) {
      throw InputError(fmt::format("{}:{}", file, lines.number()),
                       fmt::format("found {} tab-separated fields, expected {} ({}) or {} (Gavel's msr traces: {})",
                                   parts.size(), kTraceLayouts[0].names.size(), fmt::join(kTraceLayouts[0].names, ", "),
                                   kTraceLayouts[1].names.size(), fmt::join(kTraceLayouts[1].names, ", ")));
    }
    const Fields f{file, lines.number(), layout->names, {parts.begin(), parts.end()}};
    out.push_back(read_trace_job(f, *layout));
  }
  return out;
}

trace::ThroughputTable parse_throughput_csv(std::string_view text, const std::string& file) {
  trace::ThroughputTable table;
  std::vector<std::string_view> names = {"job_type", "accelerator", "devices", "", "source"};
  std::map<std::tuple<std::string, std::string, int>, int> first_line;
  Lines lines(text);
  std::string_view line;
  bool header = false;
  while (lines.next(line)) {
    if (line.empty() || line.front() == '#') continue;
    const std::string where = fmt::format("{}:{}", file, lines.number());
    if (!header) {
      if (line == kThroughputCsvHeader) {
        table.unit = RateUnit::StepsPerS;
      } else if (line == kTokenCsvHeader) {
        table.unit = RateUnit::TokensPerS;
      } else {
        throw InputError(where, fmt::format("header: found '{}', expected '{}' or '{}'", line, kThroughputCsvHeader,
                                            kTokenCsvHeader));
      }
      names[3] = name(table.unit);
      header = true;
      continue;
    }
    const std::string_view unit_text = table.unit == RateUnit::StepsPerS ? "steps/s" : "tokens/s";
    const std::string_view header_text = table.unit == RateUnit::StepsPerS ? kThroughputCsvHeader : kTokenCsvHeader;
    Fields f{file, lines.number(), names, split_csv(line, where)};
    if (f.cells.size() != names.size()) {
      throw InputError(where, fmt::format("found {} fields, expected {} ({})", f.cells.size(), names.size(), header_text));
    }
    const std::string& job = f.text(0);
    const std::string& acc = f.text(1);
    const int devices = static_cast<int>(
        f.integer(2, 1, kMaxScaleFactor, fmt::format("an integer number of devices in 1..{}", kMaxScaleFactor)));
    const std::string expected_rate = fmt::format("a throughput >= 0 ({})", unit_text);
    const double tput = f.number(3, expected_rate);
    if (tput < 0) f.fail(3, expected_rate);
    const std::string& source = f.text(4);
    const auto [it, inserted] = first_line.emplace(std::make_tuple(job, acc, devices), lines.number());
    if (!inserted) {
      throw InputError(where, fmt::format("duplicate measurement of ('{}', {}, {} devices), first given at line {}",
                                          job, acc, devices, it->second));
    }
    table.add(job, acc, devices, {tput, source});
  }
  if (!header) {
    throw InputError(file + ":1", fmt::format("empty file, expected the header '{}' or '{}'", kThroughputCsvHeader,
                                              kTokenCsvHeader));
  }
  return table;
}

trace::ThroughputTable read_gavel_throughputs(const std::string& path) {
  return parse_gavel_throughputs(read_file(path), path);
}
std::vector<trace::GavelJob> read_gavel_trace(const std::string& path) { return parse_gavel_trace(read_file(path), path); }
trace::ThroughputTable read_throughput_csv(const std::string& path) { return parse_throughput_csv(read_file(path), path); }
trace::ThroughputTable read_throughputs(const std::string& path) {
  return path.ends_with(".json") ? read_gavel_throughputs(path) : read_throughput_csv(path);
}

const std::vector<trace::GavelWorkerType>& gavel_worker_types() {
  static const std::vector<trace::GavelWorkerType> types = {
      {"v100", "v100-16gb"},
      {"p100", "p100"},
      {"k80", "k80"},
      {"v100_unconsolidated", "v100-16gb"},
      {"p100_unconsolidated", "p100"},
      {"k80_unconsolidated", "k80"},
  };
  return types;
}

}  // namespace suanli::config
